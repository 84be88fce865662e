package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"landplan/parcels"
)

func testCancel(t *testing.T, newStore Factory) {
	t.Run("WritesWithCancelledContextWriteNothing", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		p1, p2, _, pieces := zoneSite(t, s)
		z := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID, p2.ID}, Pieces: pieces})
		tk, err := s.CreateToken(t.Context(), parcels.Token{Name: "x", Role: parcels.RoleEditor, Hash: hashOf("x")})
		if err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		a, b1 := MustGetParcel(t, s, st.A.ID), MustGetBuilding(t, s, st.B1.ID)
		before := MustCount(t, s)
		hA := len(MustHistory(t, s, parcels.KindParcel, a.ID))

		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		upA := *a
		upA.Name = "不应写入"
		upA.Geometry = Rect(0, 0, 100, 100)
		upB := *b1
		upB.Floors = 9
		upZ := *z
		upZ.Members = []int64{p1.ID}
		writes := map[string]func() error{
			"CreateParcel":  func() error { _, err := s.CreateParcel(ctx, NewParcel("c1", Rect(900, 0, 950, 50)), Bob); return err },
			"CreateParcels": func() error { _, err := s.CreateParcels(ctx, batchParcels(3), Bob); return err },
			"UpdateParcel":  func() error { _, err := s.UpdateParcel(ctx, &upA, Bob); return err },
			"DeleteParcel":  func() error { return s.DeleteParcel(ctx, a.ID, a.Version, Bob) },
			"CreateBuilding": func() error {
				_, err := s.CreateBuilding(ctx, NewBuilding("c", 1, Rect(80, 50, 90, 60)), Bob)
				return err
			},
			"CreateBuildings": func() error {
				_, err := s.CreateBuildings(ctx, []*parcels.Building{NewBuilding("c", 1, Rect(80, 50, 90, 60))}, Bob)
				return err
			},
			"UpdateBuilding": func() error { _, err := s.UpdateBuilding(ctx, &upB, Bob); return err },
			"DeleteBuilding": func() error { return s.DeleteBuilding(ctx, b1.ID, b1.Version, Bob) },
			"CreateZone": func() error {
				_, err := s.CreateZone(ctx, &parcels.Zone{Name: "c", Status: parcels.ZoneDraft, Members: []int64{p1.ID}}, Bob)
				return err
			},
			"UpdateZone": func() error { _, err := s.UpdateZone(ctx, &upZ, Bob); return err },
			"DeleteZone": func() error { return s.DeleteZone(ctx, z.ID, z.Version, Bob) },
			"Restore":    func() error { return s.Restore(ctx, parcels.KindParcel, a.ID, 1, a.Version, Bob) },
			"CreateToken": func() error {
				_, err := s.CreateToken(ctx, parcels.Token{Name: "c", Role: parcels.RoleViewer, Hash: hashOf("c")})
				return err
			},
			"RevokeToken": func() error { return s.RevokeToken(ctx, tk.ID) },
		}
		for name, w := range writes {
			if err := w(); err == nil {
				t.Errorf("%s with a cancelled context: no error", name)
			}
		}
		if after := MustCount(t, s); after != before {
			t.Errorf("cancelled writes changed the counts from %+v to %+v", before, after)
		}
		checkSameRow(t, "parcel A", MustGetParcel(t, s, a.ID), a)
		checkSameRow(t, "building B1", MustGetBuilding(t, s, b1.ID), b1)
		checkSameRow(t, "zone", MustGetZone(t, s, z.ID), z)
		if n := len(MustHistory(t, s, parcels.KindParcel, a.ID)); n != hA {
			t.Errorf("cancelled writes added %d history records to parcel A", n-hA)
		}
		if _, err := s.TokenByHash(t.Context(), hashOf("x")); err != nil {
			t.Errorf("token after a cancelled revoke: %v", err)
		}
		if _, err := s.TokenByHash(t.Context(), hashOf("c")); err == nil {
			t.Errorf("a token created with a cancelled context exists")
		}
	})

	t.Run("ReadsWithCancelledContextFail", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.GetParcel(ctx, p.ID); err == nil {
			t.Errorf("GetParcel with a cancelled context: no error")
		}
		if _, err := s.ListParcels(ctx, parcels.Query{}); err == nil {
			t.Errorf("ListParcels with a cancelled context: no error")
		}
		if _, err := s.History(ctx, parcels.KindParcel, p.ID); err == nil {
			t.Errorf("History with a cancelled context: no error")
		}
	})

	t.Run("BatchCancelledMidwayIsAllOrNothing", func(t *testing.T) {
		// Cancelled while a large batch runs: either it committed whole (it
		// was fast) or nothing of it is left.
		s := newStore(t)
		const n = 3000
		in := make([]*parcels.Parcel, n)
		for i := range in {
			x, y := float64(60*(i%50)), float64(60*(i/50))
			in[i] = NewParcel(fmt.Sprintf("331082000002GB%05d", i), Rect(x, y, x+50, y+40))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 15*time.Millisecond)
		defer cancel()
		_, err := s.CreateParcels(ctx, in, Alice)
		c := MustCount(t, s)
		switch {
		case err == nil && c.Parcels != n:
			t.Errorf("batch succeeded but %d of %d parcels are stored", c.Parcels, n)
		case err != nil && c.Parcels != 0:
			t.Errorf("batch failed (%v) but left %d parcels", err, c.Parcels)
		}
		t.Logf("batch of %d with a 15 ms deadline: err=%v, stored %d", n, err, c.Parcels)
	})
}

// testCancelMidWrite cancels writes while they run (deadlines of a few
// hundred microseconds to a few milliseconds) and then requires the store to
// keep working: an interrupted write must leave nothing behind and must not
// poison later writes (SQLite's interrupt once broke the GeoPackage store's
// writer connection for the life of the process).
func testCancelMidWrite(t *testing.T, newStore Factory) {
	t.Run("WritesCancelledMidwayLeaveTheStoreWorking", func(t *testing.T) {
		s := newStore(t)
		stored := 0
		for i := 0; i < 40; i++ {
			ctx, cancel := context.WithTimeout(t.Context(), time.Duration(100+i*100)*time.Microsecond)
			ps := make([]*parcels.Parcel, 50)
			for j := range ps {
				x := float64(i*1000 + j*15)
				ps[j] = NewParcel(fmt.Sprintf("mid-%d-%d", i, j), Rect(x, 5000, x+10, 5010))
			}
			out, err := s.CreateParcels(ctx, ps, Bob)
			cancel()
			if err == nil {
				stored += len(out)
			}
			// A normal write right after must succeed, whatever happened.
			if _, err := s.CreateToken(t.Context(), parcels.Token{Name: "t", Role: parcels.RoleViewer, Hash: hashOf(fmt.Sprint("mid", i))}); err != nil {
				t.Fatalf("round %d: a token write after a cancelled batch failed: %v", i, err)
			}
		}
		p := MustCreateParcel(t, s, NewParcel("after", Rect(0, 9000, 10, 9010)))
		if p.ID == 0 {
			t.Fatal("no id for the write after the cancelled ones")
		}
		if got := MustCount(t, s).Parcels; got != int64(stored+1) {
			t.Fatalf("%d parcels stored, want %d (the batches that succeeded + 1): a cancelled batch left rows behind", got, stored+1)
		}
	})
}
