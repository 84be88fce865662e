package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// areaOracles: lon/lat polygons (CGCS2000) with their areas by independent
// tools. The 100-亩 and 1000-亩 squares are those of areas.md (centred at
// X 3193141.369, Y 40607340.725 in zone 40, vertices unprojected to 12
// decimals); the others are a concave 7-gon of ≈ 0.32 km² with a hole, placed
// across China, ±1.65° from their zone's CM, vertices rounded to 1e-7°.
//
//	projPlane:          shoelace (exact rational arithmetic) of the vertices projected by
//	                    echo "lat lon" | cs2cs -f %.9f EPSG:4490 EPSG:<4509+zone>
//	projPlanePrefixed:  the same with EPSG:<4488+zone> (prefixed eastings)
//	pgPlane:            PostGIS 3.3.2 / PROJ 9.1.1:
//	                    SELECT ST_Area(ST_Transform(ST_GeomFromText('POLYGON((lon lat, …),(…))', 4490), <4509+zone>));
//	planimeter:         shell minus hole, each ring by
//	                    echo "lat lon …" | Planimeter -p 9 -e 6378137 1/298.257222101   (GeographicLib 2.1)
//	pgGeography:        SELECT ST_Area(ST_GeomFromText('POLYGON(…)', 4490)::geography);
//
// The generating script is /tmp/gs/oracle.py in the session that wrote this
// test; the values are pasted here so the test needs no tools.
var areaOracles = []struct {
	name                                  string
	zone                                  int
	g                                     orb.MultiPolygon
	projPlane, projPlanePrefixed, pgPlane float64
	planimeter, pgGeography               float64
}{
	{name: "sq100", zone: 40,
		g: orb.MultiPolygon{{
			{{121.098664984776, 28.848846191129}, {121.101310508726, 28.848824612654}, {121.101335048806, 28.851153795471}, {121.098689465936, 28.851175376012}, {121.098664984776, 28.848846191129}},
		}},
		projPlane: 66666.66668013891, projPlanePrefixed: 66666.6666809135, pgPlane: 66666.6666800346,
		planimeter: 66647.7201, pgGeography: 66647.72014104296},
	{name: "sq1000", zone: 40,
		g: orb.MultiPolygon{{
			{{121.095778407437, 28.846351286541}, {121.104144087299, 28.846283056474}, {121.104221891286, 28.853648572182}, {121.095855622221, 28.853716822906}, {121.095778407437, 28.846351286541}},
		}},
		projPlane: 666666.666681811, projPlanePrefixed: 666666.6666793615, pgPlane: 666666.6666820555,
		planimeter: 666477.2013, pgGeography: 666477.2012907229},
	{name: "linhai_east", zone: 40,
		g: orb.MultiPolygon{{
			{{121.65, 28.75}, {121.6563526, 28.7496845}, {121.6571723, 28.7536957}, {121.6538936, 28.7527042}, {121.6535862, 28.7562196}, {121.6495902, 28.7550478}, {121.6506148, 28.7522535}, {121.65, 28.75}},
			{{121.6520492, 28.7513521}, {121.6520492, 28.7523436}, {121.6530739, 28.7523436}, {121.6530739, 28.7513521}, {121.6520492, 28.7513521}},
		}},
		projPlane: 324182.3516161904, projPlanePrefixed: 324182.35161676, pgPlane: 324182.3516158909,
		planimeter: 323973.92710000003, pgGeography: 323973.92713305354},
	{name: "harbin", zone: 42,
		g: orb.MultiPolygon{{
			{{126.63, 45.75}, {126.6379817, 45.7496845}, {126.6390116, 45.7536957}, {126.634892, 45.7527042}, {126.6345058, 45.7562196}, {126.6294851, 45.7550478}, {126.6307724, 45.7522535}, {126.63, 45.75}},
			{{126.6325747, 45.7513521}, {126.6325747, 45.7523436}, {126.6338621, 45.7523436}, {126.6338621, 45.7513521}, {126.6325747, 45.7513521}},
		}},
		projPlane: 325216.988142666, projPlanePrefixed: 325216.98814344895, pgPlane: 325216.9881426269,
		planimeter: 325197.5478, pgGeography: 325197.5477948189},
	{name: "kashgar", zone: 25,
		g: orb.MultiPolygon{{
			{{75.99, 39.47}, {75.9972148, 39.4696845}, {75.9981458, 39.4736957}, {75.994422, 39.4727042}, {75.9940729, 39.4762196}, {75.9895345, 39.4750478}, {75.9906982, 39.4722535}, {75.99, 39.47}},
			{{75.9923274, 39.4713521}, {75.9923274, 39.4723436}, {75.993491, 39.4723436}, {75.993491, 39.4713521}, {75.9923274, 39.4713521}},
		}},
		projPlane: 324784.99144974037, projPlanePrefixed: 324784.9914498568, pgPlane: 324784.99144974817,
		planimeter: 324726.5781, pgGeography: 324726.578050673},
	{name: "sanya", zone: 37,
		g: orb.MultiPolygon{{
			{{109.51, 18.25}, {109.5158645, 18.2496845}, {109.5166212, 18.2536957}, {109.5135944, 18.2527042}, {109.5133106, 18.2562196}, {109.5096216, 18.2550478}, {109.5105675, 18.2522535}, {109.51, 18.25}},
			{{109.5118918, 18.2513521}, {109.5118918, 18.2523436}, {109.5128377, 18.2523436}, {109.5128377, 18.2513521}, {109.5118918, 18.2513521}},
		}},
		projPlane: 323600.86524403794, projPlanePrefixed: 323600.865246585, pgPlane: 323600.8652440098,
		planimeter: 323403.0846, pgGeography: 323403.0845985487},
	{name: "lhasa", zone: 30,
		g: orb.MultiPolygon{{
			{{91.13, 29.65}, {91.1364087, 29.6496845}, {91.1372356, 29.6536957}, {91.1339279, 29.6527042}, {91.1336178, 29.6562196}, {91.1295865, 29.6550478}, {91.1306202, 29.6522535}, {91.13, 29.65}},
			{{91.1320673, 29.6513521}, {91.1320673, 29.6523436}, {91.133101, 29.6523436}, {91.133101, 29.6513521}, {91.1320673, 29.6513521}},
		}},
		projPlane: 324132.58999765944, projPlanePrefixed: 324132.5899967391, pgPlane: 324132.5899976781,
		planimeter: 324036.37779999996, pgGeography: 324036.3778759092},
	{name: "mohe", zone: 41,
		g: orb.MultiPolygon{{
			{{122.53, 53.48}, {122.5393589, 53.4796845}, {122.5405665, 53.4836957}, {122.5357361, 53.4827042}, {122.5352833, 53.4862196}, {122.5293962, 53.4850478}, {122.5309057, 53.4822535}, {122.53, 53.48}},
			{{122.533019, 53.4813521}, {122.533019, 53.4823436}, {122.5345285, 53.4823436}, {122.5345285, 53.4813521}, {122.533019, 53.4813521}},
		}},
		projPlane: 325779.4319104633, projPlanePrefixed: 325779.43190883606, pgPlane: 325779.43191043293,
		planimeter: 325771.7992, pgGeography: 325771.7991537154}}

// TestCadastralAreaMatchesPROJAndPostGIS: ≤ 1e-9 relative against the
// PROJ-projected shoelace (with and without the zone prefix) and PostGIS.
func TestCadastralAreaMatchesPROJAndPostGIS(t *testing.T) {
	for _, c := range areaOracles {
		if ps := ValidateLonLat(c.g); len(ps) != 0 {
			t.Fatalf("%s: test polygon invalid: %v", c.name, ps)
		}
		for _, z := range []Zone{Zone3(c.zone), {Width: 3, Number: c.zone}} {
			got := CadastralArea(c.g, z)
			for _, want := range []float64{c.projPlane, c.projPlanePrefixed, c.pgPlane} {
				if rel := math.Abs(got-want) / want; rel > 1e-9 {
					t.Errorf("%s %v: CadastralArea %.9f, oracle %.9f (rel %.2g)", c.name, z, got, want, rel)
				}
			}
			// Project + PlaneArea is the same computation in two steps.
			if pa := PlaneArea(z.Project(c.g)); math.Abs(pa-got) > 1e-9*got {
				t.Errorf("%s: PlaneArea(Project) %.9f ≠ CadastralArea %.9f", c.name, pa, got)
			}
		}
	}
}

// TestEllipsoidalAreaMatchesGeographicLibAndPostGIS: the issue asks for
// ≤ 0.1 m² against Planimeter and PostGIS geography; we hold 1e-3 m² (the
// Planimeter values are printed to 1e-4 m²). Without the geodesic edge term
// these heptagons were off by 0.7–2.9 m².
func TestEllipsoidalAreaMatchesGeographicLibAndPostGIS(t *testing.T) {
	for _, c := range areaOracles {
		got := EllipsoidalArea(c.g)
		for _, want := range []float64{c.planimeter, c.pgGeography} {
			if math.Abs(got-want) > 1e-3 {
				t.Errorf("%s: EllipsoidalArea %.4f, oracle %.4f", c.name, got, want)
			}
		}
		t.Logf("%-12s ellipsoidal %.4f, Planimeter %.4f (Δ %.2g m²); plane/ellipsoidal − 1 = %.4f%%",
			c.name, got, c.planimeter, got-c.planimeter, (c.projPlane/got-1)*100)
		if c.projPlane <= got {
			t.Errorf("%s: plane area %.3f should exceed ellipsoidal %.3f (k ≥ 1)", c.name, c.projPlane, got)
		}
	}
}

// TestEllipsoidalAreaLargePolygons: the heptagon scaled to 8, 134 and
// 1638 km² near Linhai (edges up to ≈ 50 km, so the series path and the
// closed-form path both run), against
//
//	echo "lat lon …" | Planimeter -p 9 -e 6378137 1/298.257222101
//
// The geodesic edge term is second order, so the relative error grows with
// edge length: 5e-12, 3e-11, 1.3e-9.
func TestEllipsoidalAreaLargePolygons(t *testing.T) {
	for _, c := range []struct {
		r         orb.Ring
		want, tol float64
	}{
		{orb.Ring{{121.0, 28.9}, {121.031809, 28.8984226}, {121.0359134, 28.9184785}, {121.0194958, 28.9135208}, {121.0179567, 28.9310979}, {120.9979478, 28.9252389}, {121.0030783, 28.9112674}, {121.0, 28.9}}, 8373656.1289, 1e-3},
		{orb.Ring{{121.0, 28.9}, {121.127236, 28.8936903}, {121.1436535, 28.9739138}, {121.0779833, 28.9540833}, {121.0718268, 29.0243916}, {120.9917912, 29.0009555}, {121.0123132, 28.9450694}, {121.0, 28.9}}, 133925269.7643, 0.01},
		{orb.Ring{{121.0, 28.9}, {121.4453259, 28.877916}, {121.5027873, 29.1586984}, {121.2729417, 29.0892915}, {121.2513937, 29.3353705}, {120.9712693, 29.2533441}, {121.0430961, 29.0577429}, {121.0, 28.9}}, 1638403267.0974, 5},
	} {
		near(t, "large ring", RingEllipsoidalArea(c.r), c.want, c.tol)
		// Clockwise gives the negative; the start vertex does not matter.
		rev := reverseRing(c.r)
		near(t, "reversed", RingEllipsoidalArea(rev), -c.want, c.tol)
		rot := append(append(orb.Ring{}, c.r[3:]...), c.r[1:4]...)
		near(t, "rotated", RingEllipsoidalArea(rot), c.want, c.tol)
	}
}

// TestAreasMDSquares: the 100-亩 and 1000-亩 squares of areas.md. Plane
// area is exact. For the ellipsoidal area areas.md lists 66 647.674 and
// 666 477.232, while Planimeter (66 647.7201, 666 477.2013) and this code
// agree to 1e-3 m²: the areas.md values come from a truncated series. We
// assert Planimeter to 1e-3 and areas.md within its stated 0.1 m².
func TestAreasMDSquares(t *testing.T) {
	z := Zone3(40)
	for _, c := range []struct {
		side              float64
		plane, md, planim float64
	}{
		{math.Sqrt(M2FromMu(100)), 66666.667, 66647.674, 66647.7201},
		{math.Sqrt(M2FromMu(1000)), 666666.667, 666477.232, 666477.2013},
	} {
		h := c.side / 2
		x0, y0 := 3193141.369, 40607340.725
		plane := orb.MultiPolygon{{{{y0 - h, x0 - h}, {y0 + h, x0 - h}, {y0 + h, x0 + h}, {y0 - h, x0 + h}, {y0 - h, x0 - h}}}}
		near(t, "plane", PlaneArea(plane), c.plane, 0.5e-3)
		ll := z.Unproject(plane)
		near(t, "cadastral", CadastralArea(ll, z), c.plane, 0.5e-3)
		e := EllipsoidalArea(ll)
		near(t, "ellipsoidal vs Planimeter", e, c.planim, 1e-3)
		near(t, "ellipsoidal vs areas.md", e, c.md, 0.1)
	}
}

// TestAreasMDSampleParcels: parcels A, C and B of
// shared/reference/samples/synthetic_linhai_zone40.txt (zone 40, prefixed;
// the file lists X north, Y east; A has a hole J5–J8), hand-copied. areas.md:
// plane 59 600 / 1 980 / 30 000, ellipsoidal 59 583.12 / 1 979.44 / 29 991.47.
func TestAreasMDSampleParcels(t *testing.T) {
	xy := func(pts ...[2]float64) orb.Ring { // (X, Y) → (easting, northing)
		r := make(orb.Ring, len(pts))
		for i, p := range pts {
			r[i] = orb.Point{p[1], p[0]}
		}
		return r
	}
	parcels := []struct {
		name       string
		g          orb.MultiPolygon
		plane, ell float64
	}{
		{"A", orb.MultiPolygon{{
			xy([2]float64{3193200.000, 40607000.000}, [2]float64{3193200.000, 40607300.000}, [2]float64{3193000.000, 40607300.000}, [2]float64{3193000.000, 40607000.000}, [2]float64{3193200.000, 40607000.000}),
			xy([2]float64{3193110.000, 40607140.000}, [2]float64{3193090.000, 40607140.000}, [2]float64{3193090.000, 40607160.000}, [2]float64{3193110.000, 40607160.000}, [2]float64{3193110.000, 40607140.000}),
		}}, 59600, 59583.12},
		{"C", orb.MultiPolygon{{
			xy([2]float64{3193200.000, 40607300.000}, [2]float64{3193200.000, 40607309.900}, [2]float64{3193000.000, 40607309.900}, [2]float64{3193000.000, 40607300.000}, [2]float64{3193200.000, 40607300.000}),
		}}, 1980, 1979.44},
		{"B", orb.MultiPolygon{{
			xy([2]float64{3193200.000, 40607309.900}, [2]float64{3193200.000, 40607459.900}, [2]float64{3193000.000, 40607459.900}, [2]float64{3193000.000, 40607309.900}, [2]float64{3193200.000, 40607309.900}),
		}}, 30000, 29991.47},
	}
	z := Zone3(40)
	for _, p := range parcels {
		near(t, p.name+" plane", PlaneArea(p.g), p.plane, 1e-6)
		ll := z.Unproject(p.g)
		near(t, p.name+" cadastral", CadastralArea(ll, z), p.plane, 1e-6)
		// areas.md gives two decimals; our values are 59583.1219, 1979.4402, 29991.4729.
		near(t, p.name+" ellipsoidal", EllipsoidalArea(ll), p.ell, 0.01)
	}
	// The file's clockwise shells (X north, Y east) come out as clockwise
	// (easting, northing) rings: Repair fixes that without changing areas.
	fixed, probs := Repair(parcels[0].g)
	if len(probs) == 0 || PlaneArea(fixed) != 59600 {
		t.Errorf("Repair of sample A: %v, area %v", probs, PlaneArea(fixed))
	}
}
