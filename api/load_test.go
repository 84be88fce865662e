package api_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"testing"
	"time"

	"landplan/api"
	"landplan/api/loadtest"
	"landplan/demo"
	"landplan/internal/testdb"
	"landplan/parcels"
	"landplan/postgis"
)

var (
	loadDuration = flag.Duration("load.duration", time.Second, "how long each load scenario of TestLoadDemo runs")
	loadWorkers  = flag.Int("load.workers", 4, "concurrent clients of TestLoadDemo")
)

// TestLoadDemo measures item reads and bbox queries on the demo area over
// real HTTP on loopback, for both stores (PostGIS when the test database is
// configured). Bounded by -load.duration per scenario; the numbers are
// logged (go test -v). Run for the README with:
//
//	go test ./api -run TestLoadDemo -v -load.duration=10s
func TestLoadDemo(t *testing.T) {
	stores := map[string]func(t *testing.T) parcels.Store{
		"gpkg": func(t *testing.T) parcels.Store {
			_, st := demoServer(t, api.Config{}) // a seeded GeoPackage; its own server is unused
			return st
		},
		"postgis": func(t *testing.T) parcels.Store {
			url := testdb.Fresh(t)
			db, err := postgis.Open(context.Background(), url, postgis.Options{MigrateOnOpen: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := demo.Seed(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			return db
		},
	}
	for _, name := range []string{"gpkg", "postgis"} {
		t.Run(name, func(t *testing.T) {
			st := stores[name](t)
			srv, err := api.New(api.Config{Store: st, AnonymousRole: parcels.RoleViewer, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			ctx := context.Background()

			// Item reads cycle through every parcel and building id.
			var items []string
			ps, err := st.ListParcels(ctx, parcels.Query{Limit: parcels.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps.Items {
				items = append(items, fmt.Sprintf("/api/collections/parcels/items/%d", p.ID))
			}
			bs, err := st.ListBuildings(ctx, parcels.Query{Limit: parcels.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bs.Items {
				items = append(items, fmt.Sprintf("/api/collections/buildings/items/%d", b.ID))
			}
			// Bbox queries: 300 m boxes centred on pseudo-randomly chosen
			// parcels (a map view at street level), buildings and parcels.
			rng := rand.New(rand.NewPCG(1, 2))
			const d = 0.0015 // half of ≈ 300 m
			var boxes []string
			for i := 0; i < 200; i++ {
				c := ps.Items[rng.IntN(len(ps.Items))].Geometry.Bound().Center()
				coll := []string{"buildings", "parcels"}[i%2]
				boxes = append(boxes, fmt.Sprintf("/api/collections/%s/items?bbox=%.6f,%.6f,%.6f,%.6f&limit=1000", coll, c[0]-d, c[1]-d, c[0]+d, c[1]+d))
			}
			for _, sc := range []struct {
				name  string
				paths []string
			}{{"item", items}, {"bbox", boxes}} {
				res, err := loadtest.Run(ctx, loadtest.Options{BaseURL: ts.URL, Paths: sc.paths, Workers: *loadWorkers,
					Duration: *loadDuration, MaxRequests: 1_000_000})
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s %s (%d paths, %d workers): %s", name, sc.name, len(sc.paths), *loadWorkers, res)
				if res.Errors != 0 {
					t.Errorf("%s %s: %d errors: %v", name, sc.name, res.Errors, res.Status)
				}
			}
		})
	}
}
