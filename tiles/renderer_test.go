package tiles_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"landplan/internal/testdb"
	"landplan/tiles"
	"landplan/tiles/tilestest"
)

// pgRenderer renders tiles with PostGIS's ST_AsMVTGeom and ST_AsMVT from
// tables holding the demo features: an independent oracle for the Go
// encoder's whole tiles (geometry, ids, attributes, views).
type pgRenderer struct {
	pool *pgxpool.Pool
}

func (r *pgRenderer) RenderTile(ctx context.Context, l *tiles.Layer, t tiles.Tile, v tiles.View, opt tiles.Options) ([]byte, int, error) {
	var cols []string
	for _, f := range l.FieldsFor(v) {
		c := pgx.Identifier{f.Name}.Sanitize()
		if f.Type == "String" {
			cols = append(cols, fmt.Sprintf("NULLIF(%s, '') AS %s", c, c)) // empty strings are left out
		} else {
			cols = append(cols, c)
		}
	}
	q := fmt.Sprintf(`
		WITH q AS (
			SELECT id AS fid, %s,
				ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3), $4, $5, true) AS geom
			FROM %s
			WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $5::float8 / $4), 4326))
		SELECT ST_AsMVT(q, $6, $4, 'geom', 'fid' ORDER BY fid), count(*)
		FROM q WHERE geom IS NOT NULL`, strings.Join(cols, ", "), pgx.Identifier{l.Name}.Sanitize())
	var b []byte
	var n int
	err := r.pool.QueryRow(ctx, q, t.Z, t.X, t.Y, opt.Extent, opt.Buffer, l.Name).Scan(&b, &n)
	return b, n, err
}

// newPGRenderer loads the demo parcels and buildings into a fresh database.
func newPGRenderer(t testing.TB) *pgRenderer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool, err := pgxpool.New(context.Background(), testdb.Fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ps, bs := demoFeatures(t)
	_, err = pool.Exec(ctx, `
		CREATE TABLE parcels (id bigint PRIMARY KEY, geom geometry(MultiPolygon, 4326), code text, name text, owner text,
			status text, land_use text, town text, area_m2 float8, area_mu float8, building_density float8, plot_ratio float8);
		CREATE TABLE buildings (id bigint PRIMARY KEY, geom geometry(MultiPolygon, 4326), parcel_id bigint, name text, use text,
			floors bigint, height_m float8);
		CREATE INDEX ON parcels USING gist (geom); CREATE INDEX ON buildings USING gist (geom);`)
	if err != nil {
		t.Fatal(err)
	}
	b := &pgx.Batch{}
	for _, f := range ps {
		p := f.Props
		b.Queue(`INSERT INTO parcels VALUES ($1, ST_GeomFromText($2, 4326), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			f.ID, wkt.MarshalString(f.Geometry), p["code"], p["name"], p["owner"], p["status"], p["land_use"], p["town"],
			p["area_m2"], p["area_mu"], p["building_density"], p["plot_ratio"])
	}
	for _, f := range bs {
		p := f.Props
		b.Queue(`INSERT INTO buildings VALUES ($1, ST_GeomFromText($2, 4326), $3, $4, $5, $6, $7)`,
			f.ID, wkt.MarshalString(f.Geometry), p["parcel_id"], p["name"], p["use"], p["floors"], p["height_m"])
	}
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	return &pgRenderer{pool: pool}
}

// TestEncodeMatchesST_AsMVT compares whole tiles — the densest demo tile at
// zoom 15 and a zoom-17 tile inside it, parcels and buildings, viewer and
// full views — from the Go encoder and from ST_AsMVT over the same rows:
// the same features by id, the same attributes and values, no owner for
// the viewer, and areas that agree to within two units along the perimeter
// (the Go side also simplifies at 2 units and clips before snapping).
func TestEncodeMatchesST_AsMVT(t *testing.T) {
	r := newPGRenderer(t)
	ctx := context.Background()
	ps, bs := demoFeatures(t)
	src := map[string][]tiles.Feature{"parcels": ps, "buildings": bs}
	t15 := denseTile(t, 15)
	c := t15.Bound().Center()
	t17 := tiles.TileAt(orb.Point{c[0] + 1e-5, c[1] + 1e-5}, 17)
	for _, tl := range []tiles.Tile{t15, t17} {
		for _, name := range []string{"parcels", "buildings"} {
			l := tiles.LayerByName(name)
			for _, v := range []tiles.View{tiles.ViewViewer, tiles.ViewFull} {
				what := fmt.Sprintf("%v %s %s", tl, name, v)
				goBytes, goN, err := tiles.Encode(tl, []tiles.LayerFeatures{{Layer: l, Features: src[name]}}, v, tiles.DefaultOptions)
				if err != nil {
					t.Fatal(err)
				}
				pgBytes, pgN, err := r.RenderTile(ctx, l, tl, v, tiles.DefaultOptions)
				if err != nil {
					t.Fatal(err)
				}
				if goN != pgN || goN == 0 {
					t.Errorf("%s: %d features from Go, %d from ST_AsMVT", what, goN, pgN)
				}
				for _, d := range tilestest.Diff(goBytes, pgBytes, name) {
					t.Errorf("%s: Go vs ST_AsMVT: %s", what, d)
				}
				for _, f := range decode(t, goBytes)[name].Features {
					if _, ok := f.Properties["owner"]; name == "parcels" && ok != (v == tiles.ViewFull) {
						t.Errorf("%s: feature %v owner present = %v", what, f.ID, ok)
					}
				}
			}
		}
	}
}

// BenchmarkRenderST_AsMVT renders the densest demo tile's layers with
// ST_AsMVT (the PostGIS path DESIGN.md suggests), for comparison with
// BenchmarkEncodeDenseTile (the Go path, which also gzips).
func BenchmarkRenderST_AsMVT(b *testing.B) {
	r := newPGRenderer(b)
	ctx := context.Background()
	tl := denseTile(b, 15)
	for _, name := range []string{"parcels", "buildings"} {
		b.Run(name, func(b *testing.B) {
			l := tiles.LayerByName(name)
			for b.Loop() {
				if _, _, err := r.RenderTile(ctx, l, tl, tiles.ViewFull, tiles.DefaultOptions); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tiles/s")
		})
	}
}
