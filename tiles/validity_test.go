package tiles_test

import (
	"context"
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
