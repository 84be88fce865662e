package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"landplan/geo"
	"landplan/migrations"
	"landplan/parcels"
)

// Options configure a DB.
type Options struct {
	// Zone is the city's Gauss–Krüger zone for derived areas; the zero Zone
	// means parcels.LinhaiZone.
	Zone geo.Zone
	// MigrateOnOpen applies the embedded migrations before the pool opens.
	MigrateOnOpen bool
	// MaxConns caps the pool; 0 keeps pgx's default (max(4, CPUs)).
	MaxConns int32
}

// DB is parcels.Store on PostgreSQL/PostGIS.
type DB struct {
	pool *pgxpool.Pool
	der  parcels.Deriver
}

var _ parcels.Store = (*DB)(nil)

// srid is the storage SRID: CGCS2000 lon/lat.
const srid = 4490

// Open connects to the database at databaseURL (migrating it first when
// opts.MigrateOnOpen) and checks that it holds the landplan schema.
func Open(ctx context.Context, databaseURL string, opts Options) (*DB, error) {
	if opts.Zone == (geo.Zone{}) {
		opts.Zone = parcels.LinhaiZone
	}
	if !opts.Zone.Valid() {
		return nil, fmt.Errorf("postgis: invalid Gauss–Krüger zone %v", opts.Zone)
	}
	// Migrate before the pool exists, so every pooled connection registers
	// the geometry type the migrations may have just created.
	if opts.MigrateOnOpen {
		if err := migrations.Up(ctx, databaseURL); err != nil {
			return nil, err
		}
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("postgis: bad database URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.AfterConnect = registerGeometry
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	db := &DB{pool: pool, der: parcels.NewDeriver(opts.Zone)}
	var ok bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('parcels') IS NOT NULL AND to_regclass('history') IS NOT NULL").Scan(&ok); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	if !ok {
		pool.Close()
		return nil, errors.New("postgis: the database has no landplan schema: run `landplan migrate --database URL` or serve with --migrate")
	}
	return db, nil
}

// registerGeometry teaches a connection PostGIS's geometry type as raw
// bytes: its binary send/receive format is EWKB, which lets COPY … FROM
// STDIN (BINARY) take orb's EWKB without a text round trip.
func registerGeometry(ctx context.Context, conn *pgx.Conn) error {
	var oid uint32
	if err := conn.QueryRow(ctx, "SELECT coalesce(to_regtype('geometry')::oid, 0)").Scan(&oid); err != nil {
		return err
	}
	if oid != 0 {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "geometry", OID: oid, Codec: pgtype.ByteaCodec{}})
	}
	return nil
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgis: ping: %w", err)
	}
	return nil
}

// Close closes the pool, waiting for connections in use to be returned.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Pool exposes the pool to code in this package's tests and to the tiles
// source; it is not part of parcels.Store.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// readTx runs fn in a read-only REPEATABLE READ transaction, so the queries
// of one List (page and count) see the same snapshot.
func (db *DB) readTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return translate(ctx, err)
	}
	defer tx.Rollback(context.Background())
	if err := fn(tx); err != nil {
		return translate(ctx, err)
	}
	return translate(ctx, tx.Commit(ctx))
}

func utc(t time.Time) time.Time { return t.UTC() }
