package planning

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// The fast path must agree with overlay whenever it answers, and must not
// answer when footprints cross the boundary, overlap, touch or lie outside.
func TestSimpleSumAgreesWithOverlay(t *testing.T) {
	z := geo.Zone3(40)
	site := z.Project(rect(0, 0, 100, 100))
	rng := rand.New(rand.NewPCG(3, 4))
	answered := 0
	for i := 0; i < 300; i++ {
		var fps []orb.MultiPolygon
		for k := 0; k < 1+rng.IntN(4); k++ {
			x, y := rng.Float64()*110-5, rng.Float64()*110-5
			fps = append(fps, z.Project(rect(x, y, x+5+rng.Float64()*30, y+5+rng.Float64()*30)))
		}
		u, err := geo.Union(fps...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := geo.IntersectionArea(u, site)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := simpleSum(fps, site); ok {
			answered++
			approx(t, "fast path", got, want, 1e-6)
		}
	}
	if answered < 20 {
		t.Errorf("fast path answered only %d of 300", answered)
	}
	for name, fps := range map[string][]orb.MultiPolygon{
		"crossing":    {z.Project(rect(90, 10, 110, 20))},
		"overlapping": {z.Project(rect(10, 10, 30, 30)), z.Project(rect(20, 20, 40, 40))},
		"touching":    {z.Project(rect(10, 10, 30, 30)), z.Project(rect(30, 10, 40, 30))},
		"on boundary": {z.Project(rect(0, 10, 30, 30))},
		"nested":      {z.Project(rect(10, 10, 50, 50)), z.Project(rect(20, 20, 30, 30))},
	} {
		if _, ok := simpleSum(fps, site); ok {
			t.Errorf("%s: fast path must defer to overlay", name)
		}
	}
}

// A footprint around a hole of the site covers the hole, which is not site:
// the fast path must not count it (site 100×100 with a 10×10 hole, footprint
// 60×60 around the hole → 3500 m², not 3600).
func TestSimpleSumSiteWithHole(t *testing.T) {
	z := geo.Zone3(40)
	site := z.Project(poly(rectRing(0, 0, 100, 100), rectRing(45, 45, 55, 55)))
	fps := []orb.MultiPolygon{z.Project(rect(20, 20, 80, 80))}
	if got, ok := simpleSum(fps, site); ok {
		t.Fatalf("fast path answered %.3f for a footprint around a hole", got)
	}
	got, err := clippedUnionArea(fps, site)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "clipped area", got, 3500, 1e-3)
}

// Through Indicators: the same site gives footprints 3500 m² and density
// 3500 / 9900 = 35.35%, not 3600 m² and 36.36%.
func TestIndicatorsFootprintAroundHole(t *testing.T) {
	p := mustProfile(t)
	in := SiteInput{Site: poly(rectRing(0, 0, 100, 100), rectRing(45, 45, 55, 55)),
		Buildings: []*parcels.Building{{Use: parcels.UseProduction, Floors: 1, Geometry: rect(20, 20, 80, 80)}}}
	r, err := Indicators(p, in)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "footprint_area_m2", r.FootprintAreaM2, 3500, 1e-3)
	approx(t, "density", *r.BuildingDensity, 3500.0/9900, 1e-9)
}
