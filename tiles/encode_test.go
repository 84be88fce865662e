package tiles_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"landplan/demo"
	"landplan/parcels"
	"landplan/tiles"
)

var (
	demoOnce sync.Once
	demoData demo.Data
)

// demoFeatures returns the demo area's parcels and buildings as tile
// features, with ids 1… in generation order (Generate leaves ids to the
// store) and owners filled in.
func demoFeatures(tb testing.TB) (ps, bs []tiles.Feature) {
	tb.Helper()
	demoOnce.Do(func() { demoData = demo.Generate() })
	pl, bl := tiles.LayerByName("parcels"), tiles.LayerByName("buildings")
	for i, p := range demoData.Parcels {
		q := *p
		q.ID = int64(i + 1)
		ps = append(ps, pl.FeatureOf(&q))
	}
	for i, b := range demoData.Buildings {
		c := *b
		c.ID = int64(i + 1)
		bs = append(bs, bl.FeatureOf(&c))
	}
	if len(ps) != 307 || len(bs) != 1727 {
		tb.Fatalf("demo has %d parcels, %d buildings; want 307, 1727", len(ps), len(bs))
	}
	return ps, bs
}

// denseTile is the zoom-z tile holding the most demo building vertices.
func denseTile(tb testing.TB, z int) tiles.Tile {
	_, bs := demoFeatures(tb)
	count := map[tiles.Tile]int{}
	for _, f := range bs {
		for _, r := range f.Geometry[0] {
			for _, p := range r {
				count[tiles.TileAt(p, z)]++
			}
		}
	}
	var best tiles.Tile
	for t, n := range count {
		if n > count[best] || (n == count[best] && t.String() < best.String()) {
			best = t
		}
	}
	return best
}

func decode(tb testing.TB, data []byte) map[string]*mvt.Layer {
	tb.Helper()
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		tb.Fatalf("decode: %v", err)
	}
	out := map[string]*mvt.Layer{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func ringArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

func rect(lon0, lat0, lon1, lat1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}
}

func parcelFeature(id int64, g orb.MultiPolygon, owner string) tiles.Feature {
	p := &parcels.Parcel{Meta: parcels.Meta{ID: id}, Code: fmt.Sprintf("C%03d", id), Name: fmt.Sprintf("地块%d", id),
		Owner: owner, Status: parcels.StatusIdle, Geometry: g}
	p.AreaM2, p.AreaMu, p.BuildingDensity, p.PlotRatio = 1234.5678, 1.8518517, 0.456789, 1.23456
	return tiles.LayerByName("parcels").FeatureOf(p)
}

// Tile 2/2/1 spans lon 0…90 and Mercator y ¼…½ of the world. Latitude
// atan(sinh(π/4)) = 40.97989806962013° is the middle of its height, so the
// box lon 0…45, lat 0…40.98 is its lower-left quarter: x 0…2048, y 2048…4096.
func TestEncodeHandValues(t *testing.T) {
	f := parcelFeature(7, rect(0, 0, 45, 40.97989806962013), "张三")
	data, n, err := tiles.Encode(tiles.Tile{Z: 2, X: 2, Y: 1}, []tiles.LayerFeatures{{Layer: tiles.LayerByName("parcels"), Features: []tiles.Feature{f}}}, tiles.ViewFull, tiles.DefaultOptions)
	if err != nil || n != 1 {
		t.Fatalf("Encode: %d features, %v", n, err)
	}
	l := decode(t, data)["parcels"]
	if l == nil || l.Extent != 4096 || l.Version != 2 || len(l.Features) != 1 {
		t.Fatalf("layer %+v", l)
	}
	g := l.Features[0].Geometry.(orb.Polygon)
	if len(g) != 1 {
		t.Fatalf("rings: %v", g)
	}
	want := map[orb.Point]bool{{0, 2048}: true, {2048, 2048}: true, {2048, 4096}: true, {0, 4096}: true}
	for _, p := range g[0][:len(g[0])-1] {
		if !want[p] {
			t.Errorf("vertex %v not a corner of (0,2048)-(2048,4096): %v", p, g[0])
		}
	}
	if a := ringArea(g[0]); a != 2048*2048 {
		t.Errorf("exterior area %v, want +%d (MVT: exterior positive, y down)", a, 2048*2048)
	}
	if id := l.Features[0].ID; id != float64(7) { // orb decodes ids as float64
		t.Errorf("id %v (%T)", id, id)
	}
	p := l.Features[0].Properties
	if p["name"] != "地块7" || p["owner"] != "张三" || p["area_m2"] != 1234.57 || p["area_mu"] != 1.852 || p["building_density"] != 0.4568 || p["status"] != "idle" {
		t.Errorf("properties %v", p)
	}
}

// A polygon larger than the tile is clipped to the tile plus the 64-unit
// buffer on every side.
func TestEncodeClipsToBuffer(t *testing.T) {
	g := tiles.TileGeometry(rect(-10, -10, 100, 75), tiles.Tile{Z: 2, X: 2, Y: 1}, tiles.DefaultOptions)
	if len(g) != 1 || len(g[0]) != 1 {
		t.Fatalf("got %v", g)
	}
	b := g[0][0].Bound()
	if b != (orb.Bound{Min: orb.Point{-64, -64}, Max: orb.Point{4160, 4160}}) {
		t.Errorf("clipped to %v, want (-64,-64)-(4160,4160)", b)
	}
	// Entirely outside the buffered tile: nothing.
	if g := tiles.TileGeometry(rect(100, 0, 110, 10), tiles.Tile{Z: 2, X: 2, Y: 1}, tiles.DefaultOptions); g != nil {
		t.Errorf("outside polygon gave %v", g)
	}
}

// At 28.85°N a zoom-z tile is 40,075,017 m · cos φ / 2^z wide: 133.9 m at
// zoom 18, so 3 m is 3 · 4096 / 133.9 ≈ 91.8 units; at zoom 12 it is
// 1.43 units, under a pixel (8 units), and dropped.
func TestEncodeDropsSubPixelFeatures(t *testing.T) {
	d := 3 / 111320.0 // degrees of latitude in 3 m
	g := rect(121.1, 28.85, 121.1+d/math.Cos(28.85*math.Pi/180), 28.85+d)
	if got := tiles.TileGeometry(g, tiles.TileAt(orb.Point{121.1, 28.85}, 12), tiles.DefaultOptions); got != nil {
		t.Errorf("zoom 12 kept %v", got)
	}
	got := tiles.TileGeometry(g, tiles.TileAt(orb.Point{121.1, 28.85}, 18), tiles.DefaultOptions)
	if got == nil {
		t.Fatal("zoom 18 dropped a 3 m square")
	}
	if w := got.Bound().Max[0] - got.Bound().Min[0]; w < 91 || w > 93 {
		t.Errorf("3 m at zoom 18 is %v units wide, want ≈ 92", w)
	}
}

// Holes come out with negative area, exteriors positive, whatever the
// input orientation.
func TestEncodeOrientation(t *testing.T) {
	outer := orb.Ring{{0, 0}, {0, 40}, {40, 40}, {40, 0}, {0, 0}}      // clockwise in lon/lat: wrong for RFC 7946
	hole := orb.Ring{{10, 10}, {30, 10}, {30, 30}, {10, 30}, {10, 10}} // counter-clockwise: wrong too
	g := tiles.TileGeometry(orb.MultiPolygon{{outer, hole}}, tiles.Tile{Z: 1, X: 1, Y: 0}, tiles.DefaultOptions)
	if len(g) != 1 || len(g[0]) != 2 {
		t.Fatalf("got %v", g)
	}
	if a := ringArea(g[0][0]); a <= 0 {
		t.Errorf("exterior area %v, want > 0", a)
	}
	if a := ringArea(g[0][1]); a >= 0 {
		t.Errorf("hole area %v, want < 0", a)
	}
}

// The same features in any order give the same bytes.
func TestEncodeDeterministic(t *testing.T) {
	ps, bs := demoFeatures(t)
	tl := denseTile(t, 15)
	enc := func(ps, bs []tiles.Feature) []byte {
		data, n, err := tiles.Encode(tl, []tiles.LayerFeatures{{Layer: tiles.LayerByName("parcels"), Features: ps}, {Layer: tiles.LayerByName("buildings"), Features: bs}}, tiles.ViewFull, tiles.DefaultOptions)
		if err != nil || n == 0 {
			t.Fatalf("Encode: %d, %v", n, err)
		}
		return data
	}
	a := enc(ps, bs)
	rng := rand.New(rand.NewPCG(3, 4))
	ps2, bs2 := slices.Clone(ps), slices.Clone(bs)
	for i := 0; i < 3; i++ {
		rng.Shuffle(len(ps2), func(i, j int) { ps2[i], ps2[j] = ps2[j], ps2[i] })
		rng.Shuffle(len(bs2), func(i, j int) { bs2[i], bs2[j] = bs2[j], bs2[i] })
		if b := enc(ps2, bs2); !bytes.Equal(a, b) {
			t.Fatalf("shuffled input gave different bytes (%d vs %d)", len(a), len(b))
		}
	}
}

// Viewer tiles carry no owner: not as a key, not as a value anywhere in
// the bytes. Editor and planner tiles do.
func TestViewerTilesHaveNoOwner(t *testing.T) {
	ps, _ := demoFeatures(t)
	tl := denseTile(t, 15)
	pl := tiles.LayerByName("parcels")
	owners := map[string]bool{}
	for _, f := range ps {
		owners[f.Props["owner"].(string)] = true
	}
	for _, v := range []tiles.View{tiles.ViewViewer, tiles.ViewFull} {
		data, n, err := tiles.Encode(tl, []tiles.LayerFeatures{{Layer: pl, Features: ps}}, v, tiles.DefaultOptions)
		if err != nil || n == 0 {
			t.Fatalf("%s: %d, %v", v, n, err)
		}
		seen := 0
		for _, f := range decode(t, data)["parcels"].Features {
			o, ok := f.Properties["owner"]
			if ok {
				seen++
				if !owners[o.(string)] {
					t.Errorf("owner %q is no demo owner", o)
				}
			}
		}
		switch v {
		case tiles.ViewViewer:
			if seen != 0 {
				t.Errorf("viewer tile has %d owners", seen)
			}
			if bytes.Contains(data, []byte("owner")) {
				t.Error(`viewer tile contains the key "owner"`)
			}
			for o := range owners {
				if bytes.Contains(data, []byte(o)) {
					t.Errorf("viewer tile contains owner name %q", o)
				}
			}
		case tiles.ViewFull:
			if seen != n {
				t.Errorf("full tile has owners on %d of %d parcels", seen, n)
			}
		}
	}
	if tiles.ViewFor(parcels.RoleViewer) != tiles.ViewViewer || tiles.ViewFor("") != tiles.ViewViewer || tiles.ViewFor("admin") != tiles.ViewViewer ||
		tiles.ViewFor(parcels.RolePlanner) != tiles.ViewFull || tiles.ViewFor(parcels.RoleEditor) != tiles.ViewFull {
		t.Error("ViewFor maps roles wrongly")
	}
}

func TestEncodeEmpty(t *testing.T) {
	data, n, err := tiles.Encode(tiles.Tile{Z: 2, X: 0, Y: 0}, []tiles.LayerFeatures{{Layer: tiles.LayerByName("parcels"), Features: []tiles.Feature{parcelFeature(1, rect(120, 28, 121, 29), "")}}}, tiles.ViewViewer, tiles.DefaultOptions)
	if err != nil || n != 0 || data != nil {
		t.Errorf("tile far from the feature: %d features, %d bytes, %v", n, len(data), err)
	}
}

func TestPropertiesOmitEmpty(t *testing.T) {
	f := parcelFeature(1, rect(0, 0, 45, 40), "")
	f.Props["code"] = ""
	data, _, err := tiles.Encode(tiles.Tile{Z: 2, X: 2, Y: 1}, []tiles.LayerFeatures{{Layer: tiles.LayerByName("parcels"), Features: []tiles.Feature{f}}}, tiles.ViewFull, tiles.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	p := decode(t, data)["parcels"].Features[0].Properties
	if _, ok := p["code"]; ok {
		t.Errorf("empty code encoded: %v", p)
	}
	if _, ok := p["owner"]; ok {
		t.Errorf("empty owner encoded: %v", p)
	}
}
