package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"landplan/parcels"
)

// checkRect is the rectangle [x0,x1]×[y0,y1] in metres east/north of a point
// in Linhai (zone 40), as lon/lat.
func checkRect(x0, y0, x1, y1 float64) orb.Polygon {
	const e, n = 40607340.725, 3193141.369
	r := orb.Ring{{e + x0, n + y0}, {e + x1, n + y0}, {e + x1, n + y1}, {e + x0, n + y1}, {e + x0, n + y0}}
	return parcels.LinhaiZone.Unproject(orb.MultiPolygon{{r}})[0]
}

func writeFC(t *testing.T, feats ...*geojson.Feature) string {
	t.Helper()
	fc := geojson.NewFeatureCollection()
	fc.Features = feats
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "in.geojson")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func feat(g orb.Geometry, props map[string]any) *geojson.Feature {
	f := geojson.NewFeature(g)
	for k, v := range props {
		f.Properties[k] = v
	}
	return f
}

func zoneFile(t *testing.T) string {
	return writeFC(t,
		feat(checkRect(0, 0, 100, 100), map[string]any{"role": "member", "id": 1, "lease_end": "2040-06-30"}),
		feat(checkRect(110, 0, 210, 100), map[string]any{"role": "member", "id": 2, "lease_end": "2045-03-15", "land_source": "transferred"}),
		feat(checkRect(100, 0, 110, 100), map[string]any{"role": "piece", "id": "S"}),
		feat(checkRect(300, 300, 310, 310), map[string]any{"role": "piece", "id": "far"}),
	)
}

func TestCheckZoneText(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runCheck([]string{zoneFile(t)}, &out, &errb); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	s := out.String()
	// S: 1000 m² between the two members; merged 21000 m²; "far" touches
	// nothing, so the zone is partial.
	for _, want := range []string{"1000.00 ÷ 21000.00 = 4.76%", "夹心地", "结论：部分可纳入", "统一终止日期 2045-03-15", "补缴 4 年 258 天"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	out.Reset()
	if err := runCheck([]string{"--lang", "en", zoneFile(t)}, &out, &errb); err != nil || !strings.Contains(out.String(), "Verdict: partial") {
		t.Errorf("en: %v\n%s", err, out.String())
	}
	// Flags after the file work too.
	out.Reset()
	if err := runCheck([]string{zoneFile(t), "--json", "--lang", "en"}, &out, &errb); err != nil || !strings.HasPrefix(strings.TrimSpace(out.String()), "{") {
		t.Errorf("flags after the file: %v\n%s", err, out.String())
	}
}

func TestCheckZoneJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runCheck([]string{"--json", "--profile", "linhai", zoneFile(t)}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	var r struct {
		MergedAreaM2 float64 `json:"merged_area_m2"`
		Verdict      string  `json:"verdict"`
		Pieces       []struct {
			ID       string  `json:"id"`
			AreaM2   float64 `json:"area_m2"`
			Kind     string  `json:"kind"`
			Touches  []int64 `json:"touches"`
			Eligible bool    `json:"eligible"`
		} `json:"pieces"`
		Lease struct {
			UnifiedEnd string `json:"unified_end"`
		} `json:"lease"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if r.Verdict != "partial" || len(r.Pieces) != 2 || r.Lease.UnifiedEnd != "2045-03-15" {
		t.Errorf("%+v", r)
	}
	if d := r.MergedAreaM2 - 21000; d > 1e-3 || d < -1e-3 {
		t.Errorf("merged %.4f", r.MergedAreaM2)
	}
	if p := r.Pieces[0]; p.ID != "S" || p.Kind != "sandwiched" || !p.Eligible || len(p.Touches) != 2 {
		t.Errorf("piece S: %+v", p)
	}
}

func TestCheckSiteAndDetect(t *testing.T) {
	site := writeFC(t,
		feat(checkRect(0, 0, 300, 300), map[string]any{"role": "site", "park_type": "new_land", "floor_area_m2": 200000}),
		feat(checkRect(10, 10, 210, 160), map[string]any{"role": "building", "use": "production", "floors": 3, "height_m": 12}),
	)
	var out, errb bytes.Buffer
	if err := runCheck([]string{site}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	// 135 亩 ≥ 100; plot ratio 200000/90000 = 2.2222; density 30000/90000 = 33.33% → 提示.
	for _, want := range []string{"135.000 亩", "200000.00 ÷ 90000.00 = 2.2222", "[提示] （四） 建筑密度"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("site output lacks %q:\n%s", want, out.String())
		}
	}
	hole := writeFC(t, feat(orb.Polygon{checkRect(0, 0, 100, 100)[0], checkRect(40, 40, 60, 60)[0].Clone()}, map[string]any{"role": "member"}))
	out.Reset()
	if err := runCheck([]string{"--detect", "--json", hole}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"id": "D1"`) || !strings.Contains(out.String(), `"detected": true`) {
		t.Errorf("hole not detected:\n%s", out.String())
	}
}

func TestCheckErrors(t *testing.T) {
	bad := map[string][]string{
		"no file":      {},
		"bad lang":     {"--lang", "fr", zoneFile(t)},
		"bad profile":  {"--profile", "nowhere", zoneFile(t)},
		"missing file": {filepath.Join(t.TempDir(), "none.geojson")},
		"bad role":     {writeFC(t, feat(checkRect(0, 0, 1, 1), map[string]any{"role": "road"}))},
		"line":         {writeFC(t, feat(orb.LineString{{121.1, 28.8}, {121.2, 28.9}}, map[string]any{"role": "member"}))},
		"nothing":      {writeFC(t, feat(checkRect(0, 0, 10, 10), map[string]any{"role": "building"}))},
		"bad use": {writeFC(t, feat(checkRect(0, 0, 300, 300), map[string]any{"role": "site"}),
			feat(checkRect(10, 10, 20, 20), map[string]any{"role": "building", "use": "dorm", "floors": 2}))},
		"fractional floors": {writeFC(t, feat(checkRect(0, 0, 300, 300), map[string]any{"role": "site"}),
			feat(checkRect(10, 10, 20, 20), map[string]any{"role": "building", "use": "production", "floors": 2.5}))},
		"dup member": {writeFC(t, feat(checkRect(0, 0, 1, 1), map[string]any{"role": "member", "id": 3}), feat(checkRect(1, 0, 2, 1), map[string]any{"role": "member", "id": 3}))},
		"outside":    {writeFC(t, feat(orb.Polygon{{{-71.1, 42.4}, {-71.0, 42.4}, {-71.0, 42.5}, {-71.1, 42.4}}}, map[string]any{"role": "member"}))},
	}
	for name, args := range bad {
		var out, errb bytes.Buffer
		if err := runCheck(args, &out, &errb); err == nil {
			t.Errorf("%s: no error; output:\n%s", name, out.String())
		}
	}
}

// A piece's GeoJSON feature id names the piece when it has no id property;
// site and building features next to members are not silently dropped.
func TestCheckPieceFeatureIDAndIgnoredSite(t *testing.T) {
	pc := feat(checkRect(100, 0, 110, 100), map[string]any{"role": "piece"})
	pc.ID = "P7"
	path := writeFC(t,
		feat(checkRect(0, 0, 100, 100), map[string]any{"role": "member", "id": 1}),
		feat(checkRect(110, 0, 210, 100), map[string]any{"role": "member", "id": 2}),
		pc,
		feat(checkRect(0, 0, 210, 100), map[string]any{"role": "site"}),
		feat(checkRect(10, 10, 20, 20), map[string]any{"role": "building", "use": "production", "floors": 2}),
	)
	var out, errb bytes.Buffer
	if err := runCheck([]string{"--json", path}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"id": "P7"`) {
		t.Errorf("piece id from the feature id:\n%s", out.String())
	}
	if e := errb.String(); !strings.Contains(e, "site") || !strings.Contains(e, "building") || !strings.Contains(e, "场地") {
		t.Errorf("stderr must say the site and building features were not checked: %q", e)
	}
}

// The CLI names the feature and says why, in Chinese and English.
func TestCheckBadUseMessage(t *testing.T) {
	path := writeFC(t, feat(checkRect(0, 0, 300, 300), map[string]any{"role": "site"}),
		feat(checkRect(10, 10, 20, 20), map[string]any{"role": "building", "use": "dorm", "floors": 2}))
	var out, errb bytes.Buffer
	err := runCheck([]string{path}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "feature 2") || !strings.Contains(err.Error(), `"dorm"`) || !strings.Contains(err.Error(), "建筑用途") {
		t.Errorf("unknown use: %v", err)
	}
}

// A collection with a "park" member gets the compliance report: floor area
// 200000 m² declared, so the maintenance fund due is 200000 × 12 = 2400000
// (paid in full: pass) and the warranty deposit 200000 × 6 = 1200000 (paid
// 1000000: fail); 15 enterprises, all in the lead industry C34 (pass).
func TestCheckParkCompliance(t *testing.T) {
	var ents []map[string]any
	for i := 1; i <= 15; i++ {
		ents = append(ents, map[string]any{"id": fmt.Sprint(i), "industry": "C3411"})
	}
	park := map[string]any{"lead_industries": []string{"C34"}, "enterprises": ents,
		"payments": map[string]any{"maintenance_fund_yuan": 2400000, "warranty_deposit_yuan": 1000000}}
	write := func(park map[string]any) string {
		fc := geojson.NewFeatureCollection()
		fc.Features = []*geojson.Feature{
			feat(checkRect(0, 0, 300, 300), map[string]any{"role": "site", "park_type": "new_land", "floor_area_m2": 200000}),
			feat(checkRect(10, 10, 210, 160), map[string]any{"role": "building", "use": "production", "floors": 3, "height_m": 12}),
		}
		fc.ExtraMembers = geojson.Properties{"park": park}
		b, err := json.Marshal(fc)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "park.geojson")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var out, errb bytes.Buffer
	if err := runCheck([]string{write(park), "--json"}, &out, &errb); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	var r struct {
		Checks []struct {
			Rule   string `json:"rule"`
			Status string `json:"status"`
			Limit  any    `json:"limit"` // a number, or a list for some rules
		} `json:"checks"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := map[string]string{"maintenance_fund": "pass", "warranty_deposit": "fail", "enterprise_count": "pass", "same_industry_share": "pass"}
	for _, c := range r.Checks {
		if w, ok := want[c.Rule]; ok {
			if c.Status != w {
				t.Errorf("%s: %s, want %s", c.Rule, c.Status, w)
			}
			delete(want, c.Rule)
		}
		if c.Rule == "warranty_deposit" && c.Limit != 1200000.0 {
			t.Errorf("warranty deposit due %v, want 1200000", c.Limit)
		}
	}
	if len(want) > 0 {
		t.Errorf("checks missing: %v\n%s", want, out.String())
	}
	out.Reset()
	if err := runCheck([]string{write(park)}, &out, &errb); err != nil || !strings.Contains(out.String(), "园区合规核查") {
		t.Errorf("text: %v\n%s", err, out.String())
	}
	// A misspelt member is an error, not a missing figure.
	if err := runCheck([]string{write(map[string]any{"paymentz": map[string]any{}})}, &out, &errb); err == nil || !strings.Contains(err.Error(), "paymentz") {
		t.Errorf("misspelt park member: %v", err)
	}
}
