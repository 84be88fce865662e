package tilestest

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
)

func tile(t *testing.T, feats ...*geojson.Feature) []byte {
	t.Helper()
	b, err := mvt.Marshal(mvt.Layers{{Name: "parcels", Version: 2, Extent: 4096, Features: feats}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func square(id uint64, side float64, props geojson.Properties) *geojson.Feature {
	f := geojson.NewFeature(orb.Polygon{{{0, 0}, {side, 0}, {side, side}, {0, side}, {0, 0}}})
	f.ID, f.Properties = id, props
	return f
}

func TestDiff(t *testing.T) {
	a := tile(t, square(1, 100, geojson.Properties{"name": "甲", "area_m2": 12.5}), square(2, 50, geojson.Properties{"name": "乙"}))
	if d := Diff(a, a, "parcels"); d != nil {
		t.Errorf("a tile differs from itself: %v", d)
	}
	for name, c := range map[string]struct {
		b    []byte
		want string
	}{
		"value":     {tile(t, square(1, 100, geojson.Properties{"name": "甲", "area_m2": 12.6}), square(2, 50, geojson.Properties{"name": "乙"})), "area_m2"},
		"attribute": {tile(t, square(1, 100, geojson.Properties{"name": "甲"}), square(2, 50, geojson.Properties{"name": "乙"})), "attributes"},
		"feature":   {tile(t, square(1, 100, geojson.Properties{"name": "甲", "area_m2": 12.5})), "only in the first"},
		"area":      {tile(t, square(1, 100, geojson.Properties{"name": "甲", "area_m2": 12.5}), square(2, 90, geojson.Properties{"name": "乙"})), "area"},
	} {
		d := Diff(a, c.b, "parcels")
		if len(d) != 1 || !strings.Contains(d[0], c.want) {
			t.Errorf("%s: %v, want one difference about %q", name, d, c.want)
		}
	}
	// Within two units per unit of perimeter (simplification, snapping): equal.
	if d := Diff(a, tile(t, square(1, 100.5, geojson.Properties{"name": "甲", "area_m2": 12.5}), square(2, 50, geojson.Properties{"name": "乙"})), "parcels"); d != nil {
		t.Errorf("a half-unit wider square differs: %v", d)
	}
}
