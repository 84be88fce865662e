package tiles_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
	"landplan/tiles"
)

func TestTileJSON(t *testing.T) {
	l := tiles.LayerByName("parcels")
	b := orb.Bound{Min: orb.Point{121.1, 28.8}, Max: orb.Point{121.3, 28.9}}
	full := tiles.NewTileJSON(l, "https://gis.example.cn/", tiles.ViewFull, &b)
	if full.TileJSON != "3.0.0" || full.Tiles[0] != "https://gis.example.cn/api/tiles/parcels/{z}/{x}/{y}.mvt" ||
		full.MinZoom != 12 || full.MaxZoom != 18 || full.Scheme != "xyz" {
		t.Errorf("tilejson %+v", full)
	}
	// No bounds (MapLibre would never ask beyond them); the centre of the data.
	if full.Bounds != nil || !near(full.Center[0], 121.2, 1e-9) || !near(full.Center[1], 28.85, 1e-9) || full.Center[2] != 14 {
		t.Errorf("bounds %v centre %v", full.Bounds, full.Center)
	}
	vl := full.VectorLayers
	if len(vl) != 1 || vl[0].ID != "parcels" || vl[0].Fields["owner"] == "" || !strings.HasPrefix(vl[0].Fields["area_mu"], "Number") {
		t.Errorf("vector_layers %+v", vl)
	}
	viewer := tiles.NewTileJSON(l, "https://gis.example.cn", tiles.ViewViewer, nil)
	if _, ok := viewer.VectorLayers[0].Fields["owner"]; ok {
		t.Error("viewer TileJSON lists owner")
	}
	if viewer.Bounds != nil || len(viewer.VectorLayers[0].Fields) != len(l.Fields)-1 {
		t.Errorf("viewer tilejson %+v", viewer)
	}
	// Every field the encoder writes is described.
	for _, layer := range tiles.Layers() {
		f := layer.FeatureOf(sampleRow(layer))
		for k := range f.Props {
			if _, ok := layer.Field(k); !ok {
				t.Errorf("%s: attribute %q has no Field", layer.Name, k)
			}
		}
		for _, fd := range layer.Fields {
			if _, ok := f.Props[fd.Name]; !ok {
				t.Errorf("%s: Field %q is never filled", layer.Name, fd.Name)
			}
		}
	}
}

func TestStyle(t *testing.T) {
	if tiles.Style("nope", "", tiles.StyleOptions{}) != nil {
		t.Error("unknown style returned")
	}
	s := tiles.Style("landplan", "http://127.0.0.1:8080", tiles.StyleOptions{})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version int
		Glyphs  string
		Sources map[string]struct{ Type, URL string }
		Layers  []struct {
			ID, Type, Source string
			SourceLayer      string `json:"source-layer"`
			Layout           map[string]any
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 8 || !strings.Contains(doc.Glyphs, "{fontstack}") || !strings.Contains(doc.Glyphs, "{range}") {
		t.Errorf("version %d glyphs %q", doc.Version, doc.Glyphs)
	}
	for _, l := range tiles.Layers() {
		src := doc.Sources[l.Name]
		if src.Type != "vector" || src.URL != "http://127.0.0.1:8080/api/tiles/"+l.Name+".json" {
			t.Errorf("source %s: %+v", l.Name, src)
		}
	}
	ids := map[string]bool{}
	for _, l := range doc.Layers {
		if ids[l.ID] {
			t.Errorf("layer id %s twice", l.ID)
		}
		ids[l.ID] = true
		if l.Type != "background" {
			if _, ok := doc.Sources[l.Source]; !ok || l.SourceLayer != l.Source {
				t.Errorf("layer %s: source %q / %q", l.ID, l.Source, l.SourceLayer)
			}
		}
	}
	for _, id := range []string{"parcels-fill", "buildings-fill", "zones-outline", "parcels-label", "zones-label"} {
		if !ids[id] {
			t.Errorf("style lacks %s", id)
		}
	}
	// Labels are Chinese: the zone label appends 亩.
	if !strings.Contains(string(b), "亩") || !strings.Contains(string(b), "改造片区") {
		t.Error("zone label is not Chinese")
	}
	// Every status has a colour.
	for _, st := range []string{"in_use", "inefficient", "redeveloping", "idle"} {
		if !strings.Contains(string(b), `"`+st+`"`) {
			t.Errorf("no fill for status %s", st)
		}
	}
}

func sampleRow(l *tiles.Layer) any {
	switch l.Name {
	case "parcels":
		return &parcels.Parcel{Meta: parcels.Meta{ID: 1}, Code: "c", Name: "n", Owner: "o", Status: parcels.StatusIdle, LandUse: "0601", Town: "t"}
	case "buildings":
		return &parcels.Building{Meta: parcels.Meta{ID: 1}, ParcelID: 2, Name: "n", Use: parcels.UseOffice, Floors: 3, HeightM: 12}
	}
	return &parcels.Zone{Meta: parcels.Meta{ID: 1}, Name: "z", Status: parcels.ZoneDraft, Members: []int64{1, 2}}
}

// TestStyleValidates runs MapLibre's own validator (gl-style-validate from
// the npm package @maplibre/maplibre-gl-style-spec) over the style. The
// validator is pinned in tools/package.json and put on PATH by scripts/test;
// without it the test skips, except under CI, where it fails.
func TestStyleValidates(t *testing.T) {
	v, err := exec.LookPath("gl-style-validate")
	if err != nil {
		v, err = filepath.Abs("../tools/node_modules/.bin/gl-style-validate")
		if _, serr := os.Stat(v); err != nil || serr != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("gl-style-validate is missing (scripts/test installs it from tools/package.json)")
			}
			t.Skip("gl-style-validate not installed: run scripts/test, or npm ci --prefix tools")
		}
	}
	b, err := json.Marshal(tiles.Style("landplan", "http://127.0.0.1:8080", tiles.StyleOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "landplan.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(v, path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("gl-style-validate: %v\n%s", err, out)
	}
}
