package storetest

import (
	"fmt"
	"testing"

	"landplan/parcels"
)

// batchParcels returns n parcels side by side: parcel i is
// [300i, 300i+100+10i]×[0,50], so its area is 50·(100+10i) m².
func batchParcels(n int) []*parcels.Parcel {
	ps := make([]*parcels.Parcel, n)
	for i := range ps {
		x := float64(300 * i)
		ps[i] = NewParcel(fmt.Sprintf("331082000000GB%05d", i), Rect(x, 0, x+100+10*float64(i), 50))
		ps[i].Owner = fmt.Sprintf("业主%d", i)
	}
	return ps
}

func batchArea(i int) float64 { return 50 * (100 + 10*float64(i)) }

func testBatch(t *testing.T, newStore Factory) {
	t.Run("CreateParcelsInOrder", func(t *testing.T) {
		s := newStore(t)
		in := batchParcels(7)
		got := MustCreateParcels(t, s, in)
		seen := map[int64]bool{}
		want := batchParcels(7)
		for i, p := range got {
			if p == nil || p.ID <= 0 || seen[p.ID] {
				t.Fatalf("row %d: missing, no id or a repeated id: %+v", i, p)
			}
			seen[p.ID] = true
			if p.Version != 1 || p.UpdatedBy != Alice {
				t.Errorf("row %d: v%d by %q, want v1 by %q", i, p.Version, p.UpdatedBy, Alice)
			}
			checkParcelFields(t, fmt.Sprintf("row %d", i), p, want[i])
			checkParcelAreas(t, fmt.Sprintf("row %d", i), p, batchArea(i))
			checkSameRow(t, fmt.Sprintf("row %d vs Get", i), p, MustGetParcel(t, s, p.ID))
		}
		if c := MustCount(t, s); c.Parcels != 7 {
			t.Errorf("%d parcels stored, want 7", c.Parcels)
		}
	})

	t.Run("CreateParcelsLargeBatch", func(t *testing.T) {
		// A bulk path (COPY) must carry every field, Chinese text and attrs.
		s := newStore(t)
		const n = 1000
		in := make([]*parcels.Parcel, n)
		for i := range in {
			x, y := float64(60*(i%40)), float64(60*(i/40))
			in[i] = fullParcel()
			in[i].Code = fmt.Sprintf("331082000001GB%05d", i)
			in[i].Attrs["序号"] = float64(i)
			in[i].Geometry = Rect(x, y, x+50, y+40)
		}
		got := MustCreateParcels(t, s, in)
		if pg := MustListParcels(t, s, parcels.Query{Limit: 1}); pg.NumberMatched != n {
			t.Errorf("NumberMatched = %d after a batch of %d", pg.NumberMatched, n)
		}
		for _, i := range []int{0, 1, 499, n - 1} {
			checkParcelFields(t, fmt.Sprintf("row %d", i), got[i], in[i])
			checkParcelAreas(t, fmt.Sprintf("row %d", i), got[i], 2000)
			checkSameRow(t, fmt.Sprintf("row %d vs Get", i), got[i], MustGetParcel(t, s, got[i].ID))
		}
		if h := MustHistory(t, s, parcels.KindParcel, got[n-1].ID); len(h) != 1 || h[0].Op != parcels.OpCreate {
			t.Errorf("history of a batch-created parcel: %d records, want one create", len(h))
		}
	})

	for _, bad := range []int{2, 4} {
		t.Run(fmt.Sprintf("CreateParcelsInvalidItem%dLeavesNothing", bad), func(t *testing.T) {
			s := newStore(t)
			MustCreateParcel(t, s, NewParcel("331082000009GB00001", Rect(5000, 0, 5100, 80)))
			before := MustCount(t, s)
			in := batchParcels(5)
			in[bad].Geometry = invalidGeometries()[0].g // the bowtie
			_, err := s.CreateParcels(t.Context(), in, Alice)
			e := WantCode(t, err, parcels.EINVALID, "CreateParcels with a bowtie")
			if e != nil && e.Feature != fmt.Sprintf("#%d", bad) {
				t.Errorf("Error.Feature = %q, want %q (0-based index of the bad item)", e.Feature, fmt.Sprintf("#%d", bad))
			}
			if e != nil && len(e.Problems) == 0 {
				t.Errorf("EINVALID carries no Problems: %v", err)
			}
			if after := MustCount(t, s); after != before {
				t.Errorf("a failed batch changed the counts from %+v to %+v", before, after)
			}
			pg := MustListParcels(t, s, parcels.Query{Where: parcels.Like{Prop: "code", Pattern: "331082000000GB%"}})
			if len(pg.Items) != 0 {
				t.Errorf("a failed batch left %d of its parcels behind", len(pg.Items))
			}
		})
	}

	t.Run("CreateParcelsDuplicateCodeLeavesNothing", func(t *testing.T) {
		s := newStore(t)
		in := batchParcels(4)
		in[3].Code = in[1].Code
		_, err := s.CreateParcels(t.Context(), in, Alice)
		if c := parcels.ErrorCode(err); c != parcels.EINVALID && c != parcels.ECONFLICT {
			t.Errorf("a batch with a repeated code: error %v (code %q), want invalid or conflict", err, c)
		}
		if c := MustCount(t, s); c.Parcels != 0 {
			t.Errorf("a failed batch left %d parcels", c.Parcels)
		}
	})

	t.Run("CreateBuildingsInOrderWithDerived", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082001001JA00001", rectOf(siteA)))
		b := MustCreateParcel(t, s, NewParcel("331082001001JA00002", rectOf(siteB)))
		b2 := NewBuilding("二号车间", 2, rectOf(siteB2))
		b2.DeclaredFloorAreaM2 = 5000
		in := []*parcels.Building{
			NewBuilding("一号车间", 3, rectOf(siteB1)), b2,
			NewBuilding("跨界仓库", 1, rectOf(siteS)), NewBuilding("出界棚", 0, rectOf(siteO)),
			NewBuilding("B 上的棚", 1, Rect(150, 10, 160, 20)), // 100 m², on B
		}
		got, err := s.CreateBuildings(t.Context(), in, Alice)
		if err != nil {
			t.Fatalf("CreateBuildings: %v", err)
		}
		if len(got) != len(in) {
			t.Fatalf("CreateBuildings returned %d rows for %d", len(got), len(in))
		}
		want := []struct {
			name             string
			footprint, floor float64
			parcel           int64
		}{
			{"一号车间", 900, 2700, a.ID}, {"二号车间", 900, 5000, a.ID}, {"跨界仓库", 800, 800, a.ID},
			{"出界棚", 800, 0, a.ID}, {"B 上的棚", 100, 100, b.ID},
		}
		for i, w := range want {
			if got[i].Name != w.name {
				t.Errorf("row %d is %q, want %q (input order)", i, got[i].Name, w.name)
				continue
			}
			checkBuildingDerived(t, w.name, got[i], w.footprint, w.floor, w.parcel)
			checkSameRow(t, w.name+" vs Get", got[i], MustGetBuilding(t, s, got[i].ID))
		}
		pa, pb := MustGetParcel(t, s, a.ID), MustGetParcel(t, s, b.ID)
		checkSite(t, "parcel A", pa, SiteWant{Area: 8000, Footprint: 2560, Floor: 8500, Count: 4})
		checkSite(t, "parcel B", pb, SiteWant{Area: 8000, Footprint: 100, Floor: 100, Count: 1})
		if pa.Version < 2 || pb.Version < 2 {
			t.Errorf("parcels' versions after a batch that changed their values: A v%d, B v%d; want > 1", pa.Version, pb.Version)
		}
	})

	t.Run("CreateBuildingsInvalidItemLeavesNothing", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082001001JA00001", rectOf(siteA)))
		before := MustCount(t, s)
		in := []*parcels.Building{
			NewBuilding("一号车间", 3, rectOf(siteB1)), NewBuilding("二号车间", 2, rectOf(siteB2)),
			NewBuilding("坏", 1, invalidGeometries()[0].g), NewBuilding("出界棚", 0, rectOf(siteO)),
		}
		_, err := s.CreateBuildings(t.Context(), in, Alice)
		e := WantCode(t, err, parcels.EINVALID, "CreateBuildings with a bowtie")
		if e != nil && e.Feature != "#2" {
			t.Errorf("Error.Feature = %q, want \"#2\"", e.Feature)
		}
		if after := MustCount(t, s); after != before {
			t.Errorf("a failed batch changed the counts from %+v to %+v", before, after)
		}
		checkSameRow(t, "parcel A after a failed batch", MustGetParcel(t, s, a.ID), a)
		checkOnParcel(t, s, a.ID)
	})
}
