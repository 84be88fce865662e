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

// The store wrapper's paths that the HTTP tests do not reach: Restore
// (both the old and the restored geometry), DeleteZone and the zones of a
// deleted member. Each write must drop the cached tiles of the boxes it
// changed and keep a tile it did not touch.
func TestTileStoreRestoreAndDeletes(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := tiles.NewService(tiles.StoreSource{Store: st}, 1<<20)
	ws := wrapTileStore(st, svc)
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
