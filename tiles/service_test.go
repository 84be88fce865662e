package tiles_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/demo"
	"landplan/gpkg"
	"landplan/parcels"
	"landplan/tiles"
)

var (
	seedDir   string
	seedOnce  sync.Once
	seedStore *gpkg.Store
	seedErr   error
)

// demoStore is a GeoPackage store seeded with the demo area, shared by the
// tests of this package (they only read it; writers make their own).
func demoStore(t *testing.T) *gpkg.Store { t.Helper(); return demoStoreB(t) }

func demoStoreB(t testing.TB) *gpkg.Store {
	t.Helper()
	seedOnce.Do(func() {
		seedDir, seedErr = os.MkdirTemp("", "landplan-tiles-")
		if seedErr != nil {
			return
		}
		ctx := context.Background()
		seedStore, seedErr = gpkg.Open(ctx, filepath.Join(seedDir, "demo.gpkg"), gpkg.Options{})
		if seedErr == nil {
			seedErr = demo.Seed(ctx, seedStore)
		}
	})
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	return seedStore
}

// smallPages makes every List call return pages of 37 rows at most, so the
// source's paging is exercised.
type smallPages struct{ parcels.Store }

func (s smallPages) ListParcels(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Parcel], error) {
	q.Limit = min(q.Limit, 37)
	return s.Store.ListParcels(ctx, q)
}

func (s smallPages) ListBuildings(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Building], error) {
	q.Limit = min(q.Limit, 37)
	return s.Store.ListBuildings(ctx, q)
}

// The store source pages through everything in the box: its features are
// exactly the demo rows whose geometry meets the box.
func TestStoreSourcePagesThroughEverything(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	tl := denseTile(t, 15)
	bb := tl.BufferedBound(4096, 64)
	for _, name := range []string{"parcels", "buildings"} {
		l := tiles.LayerByName(name)
		got, err := tiles.StoreSource{Store: smallPages{st}}.Features(ctx, l, bb)
		if err != nil {
			t.Fatal(err)
		}
		all, err := tiles.StoreSource{Store: st}.Features(ctx, l, orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		ids := map[int64]bool{}
		for _, f := range all {
			if geomMeets(f.Geometry, bb) {
				want++
			}
		}
		for _, f := range got {
			if ids[f.ID] {
				t.Errorf("%s: id %d twice", name, f.ID)
			}
			ids[f.ID] = true
		}
		if len(got) != want || want <= 37 {
			t.Errorf("%s: source gave %d features in %v, the rows meeting it are %d", name, len(got), tl, want)
		}
		if name == "parcels" && len(all) != 307 || name == "buildings" && len(all) != 1727 {
			t.Errorf("%s: %d rows in all", name, len(all))
		}
	}
}

// geomMeets: a vertex inside the box or the box's corner inside the
// polygon's bound is not enough for thin diagonals, but demo parcels are
// axis-near rectangles several tiles units wide; check edges against the box.
func geomMeets(g orb.MultiPolygon, b orb.Bound) bool {
	if !g.Bound().Intersects(b) {
		return false
	}
	for _, poly := range g {
		for _, p := range poly[0] {
			if b.Contains(p) {
				return true
			}
		}
		// The box's corners inside the polygon.
		for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
			if inRing(c, poly[0]) {
				return true
			}
		}
		// An edge crossing the box.
		for i := 0; i+1 < len(poly[0]); i++ {
			if segMeetsBox(poly[0][i], poly[0][i+1], b) {
				return true
			}
		}
	}
	return false
}

func inRing(p orb.Point, r orb.Ring) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		if (r[i][1] > p[1]) != (r[j][1] > p[1]) && p[0] < (r[j][0]-r[i][0])*(p[1]-r[i][1])/(r[j][1]-r[i][1])+r[i][0] {
			in = !in
		}
	}
	return in
}

func segMeetsBox(a, c orb.Point, b orb.Bound) bool {
	// Liang–Barsky.
	t0, t1 := 0.0, 1.0
	dx, dy := c[0]-a[0], c[1]-a[1]
	for _, e := range [][2]float64{{-dx, a[0] - b.Min[0]}, {dx, b.Max[0] - a[0]}, {-dy, a[1] - b.Min[1]}, {dy, b.Max[1] - a[1]}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = max(t0, r)
		} else {
			t1 = min(t1, r)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// The service caches, shares renders, and after a store write plus
// Invalidate of the write's box serves the new state.
func TestServiceServesWritesAfterInvalidate(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.CreateParcel(ctx, &parcels.Parcel{Name: "甲厂", Owner: "临海甲机械有限公司", Status: parcels.StatusInUse, Geometry: rect(121.150, 28.850, 121.151, 28.851)}, "t")
	if err != nil {
		t.Fatal(err)
	}
	svc := tiles.NewService(tiles.StoreSource{Store: st}, 1<<20)
	l := tiles.LayerByName("parcels")
	tl := tiles.TileAt(orb.Point{121.1505, 28.8505}, 16)
	get := func(v tiles.View) (*tiles.Entry, map[string]any) {
		t.Helper()
		e, err := svc.Tile(ctx, l, tl, v)
		if err != nil {
			t.Fatal(err)
		}
		if e.Data == nil {
			return e, nil
		}
		fs := decode(t, e.Data)["parcels"].Features
		if len(fs) != 1 {
			t.Fatalf("%d features", len(fs))
		}
		return e, fs[0].Properties
	}
	e1, props := get(tiles.ViewFull)
	if props["status"] != "in_use" || props["owner"] != "临海甲机械有限公司" {
		t.Fatalf("props %v", props)
	}
	if _, vp := get(tiles.ViewViewer); vp["owner"] != nil || vp["name"] != "甲厂" {
		t.Fatalf("viewer props %v", vp)
	}
	if e, _ := get(tiles.ViewFull); e != e1 {
		t.Error("second request not served from the cache")
	}
	p.Status = parcels.StatusIdle
	old := p.Geometry.Bound()
	p.Geometry = rect(121.1501, 28.850, 121.1511, 28.851)
	if _, err := st.UpdateParcel(ctx, p, "t"); err != nil {
		t.Fatal(err)
	}
	// Without invalidation the cache still answers the old state …
	if e, _ := get(tiles.ViewFull); e != e1 {
		t.Error("cache dropped the tile without an invalidation")
	}
	// … and after invalidating old ∪ new it answers the new one.
	svc.Invalidate(old.Union(p.Geometry.Bound()))
	e2, props := get(tiles.ViewFull)
	if e2.ETag == e1.ETag || props["status"] != "idle" {
		t.Errorf("after invalidation: etag %s (was %s), props %v", e2.ETag, e1.ETag, props)
	}
	// An empty tile is an entry without data.
	far, err := svc.Tile(ctx, l, tiles.Tile{Z: 16, X: 0, Y: 0}, tiles.ViewFull)
	if err != nil || far.Data != nil || far.Features != 0 {
		t.Errorf("empty tile: %+v, %v", far, err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seedStore != nil {
		seedStore.Close()
	}
	if seedDir != "" {
		os.RemoveAll(seedDir)
	}
	os.Exit(code)
}

// gateSource counts reads and holds each until released.
type gateSource struct {
	mu    sync.Mutex
	reads int
	gate  chan struct{}
	inner tiles.Source
}

func (g *gateSource) Features(ctx context.Context, l *tiles.Layer, b orb.Bound) ([]tiles.Feature, error) {
	g.mu.Lock()
	g.reads++
	g.mu.Unlock()
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.inner.Features(ctx, l, b)
}

// Concurrent requests for one missing tile share one read; a waiter whose
// leader gave up (cancelled) renders again instead of failing.
func TestServiceSharesRenders(t *testing.T) {
	st := demoStore(t)
	l := tiles.LayerByName("parcels")
	tl := denseTile(t, 15)
	g := &gateSource{gate: make(chan struct{}), inner: tiles.StoreSource{Store: st}}
	svc := tiles.NewService(g, 1<<20)
	var wg sync.WaitGroup
	entries := make([]*tiles.Entry, 8)
	for i := range entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := svc.Tile(context.Background(), l, tl, tiles.ViewFull)
			if err != nil {
				t.Error(err)
			}
			entries[i] = e
		}()
	}
	for { // wait until the leader is reading
		g.mu.Lock()
		n := g.reads
		g.mu.Unlock()
		if n > 0 {
			break
		}
		runtime.Gosched()
	}
	time.Sleep(20 * time.Millisecond) // let the others queue behind it
	close(g.gate)
	wg.Wait()
	if g.reads != 1 {
		t.Errorf("%d reads for 8 concurrent requests of one tile", g.reads)
	}
	for _, e := range entries {
		if e != entries[0] || e.Features == 0 {
			t.Fatalf("requests got different or empty entries")
		}
	}

	// A leader cancelled mid-read: its waiter still gets the tile.
	g2 := &gateSource{gate: make(chan struct{}), inner: tiles.StoreSource{Store: st}}
	svc2 := tiles.NewService(g2, 1<<20)
	lctx, cancel := context.WithCancel(context.Background())
	lead := make(chan error, 1)
	go func() { _, err := svc2.Tile(lctx, l, tl, tiles.ViewFull); lead <- err }()
	for {
		g2.mu.Lock()
		n := g2.reads
		g2.mu.Unlock()
		if n > 0 {
			break
		}
		runtime.Gosched()
	}
	waiter := make(chan *tiles.Entry, 1)
	go func() {
		e, err := svc2.Tile(context.Background(), l, tl, tiles.ViewFull)
		if err != nil {
			t.Error(err)
		}
		waiter <- e
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-lead; err == nil {
		t.Error("cancelled leader got no error")
	}
	close(g2.gate) // the waiter's own render may read now
	if e := <-waiter; e == nil || e.Features == 0 {
		t.Errorf("waiter after a cancelled leader: %+v", e)
	}
}
