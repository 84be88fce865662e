package migrations

import (
	"database/sql"
	"testing"

	"landplan/internal/testdb"
)

// TestDownAndUpAgain: every migration's Down undoes its Up, so the schema
// can be rolled back to nothing and built again.
func TestDownAndUpAgain(t *testing.T) {
	url := testdb.Fresh(t)
	ctx := t.Context()
	if err := Up(ctx, url); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()
		AND tablename IN ('parcels', 'buildings', 'zones', 'zone_members', 'zone_pieces', 'history', 'tokens')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d landplan tables left after going down to 0", n)
	}
	if err := Up(ctx, url); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if cur, latest, err := Version(ctx, url); err != nil || cur != latest {
		t.Errorf("after up again: version %d of %d (%v)", cur, latest, err)
	}
}
