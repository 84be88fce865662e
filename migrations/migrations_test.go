package migrations_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"landplan/internal/testdb"
	"landplan/migrations"
)

// TestUpOnEmptyDatabaseAndIdempotent applies the migrations to a fresh
// database, applies them again (a no-op), and checks the schema they leave.
func TestUpOnEmptyDatabaseAndIdempotent(t *testing.T) {
	url := testdb.Fresh(t)
	ctx := t.Context()
	if cur, _, err := migrations.Version(ctx, url); err != nil || cur != 0 {
		t.Fatalf("Version of an empty database = %d, %v; want 0", cur, err)
	}
	if err := migrations.Up(ctx, url); err != nil {
		t.Fatalf("first Up: %v", err)
	}
	cur, latest, err := migrations.Version(ctx, url)
	if err != nil || cur != latest || latest < 1 {
		t.Fatalf("after Up: version %d of %d (%v)", cur, latest, err)
	}
	if err := migrations.Up(ctx, url); err != nil {
		t.Fatalf("second Up (must be a no-op): %v", err)
	}
	if c2, _, _ := migrations.Version(ctx, url); c2 != cur {
		t.Fatalf("second Up moved the version from %d to %d", cur, c2)
	}

	conn := mustConn(t, url)
	var applied int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != int(latest) {
		t.Errorf("goose_db_version has %d applied migrations, want %d (each once)", applied, latest)
	}
	for _, tbl := range []string{"parcels", "buildings", "zones", "zone_members", "zone_pieces", "history", "tokens"} {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", tbl).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing (%v)", tbl, err)
		}
	}
	// Geometry columns are MultiPolygon in SRID 4490, with a GiST index.
	rows, err := conn.Query(ctx, `SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns
		WHERE f_table_schema = current_schema() ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type gcol struct {
		tbl, col, typ string
		srid          int
	}
	var cols []gcol
	for rows.Next() {
		var c gcol
		if err := rows.Scan(&c.tbl, &c.col, &c.srid, &c.typ); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	n := len(cols)
	for _, c := range cols {
		tbl, col := c.tbl, c.col
		if c.srid != 4490 || c.typ != "MULTIPOLYGON" {
			t.Errorf("%s.%s is %s in SRID %d, want MULTIPOLYGON 4490", tbl, col, c.typ, c.srid)
		}
		var gist bool
		err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexdef ILIKE '%USING gist (' || $2 || ')%')`, tbl, col).Scan(&gist)
		if err != nil || !gist {
			t.Errorf("%s.%s has no GiST index (%v)", tbl, col, err)
		}
	}
	if n != 4 {
		t.Errorf("%d geometry columns, want 4 (parcels, buildings, zones, zone_pieces)", n)
	}
}

// TestConstraints checks that the database itself refuses what the store
// must never write: other SRIDs, other geometry types, invalid geometry,
// a second live parcel with the same code, and any rewrite of the history.
func TestConstraints(t *testing.T) {
	url := testdb.Fresh(t)
	ctx := t.Context()
	if err := migrations.Up(ctx, url); err != nil {
		t.Fatal(err)
	}
	conn := mustConn(t, url)
	insert := func(code, wkt string) error {
		_, err := conn.Exec(ctx, `INSERT INTO parcels (version, created_at, updated_at, code, geom, area_m2, area_mu, ellipsoidal_area_m2)
			VALUES (1, now(), now(), $1, ST_GeomFromEWKT($2), 0, 0, 0)`, code, wkt)
		return err
	}
	ok := "SRID=4490;MULTIPOLYGON(((121.1 28.85,121.101 28.85,121.101 28.851,121.1 28.851,121.1 28.85)))"
	if err := insert("A", ok); err != nil {
		t.Fatalf("valid parcel refused: %v", err)
	}
	for _, c := range []struct{ name, wkt, want string }{
		{"other SRID", strings.Replace(ok, "4490", "4326", 1), "SRID"},
		{"polygon, not multipolygon", "SRID=4490;POLYGON((121.1 28.85,121.101 28.85,121.101 28.851,121.1 28.85))", "type"},
		{"bow-tie (self-intersecting)", "SRID=4490;MULTIPOLYGON(((121.1 28.85,121.101 28.851,121.101 28.85,121.1 28.851,121.1 28.85)))", "parcels_geom_valid"},
	} {
		err := insert("", c.wkt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: insert gave %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
	if err := insert("A", ok); err == nil || !strings.Contains(err.Error(), "parcels_code_live") {
		t.Errorf("second live parcel with code A: %v, want a parcels_code_live violation", err)
	}
	if err := insert("", ok); err != nil {
		t.Errorf("empty codes must not be unique: %v", err)
	}
	if _, err := conn.Exec(ctx, "UPDATE parcels SET deleted_at = now() WHERE code = 'A'"); err != nil {
		t.Fatal(err)
	}
	if err := insert("A", ok); err != nil {
		t.Errorf("code of a deleted parcel must be free again: %v", err)
	}

	if _, err := conn.Exec(ctx, `INSERT INTO history (kind, id, version, op, actor, at) VALUES ('parcel', 1, 1, 'create', 'x', now())`); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"UPDATE history SET actor = 'y'", "DELETE FROM history", "TRUNCATE history"} {
		if _, err := conn.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", stmt, err)
		}
	}
}

func mustConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
