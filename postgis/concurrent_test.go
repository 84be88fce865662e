package postgis_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"landplan/parcels"
	"landplan/parcels/storetest"
)

// TestConcurrentWritersStayConsistent lets several writers create, move and
// delete buildings and reshape parcels on one block at the same time
// (retrying on conflict, as a client would). Afterwards every stored
// derived value must equal a recomputation from the final rows alone —
// each building on the live parcel it overlaps most, each parcel's site
// values from its buildings — and the newest history record of every row
// must be the row as stored. A lost or half-applied recomputation shows up
// here.
func TestConcurrentWritersStayConsistent(t *testing.T) {
	db := MustOpen(t)
	ctx := t.Context()
	var pids []int64
	for i := 0; i < 4; i++ {
		p, err := db.CreateParcel(ctx, storetest.NewParcel(fmt.Sprintf("331082001001JB%05d", i), storetest.Rect(float64(i)*100, 0, float64(i)*100+100, 80)), "init")
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, p.ID)
	}
	const writers, ops = 6, 15
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bids []int64
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			actor := fmt.Sprintf("w%d", w)
			for range ops {
				var err error
				for attempt := 0; attempt < 20; attempt++ {
					switch op := rng.IntN(4); {
					case op <= 1: // a new building somewhere on the block
						x, y := rng.Float64()*380, rng.Float64()*60
						var b *parcels.Building
						b, err = db.CreateBuilding(ctx, storetest.NewBuilding("楼", 1+rng.IntN(4), storetest.Rect(x, y, x+15+rng.Float64()*20, y+10+rng.Float64()*15)), actor)
						if err == nil {
							mu.Lock()
							bids = append(bids, b.ID)
							mu.Unlock()
						}
					case op == 2: // reshape a parcel: its east edge moves
						i := rng.IntN(len(pids))
						var p *parcels.Parcel
						if p, err = db.GetParcel(ctx, pids[i]); err == nil {
							p.Geometry = storetest.Rect(float64(i)*100, 0, float64(i)*100+70+rng.Float64()*30, 80)
							_, err = db.UpdateParcel(ctx, p, actor)
						}
					default: // move or delete a building
						mu.Lock()
						if len(bids) == 0 {
							mu.Unlock()
							continue
						}
						id := bids[rng.IntN(len(bids))]
						mu.Unlock()
						var b *parcels.Building
						if b, err = db.GetBuilding(ctx, id); err == nil {
							if rng.IntN(3) == 0 {
								err = db.DeleteBuilding(ctx, id, b.Version, actor)
							} else {
								x := rng.Float64() * 380
								b.Geometry = storetest.Rect(x, 20, x+25, 45)
								_, err = db.UpdateBuilding(ctx, b, actor)
							}
						}
						if parcels.ErrorCode(err) == parcels.ENOTFOUND {
							err = nil // someone deleted it first
						}
					}
					if parcels.ErrorCode(err) != parcels.ECONFLICT {
						break
					}
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", actor, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	der := parcels.NewDeriver(parcels.LinhaiZone)
	ps := storetest.MustListParcels(t, db, parcels.Query{Limit: 1000}).Items
	bs := storetest.MustListBuildings(t, db, parcels.Query{Limit: 1000}).Items
	on := map[int64][]*parcels.Building{}
	for _, b := range bs {
		want, err := der.AssignParcel(b, ps)
		if err != nil {
			t.Fatal(err)
		}
		if b.ParcelID != want {
			t.Errorf("building %d is on parcel %d, but overlaps %d most", b.ID, b.ParcelID, want)
		}
		on[b.ParcelID] = append(on[b.ParcelID], b)
	}
	for _, p := range ps {
		want := *p
		der.ParcelAreas(&want)
		if err := der.ParcelSite(&want, on[p.ID]); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"area", p.AreaM2, want.AreaM2}, {"footprint", p.FootprintAreaM2, want.FootprintAreaM2},
			{"floor area", p.FloorAreaM2, want.FloorAreaM2}, {"density", p.BuildingDensity, want.BuildingDensity},
			{"plot ratio", p.PlotRatio, want.PlotRatio},
		} {
			if math.Abs(c.got-c.want) > 1e-6*math.Max(1, math.Abs(c.want)) {
				t.Errorf("parcel %d %s = %.9g, recomputed %.9g", p.ID, c.name, c.got, c.want)
			}
		}
		if p.BuildingCount != len(on[p.ID]) {
			t.Errorf("parcel %d building_count = %d, has %d", p.ID, p.BuildingCount, len(on[p.ID]))
		}
		checkLastHistory(t, db, parcels.KindParcel, p.ID, p.Version, p)
	}
	for _, b := range bs {
		checkLastHistory(t, db, parcels.KindBuilding, b.ID, b.Version, b)
	}
	t.Logf("%d parcels, %d live buildings after %d writes", len(ps), len(bs), writers*ops)
}

// checkLastHistory checks that the newest history record of a row is its
// current version, with the row as stored (compared through EncodeRow).
func checkLastHistory(t *testing.T, s parcels.Store, kind parcels.Kind, id, version int64, row any) {
	t.Helper()
	h := storetest.MustHistory(t, s, kind, id)
	last := h[len(h)-1]
	for i := 1; i < len(h); i++ {
		if h[i].Version != h[i-1].Version+1 {
			t.Errorf("%s %d: history versions %d then %d", kind, id, h[i-1].Version, h[i].Version)
		}
	}
	if last.Version != version {
		t.Errorf("%s %d: newest history version %d, row version %d", kind, id, last.Version, version)
		return
	}
	var fromHist any
	var err error
	switch kind {
	case parcels.KindParcel:
		fromHist, err = parcels.DecodeParcel(last.After)
	case parcels.KindBuilding:
		fromHist, err = parcels.DecodeBuilding(last.After)
	}
	if err != nil {
		t.Fatal(err)
	}
	a, _ := parcels.EncodeRow(fromHist)
	b, _ := parcels.EncodeRow(row)
	if string(a) != string(b) {
		t.Errorf("%s %d v%d: history after\n%s\nstored row\n%s", kind, id, version, a, b)
	}
}
