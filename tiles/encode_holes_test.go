package tiles

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
)

func rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// A ring-shaped parcel (a courtyard / lake hole); a zoom-18 tile lies
// entirely in the hole: nothing of the parcel is in the tile.
func TestTileInsideHoleIsEmpty(t *testing.T) {
	g := orb.MultiPolygon{{rect(121.10, 28.85, 121.11, 28.86), rect(121.101, 28.851, 121.109, 28.859)}}
	tl := TileAt(orb.Point{121.105, 28.855}, 18)
	out := TileGeometry(g, tl, DefaultOptions)
	if out != nil {
		t.Errorf("tile inside the hole got geometry %v (area %v)", out, out.Bound())
		for _, p := range geo.Validate(out) {
			t.Logf("validate: %+v", p)
		}
	}
	// Through the encoder: no feature, so an empty tile (204).
	data, n, err := Encode(tl, []LayerFeatures{{Layer: parcelLayer, Features: []Feature{{ID: 1, Geometry: g, Props: map[string]any{"id": int64(1)}}}}}, ViewFull, DefaultOptions)
	if err != nil || n != 0 || data != nil {
		t.Errorf("encoded %d features (%d bytes, %v), want an empty tile", n, len(data), err)
	}
}

// tile in the notch of an L-shaped parcel, inside its bbox but outside it
func TestTileInNotchIsEmpty(t *testing.T) {
	l := orb.Ring{{121.10, 28.85}, {121.11, 28.85}, {121.11, 28.851}, {121.101, 28.851}, {121.101, 28.86}, {121.10, 28.86}, {121.10, 28.85}}
	g := orb.MultiPolygon{{l}}
	tl := TileAt(orb.Point{121.105, 28.855}, 18)
	if out := TileGeometry(g, tl, DefaultOptions); out != nil {
		t.Errorf("tile in the notch got %v", out)
	}
}

// A hole crossing the tile's buffered edge: the result is valid and keeps
// the hole's part, as a notch.
func TestHoleAcrossTileEdge(t *testing.T) {
	tl := TileAt(orb.Point{121.105, 28.855}, 16)
	b := tl.Bound()
	mx := b.Max[0]
	cy := (b.Min[1] + b.Max[1]) / 2
	dy := (b.Max[1] - b.Min[1]) / 8
	g := orb.MultiPolygon{{rect(b.Min[0]-0.001, b.Min[1]-0.001, b.Max[0]+0.01, b.Max[1]+0.001), rect(mx-0.001, cy-dy, mx+0.001, cy+dy)}}
	out := TileGeometry(g, tl, DefaultOptions)
	for _, p := range geo.Validate(out) {
		if !p.Fixable {
			t.Errorf("invalid: %+v", p)
		}
	}
	// The hole reaches 0.001° (≈ 746 units at z 16) past the tile's east
	// edge, beyond the 64-unit buffer: clipped, it is a notch in the shell,
	// about (746 + 64) × 1024 units (a quarter of the tile's height).
	if len(out) != 1 || len(out[0]) != 1 {
		t.Fatalf("%d polygons, %d rings; want one polygon notched by the hole", len(out), len(out[0]))
	}
	notch := 4224*4224 - math.Abs(signedArea(out[0][0]))
	if want := 810.0 * 1024; math.Abs(notch-want) > 0.02*want {
		t.Errorf("notch of %v units², want ≈ %v", notch, want)
	}
}
