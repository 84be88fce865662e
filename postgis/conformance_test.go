package postgis_test

import (
	"context"
	"testing"

	"landplan/internal/testdb"
	"landplan/parcels"
	"landplan/parcels/storetest"
	"landplan/postgis"
)

// MustOpen opens a store on a fresh, migrated database that is dropped
// when the test ends.
func MustOpen(tb testing.TB) *postgis.DB {
	tb.Helper()
	return MustOpenConns(tb, 4)
}

// MustOpenConns is MustOpen with a pool of conns connections.
func MustOpenConns(tb testing.TB, conns int32) *postgis.DB {
	tb.Helper()
	url := testdb.Fresh(tb)
	db, err := postgis.Open(context.Background(), url, postgis.Options{MigrateOnOpen: true, MaxConns: conns})
	if err != nil {
		tb.Fatalf("postgis.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) parcels.Store { return MustOpen(t) })
}
