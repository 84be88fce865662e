package testdb

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestFreshHasPostGIS(t *testing.T) {
	u := Fresh(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var area float64
	// A 1°×1° box at the equator: PostGIS geography area, a fixed known value.
	if err := c.QueryRow(ctx, "select ST_Area('SRID=4326;POLYGON((0 0,1 0,1 1,0 1,0 0))'::geography)").Scan(&area); err != nil {
		t.Fatal(err)
	}
	if area < 1.2308e10 || area > 1.2309e10 {
		t.Fatalf("area of 1°×1° equatorial box = %v, want ≈1.2308e10", area)
	}
}
