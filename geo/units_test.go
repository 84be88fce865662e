package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestUnits(t *testing.T) {
	near(t, "3 亩", M2FromMu(3), 2000, 1e-12)
	near(t, "100 亩", M2FromMu(100), 200000.0/3, 1e-9)
	near(t, "亩 of 2000 m²", MuFromM2(2000), 3, 1e-15)
	near(t, "公顷", HectaresFromM2(59600), 5.96, 1e-15)
	near(t, "m² of 1 公顷", M2FromHectares(1), 10000, 0)
	near(t, "15 亩 = 1 公顷", M2FromMu(15), M2FromHectares(1), 1e-12)
	if got, want := FormatArea(59600, "zh"), "59600.00 平方米（89.400 亩，5.9600 公顷）"; got != want {
		t.Errorf("FormatArea zh = %q, want %q", got, want)
	}
	if got, want := FormatArea(59600, "en"), "59600.00 m² (89.400 mu, 5.9600 ha)"; got != want {
		t.Errorf("FormatArea en = %q, want %q", got, want)
	}
	if got := FormatArea(math.NaN(), "zh"); got != "NaN" {
		t.Errorf("FormatArea(NaN) = %q", got)
	}
}

// TestOverlayNonFinite: NaN and Inf never panic the overlay; they give an
// error or an empty result.
func TestOverlayNonFinite(t *testing.T) {
	bad := orb.MultiPolygon{{{{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 1}, {0, 0}}}}
	inf := orb.MultiPolygon{{{{0, 0}, {math.Inf(1), 0}, {1, 1}, {0, 1}, {0, 0}}}}
	sq := orb.MultiPolygon{rect(0, 0, 1, 1)}
	for _, g := range []orb.MultiPolygon{bad, inf} {
		Union(g, sq)
		Intersection(g, sq)
		Difference(sq, g)
		IntersectionArea(g, sq)
		Intersects(orb.Point{0.5, 0.5}, g)
		ConvexHull(g)
		HullPockets(g)
		SharedBoundaryLength(g, sq, 0.05)
		MakeValid(g)
		Repair(g)
		CadastralArea(g, Zone3(40))
		EllipsoidalArea(g)
	}
}
