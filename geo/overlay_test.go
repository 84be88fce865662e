package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// rect is an axis-aligned CCW rectangle.
func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.12g, want %.12g ± %g", name, got, want, tol)
	}
}

func TestUnionAdjacentAndOverlapping(t *testing.T) {
	a := orb.MultiPolygon{rect(0, 0, 10, 10)}
	b := orb.MultiPolygon{rect(10, 0, 20, 10)}
	c := orb.MultiPolygon{rect(5, 5, 15, 15)}
	u, err := Union(a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	// 200 + 100 − 50 overlap with a∪b = 250
	near(t, "area", PlaneArea(u), 250, 1e-9)
	if len(u) != 1 {
		t.Errorf("union has %d polygons, want 1", len(u))
	}
	if RingPlaneArea(u[0][0]) <= 0 {
		t.Error("union shell is not counter-clockwise")
	}
	if probs := Validate(u); len(probs) != 0 {
		t.Errorf("union invalid: %v", probs)
	}
}

func TestUnionRingOfParcelsHasHole(t *testing.T) {
	var gs []orb.MultiPolygon
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if i == 1 && j == 1 {
				continue
			}
			gs = append(gs, orb.MultiPolygon{rect(float64(i)*10, float64(j)*10, float64(i+1)*10, float64(j+1)*10)})
		}
	}
	u, err := Union(gs...)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "area", PlaneArea(u), 800, 1e-9)
	h := Holes(u)
	if len(h) != 1 {
		t.Fatalf("holes = %v, want one", h)
	}
	near(t, "hole area", PlaneArea(h), 100, 1e-9)
	if RingPlaneArea(h[0][0]) <= 0 {
		t.Error("hole polygon not CCW")
	}
	if len(u[0]) != 2 || RingPlaneArea(u[0][1]) >= 0 {
		t.Error("union hole not clockwise")
	}
}

func TestIntersectionDifference(t *testing.T) {
	a := orb.MultiPolygon{rect(0, 0, 10, 10)}
	b := orb.MultiPolygon{rect(5, 5, 15, 15)}
	i, err := Intersection(a, b)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "∩", PlaneArea(i), 25, 1e-9)
	d, err := Difference(a, b)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "−", PlaneArea(d), 75, 1e-9)
	ia, err := IntersectionArea(a, b)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "IntersectionArea", ia, 25, 1e-9)
	far := orb.MultiPolygon{rect(100, 100, 110, 110)}
	if ia, _ := IntersectionArea(a, far); ia != 0 {
		t.Errorf("disjoint IntersectionArea = %v", ia)
	}
	// Touching along an edge: no area, and no lines leak out.
	tch := orb.MultiPolygon{rect(10, 0, 20, 10)}
	i2, err := Intersection(a, tch)
	if err != nil || len(i2) != 0 {
		t.Errorf("edge-touching intersection = %v, %v; want empty", i2, err)
	}
	// Difference with disjoint b returns a unchanged in area.
	d2, err := Difference(a, far)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "a − far", PlaneArea(d2), 100, 0)
	// Large prefixed GK coordinates keep precision.
	ox, oy := 40500000.0, 3190000.0
	big1 := orb.MultiPolygon{rect(ox, oy, ox+10, oy+10)}
	big2 := orb.MultiPolygon{rect(ox+5, oy+5, ox+15, oy+15)}
	ia, err = IntersectionArea(big1, big2)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "prefixed ∩", ia, 25, 1e-6)
}

func TestIntersects(t *testing.T) {
	a := orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}}}}
	cases := []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"point inside", orb.Point{1, 1}, true},
		{"point in hole", orb.Point{5, 5}, false},
		{"point on boundary", orb.Point{10, 5}, true},
		{"point on hole boundary", orb.Point{3, 5}, true},
		{"point outside", orb.Point{11, 5}, false},
		{"line crossing", orb.LineString{{-1, 5}, {1, 5}}, true},
		{"line in hole", orb.LineString{{4, 4}, {6, 6}}, false},
		{"line outside", orb.LineString{{-1, -1}, {-1, 20}}, false},
		{"bound overlapping", orb.Bound{Min: orb.Point{9, 9}, Max: orb.Point{20, 20}}, true},
		{"bound in hole", orb.Bound{Min: orb.Point{4, 4}, Max: orb.Point{6, 6}}, false},
		{"bound containing all", orb.Bound{Min: orb.Point{-5, -5}, Max: orb.Point{20, 20}}, true},
		{"polygon in hole", rect(4, 4, 6, 6), false},
		{"polygon touching corner", rect(10, 10, 12, 12), true},
		{"multipoint one in", orb.MultiPoint{{20, 20}, {1, 1}}, true},
		{"collection none", orb.Collection{orb.Point{20, 20}, orb.LineString{{30, 30}, {40, 40}}}, false},
		{"ring", orb.Ring{{9, 9}, {12, 9}, {12, 12}, {9, 12}, {9, 9}}, true},
		{"nil", nil, false},
	}
	for _, c := range cases {
		if got := Intersects(c.g, a); got != c.want {
			t.Errorf("%s: Intersects = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestConvexHullAndPockets(t *testing.T) {
	// An L shape: hull pocket is the missing square, a hole is not a pocket.
	l := orb.MultiPolygon{{{{0, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 20}, {0, 20}, {0, 0}},
		{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}}}
	h := ConvexHull(l)
	near(t, "hull area", PlaneArea(orb.MultiPolygon{h}), 400-50, 1e-9)
	if RingPlaneArea(h[0]) <= 0 {
		t.Error("hull not CCW")
	}
	p, err := HullPockets(l)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "pocket area", PlaneArea(p), 50, 1e-9)
	if len(p) != 1 {
		t.Errorf("pockets = %d, want 1", len(p))
	}
	if ConvexHull(orb.MultiPolygon{{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}}) != nil {
		t.Error("hull of collinear points should be nil")
	}
	sq := orb.MultiPolygon{rect(0, 0, 1, 1)}
	if p, err := HullPockets(sq); err != nil || PlaneArea(p) != 0 {
		t.Errorf("convex polygon pockets = %v, %v", p, err)
	}
}

func TestSharedBoundaryLength(t *testing.T) {
	a := orb.MultiPolygon{rect(0, 0, 10, 10)}
	cases := []struct {
		name string
		b    orb.MultiPolygon
		want float64
		tol  float64
	}{
		{"full edge", orb.MultiPolygon{rect(10, 0, 20, 10)}, 10, 1e-9},
		{"partial edge", orb.MultiPolygon{rect(10, 4, 20, 20)}, 6, 1e-9},
		{"gap 3 cm", orb.MultiPolygon{rect(10.03, 0, 20, 10)}, 10, 1e-9},
		// a's top and bottom edges really run along b's for the last 2 cm.
		{"overlap 2 cm", orb.MultiPolygon{rect(9.98, 0, 20, 10)}, 10 + 2*0.02, 1e-9},
		{"slanted 4 cm over 10 m", orb.MultiPolygon{{{{10, 0}, {20, 0}, {20, 10}, {10.04, 10}, {10, 0}}}}, 10, 1e-9},
		{"perpendicular crossing edge", orb.MultiPolygon{{{{9.99, -5}, {10.01, -5}, {10.01, 5}, {9.99, 5}, {9.99, -5}}}}, 5, 1e-9},
		{"gap 10 cm", orb.MultiPolygon{rect(10.1, 0, 20, 10)}, 0, 0},
		{"corner only", orb.MultiPolygon{rect(10, 10, 20, 20)}, 0, 0},
		{"corner only, collinear edges", orb.MultiPolygon{rect(10, 10, 20, 20)}, 0, 0},
		{"diamond touching corner", orb.MultiPolygon{{{{10, 10}, {15, 15}, {10, 20}, {5, 15}, {10, 10}}}}, 0, 0},
		{"far", orb.MultiPolygon{rect(30, 30, 40, 40)}, 0, 0},
	}
	for _, c := range cases {
		got, err := SharedBoundaryLength(a, c.b, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		near(t, c.name, got, c.want, c.tol)
	}
	if _, err := SharedBoundaryLength(a, a, -1); err == nil {
		t.Error("negative tolerance accepted")
	}
	// Itself: the whole perimeter.
	got, _ := SharedBoundaryLength(a, a, 0.05)
	near(t, "self", got, 40, 1e-9)
}

func nan() float64 { return math.NaN() }
