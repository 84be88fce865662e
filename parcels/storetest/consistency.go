package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// testConsistency checks what readers see while and after writers work: no
// half-written batch, spatial queries that follow every committed write and
// nothing else, and derived values that match the final rows after
// concurrent writes to a parcel and its buildings.
func testConsistency(t *testing.T, newStore Factory) {
	t.Run("ReadersNeverSeeHalfABatch", func(t *testing.T) {
		s := newStore(t)
		const batches, size = 6, 50
		done, stop := make(chan struct{}), make(chan struct{})
		var seen []int64
		var readErr error
		go func() {
			defer close(done)
			for {
				pg, err := s.ListParcels(t.Context(), parcels.Query{Limit: 1})
				if err != nil {
					readErr = err
					return
				}
				seen = append(seen, pg.NumberMatched)
				select {
				case <-stop: // the writers are done and this read came after
					return
				case <-time.After(time.Millisecond):
				}
			}
		}()
		// Stop the reader however the writers end (MustCreateParcels may
		// Fatal), and wait for it before the store is closed.
		var once sync.Once
		halt := func() { once.Do(func() { close(stop) }); <-done }
		defer halt()
		for b := range batches {
			in := make([]*parcels.Parcel, size)
			for i := range in {
				x, y := float64(60*i), float64(60*b)
				in[i] = NewParcel(fmt.Sprintf("331082000000GB%05d", b*size+i), Rect(x, y, x+50, y+50))
			}
			MustCreateParcels(t, s, in)
		}
		halt()
		if readErr != nil {
			t.Fatalf("concurrent ListParcels: %v", readErr)
		}
		for _, n := range seen {
			if n%size != 0 {
				t.Errorf("a reader saw %d parcels: part of a batch of %d before it committed", n, size)
				break
			}
		}
		distinct := map[int64]bool{}
		for _, n := range seen {
			distinct[n] = true
		}
		t.Logf("reader observed %d counts, %d distinct", len(seen), len(distinct))
	})

	t.Run("SpatialQueriesFollowWrites", func(t *testing.T) {
		s := newStore(t)
		at := func(x0, y0, x1, y1 float64) []int64 {
			b := RectBound(x0, y0, x1, y1)
			return parcelIDs(MustListParcels(t, s, parcels.Query{BBox: &b}).Items)
		}
		check := func(what string, got []int64, want ...int64) {
			t.Helper()
			if !equalIDs(got, sortedIDs(want)) {
				t.Errorf("%s: %v, want %v", what, got, want)
			}
		}
		p := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 80)))
		check("at the first place", at(10, 10, 20, 20), p.ID)
		// Moved 1 km east.
		up := *p
		up.Geometry = Rect(1000, 0, 1100, 80)
		p2 := MustUpdateParcel(t, s, &up, Alice)
		check("at the old place after a move", at(10, 10, 20, 20))
		check("at the new place after a move", at(1010, 10, 1020, 20), p.ID)
		// A stale update to a third place changes nothing.
		stale := *p
		stale.Geometry = Rect(2000, 0, 2100, 80)
		_, err := s.UpdateParcel(t.Context(), &stale, Alice)
		WantCode(t, err, parcels.ECONFLICT, "stale UpdateParcel")
		// An invalid update neither.
		bad := *p2
		bad.Geometry = LonLat(orb.MultiPolygon{{PlaneRing(3000, 0, 3100, 100, 3100, 0, 3000, 100)}})
		_, err = s.UpdateParcel(t.Context(), &bad, Alice)
		WantCode(t, err, parcels.EINVALID, "bowtie UpdateParcel")
		// Nor a cancelled one.
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		can := *p2
		can.Geometry = Rect(4000, 0, 4100, 80)
		if _, err := s.UpdateParcel(ctx, &can, Alice); err == nil {
			t.Errorf("UpdateParcel with a cancelled context: no error")
		}
		check("where a refused update would have put it", at(1990, -10, 4110, 110))
		check("where it is", at(1010, 10, 1020, 20), p.ID)
		// Deleted: gone from the place; restored: back.
		MustDeleteParcel(t, s, p.ID, Alice)
		check("after delete", at(1010, 10, 1020, 20))
		if err := s.Restore(t.Context(), parcels.KindParcel, p.ID, 2, p2.Version+1, Alice); err != nil {
			t.Fatalf("Restore: %v", err)
		}
		check("after restore", at(1010, 10, 1020, 20), p.ID)
		// A failed batch leaves nothing to find.
		in := batchParcels(4)
		in[2].Geometry = invalidGeometries()[0].g
		_, err = s.CreateParcels(t.Context(), in, Alice)
		WantCode(t, err, parcels.EINVALID, "batch with a bowtie")
		check("where the failed batch would have been", at(-10, -10, 950, 60))

		// Buildings: a failed batch must not leave phantom footprints that a
		// parcel created later would count.
		_, err = s.CreateBuildings(t.Context(), []*parcels.Building{
			NewBuilding("幽灵", 2, Rect(5010, 10, 5030, 30)), NewBuilding("坏", 1, invalidGeometries()[0].g),
		}, Alice)
		WantCode(t, err, parcels.EINVALID, "building batch with a bowtie")
		stale2 := MustCreateBuilding(t, s, NewBuilding("搬走的", 2, Rect(5040, 10, 5060, 30)))
		mv := *stale2
		mv.Geometry = Rect(9000, 0, 9020, 20)
		MustUpdateBuilding(t, s, &mv, Alice)
		q := MustCreateParcel(t, s, NewParcel("331082000000GB00009", Rect(5000, 0, 5100, 80)))
		checkSite(t, "a parcel where a failed batch and a moved building were", q, SiteWant{Area: 8000})
		bb := RectBound(5000, 0, 5100, 80)
		if got := MustListBuildings(t, s, parcels.Query{BBox: &bb}); len(got.Items) != 0 {
			t.Errorf("buildings listed where none are: %v", buildingIDs(got.Items))
		}
	})

	t.Run("ConcurrentParcelAndBuildingWrites", func(t *testing.T) {
		// A parcel's geometry and its buildings change at the same time; at
		// the end its derived values are those of its final geometry and
		// buildings (recomputed here with the Deriver, the stores' own rule).
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082000000GB00001", Rect(0, 0, 100, 100)))
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		wg.Go(func() {
			for i := range 10 {
				for try := 0; ; try++ {
					if try == 100 {
						errs <- fmt.Errorf("UpdateParcel: still conflicting after %d fresh reads", try)
						return
					}
					cur, err := s.GetParcel(t.Context(), a.ID)
					if err != nil {
						errs <- err
						return
					}
					cur.Geometry = Rect(0, 0, 100, float64(60+8*(i%5))) // cuts buildings in different places
					_, err = s.UpdateParcel(t.Context(), cur, Bob)
					if parcels.ErrorCode(err) == parcels.ECONFLICT {
						continue // a building write bumped it first: retry
					}
					if err != nil {
						errs <- err
					}
					break
				}
			}
		})
		wg.Go(func() {
			for i := range 10 {
				x := float64(10 * (i % 9))
				if _, err := s.CreateBuilding(t.Context(), NewBuilding("并发", 1+i%3, Rect(x, float64(5*i), x+15, float64(5*i)+30)), Alice); err != nil {
					errs <- err
				}
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent write: %v", err)
		}
		got := MustGetParcel(t, s, a.ID)
		bs, err := s.BuildingsOnParcel(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *got
		d := parcels.NewDeriver(parcels.LinhaiZone)
		d.ParcelAreas(&want)
		if err := d.ParcelSite(&want, bs); err != nil {
			t.Fatal(err)
		}
		checkSite(t, "parcel after concurrent writes", got, SiteWant{Area: want.AreaM2, Footprint: want.FootprintAreaM2, Floor: want.FloorAreaM2, Count: want.BuildingCount})
		all := MustListBuildings(t, s, parcels.Query{})
		if len(bs) != len(all.Items) {
			t.Errorf("%d of %d buildings are on the parcel; all of them overlap it", len(bs), len(all.Items))
		}
	})
}
