package api

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"landplan/gpkg"
	"landplan/parcels"
	"landplan/tiles"
)

// wrappedStore is an empty GeoPackage store, a tile service over it and the
// tile-invalidating wrapper the API writes through.
func wrappedStore(t *testing.T) (*gpkg.Store, *tiles.Service, parcels.Store) {
	t.Helper()
	st, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := tiles.NewService(tiles.StoreSource{Store: st}, 1<<20)
	return st, svc, wrapTileStore(st, svc)
}

// The store wrapper's paths that the HTTP tests do not reach: Restore
// (both the old and the restored geometry), DeleteZone and the zones of a
// deleted member. Each write must drop the cached tiles of the boxes it
// changed and keep a tile it did not touch.
func TestTileStoreRestoreAndDeletes(t *testing.T) {
	ctx := context.Background()
	st, svc, ws := wrappedStore(t)
	sq := func(lon, lat float64) orb.MultiPolygon {
		d := 0.001
		return orb.MultiPolygon{{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}
	}
	pl, zl := tiles.LayerByName("parcels"), tiles.LayerByName("zones")
	at := func(lon, lat float64) tiles.Tile { return tiles.TileAt(orb.Point{lon + 0.0005, lat + 0.0005}, 16) }
	cached := func(l *tiles.Layer, tl tiles.Tile) bool {
		_, ok := svc.Cache().Get(tiles.Key{Layer: l.Name, Tile: tl, View: tiles.ViewFull})
		return ok
	}
	warm := func(l *tiles.Layer, tl tiles.Tile) {
		if _, err := svc.Tile(ctx, l, tl, tiles.ViewFull); err != nil {
			t.Fatal(err)
		}
	}
	p, err := ws.CreateParcel(ctx, &parcels.Parcel{Name: "甲", Status: parcels.StatusIdle, Geometry: sq(121.10, 28.85)}, "t")
	if err != nil {
		t.Fatal(err)
	}
	// Move it far away (version 2), then restore version 1: both places change.
	p.Geometry = sq(121.20, 28.90)
	if p, err = ws.UpdateParcel(ctx, p, "t"); err != nil {
		t.Fatal(err)
	}
	home, away, elsewhere := at(121.10, 28.85), at(121.20, 28.90), at(121.30, 28.95)
	for _, tl := range []tiles.Tile{home, away, elsewhere} {
		warm(pl, tl)
	}
	if err := ws.Restore(ctx, parcels.KindParcel, p.ID, 1, p.Version, "t"); err != nil {
		t.Fatal(err)
	}
	if cached(pl, home) || cached(pl, away) || !cached(pl, elsewhere) {
		t.Errorf("after Restore: home cached %v, away cached %v (both must be dropped); elsewhere cached %v (must stay)",
			cached(pl, home), cached(pl, away), cached(pl, elsewhere))
	}
	if e, _ := svc.Tile(ctx, pl, home, tiles.ViewFull); e.Features != 1 {
		t.Errorf("restored parcel not back home: %d features", e.Features)
	}

	// A zone over the parcel; deleting the zone drops its tiles.
	z, err := ws.CreateZone(ctx, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p.ID}}, "t")
	if err != nil {
		t.Fatal(err)
	}
	warm(zl, home)
	warm(zl, elsewhere)
	if e, _ := svc.Tile(ctx, zl, home, tiles.ViewFull); e.Features != 1 {
		t.Fatalf("zone not in its tile: %d", e.Features)
	}
	if err := ws.DeleteZone(ctx, z.ID, z.Version, "t"); err != nil {
		t.Fatal(err)
	}
	if cached(zl, home) || !cached(zl, elsewhere) {
		t.Errorf("after DeleteZone: home cached %v, elsewhere cached %v", cached(zl, home), cached(zl, elsewhere))
	}
	if e, _ := svc.Tile(ctx, zl, home, tiles.ViewFull); e.Features != 0 {
		t.Errorf("deleted zone still drawn: %d", e.Features)
	}

	// Deleting the parcel drops its tile.
	cur, err := st.GetParcel(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	warm(pl, home)
	if err := ws.DeleteParcel(ctx, cur.ID, cur.Version, "t"); err != nil {
		t.Fatal(err)
	}
	if e, _ := svc.Tile(ctx, pl, home, tiles.ViewFull); e.Features != 0 {
		t.Errorf("deleted parcel still drawn: %d", e.Features)
	}
}

// Deleting parcel A reassigns a building that straddles A and its long
// neighbour B to B: B's density changes over all of B, so the wrapper must
// drop B's far tiles too, not only those meeting A's box (they stayed stale
// on the GeoPackage store, which has no change feed).
func TestTilesNeighbourAfterParcelWrite(t *testing.T) {
	ctx := context.Background()
	st, svc, ws := wrappedStore(t)
	rect := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	}
	a, err := ws.CreateParcel(ctx, &parcels.Parcel{Name: "A", Status: parcels.StatusIdle, Geometry: rect(121.100, 28.850, 121.101, 28.851)}, "t")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ws.CreateParcel(ctx, &parcels.Parcel{Name: "B", Status: parcels.StatusIdle, Geometry: rect(121.101, 28.850, 121.110, 28.851)}, "t")
	if err != nil {
		t.Fatal(err)
	}
	// building mostly on A, a bit on B
	if _, err := ws.CreateBuilding(ctx, &parcels.Building{Use: parcels.UseProduction, Floors: 2, Geometry: rect(121.1004, 28.8502, 121.1012, 28.8508)}, "t"); err != nil {
		t.Fatal(err)
	}
	pl := tiles.LayerByName("parcels")
	far := tiles.TileAt(orb.Point{121.108, 28.8505}, 18)
	dens := func() any {
		e, err := svc.Tile(ctx, pl, far, tiles.ViewFull)
		if err != nil {
			t.Fatal(err)
		}
		_ = e
		fs, _ := tiles.StoreSource{Store: st}.Features(ctx, pl, far.Bound())
		for _, f := range fs {
			if f.ID == b.ID {
				return f.Props["building_density"]
			}
		}
		return nil
	}
	_ = dens
	e0, _ := svc.Tile(ctx, pl, far, tiles.ViewFull)
	cur, _ := st.GetParcel(ctx, a.ID)
	if err := ws.DeleteParcel(ctx, a.ID, cur.Version, "t"); err != nil {
		t.Fatal(err)
	}
	nb, _ := st.GetParcel(ctx, b.ID)
	t.Logf("B density in store now %v", nb.BuildingDensity)
	e1, _ := svc.Tile(ctx, pl, far, tiles.ViewFull)
	fresh, _ := tiles.MakeEntry(far, []tiles.LayerFeatures{{Layer: pl, Features: must(tiles.StoreSource{Store: st}.Features(ctx, pl, far.BufferedBound(4096, 64)))}}, tiles.ViewFull, tiles.DefaultOptions)
	if e1.ETag != fresh.ETag {
		t.Errorf("stale: served tile ETag %s (was %s before the delete), fresh render %s", e1.ETag, e0.ETag, fresh.ETag)
	}
}

func must(fs []tiles.Feature, err error) []tiles.Feature {
	if err != nil {
		panic(err)
	}
	return fs
}
