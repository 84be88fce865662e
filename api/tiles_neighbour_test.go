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

// Deleting parcel A reassigns a building that straddles A and its long
// neighbour B to B: B's density changes over all of B, so the wrapper must
// drop B's far tiles too, not only those meeting A's box (they stayed stale
// on the GeoPackage store, which has no change feed).
func TestTilesNeighbourAfterParcelWrite(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := tiles.NewService(tiles.StoreSource{Store: st}, 1<<20)
	ws := wrapTileStore(st, svc)
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
