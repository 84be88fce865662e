package storetest

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

type invalidGeometry struct {
	name     string
	g        orb.MultiPolygon
	problems bool // the error must carry geo.Problems
}

// invalidGeometries are geometries every store must reject with EINVALID.
func invalidGeometries() []invalidGeometry {
	// A bowtie: the shell's edges cross at (50, 50).
	bowtie := LonLat(orb.MultiPolygon{{PlaneRing(0, 0, 100, 100, 100, 0, 0, 100)}})
	// An unclosed ring: the last vertex is not the first.
	open := Rect(0, 0, 100, 80)
	open[0][0] = open[0][0][:len(open[0][0])-1]
	// A square in Germany, far outside China.
	germany := orb.MultiPolygon{{{{10, 50}, {10.001, 50}, {10.001, 50.001}, {10, 50.001}, {10, 50}}}}
	// A hole that is not inside its shell.
	holeOut := LonLat(orb.MultiPolygon{{PlaneRect(0, 0, 100, 80), PlaneHole(150, 20, 170, 40)}})
	return []invalidGeometry{
		{"SelfIntersectingBowtie", bowtie, true},
		{"UnclosedRing", open, true},
		{"OutsideChina", germany, true},
		{"HoleOutsideShell", holeOut, true},
		{"Empty", orb.MultiPolygon{}, false},
	}
}

type repairableGeometry struct {
	name string
	in   orb.MultiPolygon
	area float64
}

// repairableGeometries are accepted and stored repaired: shells
// counter-clockwise, holes clockwise, no repeated vertices.
func repairableGeometries() []repairableGeometry {
	// [0,100]×[0,80] minus [20,40]×[20,40] with the shell clockwise and the hole counter-clockwise.
	cw := LonLat(orb.MultiPolygon{{PlaneHole(0, 0, 100, 80), PlaneRect(20, 20, 40, 40)}})
	// A repeated consecutive vertex.
	rep := LonLat(orb.MultiPolygon{{PlaneRing(0, 0, 50, 0, 50, 0, 50, 40, 0, 40)}})
	return []repairableGeometry{
		{"ClockwiseShell", cw, 7600},
		{"RepeatedVertex", rep, 2000},
	}
}

// checkRepaired checks that g has counter-clockwise shells, clockwise holes,
// no repeated consecutive vertex, and the given plane area.
func checkRepaired(tb testing.TB, what string, g orb.MultiPolygon, area float64) {
	tb.Helper()
	for i, p := range g {
		for j, r := range p {
			a := geo.RingPlaneArea(parcels.LinhaiZone.Project(orb.MultiPolygon{{r}})[0][0])
			if j == 0 && a <= 0 {
				tb.Errorf("%s: polygon %d shell is clockwise (signed area %.3f), want counter-clockwise", what, i, a)
			}
			if j > 0 && a >= 0 {
				tb.Errorf("%s: polygon %d hole %d is counter-clockwise (signed area %.3f), want clockwise", what, i, j, a)
			}
			for k := 1; k < len(r); k++ {
				if r[k] == r[k-1] {
					tb.Errorf("%s: polygon %d ring %d repeats vertex %d %v", what, i, j, k, r[k])
				}
			}
			if len(r) > 0 && r[0] != r[len(r)-1] {
				tb.Errorf("%s: polygon %d ring %d is not closed", what, i, j)
			}
		}
	}
	checkNear(tb, what+" area", Area(g), area, AreaTol)
}

func testGeometry(t *testing.T, newStore Factory) {
	for _, c := range invalidGeometries() {
		t.Run("CreateParcelRejects"+c.name, func(t *testing.T) {
			s := newStore(t)
			MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 10, 10)))
			before := MustCount(t, s)
			_, err := s.CreateParcel(t.Context(), NewParcel("331082000000GB00002", c.g), Alice)
			e := WantCode(t, err, parcels.EINVALID, "CreateParcel("+c.name+")")
			if e != nil && c.problems && len(e.Problems) == 0 {
				t.Errorf("EINVALID for %s carries no Problems: %v", c.name, err)
			}
			if e != nil && (e.Message == "" || e.MessageZH == "") {
				t.Errorf("EINVALID for %s lacks a message in English or Chinese: %+v", c.name, e)
			}
			if after := MustCount(t, s); after != before {
				t.Errorf("a rejected parcel changed the counts from %+v to %+v", before, after)
			}
		})
	}

	t.Run("UpdateParcelRejectsInvalid", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		for _, c := range invalidGeometries() {
			up := *p
			up.Name = "不应写入"
			up.Geometry = c.g
			_, err := s.UpdateParcel(t.Context(), &up, Bob)
			WantCode(t, err, parcels.EINVALID, "UpdateParcel("+c.name+")")
		}
		checkSameRow(t, "parcel after rejected updates", MustGetParcel(t, s, p.ID), p)
		if h := MustHistory(t, s, parcels.KindParcel, p.ID); len(h) != 1 {
			t.Errorf("rejected updates left %d history records, want 1 (the create)", len(h))
		}
	})

	t.Run("BuildingRejectsInvalid", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		b := MustCreateBuilding(t, s, NewBuilding("车间", 2, Rect(10, 10, 20, 20)))
		a = MustGetParcel(t, s, a.ID)
		before := MustCount(t, s)
		for _, c := range invalidGeometries() {
			_, err := s.CreateBuilding(t.Context(), NewBuilding("坏", 1, c.g), Alice)
			WantCode(t, err, parcels.EINVALID, "CreateBuilding("+c.name+")")
			up := *b
			up.Geometry = c.g
			_, err = s.UpdateBuilding(t.Context(), &up, Alice)
			WantCode(t, err, parcels.EINVALID, "UpdateBuilding("+c.name+")")
		}
		if after := MustCount(t, s); after != before {
			t.Errorf("rejected buildings changed the counts from %+v to %+v", before, after)
		}
		checkSameRow(t, "building after rejected updates", MustGetBuilding(t, s, b.ID), b)
		checkSameRow(t, "its parcel", MustGetParcel(t, s, a.ID), a)
	})

	for _, c := range repairableGeometries() {
		t.Run("StoresRepaired"+c.name, func(t *testing.T) {
			s := newStore(t)
			p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", c.in))
			checkRepaired(t, "returned parcel", p.Geometry, c.area)
			checkParcelAreas(t, "returned parcel", p, c.area)
			checkSameRow(t, "returned vs Get", p, MustGetParcel(t, s, p.ID))
			// Every stored vertex is one of the input's: repaired, not moved.
			in := map[string]bool{}
			for _, poly := range c.in {
				for _, r := range poly {
					for _, pt := range r {
						in[fmt.Sprintf("%.9f %.9f", pt[0], pt[1])] = true
					}
				}
			}
			for _, poly := range p.Geometry {
				for _, r := range poly {
					for _, pt := range r {
						if !in[fmt.Sprintf("%.9f %.9f", pt[0], pt[1])] {
							t.Errorf("stored vertex %v is not an input vertex", pt)
						}
					}
				}
			}
			b := MustCreateBuilding(t, s, NewBuilding("车间", 1, c.in))
			checkRepaired(t, "returned building", b.Geometry, c.area)
		})
	}

	t.Run("ExactCoordinates", func(t *testing.T) {
		// Coordinates with all their digits survive to 1e-9°, in the returned
		// row, in Get and in List.
		s := newStore(t)
		g := orb.MultiPolygon{{{
			{121.123456789012, 28.851234567891}, {121.124456789321, 28.851234567123},
			{121.124456789987, 28.852234567456}, {121.123456789654, 28.852234567789},
			{121.123456789012, 28.851234567891},
		}}}
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", g))
		checkGeometry(t, "returned", p.Geometry, g)
		checkGeometry(t, "GetParcel", MustGetParcel(t, s, p.ID).Geometry, g)
		checkGeometry(t, "ListParcels", MustListParcels(t, s, parcels.Query{}).Items[0].Geometry, g)
		b := MustCreateBuilding(t, s, NewBuilding("车间", 1, g))
		checkGeometry(t, "GetBuilding", MustGetBuilding(t, s, b.ID).Geometry, g)
	})
}
