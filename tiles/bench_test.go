package tiles_test

import (
	"context"
	"testing"

	"landplan/tiles"
)

// BenchmarkEncodeDenseTile encodes the demo area's densest zoom-15 tile
// (parcels and buildings layers, full view) from features already read:
// the encoder alone (project, clip, simplify, snap, marshal) plus gzip and
// the ETag hash, as the service does on a cache miss.
func BenchmarkEncodeDenseTile(b *testing.B) {
	ps, bs := demoFeatures(b)
	tl := denseTile(b, 15)
	bb := tl.BufferedBound(4096, 64)
	var nps, nbs []tiles.Feature
	for _, f := range ps {
		if f.Geometry.Bound().Intersects(bb) {
			nps = append(nps, f)
		}
	}
	for _, f := range bs {
		if f.Geometry.Bound().Intersects(bb) {
			nbs = append(nbs, f)
		}
	}
	layers := []tiles.LayerFeatures{{Layer: tiles.LayerByName("parcels"), Features: nps}, {Layer: tiles.LayerByName("buildings"), Features: nbs}}
	var e *tiles.Entry
	b.ResetTimer()
	for b.Loop() {
		var err error
		e, err = tiles.MakeEntry(tl, layers, tiles.ViewFull, tiles.DefaultOptions)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tiles/s")
	b.ReportMetric(float64(e.Features), "features/tile")
	b.ReportMetric(float64(len(e.Data)), "bytes/tile")
	b.ReportMetric(float64(len(e.Gzip)), "gzip-bytes/tile")
}

// BenchmarkServiceMissGpkg renders the same tile through the service over
// the seeded GeoPackage store with the cache emptied before every tile:
// the cost of a cache miss on the embedded store (bbox reads + encoding),
// one layer per request as the HTTP API serves them.
func BenchmarkServiceMissGpkg(b *testing.B) {
	st := demoStoreB(b)
	tl := denseTile(b, 15)
	svc := tiles.NewService(tiles.StoreSource{Store: st}, 64<<20)
	ctx := context.Background()
	for _, name := range []string{"parcels", "buildings"} {
		b.Run(name, func(b *testing.B) {
			l := tiles.LayerByName(name)
			for b.Loop() {
				svc.InvalidateAll()
				if _, err := svc.Tile(ctx, l, tl, tiles.ViewFull); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tiles/s")
		})
	}
}
