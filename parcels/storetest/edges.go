package storetest

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// testEdges probes the corners of the contract where stores tend to differ.
func testEdges(t *testing.T, newStore Factory) {
	t.Run("AssignmentTieGoesToLowerID", func(t *testing.T) {
		// A building half on each of two parcels belongs to the lower id
		// (Deriver.AssignParcel), whatever order the store meets them in.
		s := newStore(t)
		east := MustCreateParcel(t, s, NewParcel("331082000000GB00002", rectOf(siteB))) // lower id
		west := MustCreateParcel(t, s, NewParcel("331082000000GB00001", rectOf(siteA)))
		b := MustCreateBuilding(t, s, NewBuilding("骑线厂房", 1, Rect(80, 10, 120, 30))) // 20×20 on each side
		checkBuildingDerived(t, "straddling building", b, 800, 800, min(east.ID, west.ID))
	})

	t.Run("TouchingIsNotOverlapping", func(t *testing.T) {
		// A building that only shares an edge with a parcel has no land on it.
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		b := MustCreateBuilding(t, s, NewBuilding("围墙外", 2, Rect(100, 10, 120, 30)))
		checkBuildingDerived(t, "building outside the edge", b, 400, 800, 0)
		checkSite(t, "parcel", MustGetParcel(t, s, a.ID), SiteWant{Area: 8000})
	})

	t.Run("NonFiniteValuesRejected", func(t *testing.T) {
		s := newStore(t)
		before := MustCount(t, s)
		for _, v := range []float64{math.NaN(), math.Inf(1)} {
			p := NewParcel("331082000000GB00001", Rect(0, 0, 100, 80))
			p.RegisteredAreaM2 = v
			_, err := s.CreateParcel(t.Context(), p, Alice)
			WantCode(t, err, parcels.EINVALID, "CreateParcel with RegisteredAreaM2 = "+strings.TrimSpace(fmtVal(v)))
			b := NewBuilding("x", 1, Rect(0, 0, 10, 10))
			b.HeightM = v
			_, err = s.CreateBuilding(t.Context(), b, Alice)
			WantCode(t, err, parcels.EINVALID, "CreateBuilding with HeightM = "+strings.TrimSpace(fmtVal(v)))
			g := Rect(0, 0, 100, 80)
			g[0][0][2] = orb.Point{v, 28.85}
			_, err = s.CreateParcel(t.Context(), NewParcel("331082000000GB00002", g), Alice)
			WantCode(t, err, parcels.EINVALID, "CreateParcel with a vertex at longitude "+strings.TrimSpace(fmtVal(v)))
		}
		if after := MustCount(t, s); after != before {
			t.Errorf("rejected rows changed the counts from %+v to %+v", before, after)
		}
	})

	t.Run("OddTextIsStoredOrRejected", func(t *testing.T) {
		// Text a database may not hold (NUL, invalid UTF-8) is either stored
		// exactly or refused as invalid input — never an internal error and
		// never silently changed.
		s := newStore(t)
		for _, name := range []string{"NUL\x00字节", "坏\xffUTF-8", strings.Repeat("长", 5000), "tab\tnew\nline 'quote\" back\\slash %_"} {
			p := NewParcel("", Rect(0, 0, 100, 80))
			p.Name = name
			got, err := s.CreateParcel(t.Context(), p, Alice)
			if err != nil {
				if parcels.ErrorCode(err) != parcels.EINVALID {
					t.Errorf("name %.20q: %v (code %q), want it stored or invalid", name, err, parcels.ErrorCode(err))
				}
				continue
			}
			if got.Name != name {
				t.Errorf("name %.20q came back as %.20q", name, got.Name)
			}
			if g := MustGetParcel(t, s, got.ID); g.Name != name {
				t.Errorf("name %.20q was stored as %.20q", name, g.Name)
			}
		}
	})

	t.Run("ExtremeDatesAndNullAttrs", func(t *testing.T) {
		s := newStore(t)
		p := NewParcel("331082000000GB00001", Rect(0, 0, 100, 80))
		p.LeaseStart = parcels.NewDate(1900, time.January, 1)
		p.LeaseEnd = parcels.NewDate(9999, time.December, 31)
		p.Attrs = map[string]any{"空值": nil, "": "empty key", "大数": 1e300, "小数": 1.5e-300, "list": []any{}, "obj": map[string]any{}}
		want := *p
		got := MustCreateParcel(t, s, p)
		checkParcelFields(t, "created", got, &want)
		checkParcelFields(t, "Get", MustGetParcel(t, s, got.ID), &want)
	})

	t.Run("NoOpUpdateStillBumpsVersion", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, fullParcel())
		same := *p
		got := MustUpdateParcel(t, s, &same, Bob)
		if got.Version != 2 || got.UpdatedBy != Bob {
			t.Errorf("an update with unchanged fields: v%d by %q, want v2 by %q (+1 on every write)", got.Version, got.UpdatedBy, Bob)
		}
		checkHistory(t, "history", MustHistory(t, s, parcels.KindParcel, p.ID), parcels.KindParcel, p.ID,
			wantChange{parcels.OpCreate, 1, Alice}, wantChange{parcels.OpUpdate, 2, Bob})
	})

	t.Run("UpdateToTakenCodeRejected", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		b := MustCreateParcel(t, s, NewParcel("331082000000GB00002", Rect(200, 0, 300, 80)))
		up := *b
		up.Code = a.Code
		_, err := s.UpdateParcel(t.Context(), &up, Bob)
		if c := parcels.ErrorCode(err); c != parcels.EINVALID && c != parcels.ECONFLICT {
			t.Errorf("UpdateParcel to another live parcel's code: %v (code %q), want invalid or conflict", err, c)
		}
		checkSameRow(t, "parcel after the refused update", MustGetParcel(t, s, b.ID), b)
	})

	t.Run("FilteredBackwardPaging", func(t *testing.T) {
		s := newStore(t)
		ps := MustCreateParcels(t, s, batchParcels(30))
		// Every third parcel is inefficient: 10 rows.
		var want []int64
		for i := 0; i < 30; i += 3 {
			up := *ps[i]
			up.Status = parcels.StatusInefficient
			MustUpdateParcel(t, s, &up, Alice)
			want = append(want, ps[i].ID)
		}
		want = sortedIDs(want)
		where := parcels.Compare{Prop: "status", Op: "=", Value: "inefficient"}
		last := MustListParcels(t, s, parcels.Query{Where: where, Limit: 4, After: want[7]})
		checkParcelPage(t, "filtered last page", last, want[8:10], 10, 0, want[8])
		prev := MustListParcels(t, s, parcels.Query{Where: where, Limit: 4, Before: last.PrevBefore})
		checkParcelPage(t, "filtered page before it", prev, want[4:8], 10, want[7], want[4])
		first := MustListParcels(t, s, parcels.Query{Where: where, Limit: 4, Before: prev.PrevBefore})
		checkParcelPage(t, "filtered first page", first, want[0:4], 10, want[3], 0)
	})

	t.Run("RestoreDeletedBuilding", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		MustDeleteBuilding(t, s, st.B2.ID, Alice)
		h := MustHistory(t, s, parcels.KindBuilding, st.B2.ID)
		cur := h[len(h)-1].Version
		if err := s.Restore(t.Context(), parcels.KindBuilding, st.B2.ID, 1, cur, Bob); err != nil {
			t.Fatalf("Restore of a deleted building: %v", err)
		}
		b := MustGetBuilding(t, s, st.B2.ID)
		checkBuildingDerived(t, "restored B2", b, 900, 5000, st.A.ID)
		checkSite(t, "parcel A", MustGetParcel(t, s, st.A.ID), st.AWant)
		checkOnParcel(t, s, st.A.ID, st.B1.ID, st.B2.ID, st.S.ID, st.O.ID)
	})
}
