package tiles_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"landplan/internal/testdb"
	"landplan/tiles"
)

// TestEncodedGeometryIsValid asks GEOS (PostGIS ST_IsValid) about every
// demo parcel and building in every tile it meets at zooms 12, 14, 16 and
// 18, as the encoder writes it (clipped, simplified, snapped to integers):
// snapping can fold thin parts into self-touching rings, which renderers
// fill wrongly. None may be invalid.
func TestEncodedGeometryIsValid(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	ps, bs := demoFeatures(t)
	all := append(append([]tiles.Feature{}, ps...), bs...)
	var wkts, where []string
	for z := 12; z <= 18; z += 2 {
		for _, f := range all {
			b := f.Geometry.Bound()
			for _, tl := range tiles.Cover(b, z) {
				if g := tiles.TileGeometry(f.Geometry, tl, tiles.DefaultOptions); g != nil {
					wkts = append(wkts, wkt.MarshalString(orb.Geometry(g)))
					where = append(where, tl.String())
				}
			}
		}
	}
	rows, err := conn.Query(ctx, `SELECT i, ST_IsValidReason(ST_GeomFromText(w)) FROM unnest($1::text[]) WITH ORDINALITY u(w, i)
		WHERE NOT ST_IsValid(ST_GeomFromText(w))`, wkts)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var reason string
		if err := rows.Scan(&i, &reason); err != nil {
			t.Fatal(err)
		}
		t.Errorf("tile %s: %s", where[i-1], reason)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(wkts) < 5000 {
		t.Errorf("only %d tile geometries checked", len(wkts))
	}
	t.Logf("%d tile geometries checked", len(wkts))
}

// Combs whose teeth and gaps are under a unit wide fold onto themselves
// when snapped (114 of these 3,000 did before the repair); self-crossing
// inputs (a bow-tie, a pentagram, which turns the same way at every vertex
// but winds twice) are repaired too. GEOS must find every result valid.
func TestEncodeRepairsSnappedSelfIntersections(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testdb.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rng := rand.New(rand.NewPCG(5, 6))
	tl := tiles.TileAt(orb.Point{0.1, 0.1}, 8)
	b := tl.Bound()
	u := (b.Max[0] - b.Min[0]) / 4096 // degrees per tile unit (≈ the same in latitude this near the equator)
	var in []orb.MultiPolygon
	for i := 0; i < 3000; i++ {
		x0, y0 := b.Min[0]+rng.Float64()*3000*u, b.Min[1]+rng.Float64()*3000*u
		w, gap := 0.2+rng.Float64()*1.5, 0.2+rng.Float64()*1.5
		ring := orb.Ring{{x0, y0}}
		x := x0
		for k := 3 + rng.IntN(5); k > 0; k-- {
			ring = append(ring, orb.Point{x + w*u, y0}, orb.Point{x + w*u, y0 - 30*u}, orb.Point{x + (w+gap)*u, y0 - 30*u}, orb.Point{x + (w+gap)*u, y0})
			x += (w + gap) * u
		}
		ring = append(ring, orb.Point{x + w*u, y0}, orb.Point{x + w*u, y0 + 5*u}, orb.Point{x0, y0 + 5*u}, orb.Point{x0, y0})
		in = append(in, orb.MultiPolygon{{ring}})
	}
	c := b.Center()
	bowtie := orb.Ring{{c[0], c[1]}, {c[0] + 500*u, c[1] + 500*u}, {c[0] + 500*u, c[1]}, {c[0], c[1] + 500*u}, {c[0], c[1]}}
	var star orb.Ring
	for k := 0; k <= 5; k++ {
		a := float64(k%5) * 4 * math.Pi / 5
		star = append(star, orb.Point{c[0] + 600*u*math.Sin(a), c[1] + 600*u*math.Cos(a)})
	}
	in = append(in, orb.MultiPolygon{{bowtie}}, orb.MultiPolygon{{star}})
	var wkts []string
	for _, g := range in {
		if out := tiles.TileGeometry(g, tl, tiles.DefaultOptions); out != nil {
			wkts = append(wkts, wkt.MarshalString(orb.Geometry(out)))
		}
	}
	if len(wkts) < 2900 {
		t.Fatalf("only %d of %d shapes survived", len(wkts), len(in))
	}
	rows, err := conn.Query(ctx, `SELECT i, ST_IsValidReason(ST_GeomFromText(w)) FROM unnest($1::text[]) WITH ORDINALITY u(w, i)
		WHERE NOT ST_IsValid(ST_GeomFromText(w))`, wkts)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var reason string
		if err := rows.Scan(&i, &reason); err != nil {
			t.Fatal(err)
		}
		t.Errorf("shape %d: %s: %s", i-1, reason, wkts[i-1])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
