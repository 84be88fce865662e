package geo

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func codes(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

// Linhai-like lon/lat square, CCW.
var lsq = orb.Polygon{{{121.1, 28.8}, {121.101, 28.8}, {121.101, 28.801}, {121.1, 28.801}, {121.1, 28.8}}}

func TestValidateCases(t *testing.T) {
	cases := []struct {
		name    string
		g       orb.MultiPolygon
		code    string // expected first problem code, "" for valid
		fixable bool
		poly    int
		ring    int
		vertex  int
		point   orb.Point
	}{
		{name: "valid square", g: orb.MultiPolygon{rect(0, 0, 1, 1)}},
		{name: "valid with hole", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}}}},
		{name: "hole touching shell at one point", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{0, 5}, {2, 6}, {2, 4}, {0, 5}}}}},
		{name: "unclosed", g: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, code: CodeUnclosedRing, vertex: 3, point: orb.Point{0, 1}},
		{name: "too few", g: orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 0}}}}, code: CodeTooFewPoints, vertex: -1},
		{name: "too few distinct", g: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 0}, {0, 0}}}}, code: CodeRepeatedVertex, fixable: true, vertex: 2, point: orb.Point{1, 0}},
		{name: "NaN", g: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, nan()}, {0, 1}, {0, 0}}}}, code: CodeNonFinite},
		{name: "repeated", g: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}, code: CodeRepeatedVertex, fixable: true, vertex: 2, point: orb.Point{1, 0}},
		{name: "clockwise shell", g: orb.MultiPolygon{{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}}, code: CodeWrongOrientation, fixable: true, vertex: -1},
		{name: "bow tie", g: orb.MultiPolygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}, code: CodeSelfIntersection, vertex: 0, point: orb.Point{1, 1}},
		{name: "pinch", g: orb.MultiPolygon{{{{0, 0}, {4, 0}, {2, 2}, {4, 4}, {0, 4}, {2, 2}, {0, 0}}}}, code: CodeSelfIntersection, vertex: 1, point: orb.Point{2, 2}},
		{name: "spike", g: orb.MultiPolygon{{{{0, 0}, {4, 0}, {4, 4}, {4, 6}, {4, 4}, {0, 4}, {0, 0}}}}, code: CodeSelfIntersection, vertex: 1, point: orb.Point{4, 4}},
		{name: "collinear", g: orb.MultiPolygon{{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}}, code: CodeSelfIntersection, vertex: 0},
		{name: "hole outside", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{20, 2}, {20, 4}, {22, 4}, {22, 2}, {20, 2}}}}, code: CodeHoleOutsideShell, ring: 1, vertex: 0, point: orb.Point{20, 2}},
		{name: "hole crossing", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{8, 2}, {8, 4}, {12, 4}, {12, 2}, {8, 2}}}}, code: CodeHoleCrossesShell, ring: 1, vertex: 1, point: orb.Point{10, 4}},
		{name: "hole twice touching", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{0, 5}, {5, 6}, {10, 5}, {5, 4}, {0, 5}}}}, code: CodeInteriorDisconnected, ring: 1, vertex: 2, point: orb.Point{10, 5}},
		// PostGIS: ST_IsValidReason → "Interior is disconnected[0 5]".
		// Two holes in a chain from the left side to the right side of the
		// shell. PostGIS: "Interior is disconnected[5 5]".
		{name: "chain of holes", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			{{0, 5}, {3, 6}, {5, 5}, {3, 4}, {0, 5}}, {{5, 5}, {7, 6}, {10, 5}, {7, 4}, {5, 5}}}}, code: CodeInteriorDisconnected, ring: 2, vertex: 0, point: orb.Point{5, 5}},
		// Shell and two holes meeting at one point: the interior stays
		// connected. PostGIS: "Valid Geometry".
		{name: "three rings at one point", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			{{0, 5}, {3, 6}, {3, 4}, {0, 5}}, {{0, 5}, {1, 8}, {3, 8}, {0, 5}}}}},
		{name: "two holes touching once", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}, {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}}},
		{name: "hole equals shell", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}}}, code: CodeHoleCrossesShell, ring: 1},
		{name: "holes overlapping", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {2, 5}, {5, 5}, {5, 2}, {2, 2}}, {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}}, code: CodeHolesOverlap, ring: 2},
		{name: "hole in hole", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{3, 3}, {3, 4}, {4, 4}, {4, 3}, {3, 3}}, {{2, 2}, {2, 8}, {8, 8}, {8, 2}, {2, 2}}}}, code: CodeHolesOverlap, ring: 1, vertex: 0, point: orb.Point{3, 3}},
		{name: "parts overlap", g: orb.MultiPolygon{rect(0, 0, 2, 2), rect(1, 1, 3, 3)}, code: CodePolygonsOverlap, poly: 1, vertex: -1, point: orb.Point{1.5, 1.5}},
		{name: "parts share edge", g: orb.MultiPolygon{rect(0, 0, 2, 2), rect(2, 0, 3, 2)}, code: CodePolygonsShareEdge, poly: 1, vertex: -1, point: orb.Point{2, 0}},
		{name: "parts touch at corner", g: orb.MultiPolygon{rect(0, 0, 2, 2), rect(2, 2, 3, 3)}},
		{name: "island in hole", g: orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {2, 8}, {8, 8}, {8, 2}, {2, 2}}}, rect(4, 4, 6, 6)}},
		{name: "empty polygon", g: orb.MultiPolygon{{}}, code: CodeEmptyPolygon, vertex: -1},
	}
	for _, c := range cases {
		ps := Validate(c.g)
		if c.code == "" {
			if len(ps) != 0 {
				t.Errorf("%s: got %v, want valid", c.name, ps)
			}
			continue
		}
		if len(ps) == 0 {
			t.Errorf("%s: valid, want %s", c.name, c.code)
			continue
		}
		p := ps[0]
		if p.Code != c.code || p.Fixable != c.fixable || p.Polygon != c.poly || p.Ring != c.ring {
			t.Errorf("%s: got %+v, want code %s fixable %v polygon %d ring %d", c.name, p, c.code, c.fixable, c.poly, c.ring)
		}
		if c.vertex != 0 || c.point != (orb.Point{}) {
			if p.Vertex != c.vertex || p.Point != c.point {
				t.Errorf("%s: vertex %d point %v, want vertex %d point %v", c.name, p.Vertex, p.Point, c.vertex, c.point)
			}
		}
		if p.Message == "" || p.MessageZH == "" || !strings.Contains(p.Message, "polygon ") || !strings.Contains(p.MessageZH, "多边形") {
			t.Errorf("%s: messages %q / %q do not name the place", c.name, p.Message, p.MessageZH)
		}
		t.Logf("%s:\n  %s\n  %s", c.name, p.Message, p.MessageZH)
	}
}

func TestValidateMessagesAreOneBased(t *testing.T) {
	g := orb.MultiPolygon{rect(0, 0, 1, 1), {{{0, 5}, {1, 5}, {1, 5}, {1, 6}, {0, 6}, {0, 5}}}}
	ps := Validate(g)
	if len(ps) != 1 {
		t.Fatalf("got %v", ps)
	}
	if want := "polygon 2, shell, vertex 3 repeats vertex 2"; !strings.Contains(ps[0].Message, want) {
		t.Errorf("message %q lacks %q", ps[0].Message, want)
	}
	if want := "第 2 个多边形外环第 3 个顶点与第 2 个顶点重复"; !strings.Contains(ps[0].MessageZH, want) {
		t.Errorf("message %q lacks %q", ps[0].MessageZH, want)
	}
}

func TestValidateLonLat(t *testing.T) {
	if ps := ValidateLonLat(orb.MultiPolygon{lsq}); len(ps) != 0 {
		t.Fatalf("Linhai square: %v", ps)
	}
	swap := orb.MultiPolygon{{{{28.8, 121.1}, {28.801, 121.1}, {28.801, 121.101}, {28.8, 121.101}, {28.8, 121.1}}}}
	ps := ValidateLonLat(swap)
	if len(ps) != 1 || ps[0].Code != CodeAxesSwapped || !strings.Contains(ps[0].Message, "swapped") || !strings.Contains(ps[0].MessageZH, "交换坐标轴") {
		t.Errorf("swapped: %v", ps)
	}
	gk := orb.MultiPolygon{rect(40500000, 3190000, 40500100, 3190100)}
	ps = ValidateLonLat(gk)
	if len(ps) != 1 || ps[0].Code != CodeProjected || !strings.Contains(ps[0].Message, "EPSG") || !strings.Contains(ps[0].MessageZH, "EPSG") {
		t.Errorf("projected: %v", ps)
	}
	paris := orb.MultiPolygon{rect(2.35, 48.85, 2.36, 48.86)}
	ps = ValidateLonLat(paris)
	if len(ps) != 1 || ps[0].Code != CodeOutsideChina || ps[0].Vertex != 0 {
		t.Errorf("paris: %v", ps)
	}
}

func TestRepair(t *testing.T) {
	cw := orb.MultiPolygon{{{{0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 0}, {0, 0}}, {{0.2, 0.2}, {0.4, 0.2}, {0.4, 0.4}, {0.2, 0.4}, {0.2, 0.2}}}}
	r, fixed := Repair(cw)
	if got := codes(fixed); len(got) != 3 {
		t.Errorf("fixed %v, want repeated vertex + two orientations", got)
	}
	if ps := Validate(r); len(ps) != 0 {
		t.Errorf("after repair: %v", ps)
	}
	near(t, "area kept", PlaneArea(r), PlaneArea(cw), 1e-15)
	if len(cw[0][0]) != 6 {
		t.Error("Repair modified its input")
	}
	// Unclosed ring and bow tie are left alone.
	bad := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, {{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}
	r2, fixed := Repair(bad)
	if len(fixed) != 0 || len(r2[0][0]) != 4 {
		t.Errorf("Repair touched unfixable problems: %v", fixed)
	}
}

// TestMakeValid against PostGIS 3.3.2 / GEOS 3.11.1:
//
//	SELECT ST_Area(g), ST_NumGeometries(g) FROM (SELECT ST_MakeValid(ST_GeomFromText('<wkt>'), 'method=structure') AS g) s;
func TestMakeValid(t *testing.T) {
	cases := []struct {
		name  string
		g     orb.MultiPolygon
		area  float64
		polys int
	}{
		// POLYGON((0 0,2 2,2 0,0 2,0 0)) → 2, 2
		{"bow tie", orb.MultiPolygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}, 2, 2},
		// POLYGON((0 0,4 0,2 2,4 4,0 4,2 2,0 0)) → 8, 2
		{"pinch", orb.MultiPolygon{{{{0, 0}, {4, 0}, {2, 2}, {4, 4}, {0, 4}, {2, 2}, {0, 0}}}}, 8, 2},
		// POLYGON((0 0,4 0,4 4,4 6,4 4,0 4,0 0)) → 16, 1
		{"spike", orb.MultiPolygon{{{{0, 0}, {4, 0}, {4, 4}, {4, 6}, {4, 4}, {0, 4}, {0, 0}}}}, 16, 1},
		{"clockwise unclosed with repeats", orb.MultiPolygon{{{{0, 0}, {0, 1}, {0, 1}, {1, 1}, {1, 0}}}}, 1, 1},
		// MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((1 1,3 1,3 3,1 3,1 1))) → 7, 1
		{"overlapping parts", orb.MultiPolygon{rect(0, 0, 2, 2), rect(1, 1, 3, 3)}, 7, 1},
		// POLYGON((0 0,10 0,10 10,0 10,0 0),(8 2,8 4,12 4,12 2,8 2)) → 96, 1
		{"hole crossing shell", orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{8, 2}, {8, 4}, {12, 4}, {12, 2}, {8, 2}}}}, 96, 1},
		// POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 5,5 5,5 2,2 2),(4 4,4 6,6 6,6 4,4 4)) → 88, 1
		{"holes overlapping", orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {2, 5}, {5, 5}, {5, 2}, {2, 2}}, {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}}, 88, 1},
		// POLYGON((0 0,10 0,10 10,0 10,0 0),(3 3,3 4,4 4,4 3,3 3),(2 2,2 8,8 8,8 2,2 2)) → 64, 1
		{"hole in hole", orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{3, 3}, {3, 4}, {4, 4}, {4, 3}, {3, 3}}, {{2, 2}, {2, 8}, {8, 8}, {8, 2}, {2, 2}}}}, 64, 1},
		// POLYGON((0 0,10 0,10 10,0 10,0 0),(0 5,5 6,10 5,5 4,0 5)) → 90, 2
		{"interior disconnected", orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{0, 5}, {5, 6}, {10, 5}, {5, 4}, {0, 5}}}}, 90, 2},
		// POLYGON((0 0,10 0,10 10,5 -5,0 10,0 0)) → 41.666666666666664, 3
		{"double crossing", orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {5, -5}, {0, 10}, {0, 0}}}}, 41.666666666666664, 3},
	}
	for _, c := range cases {
		out, err := MakeValid(c.g)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		near(t, c.name+" area", PlaneArea(out), c.area, 1e-12)
		if len(out) != c.polys {
			t.Errorf("%s: %d polygons, want %d: %v", c.name, len(out), c.polys, out)
		}
		if ps := Validate(out); len(ps) != 0 {
			t.Errorf("%s: result invalid: %v", c.name, ps)
		}
	}
	if _, err := MakeValid(orb.MultiPolygon{{{{0, 0}, {1, nan()}, {1, 1}, {0, 0}}}}); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := MakeValid(orb.MultiPolygon{{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}}); err == nil {
		t.Error("a line made valid")
	}
}

// TestValidateDegenerateMagnitudes: rings whose float64 area over- or
// underflows are reported, so an accepted polygon always has a positive area.
func TestValidateDegenerateMagnitudes(t *testing.T) {
	huge := orb.MultiPolygon{{{{0, 0}, {1e200, 0}, {1e200, 1e200}, {0, 1e200}, {0, 0}}}}
	tiny := orb.MultiPolygon{{{{0, 0}, {1e-200, 0}, {1e-200, 1e-200}, {0, 1e-200}, {0, 0}}}}
	for _, g := range []orb.MultiPolygon{huge, tiny} {
		ps := Validate(g)
		if len(ps) != 1 || ps[0].Code != CodeDegenerateRing {
			t.Errorf("%v: %v", g, ps)
		}
	}
}
