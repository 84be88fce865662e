package storetest

import (
	"fmt"
	"sync"
	"testing"

	"landplan/parcels"
)

func testVersions(t *testing.T, newStore Factory) {
	t.Run("VersionPlusOnePerWrite", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		for v := int64(2); v <= 5; v++ {
			up := *p
			up.Name = fmt.Sprintf("第 %d 版", v)
			p = MustUpdateParcel(t, s, &up, Alice)
			if p.Version != v {
				t.Fatalf("after %d writes: Version = %d, want %d", v, p.Version, v)
			}
		}
	})

	t.Run("ParcelStaleVersion", func(t *testing.T) {
		s := newStore(t)
		p1 := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		up := *p1
		up.Name = "Alice 的修改"
		p2 := MustUpdateParcel(t, s, &up, Alice)
		stale := *p1 // Bob still holds version 1
		stale.Name = "Bob 的修改"
		stale.Geometry = Rect(0, 0, 50, 50)
		_, err := s.UpdateParcel(t.Context(), &stale, Bob)
		WantCode(t, err, parcels.ECONFLICT, "UpdateParcel with version 1 when 2 is current")
		future := *p2
		future.Version = 7
		_, err = s.UpdateParcel(t.Context(), &future, Bob)
		WantCode(t, err, parcels.ECONFLICT, "UpdateParcel with version 7 when 2 is current")
		WantCode(t, s.DeleteParcel(t.Context(), p1.ID, 1, Bob), parcels.ECONFLICT, "DeleteParcel with version 1 when 2 is current")
		checkSameRow(t, "parcel after rejected writes", MustGetParcel(t, s, p1.ID), p2)
		if h := MustHistory(t, s, parcels.KindParcel, p1.ID); len(h) != 2 {
			t.Errorf("history has %d records after rejected writes, want 2", len(h))
		}
		WantCode(t, s.Restore(t.Context(), parcels.KindParcel, p1.ID, 1, 1, Bob), parcels.ECONFLICT, "Restore with current 1 when 2 is current")
		checkSameRow(t, "parcel after a rejected restore", MustGetParcel(t, s, p1.ID), p2)
	})

	t.Run("BuildingStaleVersion", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		b1 := MustCreateBuilding(t, s, NewBuilding("车间", 2, Rect(10, 10, 30, 30)))
		up := *b1
		up.Floors = 3
		b2 := MustUpdateBuilding(t, s, &up, Alice)
		a = MustGetParcel(t, s, a.ID)
		stale := *b1
		stale.Floors = 9
		stale.Geometry = Rect(10, 10, 90, 70)
		_, err := s.UpdateBuilding(t.Context(), &stale, Bob)
		WantCode(t, err, parcels.ECONFLICT, "UpdateBuilding with a stale version")
		WantCode(t, s.DeleteBuilding(t.Context(), b1.ID, b1.Version, Bob), parcels.ECONFLICT, "DeleteBuilding with a stale version")
		checkSameRow(t, "building after rejected writes", MustGetBuilding(t, s, b1.ID), b2)
		checkSameRow(t, "its parcel after rejected writes", MustGetParcel(t, s, a.ID), a)
	})

	t.Run("ZoneStaleVersion", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		z1 := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p.ID}})
		up := *z1
		up.Status = parcels.ZoneSubmitted
		z2, err := s.UpdateZone(t.Context(), &up, Alice)
		if err != nil {
			t.Fatalf("UpdateZone: %v", err)
		}
		stale := *z1
		stale.Status = parcels.ZoneRejected
		_, err = s.UpdateZone(t.Context(), &stale, Bob)
		WantCode(t, err, parcels.ECONFLICT, "UpdateZone with a stale version")
		WantCode(t, s.DeleteZone(t.Context(), z1.ID, z1.Version, Bob), parcels.ECONFLICT, "DeleteZone with a stale version")
		checkSameRow(t, "zone after rejected writes", MustGetZone(t, s, z1.ID), z2)
	})

	// Two writers holding the same version race: exactly one wins, the other
	// gets ECONFLICT, and the row is the winner's. Repeated, as a race that
	// is lost only sometimes is still a lost update.
	t.Run("RacingUpdatesOneWins", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		for round := range 10 {
			cur := MustGetParcel(t, s, p.ID)
			names := [2]string{fmt.Sprintf("Alice 第%d轮", round), fmt.Sprintf("Bob 第%d轮", round)}
			actors := [2]string{Alice, Bob}
			var errs [2]error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 2 {
				up := *cur
				up.Name = names[i]
				// Different geometries too, so derived values race as well.
				up.Geometry = Rect(0, 0, 100+float64(10*i), 80)
				wg.Go(func() {
					<-start
					_, errs[i] = s.UpdateParcel(t.Context(), &up, actors[i])
				})
			}
			close(start)
			wg.Wait()
			won := -1
			for i, err := range errs {
				switch parcels.ErrorCode(err) {
				case "":
					if won >= 0 {
						t.Fatalf("round %d: both writers of version %d won", round, cur.Version)
					}
					won = i
				case parcels.ECONFLICT:
				default:
					t.Fatalf("round %d: writer %d: %v, want success or conflict", round, i, err)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: no writer won: %v", round, errs)
			}
			got := MustGetParcel(t, s, p.ID)
			if got.Version != cur.Version+1 || got.Name != names[won] || got.UpdatedBy != actors[won] {
				t.Fatalf("round %d: row is v%d %q by %q, want v%d %q by %q", round, got.Version, got.Name, got.UpdatedBy, cur.Version+1, names[won], actors[won])
			}
			checkParcelAreas(t, fmt.Sprintf("round %d", round), got, 8000+800*float64(won))
		}
		if h := MustHistory(t, s, parcels.KindParcel, p.ID); len(h) != 11 {
			t.Errorf("history has %d records, want 11 (create + one per round)", len(h))
		}
	})

	t.Run("RacingBuildingUpdatesOneWins", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		b := MustCreateBuilding(t, s, NewBuilding("车间", 1, Rect(10, 10, 30, 30)))
		for round := range 5 {
			cur := MustGetBuilding(t, s, b.ID)
			var errs [2]error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 2 {
				up := *cur
				up.Floors = 2 + i // floor area 800 or 1200
				wg.Go(func() { <-start; _, errs[i] = s.UpdateBuilding(t.Context(), &up, Alice) })
			}
			close(start)
			wg.Wait()
			c0, c1 := parcels.ErrorCode(errs[0]), parcels.ErrorCode(errs[1])
			if !(c0 == "" && c1 == parcels.ECONFLICT) && !(c1 == "" && c0 == parcels.ECONFLICT) {
				t.Fatalf("round %d: %v and %v; want exactly one to win, the other conflict", round, errs[0], errs[1])
			}
			won := 0
			if c1 == "" {
				won = 1
			}
			got := MustGetBuilding(t, s, b.ID)
			if got.Version != cur.Version+1 || got.Floors != 2+won {
				t.Fatalf("round %d: building v%d with %d floors, want v%d with %d", round, got.Version, got.Floors, cur.Version+1, 2+won)
			}
			// The parcel carries the winner's floor area, not the loser's.
			checkSite(t, fmt.Sprintf("round %d parcel", round), MustGetParcel(t, s, a.ID), SiteWant{Area: 8000, Footprint: 400, Floor: 400 * float64(2+won), Count: 1})
		}
	})

	t.Run("RacingDeleteAndUpdateOneWins", func(t *testing.T) {
		s := newStore(t)
		for round := range 5 {
			p := MustCreateParcel(t, s, NewParcel(fmt.Sprintf("331082000000GB%05d", round), Rect(float64(200*round), 0, float64(200*round+100), 80)))
			var delErr, upErr error
			var wg sync.WaitGroup
			start := make(chan struct{})
			up := *p
			up.Name = "改名"
			wg.Go(func() { <-start; delErr = s.DeleteParcel(t.Context(), p.ID, p.Version, Alice) })
			wg.Go(func() { <-start; _, upErr = s.UpdateParcel(t.Context(), &up, Bob) })
			close(start)
			wg.Wait()
			dc, uc := parcels.ErrorCode(delErr), parcels.ErrorCode(upErr)
			switch {
			case dc == "" && (uc == parcels.ECONFLICT || uc == parcels.ENOTFOUND):
				_, err := s.GetParcel(t.Context(), p.ID)
				WantCode(t, err, parcels.ENOTFOUND, "GetParcel after the delete won")
			case uc == "" && dc == parcels.ECONFLICT:
				if got := MustGetParcel(t, s, p.ID); got.Name != "改名" {
					t.Errorf("round %d: update won but the name is %q", round, got.Name)
				}
			default:
				t.Fatalf("round %d: delete %v, update %v; want exactly one to win, the other conflict", round, delErr, upErr)
			}
		}
	})
}
