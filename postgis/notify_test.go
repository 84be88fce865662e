package postgis_test

import (
	"testing"
	"time"

	"landplan/internal/testdb"
	"landplan/parcels"
	"landplan/parcels/storetest"
	"landplan/postgis"
)

func nextChange(t *testing.T, ch <-chan postgis.Change) postgis.Change {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("Changes channel closed")
		}
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no change notification within 5 s")
	}
	return postgis.Change{}
}

func noChange(t *testing.T, ch <-chan postgis.Change, what string) {
	t.Helper()
	select {
	case c := <-ch:
		t.Errorf("%s: unexpected notification %v", what, c)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestChanges listens with one store and writes with another (as two
// replicas would): every committed write arrives with its kind, id, op and
// a bbox covering the geometry before and after; a write that fails sends
// nothing; a large batch arrives as one merged change.
func TestChanges(t *testing.T) {
	url := testdb.Fresh(t)
	ctx := t.Context()
	open := func() *postgis.DB {
		db, err := postgis.Open(ctx, url, postgis.Options{MigrateOnOpen: true, MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	listener, db := open(), open() // two replicas of one database
	ch, err := listener.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreateParcel(ctx, storetest.NewParcel("331082001001JA00001", storetest.Rect(0, 0, 100, 80)), "t")
	if err != nil {
		t.Fatal(err)
	}
	c := nextChange(t, ch)
	if c.Kind != parcels.KindParcel || c.ID != p.ID || c.Op != parcels.OpCreate || c.BBox != p.Geometry.Bound() {
		t.Errorf("create: %v, want parcel %d create %v", c, p.ID, p.Geometry.Bound())
	}
	// Moving the parcel: the box covers where it was and where it is.
	up := *p
	up.Geometry = storetest.Rect(1000, 500, 1100, 580)
	p2, err := db.UpdateParcel(ctx, &up, "t")
	if err != nil {
		t.Fatal(err)
	}
	c = nextChange(t, ch)
	if want := p.Geometry.Bound().Union(p2.Geometry.Bound()); c.ID != p.ID || c.Op != parcels.OpUpdate || c.BBox != want {
		t.Errorf("update: %v, want parcel %d update %v", c, p.ID, want)
	}
	// A stale write is rolled back: nothing is announced.
	if _, err := db.UpdateParcel(ctx, &up, "t"); parcels.ErrorCode(err) != parcels.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	noChange(t, ch, "rolled-back update")
	// A building on the parcel also changes the parcel's derived values.
	b, err := db.CreateBuilding(ctx, storetest.NewBuilding("车间", 1, storetest.Rect(1010, 510, 1030, 530)), "t")
	if err != nil {
		t.Fatal(err)
	}
	got := map[parcels.Kind]postgis.Change{}
	for range 2 {
		c := nextChange(t, ch)
		got[c.Kind] = c
	}
	if c := got[parcels.KindBuilding]; c.ID != b.ID || c.Op != parcels.OpCreate {
		t.Errorf("building create: %v", c)
	}
	if c := got[parcels.KindParcel]; c.ID != p.ID || c.Op != parcels.OpUpdate {
		t.Errorf("recomputed parcel: %v", c)
	}
	// A big batch is one change with ID 0 whose box covers every parcel.
	ps := bulkParcels(500)
	if _, err := db.CreateParcels(ctx, ps, "t"); err != nil {
		t.Fatal(err)
	}
	c = nextChange(t, ch)
	all := ps[0].Geometry.Bound()
	for _, q := range ps {
		all = all.Union(q.Geometry.Bound())
	}
	if c.Kind != parcels.KindParcel || c.ID != 0 || c.Op != parcels.OpCreate || c.BBox != all {
		t.Errorf("batch: %v, want parcel 0 create %v", c, all)
	}
	noChange(t, ch, "after the batch")
	// Ending the context closes the channel.
	lctx, cancel := contextWithTimeout(t, time.Hour)
	ch2, err := listener.Changes(lctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case _, ok := <-ch2:
		if ok {
			t.Error("a change arrived after cancel")
		}
	case <-time.After(5 * time.Second):
		t.Error("channel not closed after the context ended")
	}
}
