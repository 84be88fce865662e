package storetest

import (
	"testing"

	"landplan/parcels"
)

func testDerived(t *testing.T, newStore Factory) {
	// The reference square of reference/areas.md: 100 亩 centred at
	// X 3193141.369, Y 40607340.725 in zone 40. Its plane area is
	// 200000/3 m² and its ellipsoidal area 66 647.7201 m² (GeographicLib's
	// Planimeter, not geo).
	t.Run("ReferenceSquareAreas", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00100", refSquare()))
		checkNear(t, "AreaM2", p.AreaM2, 200000.0/3, AreaTol)
		checkNear(t, "AreaMu", p.AreaMu, 100, 1e-6)
		checkNear(t, "EllipsoidalAreaM2", p.EllipsoidalAreaM2, refSquareEllipsoidal, 0.001)
		checkSameRow(t, "created vs Get", p, MustGetParcel(t, s, p.ID))
	})

	t.Run("BuildingCreate", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082001001JA00001", rectOf(siteA)))
		b := MustCreateParcel(t, s, NewParcel("331082001001JA00002", rectOf(siteB)))
		b2in := NewBuilding("二号车间", 2, rectOf(siteB2))
		b2in.DeclaredFloorAreaM2 = 5000
		steps := []struct {
			what               string
			in                 *parcels.Building
			footprint, floor   float64 // the building's own
			aFootprint, aFloor float64 // parcel A's after the write
		}{
			{"B1", NewBuilding("一号车间", 3, rectOf(siteB1)), 900, 2700, 900, 2700},
			// B2 overlaps B1 by 200 m²: the union grows by 700.
			{"B2", b2in, 900, 5000, 1600, 7700},
			// S straddles A (70%) and B (30%): only its 560 m² in A count.
			{"S", NewBuilding("跨界仓库", 1, rectOf(siteS)), 800, 800, 2160, 8500},
			// O sticks out of A: only its 400 m² inside count.
			{"O", NewBuilding("出界棚", 0, rectOf(siteO)), 800, 0, 2560, 8500},
		}
		var on []int64
		for i, st := range steps {
			got := MustCreateBuilding(t, s, st.in)
			on = append(on, got.ID)
			checkBuildingDerived(t, st.what, got, st.footprint, st.floor, a.ID)
			pa := MustGetParcel(t, s, a.ID)
			checkSite(t, "parcel A after creating "+st.what, pa, SiteWant{Area: 8000, Footprint: st.aFootprint, Floor: st.aFloor, Count: i + 1})
			if pa.Version != int64(i+2) {
				t.Errorf("parcel A after creating %s: Version = %d, want %d (its derived values changed)", st.what, pa.Version, i+2)
			}
		}
		checkSite(t, "parcel B", MustGetParcel(t, s, b.ID), SiteWant{Area: 8000})
		checkOnParcel(t, s, a.ID, on...)
		checkOnParcel(t, s, b.ID)
		// Listed rows carry their derived values, exactly as Get returns them.
		for _, p := range MustListParcels(t, s, parcels.Query{}).Items {
			checkSameRow(t, "listed parcel vs Get", p, MustGetParcel(t, s, p.ID))
		}
		for _, x := range MustListBuildings(t, s, parcels.Query{}).Items {
			checkSameRow(t, "listed building vs Get", x, MustGetBuilding(t, s, x.ID))
		}
	})

	t.Run("BuildingWriteBumpsParcelVersionAndHistory", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		far := MustCreateParcel(t, s, NewParcel("331082001001JA00009", Rect(1000, 1000, 1100, 1100)))
		// A building far from every parcel changes no parcel.
		MustCreateBuilding(t, s, NewBuilding("孤立建筑", 1, Rect(500, 500, 510, 510)))
		if a := MustGetParcel(t, s, st.A.ID); a.Version != st.A.Version {
			t.Errorf("a building on no parcel bumped parcel A from v%d to v%d", st.A.Version, a.Version)
		}
		// A new building on A (10×10 = 100 m², 2 floors) written by Bob.
		nb, err := s.CreateBuilding(t.Context(), NewBuilding("门卫", 2, Rect(80, 50, 90, 60)), Bob)
		if err != nil {
			t.Fatalf("CreateBuilding: %v", err)
		}
		a := MustGetParcel(t, s, st.A.ID)
		if a.Version != st.A.Version+1 {
			t.Errorf("parcel A: Version = %d after a building write, want %d", a.Version, st.A.Version+1)
		}
		if a.UpdatedBy != Bob {
			t.Errorf("parcel A: UpdatedBy = %q after Bob's building write, want %q", a.UpdatedBy, Bob)
		}
		checkSite(t, "parcel A", a, SiteWant{Area: 8000, Footprint: 2660, Floor: 8700, Count: 5})
		h := MustHistory(t, s, parcels.KindParcel, a.ID)
		last := h[len(h)-1]
		if last.Op != parcels.OpUpdate || last.Actor != Bob || last.Version != a.Version {
			t.Errorf("parcel A's last history record = %s v%d by %q, want update v%d by %q", last.Op, last.Version, last.Actor, a.Version, Bob)
		}
		if after, err := parcels.DecodeParcel(last.After); err != nil {
			t.Errorf("decode history After: %v", err)
		} else if after.BuildingCount != 5 || !near(after.FootprintAreaM2, 2660, AreaTol) {
			t.Errorf("history After of the recomputation: count %d, footprint %.3f; want 5, 2660", after.BuildingCount, after.FootprintAreaM2)
		}
		if f := MustGetParcel(t, s, far.ID); f.Version != 1 {
			t.Errorf("an untouched parcel was bumped to v%d", f.Version)
		}
		checkBuildingDerived(t, "new building", nb, 100, 200, a.ID)
	})

	t.Run("BuildingMovedToAnotherParcel", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		// S moves to [88,128]×[10,30]: 12×20 = 240 m² in A, 28×20 = 560 in B.
		up := *st.S
		up.Geometry = Rect(88, 10, 128, 30)
		sb := MustUpdateBuilding(t, s, &up, Bob)
		checkBuildingDerived(t, "moved S", sb, 800, 800, st.B.ID)
		a, b := MustGetParcel(t, s, st.A.ID), MustGetParcel(t, s, st.B.ID)
		checkSite(t, "parcel A", a, SiteWant{Area: 8000, Footprint: 1600 + 400, Floor: 2700 + 5000, Count: 3})
		checkSite(t, "parcel B", b, SiteWant{Area: 8000, Footprint: 560, Floor: 800, Count: 1})
		if a.Version != st.A.Version+1 || b.Version != st.B.Version+1 {
			t.Errorf("versions after the move: A v%d (was %d), B v%d (was %d); both derived values changed", a.Version, st.A.Version, b.Version, st.B.Version)
		}
		if a.UpdatedBy != Bob || b.UpdatedBy != Bob {
			t.Errorf("UpdatedBy after Bob's move: A %q, B %q", a.UpdatedBy, b.UpdatedBy)
		}
		checkOnParcel(t, s, st.A.ID, st.B1.ID, st.B2.ID, st.O.ID)
		checkOnParcel(t, s, st.B.ID, st.S.ID)
	})

	t.Run("BuildingUpdatedInPlace", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		// B1 grows to [10,40]×[10,45] = 1050 m² with 4 floors (4200 m²). It now
		// overlaps B2 on [30,40]×[20,45] = 250 m², so |B1 ∪ B2| = 1050 + 900 −
		// 250 = 1700 and A's footprint = 1700 + 560 + 400 = 2660; floor area =
		// 4200 + 5000 + 800 + 0 = 10000, plot ratio 1.25.
		up := *st.B1
		up.Floors = 4
		up.Geometry = Rect(10, 10, 40, 45)
		b1 := MustUpdateBuilding(t, s, &up, Bob)
		checkBuildingDerived(t, "B1", b1, 1050, 4200, st.A.ID)
		a := MustGetParcel(t, s, st.A.ID)
		checkSite(t, "parcel A", a, SiteWant{Area: 8000, Footprint: 2660, Floor: 10000, Count: 4})
		if a.Version != st.A.Version+1 {
			t.Errorf("parcel A: Version = %d, want %d", a.Version, st.A.Version+1)
		}
		// Floors alone: 4 → 2 changes only the floor area (1050 × 2 = 2100).
		up2 := *b1
		up2.Floors = 2
		MustUpdateBuilding(t, s, &up2, Alice)
		checkSite(t, "parcel A after floors 4→2", MustGetParcel(t, s, st.A.ID), SiteWant{Area: 8000, Footprint: 2660, Floor: 7900, Count: 4})
	})

	t.Run("BuildingDeleted", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		if err := s.DeleteBuilding(t.Context(), st.B2.ID, st.B2.Version, Bob); err != nil {
			t.Fatalf("DeleteBuilding: %v", err)
		}
		a := MustGetParcel(t, s, st.A.ID)
		// Without B2: 900 + 560 + 400 = 1860 m²; 2700 + 800 = 3500 m².
		checkSite(t, "parcel A", a, SiteWant{Area: 8000, Footprint: 1860, Floor: 3500, Count: 3})
		if a.Version != st.A.Version+1 || a.UpdatedBy != Bob {
			t.Errorf("parcel A: v%d by %q, want v%d by %q", a.Version, a.UpdatedBy, st.A.Version+1, Bob)
		}
		checkOnParcel(t, s, st.A.ID, st.B1.ID, st.S.ID, st.O.ID)
	})

	t.Run("ParcelGeometryChanged", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		// A grows north to [0,100]×[0,100] = 10000 m²: O is now wholly inside:
		// 1600 + 560 + 800 = 2960 m², density 0.296; floor 8500, ratio 0.85.
		up := *st.A
		up.Geometry = rectOf([4]float64{0, 0, 100, 100})
		a := MustUpdateParcel(t, s, &up, Bob)
		checkSite(t, "parcel A (returned)", a, SiteWant{Area: 10000, Footprint: 2960, Floor: 8500, Count: 4})
		checkSameRow(t, "UpdateParcel result vs GetParcel", a, MustGetParcel(t, s, st.A.ID))
		if a.Version != st.A.Version+1 {
			t.Errorf("parcel A: Version = %d, want %d (one write)", a.Version, st.A.Version+1)
		}
		checkOnParcel(t, s, st.A.ID, st.B1.ID, st.B2.ID, st.S.ID, st.O.ID)
	})

	t.Run("ParcelGeometryChangeReassignsBuildings", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		// A shrinks to [0,80]×[0,80] = 6400 m²: S now has 8×20 = 160 m² in A and
		// still 240 in B, so S belongs to B. A keeps B1, B2 and O:
		// 1600 + 400 = 2000 m², floor 7700; B gets S: 240 m², floor 800.
		up := *st.A
		up.Geometry = rectOf([4]float64{0, 0, 80, 80})
		a := MustUpdateParcel(t, s, &up, Bob)
		checkSite(t, "parcel A (returned)", a, SiteWant{Area: 6400, Footprint: 2000, Floor: 7700, Count: 3})
		checkSite(t, "parcel B", MustGetParcel(t, s, st.B.ID), SiteWant{Area: 8000, Footprint: 240, Floor: 800, Count: 1})
		sb := MustGetBuilding(t, s, st.S.ID)
		checkBuildingDerived(t, "S", sb, 800, 800, st.B.ID)
		if sb.Version != st.S.Version+1 {
			t.Errorf("S: Version = %d after its parcel changed, want %d", sb.Version, st.S.Version+1)
		}
		checkOnParcel(t, s, st.A.ID, st.B1.ID, st.B2.ID, st.O.ID)
		checkOnParcel(t, s, st.B.ID, st.S.ID)
	})

	t.Run("ParcelDeleteReassignsBuildings", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		if err := s.DeleteParcel(t.Context(), st.A.ID, st.A.Version, Bob); err != nil {
			t.Fatalf("DeleteParcel: %v", err)
		}
		// S goes to B (its 240 m² there); B1, B2 and O are on no live parcel.
		checkSite(t, "parcel B", MustGetParcel(t, s, st.B.ID), SiteWant{Area: 8000, Footprint: 240, Floor: 800, Count: 1})
		for _, b := range []*parcels.Building{st.B1, st.B2, st.O} {
			got := MustGetBuilding(t, s, b.ID)
			if got.ParcelID != 0 {
				t.Errorf("building %q: ParcelID = %d after its parcel was deleted, want 0", b.Name, got.ParcelID)
			}
			if got.Version != b.Version+1 || got.UpdatedBy != Bob {
				t.Errorf("building %q: v%d by %q, want v%d by %q (its parcel_id changed)", b.Name, got.Version, got.UpdatedBy, b.Version+1, Bob)
			}
			h := MustHistory(t, s, parcels.KindBuilding, b.ID)
			if last := h[len(h)-1]; last.Op != parcels.OpUpdate || last.Actor != Bob || last.Version != got.Version {
				t.Errorf("building %q: last history record %s v%d by %q, want update v%d by %q", b.Name, last.Op, last.Version, last.Actor, got.Version, Bob)
			}
		}
		checkBuildingDerived(t, "S", MustGetBuilding(t, s, st.S.ID), 800, 800, st.B.ID)
		checkOnParcel(t, s, st.B.ID, st.S.ID)
		checkOnParcel(t, s, st.A.ID)
		pg := MustListBuildings(t, s, parcels.Query{Where: parcels.IsNull{Prop: "parcel_id"}})
		if got, want := buildingIDs(pg.Items), sortedIDs([]int64{st.B1.ID, st.B2.ID, st.O.ID}); !equalIDs(got, want) {
			t.Errorf("buildings with parcel_id IS NULL = %v, want %v", got, want)
		}
	})

	t.Run("ParcelCreatedUnderBuildings", func(t *testing.T) {
		// Buildings imported before their parcels belong to no parcel until a
		// parcel is created under them: then it is the one they overlap most.
		s := newStore(t)
		b2in := NewBuilding("二号车间", 2, rectOf(siteB2))
		b2in.DeclaredFloorAreaM2 = 5000
		bs, err := s.CreateBuildings(t.Context(), []*parcels.Building{
			NewBuilding("一号车间", 3, rectOf(siteB1)), b2in,
			NewBuilding("跨界仓库", 1, rectOf(siteS)), NewBuilding("出界棚", 0, rectOf(siteO)),
		}, Alice)
		if err != nil {
			t.Fatalf("CreateBuildings: %v", err)
		}
		for _, b := range bs {
			if b.ParcelID != 0 {
				t.Errorf("building %q: ParcelID = %d with no parcels, want 0", b.Name, b.ParcelID)
			}
		}
		b := MustCreateParcel(t, s, NewParcel("331082001001JA00002", rectOf(siteB)))
		// Only S overlaps B so far: S belongs to B.
		checkSite(t, "parcel B alone", b, SiteWant{Area: 8000, Footprint: 240, Floor: 800, Count: 1})
		a := MustCreateParcel(t, s, NewParcel("331082001001JA00001", rectOf(siteA)))
		checkSite(t, "parcel A", a, SiteWant{Area: 8000, Footprint: 2560, Floor: 8500, Count: 4})
		checkSite(t, "parcel B after A", MustGetParcel(t, s, b.ID), SiteWant{Area: 8000})
		checkOnParcel(t, s, a.ID, buildingIDs(bs)...)
	})

	t.Run("ConcurrentBuildingWritesKeepParcelValues", func(t *testing.T) {
		// Writers adding buildings to one parcel at once must not lose each
		// other's contribution to its derived values.
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082001001JA00001", Rect(0, 0, 100, 100)))
		const n = 8
		errs := make(chan error, n)
		for i := range n {
			go func() {
				// 10×10 = 100 m² each, 2 floors, in a row along y = 10.
				x := float64(5 + 12*i)
				_, err := s.CreateBuilding(t.Context(), NewBuilding("并发", 2, Rect(x, 10, x+10, 20)), Alice)
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Errorf("concurrent CreateBuilding: %v", err)
			}
		}
		checkSite(t, "parcel A", MustGetParcel(t, s, a.ID), SiteWant{Area: 10000, Footprint: n * 100, Floor: n * 200, Count: n})
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
