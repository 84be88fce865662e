package geo

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

// Degenerate overlay input and output, as planning met them: gaps found by
// hull − union on projected real parcels. Each case at small coordinates and
// at prefixed GK eastings, where the overlay merges nodes 3.8 µm apart.
var degenerateOffsets = []orb.Point{{0, 0}, {40500000, 3200000}}

func shift(off orb.Point, pts ...orb.Point) orb.Ring {
	r := make(orb.Ring, len(pts))
	for i, p := range pts {
		r[i] = orb.Point{p[0] + off[0], p[1] + off[1]}
	}
	return r
}

// A ~1e-9 m² sliver along a hull edge from (80, 0) to (200, 0) and a 60 × 10 m
// rectangle below that edge share no area. simplefeatures 0.50 collapsed the
// sliver onto the edge and called the whole rectangle the intersection
// (600 m²), the difference sliver − rectangle 600 m², and at GK eastings
// failed with "no rings to extract".
func TestSliverAlongEdgeIsNotArea(t *testing.T) {
	for _, off := range degenerateOffsets {
		for _, h := range []float64{1e-11, -1e-11, 1e-13} {
			name := fmt.Sprintf("offset %v apex %g", off, h)
			sl := orb.MultiPolygon{{shift(off, orb.Point{80, 0}, orb.Point{200, 0}, orb.Point{140, h}, orb.Point{80, 0})}}
			below := orb.MultiPolygon{rect(off[0]+100, off[1]-10, off[0]+160, off[1])}
			a, err := IntersectionArea(sl, below)
			if err != nil || a != 0 {
				t.Errorf("%s: IntersectionArea = %g, %v; want 0", name, a, err)
			}
			d, err := Difference(sl, below)
			if err != nil || PlaneArea(d) > 1e-6 {
				t.Errorf("%s: sliver − rectangle = %g m², %v; want ≈ 0", name, PlaneArea(d), err)
			}
			d, err = Difference(below, sl)
			if err != nil {
				t.Fatalf("%s: rectangle − sliver: %v", name, err)
			}
			near(t, name+": rectangle − sliver", PlaneArea(d), 600, 1e-6)
			u, err := Union(below, sl)
			if err != nil {
				t.Fatalf("%s: union: %v", name, err)
			}
			near(t, name+": rectangle ∪ sliver", PlaneArea(u), 600, 1e-6)
			if len(u) != 1 || len(u[0]) != 1 || len(Validate(u)) != 0 {
				t.Errorf("%s: union = %v (problems %v), want the rectangle", name, u, Validate(u))
			}
		}
	}
}

// bridged is two 10 × 10 m squares joined by a corridor w wide and 10 m long
// (one ring).
func bridged(off orb.Point, w float64) orb.MultiPolygon {
	return orb.MultiPolygon{{shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 5}, orb.Point{20, 5},
		orb.Point{20, 0}, orb.Point{30, 0}, orb.Point{30, 10}, orb.Point{20, 10}, orb.Point{20, 5 + w},
		orb.Point{10, 5 + w}, orb.Point{10, 10}, orb.Point{0, 10}, orb.Point{0, 0})}}
}

// Two pockets joined by a ~1 nm bridge come out of overlay as two polygons
// (the bridge has no width at the overlay's precision), and further overlay
// of them works: it failed with "no rings to extract".
func TestBridgedPocketsSplit(t *testing.T) {
	for _, off := range degenerateOffsets {
		w := 1e-13 // below the overlay's 1.8e-12 m node merging near 30 m
		if off[0] != 0 {
			w = 1e-9 // the ~1 nm bridge planning met, below 3.8 µm at these eastings
		}
		name := fmt.Sprintf("offset %v bridge %g", off, w)
		g := bridged(off, w)
		u, err := Union(g)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		near(t, name+": area", PlaneArea(u), 200, 1e-4)
		if len(u) != 2 || len(Validate(u)) != 0 {
			t.Errorf("%s: union = %v (problems %v), want two squares", name, u, Validate(u))
		}
		other := orb.MultiPolygon{rect(off[0]+5, off[1]+5, off[0]+25, off[1]+20)}
		u2, err := Union(u, other)
		if err != nil {
			t.Fatalf("%s: ∪ rectangle: %v", name, err)
		}
		near(t, name+": ∪ rectangle", PlaneArea(u2), 450, 1e-4)
		d, err := Difference(other, u)
		if err != nil {
			t.Fatalf("%s: rectangle − pockets: %v", name, err)
		}
		near(t, name+": rectangle − pockets", PlaneArea(d), 250, 1e-4)
		hp, err := HullPockets(u)
		if err != nil {
			t.Fatalf("%s: HullPockets: %v", name, err)
		}
		// Hull 30 × 10 minus the squares: the 10 × 10 gap between them.
		near(t, name+": hull pockets", PlaneArea(hp), 100, 1e-4)
		if len(Validate(hp)) != 0 {
			t.Errorf("%s: pockets invalid: %v", name, Validate(hp))
		}
	}
}

// A zero-width spike on an input does not reach the output.
func TestSpikeRemoved(t *testing.T) {
	for _, off := range degenerateOffsets {
		g := orb.MultiPolygon{{shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 5}, orb.Point{25, 5},
			orb.Point{10, 5}, orb.Point{10, 10}, orb.Point{0, 10}, orb.Point{0, 0})}}
		u, err := Union(g, orb.MultiPolygon{rect(off[0]+5, off[1]+5, off[0]+8, off[1]+20)})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "area", PlaneArea(u), 130, 1e-6)
		if b := u.Bound(); b.Max[0] != off[0]+10 || len(Validate(u)) != 0 {
			t.Errorf("offset %v: union %v keeps the spike (problems %v)", off, u, Validate(u))
		}
	}
}

// Holes and pockets of 500 real parcels come out without slivers: every
// polygon at least a millimetre wide on average, all valid, and the pockets
// can be overlaid again.
func TestRealPocketsClean(t *testing.T) {
	gs := realBlock(loadCambridgePlane(t), 333, 500)
	u, err := Union(gs...)
	if err != nil {
		t.Fatal(err)
	}
	hull := ConvexHull(u)
	cand, err := Difference(orb.MultiPolygon{hull}, u)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range cand {
		g := orb.MultiPolygon{p}
		if a, per := PlaneArea(g), perimeterOf(g); 2*a/per < 1e-5 {
			t.Errorf("candidate %d: %g m² over %g m of boundary", i, a, per)
		}
		if _, err := Union(g); err != nil {
			t.Errorf("candidate %d: union: %v", i, err)
		}
	}
	back, err := Union(u, cand)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "union ∪ (hull − union)", PlaneArea(back), PlaneArea(orb.MultiPolygon{hull}), 1e-3)
}

func perimeterOf(g orb.MultiPolygon) float64 {
	s := 0.0
	for _, p := range g {
		for _, r := range p {
			s += ringLength(r)
		}
	}
	return s
}

// Cleaning keeps inputs that run clockwise (as GeoJSON from other tools
// often does): their shell is not mistaken for a hole.
func TestCleanKeepsClockwiseInput(t *testing.T) {
	for _, off := range degenerateOffsets {
		cw := orb.MultiPolygon{{shift(off, orb.Point{0, 0}, orb.Point{0, 10}, orb.Point{10, 10}, orb.Point{10, 0}, orb.Point{0, 0})}}
		u, err := Union(cw, orb.MultiPolygon{rect(off[0]+10, off[1], off[0]+20, off[1]+10)})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "clockwise ∪ rectangle", PlaneArea(u), 200, 1e-6)
		// A clockwise bow-tie-free shell with a clockwise-wound spike.
		sp := orb.MultiPolygon{{shift(off, orb.Point{0, 0}, orb.Point{0, 10}, orb.Point{10, 10}, orb.Point{10, 5},
			orb.Point{25, 5}, orb.Point{10, 5}, orb.Point{10, 0}, orb.Point{0, 0})}}
		d, err := Difference(sp, orb.MultiPolygon{rect(off[0]+5, off[1], off[0]+10, off[1]+10)})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "clockwise spiked − rectangle", PlaneArea(d), 50, 1e-6)
		if len(Validate(d)) != 0 || d.Bound().Max[0] != off[0]+5 {
			t.Errorf("offset %v: %v (problems %v)", off, d, Validate(d))
		}
	}
}

// Two pockets whose ring runs back along itself: the straight top edge
// passes over the corners (40, 15) and (80, 15) of the land between them
// (what hull − union gives along a ragged edge). Clean splits them.
func TestCleanSplitsPocketsAlongOneEdge(t *testing.T) {
	for _, off := range degenerateOffsets {
		g := orb.MultiPolygon{{shift(off, orb.Point{0, 15}, orb.Point{0, 0}, orb.Point{40, 0}, orb.Point{40, 15},
			orb.Point{80, 15}, orb.Point{80, 0}, orb.Point{120, 0}, orb.Point{120, 15}, orb.Point{0, 15})}}
		c := Clean(g, 1e-4)
		if len(c) != 2 || len(Validate(c)) != 0 {
			t.Fatalf("offset %v: Clean = %v (problems %v), want two pockets", off, c, Validate(c))
		}
		near(t, "pocket", PlaneArea(orb.MultiPolygon{c[0]}), 600, 1e-6)
		near(t, "pocket", PlaneArea(orb.MultiPolygon{c[1]}), 600, 1e-6)
		// A 0.05 mm bow between them is no width at 0.1 mm.
		g[0][0][3][1] -= 5e-5
		g[0][0][4][1] -= 5e-5
		if c := Clean(g, 1e-4); len(c) != 2 {
			t.Errorf("offset %v: bowed: %d polygons, want 2", off, len(c))
		}
		// Clean leaves a clean polygon alone.
		r := orb.MultiPolygon{rect(off[0], off[1], off[0]+10, off[1]+10)}
		if c := Clean(r, 1e-4); &c[0][0][0] != &r[0][0][0] {
			t.Error("clean rectangle was copied")
		}
	}
}
