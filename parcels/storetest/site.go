package storetest

import (
	"github.com/paulmach/orb"

	"testing"

	"landplan/geo"
	"landplan/parcels"
)

// Site is the standard layout of the derived-value tests, in plane metres
// from the origin (x east, y north):
//
//	parcel A  [0,100]×[0,80]    8000 m²
//	parcel B  [100,200]×[0,80]  8000 m², east of A, sharing the edge x = 100
//	B1 [10,40]×[10,40]   900 m², 3 floors, no declared area → floor 2700
//	B2 [30,60]×[20,50]   900 m², 2 floors, declared 5000    → floor 5000;
//	                     overlaps B1 on [30,40]×[20,40] = 200 m²
//	S  [72,112]×[10,30]  800 m², 1 floor → floor 800; straddles x = 100:
//	                     28×20 = 560 m² (70%) in A, 12×20 = 240 m² (30%) in B
//	O  [50,70]×[60,100]  800 m², 0 floors, no declared → floor 0; sticks out
//	                     of A's north edge y = 80: 20×20 = 400 m² inside A
//
// All four buildings belong to A (S overlaps A most, O overlaps only A).
// A's footprint is the union of the footprints clipped to A:
//
//	|B1 ∪ B2| = 900 + 900 − 200 = 1600  (both inside A)
//	|S ∩ A|   = 560                     (the 240 m² in B are not A's land)
//	|O ∩ A|   = 400                     (the 400 m² north of y = 80 are outside)
//	total     = 2560 m²; density 2560/8000 = 0.32
//
// A's floor area sums the buildings' own floor areas (not clipped):
// 2700 + 5000 + 800 + 0 = 8500 m²; plot ratio 8500/8000 = 1.0625. B has no
// building of its own: footprint 0, floor area 0, count 0 (S's 240 m² on B do
// not count for B, as S belongs to A).
type Site struct {
	A, B         *parcels.Parcel
	B1, B2, S, O *parcels.Building
	AWant, BWant SiteWant
}

// SiteWant are a parcel's expected site values, by hand.
type SiteWant struct {
	Area, Footprint, Floor float64
	Count                  int
}

// Site geometries (plane rectangles), shared by the tests that move things.
var (
	siteA  = [4]float64{0, 0, 100, 80}
	siteB  = [4]float64{100, 0, 200, 80}
	siteB1 = [4]float64{10, 10, 40, 40}
	siteB2 = [4]float64{30, 20, 60, 50}
	siteS  = [4]float64{72, 10, 112, 30}
	siteO  = [4]float64{50, 60, 70, 100}
)

func rectOf(r [4]float64) orb.MultiPolygon { return Rect(r[0], r[1], r[2], r[3]) }

// MustSite creates the Site in s: the two parcels, then the four buildings
// one by one, and returns the rows as they are after the last write.
func MustSite(tb testing.TB, s parcels.Store) *Site {
	tb.Helper()
	st := &Site{}
	st.A = MustCreateParcel(tb, s, NewParcel("331082001001JA00001", rectOf(siteA)))
	st.B = MustCreateParcel(tb, s, NewParcel("331082001001JA00002", rectOf(siteB)))
	b2 := NewBuilding("二号车间", 2, rectOf(siteB2))
	b2.DeclaredFloorAreaM2 = 5000
	st.B1 = MustCreateBuilding(tb, s, NewBuilding("一号车间", 3, rectOf(siteB1)))
	st.B2 = MustCreateBuilding(tb, s, b2)
	st.S = MustCreateBuilding(tb, s, NewBuilding("跨界仓库", 1, rectOf(siteS)))
	st.O = MustCreateBuilding(tb, s, NewBuilding("出界棚", 0, rectOf(siteO)))
	st.A = MustGetParcel(tb, s, st.A.ID)
	st.B = MustGetParcel(tb, s, st.B.ID)
	st.AWant = SiteWant{Area: 8000, Footprint: 2560, Floor: 8500, Count: 4}
	st.BWant = SiteWant{Area: 8000}
	return st
}

// checkSite checks a parcel's derived values against hand values: its areas
// (and that they are geo's values for its stored geometry), footprint, floor
// area, density, plot ratio and building count.
func checkSite(tb testing.TB, what string, p *parcels.Parcel, w SiteWant) {
	tb.Helper()
	checkParcelAreas(tb, what, p, w.Area)
	checkNear(tb, what+" FootprintAreaM2", p.FootprintAreaM2, w.Footprint, AreaTol)
	checkNear(tb, what+" FloorAreaM2", p.FloorAreaM2, w.Floor, AreaTol)
	checkNear(tb, what+" BuildingDensity", p.BuildingDensity, w.Footprint/w.Area, RatioTol)
	checkNear(tb, what+" PlotRatio", p.PlotRatio, w.Floor/w.Area, RatioTol)
	if p.BuildingCount != w.Count {
		tb.Errorf("%s BuildingCount = %d, want %d", what, p.BuildingCount, w.Count)
	}
}

// checkParcelAreas checks area_m2 (hand value, and geo.CadastralArea of the
// stored geometry in zone 40), area_mu and the ellipsoidal area.
func checkParcelAreas(tb testing.TB, what string, p *parcels.Parcel, area float64) {
	tb.Helper()
	checkNear(tb, what+" AreaM2", p.AreaM2, area, AreaTol)
	checkNear(tb, what+" AreaM2 vs geo.CadastralArea(stored geometry, zone 40)", p.AreaM2, Area(p.Geometry), 1e-6)
	checkNear(tb, what+" AreaMu", p.AreaMu, area*15/10000, AreaTol*15/10000)
	checkNear(tb, what+" AreaMu vs AreaM2", p.AreaMu, geo.MuFromM2(p.AreaM2), 1e-9)
	checkNear(tb, what+" EllipsoidalAreaM2 vs geo.EllipsoidalArea(stored geometry)", p.EllipsoidalAreaM2, geo.EllipsoidalArea(p.Geometry), 1e-6)
	// Independent of geo: at Linhai the plane area is ≈ 0.028% larger than
	// the ellipsoidal one (reference/areas.md).
	if r := p.AreaM2 / p.EllipsoidalAreaM2; p.EllipsoidalAreaM2 <= 0 || r < 1.00025 || r > 1.00032 {
		tb.Errorf("%s: AreaM2/EllipsoidalAreaM2 = %.6f (%.3f / %.3f), want ≈ 1.000285", what, r, p.AreaM2, p.EllipsoidalAreaM2)
	}
}

// checkBuildingDerived checks a building's footprint, floor area and parcel.
func checkBuildingDerived(tb testing.TB, what string, b *parcels.Building, footprint, floor float64, parcelID int64) {
	tb.Helper()
	checkNear(tb, what+" FootprintAreaM2", b.FootprintAreaM2, footprint, AreaTol)
	checkNear(tb, what+" FootprintAreaM2 vs geo.CadastralArea(stored geometry)", b.FootprintAreaM2, Area(b.Geometry), 1e-6)
	checkNear(tb, what+" FloorAreaM2", b.FloorAreaM2, floor, AreaTol)
	if b.ParcelID != parcelID {
		tb.Errorf("%s ParcelID = %d, want %d", what, b.ParcelID, parcelID)
	}
}

// checkOnParcel checks BuildingsOnParcel(parcelID) lists exactly want, by id.
func checkOnParcel(tb testing.TB, s parcels.Store, parcelID int64, want ...int64) {
	tb.Helper()
	bs, err := s.BuildingsOnParcel(ctxOf(tb), parcelID)
	if err != nil {
		tb.Errorf("BuildingsOnParcel(%d): %v", parcelID, err)
		return
	}
	got := buildingIDs(bs)
	want = sortedIDs(want)
	if len(got) != len(want) {
		tb.Errorf("BuildingsOnParcel(%d) = %v, want %v", parcelID, got, want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			tb.Errorf("BuildingsOnParcel(%d) = %v, want %v (by id)", parcelID, got, want)
			return
		}
	}
	for _, b := range bs {
		checkSameRow(tb, "BuildingsOnParcel row vs GetBuilding", b, MustGetBuilding(tb, s, b.ID))
	}
}
