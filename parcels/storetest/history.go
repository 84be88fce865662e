package storetest

import (
	"fmt"
	"testing"
	"time"

	"landplan/parcels"
)

// wantChange is what one history record must say.
type wantChange struct {
	op      parcels.Op
	version int64
	actor   string
}

// checkHistory checks a row's history: the records in order (op, version,
// actor, kind, id), Seq strictly increasing and At set and not decreasing.
func checkHistory(tb testing.TB, what string, h []parcels.Change, kind parcels.Kind, id int64, want ...wantChange) {
	tb.Helper()
	if len(h) != len(want) {
		var got []string
		for _, c := range h {
			got = append(got, fmt.Sprintf("%s v%d by %s", c.Op, c.Version, c.Actor))
		}
		tb.Errorf("%s: %d history records %v, want %d", what, len(h), got, len(want))
		return
	}
	for i, w := range want {
		c := h[i]
		if c.Op != w.op || c.Version != w.version || c.Actor != w.actor || c.Kind != kind || c.ID != id {
			tb.Errorf("%s: record %d is %s %s %d v%d by %q, want %s %s %d v%d by %q",
				what, i, c.Op, c.Kind, c.ID, c.Version, c.Actor, w.op, kind, id, w.version, w.actor)
		}
		if c.At.IsZero() {
			tb.Errorf("%s: record %d has no time", what, i)
		}
		if i > 0 {
			if c.Seq <= h[i-1].Seq {
				tb.Errorf("%s: record %d Seq %d is not after %d", what, i, c.Seq, h[i-1].Seq)
			}
			if c.At.Before(h[i-1].At) {
				tb.Errorf("%s: record %d At %s is before the previous %s", what, i, c.At, h[i-1].At)
			}
		}
	}
}

func decodeParcel(tb testing.TB, what string, b []byte) *parcels.Parcel {
	tb.Helper()
	if len(b) == 0 || string(b) == "null" {
		tb.Errorf("%s: empty", what)
		return nil
	}
	p, err := parcels.DecodeParcel(b)
	if err != nil {
		tb.Errorf("%s: DecodeParcel: %v", what, err)
		return nil
	}
	return p
}

func testHistory(t *testing.T, newStore Factory) {
	t.Run("ParcelCreateUpdateDelete", func(t *testing.T) {
		s := newStore(t)
		v1 := MustCreateParcel(t, s, fullParcel())
		up := *v1
		up.Name = "改名后"
		up.Geometry = Rect(0, 0, 120, 90)
		v2 := MustUpdateParcel(t, s, &up, Bob)
		if err := s.DeleteParcel(t.Context(), v1.ID, v2.Version, Alice); err != nil {
			t.Fatalf("DeleteParcel: %v", err)
		}
		h := MustHistory(t, s, parcels.KindParcel, v1.ID) // a deleted row keeps its history
		checkHistory(t, "parcel history", h, parcels.KindParcel, v1.ID,
			wantChange{parcels.OpCreate, 1, Alice}, wantChange{parcels.OpUpdate, 2, Bob}, wantChange{parcels.OpDelete, 3, Alice})
		if len(h) != 3 {
			return
		}
		if len(h[0].Before) != 0 && string(h[0].Before) != "null" {
			t.Errorf("create record has a Before: %.200s", h[0].Before)
		}
		if p := decodeParcel(t, "create After", h[0].After); p != nil {
			checkSameRow(t, "create After vs the created row", p, v1)
		}
		if p := decodeParcel(t, "update Before", h[1].Before); p != nil {
			checkSameRow(t, "update Before vs version 1", p, v1)
		}
		if p := decodeParcel(t, "update After", h[1].After); p != nil {
			checkSameRow(t, "update After vs version 2", p, v2)
		}
		if p := decodeParcel(t, "delete Before", h[2].Before); p != nil {
			checkSameRow(t, "delete Before vs version 2", p, v2)
		}
	})

	t.Run("BuildingAndRecomputedParcel", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		up := *st.S
		up.Geometry = Rect(88, 10, 128, 30) // moves S to B
		s2 := MustUpdateBuilding(t, s, &up, Bob)
		MustDeleteBuilding(t, s, st.S.ID, Alice)
		checkHistory(t, "building S", MustHistory(t, s, parcels.KindBuilding, st.S.ID), parcels.KindBuilding, st.S.ID,
			wantChange{parcels.OpCreate, 1, Alice}, wantChange{parcels.OpUpdate, 2, Bob}, wantChange{parcels.OpDelete, 3, Alice})
		hb := MustHistory(t, s, parcels.KindBuilding, st.S.ID)
		if len(hb) == 3 {
			if b, err := parcels.DecodeBuilding(hb[1].After); err != nil {
				t.Errorf("DecodeBuilding: %v", err)
			} else {
				checkSameRow(t, "building update After", b, s2)
			}
		}
		// Parcel B: created, then recomputed when S moved on and when S was deleted.
		checkHistory(t, "parcel B", MustHistory(t, s, parcels.KindParcel, st.B.ID), parcels.KindParcel, st.B.ID,
			wantChange{parcels.OpCreate, 1, Alice}, wantChange{parcels.OpUpdate, 2, Bob}, wantChange{parcels.OpUpdate, 3, Alice})
		hp := MustHistory(t, s, parcels.KindParcel, st.B.ID)
		if len(hp) == 3 {
			if p := decodeParcel(t, "B after the move", hp[1].After); p != nil {
				checkSite(t, "B in history after the move", p, SiteWant{Area: 8000, Footprint: 560, Floor: 800, Count: 1})
			}
			if p := decodeParcel(t, "B after the delete", hp[2].After); p != nil {
				checkSite(t, "B in history after the delete", p, SiteWant{Area: 8000})
			}
		}
		// Parcel A: created, recomputed for each of the four buildings, for the move.
		want := []wantChange{{parcels.OpCreate, 1, Alice}}
		for v := int64(2); v <= 5; v++ {
			want = append(want, wantChange{parcels.OpUpdate, v, Alice})
		}
		want = append(want, wantChange{parcels.OpUpdate, 6, Bob})
		checkHistory(t, "parcel A", MustHistory(t, s, parcels.KindParcel, st.A.ID), parcels.KindParcel, st.A.ID, want...)
		// Seq is store-wide write order: A's create, then B1's create with the
		// recomputation of A it caused (one write, in either order), then
		// S's move.
		ha, hb1 := MustHistory(t, s, parcels.KindParcel, st.A.ID), MustHistory(t, s, parcels.KindBuilding, st.B1.ID)
		if len(ha) > 1 && len(hb1) > 0 && len(hb) > 1 &&
			!(ha[0].Seq < hb1[0].Seq && ha[0].Seq < ha[1].Seq && hb1[0].Seq < hb[1].Seq && ha[1].Seq < hb[1].Seq) {
			t.Errorf("Seq is not store-wide write order: A create %d, B1 create %d, A recompute %d, S move %d",
				ha[0].Seq, hb1[0].Seq, ha[1].Seq, hb[1].Seq)
		}
	})

	t.Run("RestoreOldVersion", func(t *testing.T) {
		s := newStore(t)
		v1 := MustCreateParcel(t, s, fullParcel())
		up := &parcels.Parcel{Meta: v1.Meta, Code: "331082104001GB00999", Name: "新名", Status: parcels.StatusIdle,
			LeaseStart: parcels.NewDate(2030, 1, 1), Geometry: Rect(0, 0, 120, 90)}
		MustUpdateParcel(t, s, up, Alice)
		time.Sleep(5 * time.Millisecond)
		t0 := time.Now()
		if err := s.Restore(t.Context(), parcels.KindParcel, v1.ID, 1, 2, Bob); err != nil {
			t.Fatalf("Restore(version 1, current 2): %v", err)
		}
		t1 := time.Now()
		p := MustGetParcel(t, s, v1.ID)
		checkMeta(t, "restored parcel", p.Meta, 3, Bob, t0, t1)
		if !p.CreatedAt.Equal(v1.CreatedAt) {
			t.Errorf("restore changed CreatedAt from %s to %s", v1.CreatedAt, p.CreatedAt)
		}
		checkParcelFields(t, "restored parcel", p, fullParcel())
		checkSite(t, "restored parcel", p, SiteWant{Area: fullParcelArea})
		h := MustHistory(t, s, parcels.KindParcel, v1.ID)
		checkHistory(t, "history", h, parcels.KindParcel, v1.ID,
			wantChange{parcels.OpCreate, 1, Alice}, wantChange{parcels.OpUpdate, 2, Alice}, wantChange{parcels.OpRestore, 3, Bob})
		if len(h) == 3 {
			if a := decodeParcel(t, "restore After", h[2].After); a != nil {
				checkSameRow(t, "restore After vs GetParcel", a, p)
			}
		}
		// A version that is not in the history: an error, nothing changes.
		if err := s.Restore(t.Context(), parcels.KindParcel, v1.ID, 99, 3, Bob); err == nil {
			t.Errorf("Restore of version 99 (never existed) succeeded")
		}
		checkSameRow(t, "after a failed restore", MustGetParcel(t, s, v1.ID), p)
	})

	t.Run("RestoreRecomputesDerived", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		// A grows north (O now wholly inside), then B2 is deleted.
		up := *st.A
		up.Geometry = rectOf([4]float64{0, 0, 100, 100})
		MustUpdateParcel(t, s, &up, Alice)
		MustDeleteBuilding(t, s, st.B2.ID, Alice)
		cur := MustGetParcel(t, s, st.A.ID)
		checkSite(t, "A before the restore", cur, SiteWant{Area: 10000, Footprint: 900 + 560 + 800, Floor: 2700 + 800, Count: 3})
		// Restoring A's geometry [0,100]×[0,80] recomputes its values from the
		// buildings that exist now (B1, S, O), not those of the old version:
		// 900 + 560 + 400 = 1860 m², floor 3500.
		if err := s.Restore(t.Context(), parcels.KindParcel, st.A.ID, st.A.Version, cur.Version, Bob); err != nil {
			t.Fatalf("Restore: %v", err)
		}
		a := MustGetParcel(t, s, st.A.ID)
		checkGeometry(t, "restored A", a.Geometry, rectOf(siteA))
		checkSite(t, "restored A", a, SiteWant{Area: 8000, Footprint: 1860, Floor: 3500, Count: 3})
		if a.Version != cur.Version+1 {
			t.Errorf("restored A: Version = %d, want %d", a.Version, cur.Version+1)
		}
	})

	t.Run("RestoreUndeletes", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		if err := s.DeleteParcel(t.Context(), st.A.ID, st.A.Version, Alice); err != nil {
			t.Fatalf("DeleteParcel: %v", err)
		}
		h := MustHistory(t, s, parcels.KindParcel, st.A.ID)
		cur := h[len(h)-1].Version
		if cur != st.A.Version+1 {
			t.Errorf("delete recorded as version %d, want %d", cur, st.A.Version+1)
		}
		if err := s.Restore(t.Context(), parcels.KindParcel, st.A.ID, st.A.Version, cur, Bob); err != nil {
			t.Fatalf("Restore of a deleted parcel: %v", err)
		}
		a := MustGetParcel(t, s, st.A.ID)
		if a.Version != cur+1 || a.UpdatedBy != Bob {
			t.Errorf("undeleted A: v%d by %q, want v%d by %q", a.Version, a.UpdatedBy, cur+1, Bob)
		}
		checkParcelFields(t, "undeleted A", a, st.A)
		// Its buildings come back to it, and B loses S again.
		checkSite(t, "undeleted A", a, st.AWant)
		checkSite(t, "parcel B", MustGetParcel(t, s, st.B.ID), st.BWant)
		checkOnParcel(t, s, st.A.ID, st.B1.ID, st.B2.ID, st.S.ID, st.O.ID)
		if pg := MustListParcels(t, s, parcels.Query{}); pg.NumberMatched != 2 {
			t.Errorf("ListParcels after the undelete: matched %d, want 2", pg.NumberMatched)
		}
		checkHistory(t, "history", MustHistory(t, s, parcels.KindParcel, st.A.ID)[len(h)-1:], parcels.KindParcel, st.A.ID,
			wantChange{parcels.OpDelete, cur, Alice}, wantChange{parcels.OpRestore, cur + 1, Bob})
	})

	t.Run("RestoreKeepsCodesUnique", func(t *testing.T) {
		// Undeleting a parcel whose code a live parcel now has would make two
		// live parcels with one code: refused, nothing changes.
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		MustDeleteParcel(t, s, p.ID, Alice)
		q := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(200, 0, 300, 80)))
		err := s.Restore(t.Context(), parcels.KindParcel, p.ID, 1, 2, Bob)
		if c := parcels.ErrorCode(err); c != parcels.EINVALID && c != parcels.ECONFLICT {
			t.Errorf("Restore of a parcel whose code is taken: %v (code %q), want invalid or conflict", err, c)
		}
		_, err = s.GetParcel(t.Context(), p.ID)
		WantCode(t, err, parcels.ENOTFOUND, "GetParcel of the parcel whose restore was refused")
		checkSameRow(t, "the live parcel with the code", MustGetParcel(t, s, q.ID), q)
	})

	t.Run("RestoreBuilding", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		up := *st.S
		up.Geometry = Rect(88, 10, 128, 30)
		up.Floors = 3
		s2 := MustUpdateBuilding(t, s, &up, Alice) // S to B
		if err := s.Restore(t.Context(), parcels.KindBuilding, st.S.ID, 1, s2.Version, Bob); err != nil {
			t.Fatalf("Restore building: %v", err)
		}
		b := MustGetBuilding(t, s, st.S.ID)
		checkBuildingFields(t, "restored S", b, NewBuilding("跨界仓库", 1, rectOf(siteS)))
		checkBuildingDerived(t, "restored S", b, 800, 800, st.A.ID)
		if b.Version != s2.Version+1 || b.UpdatedBy != Bob {
			t.Errorf("restored S: v%d by %q, want v%d by %q", b.Version, b.UpdatedBy, s2.Version+1, Bob)
		}
		checkSite(t, "parcel A", MustGetParcel(t, s, st.A.ID), st.AWant)
		checkSite(t, "parcel B", MustGetParcel(t, s, st.B.ID), st.BWant)
	})

	t.Run("ZoneHistoryAndRestore", func(t *testing.T) {
		s := newStore(t)
		p1, p2, p3, pieces := zoneSite(t, s)
		z1 := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID, p2.ID, p3.ID}, Pieces: pieces})
		up := *z1
		up.Members, up.Pieces, up.Status = []int64{p1.ID}, nil, parcels.ZoneRejected
		z2, err := s.UpdateZone(t.Context(), &up, Bob)
		if err != nil {
			t.Fatalf("UpdateZone: %v", err)
		}
		checkZoneDerived(t, "reduced zone", z2, 8000, 8000, 0)
		if err := s.Restore(t.Context(), parcels.KindZone, z1.ID, 1, 2, Alice); err != nil {
			t.Fatalf("Restore zone: %v", err)
		}
		z := MustGetZone(t, s, z1.ID)
		checkZoneFields(t, "restored zone", z, z1)
		checkZoneDerived(t, "restored zone", z, 27800, 24000, 4200)
		h := MustHistory(t, s, parcels.KindZone, z1.ID)
		checkHistory(t, "zone history", h, parcels.KindZone, z1.ID,
			wantChange{parcels.OpCreate, 1, Alice}, wantChange{parcels.OpUpdate, 2, Bob}, wantChange{parcels.OpRestore, 3, Alice})
		if len(h) == 3 {
			if zb, err := parcels.DecodeZone(h[1].Before); err != nil {
				t.Errorf("DecodeZone: %v", err)
			} else {
				checkSameRow(t, "zone update Before", zb, z1)
			}
		}
	})
}
