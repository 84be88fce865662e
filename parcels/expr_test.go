package parcels

import "testing"

func TestLikeMatchesRunes(t *testing.T) {
	props := map[string]any{"name": "杜桥镇阀门厂", "code": "331082a_%"}
	for _, c := range []struct {
		prop, pat string
		want      bool
	}{
		{"name", "杜桥镇%", true},
		{"name", "%阀门%", true},
		{"name", "杜桥_阀门厂", true}, // _ is one character, not one byte
		{"name", "杜桥__阀门厂", false},
		{"name", "大洋%", false},
		{"code", `331082a\_\%`, true},
		{"code", `331082ab%`, false},
	} {
		if got := Match(Like{Prop: c.prop, Pattern: c.pat}, props, nil); got != c.want {
			t.Errorf("%s LIKE %q = %v, want %v", c.prop, c.pat, got, c.want)
		}
	}
}
