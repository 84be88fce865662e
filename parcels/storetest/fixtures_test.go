package storetest

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// The suite's expected values are hand computations on plane rectangles.
// These tests run against no store: they check that the fixtures mean what
// the comments say, so a failing conformance test points at the store.

func TestPlaneRectAreas(t *testing.T) {
	cases := []struct {
		name  string
		plane orb.MultiPolygon
		want  float64
	}{
		{"A", orb.MultiPolygon{{PlaneRect(0, 0, 100, 80)}}, 8000},
		{"B1", orb.MultiPolygon{{PlaneRect(10, 10, 40, 40)}}, 900},
		{"S", orb.MultiPolygon{{PlaneRect(72, 10, 112, 30)}}, 800},
		{"hole", orb.MultiPolygon{{PlaneRect(0, 0, 100, 80), PlaneHole(20, 20, 40, 40)}, {PlaneRect(150, 0, 200, 50)}}, fullParcelArea},
	}
	for _, c := range cases {
		if got := geo.PlaneArea(c.plane); got != c.want {
			t.Errorf("%s: PlaneArea = %v, want %v", c.name, got, c.want)
		}
		// Round trip through lon/lat: what a store derives from the stored geometry.
		if got := Area(LonLat(c.plane)); !near(got, c.want, AreaTol/100) {
			t.Errorf("%s: CadastralArea(Unproject) = %.9f, want %v", c.name, got, c.want)
		}
	}
	if got := geo.RingPlaneArea(PlaneRect(0, 0, 1, 1)); got != 1 {
		t.Errorf("PlaneRect is not counter-clockwise: signed area %v", got)
	}
	if got := geo.RingPlaneArea(PlaneHole(0, 0, 1, 1)); got != -1 {
		t.Errorf("PlaneHole is not clockwise: signed area %v", got)
	}
	// Orientation survives unprojection (GK is conformal, no reflection).
	if a := geo.RingPlaneArea(Rect(0, 0, 10, 10)[0][0]); a <= 0 {
		t.Errorf("lon/lat ring of PlaneRect has signed area %v, want > 0", a)
	}
}

func TestOriginNearLinhai(t *testing.T) {
	p := Rect(0, 0, 1, 1)[0][0][0]
	if math.Abs(p[0]-121.1) > 0.01 || math.Abs(p[1]-28.85) > 0.01 {
		t.Errorf("origin unprojects to %v, want near (121.1, 28.85)", p)
	}
	// The independent PROJ test point of reference/areas.md.
	x, y := parcels.LinhaiZone.Forward(121.1, 28.85)
	if math.Abs(x-3193141.3690) > 1e-3 || math.Abs(y-40607340.7248) > 1e-3 {
		t.Errorf("zone 40 forward(121.1, 28.85) = (%.4f, %.4f), want (3193141.3690, 40607340.7248)", x, y)
	}
}

// TestSiteByHand recomputes the Site's footprint and floor area with the
// Deriver on the same geometries the stores get, against the hand values in
// the Site comment.
func TestSiteByHand(t *testing.T) {
	d := parcels.NewDeriver(parcels.LinhaiZone)
	a := &parcels.Parcel{Meta: parcels.Meta{ID: 1}, Geometry: rectOf(siteA)}
	b := &parcels.Parcel{Meta: parcels.Meta{ID: 2}, Geometry: rectOf(siteB)}
	d.ParcelAreas(a)
	d.ParcelAreas(b)
	b2 := NewBuilding("B2", 2, rectOf(siteB2))
	b2.DeclaredFloorAreaM2 = 5000
	bs := []*parcels.Building{
		NewBuilding("B1", 3, rectOf(siteB1)), b2,
		NewBuilding("S", 1, rectOf(siteS)), NewBuilding("O", 0, rectOf(siteO)),
	}
	for _, x := range bs {
		d.BuildingValues(x)
		id, err := d.AssignParcel(x, []*parcels.Parcel{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if id != a.ID {
			t.Errorf("building %s assigned to %d, want A", x.Name, id)
		}
	}
	if err := d.ParcelSite(a, bs); err != nil {
		t.Fatal(err)
	}
	checkSite(t, "A by the Deriver", a, SiteWant{Area: 8000, Footprint: 2560, Floor: 8500, Count: 4})

	// S moved to [88,128]×[10,30] belongs to B.
	moved := NewBuilding("S", 1, Rect(88, 10, 128, 30))
	if id, _ := d.AssignParcel(moved, []*parcels.Parcel{a, b}); id != b.ID {
		t.Errorf("moved S assigned to %d, want B", id)
	}
	// With A shrunk to [0,80]×[0,80], the original S belongs to B.
	small := &parcels.Parcel{Meta: parcels.Meta{ID: 1}, Geometry: Rect(0, 0, 80, 80)}
	if id, _ := d.AssignParcel(bs[2], []*parcels.Parcel{small, b}); id != b.ID {
		t.Errorf("S with A shrunk assigned to %d, want B", id)
	}
}

func TestRefSquare(t *testing.T) {
	g := refSquare()
	checkNear(t, "reference square plane area", Area(g), 200000.0/3, AreaTol)
	checkNear(t, "reference square ellipsoidal area (geo)", geo.EllipsoidalArea(g), refSquareEllipsoidal, 0.001)
}

// TestInvalidFixtures checks that each invalid geometry the suite sends is
// rejected by parcels.Normalize (so a store that accepts it is wrong) and that
// the repairable ones are repaired.
func TestInvalidFixtures(t *testing.T) {
	for _, c := range invalidGeometries() {
		_, err := parcels.Normalize(parcels.KindParcel, "#0", c.g)
		if parcels.ErrorCode(err) != parcels.EINVALID {
			t.Errorf("%s: Normalize error %v, want invalid", c.name, err)
			continue
		}
		var e *parcels.Error
		if asError(err, &e) && c.problems && len(e.Problems) == 0 {
			t.Errorf("%s: no Problems in %v", c.name, err)
		}
	}
	for _, c := range repairableGeometries() {
		g, err := parcels.Normalize(parcels.KindParcel, "#0", c.in)
		if err != nil {
			t.Errorf("%s: Normalize: %v", c.name, err)
			continue
		}
		checkRepaired(t, c.name, g, c.area)
	}
}
