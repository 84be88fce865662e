package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"landplan/geo"
	"landplan/parcels"
)

// Options configure a Store.
type Options struct {
	// Zone is the city's Gauss–Krüger zone for derived areas; the zero Zone
	// means parcels.LinhaiZone.
	Zone geo.Zone
	// Readers caps the number of reader connections; 0 means 4.
	Readers int
}

// Store is a parcels.Store in one GeoPackage file.
type Store struct {
	path string
	w    *sql.DB   // the writer pool, of one connection
	wc   *sql.Conn // that connection, held for the store's life
	r    *sql.DB   // reader connections
	der  parcels.Deriver

	// wmu admits one writer at a time, so a write transaction never waits
	// on SQLite's lock and its candidate lookups see a stable file.
	wmu sync.Mutex
	// wAcquires and wWaitNanos count lockWriter's acquires and queueing
	// time for the metrics.
	wAcquires, wWaitNanos atomic.Int64
	// imu guards the in-memory R-trees. A writer holds it exclusively from
	// commit until the trees reflect the commit; a spatial List holds it
	// shared while it searches the tree and reads the rows, so both sides of
	// a List see the same commit.
	imu sync.RWMutex
	idx map[parcels.Kind]*spatialIndex

	wst, rc *stmtCache // prepared statements of the writer and the readers
	rq      cachedDB   // the readers, through rc

	closeOnce sync.Once
	closeErr  error
}

var _ parcels.Store = (*Store)(nil)

// spatialIndex is the in-memory R-tree of one layer, with each row's bound
// so a row can be removed or moved.
type spatialIndex struct {
	tr     rtree.RTreeG[int64]
	bounds map[int64]orb.Bound
}

func newSpatialIndex() *spatialIndex { return &spatialIndex{bounds: map[int64]orb.Bound{}} }

func (x *spatialIndex) set(id int64, b orb.Bound) {
	x.remove(id)
	x.tr.Insert(b.Min, b.Max, id)
	x.bounds[id] = b
}

func (x *spatialIndex) remove(id int64) {
	if old, ok := x.bounds[id]; ok {
		x.tr.Delete(old.Min, old.Max, id)
		delete(x.bounds, id)
	}
}

// search returns the ids whose bounds intersect b, ascending.
func (x *spatialIndex) search(b orb.Bound) []int64 {
	var ids []int64
	x.tr.Search(b.Min, b.Max, func(_, _ [2]float64, id int64) bool {
		ids = append(ids, id)
		return true
	})
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// table names the feature table of each kind.
var table = map[parcels.Kind]string{
	parcels.KindParcel:   "parcels",
	parcels.KindBuilding: "buildings",
	parcels.KindZone:     "zones",
}

func dsn(path string, writer bool) string {
	v := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	if writer {
		return v
	}
	return v + "&_pragma=query_only(1)"
}

// Open opens the landplan GeoPackage at path, creating it (with its schema)
// when it does not exist or is empty. A file that is not a landplan
// GeoPackage is refused.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	registerFunctions()
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("gpkg: file name %q must not contain ? or #", path)
	}
	if opts.Zone == (geo.Zone{}) {
		opts.Zone = parcels.LinhaiZone
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	fresh := true
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		fresh = false
	}
	if fresh {
		// A new file may live in a directory that does not exist yet
		// (./data on a fresh checkout).
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("gpkg: create the directory of %s: %w", path, err)
		}
	}
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: path, w: w, der: parcels.NewDeriver(opts.Zone), idx: map[parcels.Kind]*spatialIndex{}}
	fail := func(err error) (*Store, error) {
		if s.wc != nil {
			s.wc.Close()
		}
		w.Close()
		if s.r != nil {
			s.r.Close()
		}
		return nil, err
	}
	if fresh {
		if err := s.create(ctx); err != nil {
			return fail(fmt.Errorf("gpkg: create %s: %w", path, err))
		}
	} else if err := s.check(ctx); err != nil {
		return fail(err)
	}
	// The writer keeps its connection, so its prepared statements live
	// across transactions (BEGIN IMMEDIATE … COMMIT issued by write).
	if s.wc, err = w.Conn(ctx); err != nil {
		return fail(fmt.Errorf("gpkg: open %s: %w", path, err))
	}
	s.wst = newConnStmtCache(s.wc)
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return fail(fmt.Errorf("gpkg: open %s for reading: %w", path, err))
	}
	r.SetMaxOpenConns(opts.Readers)
	r.SetMaxIdleConns(opts.Readers)
	s.r = r
	s.rc = newStmtCache(r)
	s.rq = cachedDB{s.rc}
	if err := s.loadIndex(ctx); err != nil {
		return fail(fmt.Errorf("gpkg: build spatial index of %s: %w", path, err))
	}
	return s, nil
}

func (s *Store) create(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, st := range schemaSQL() {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("%w\n%s", err, st)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// application_id and user_version live in the file header (page 1),
	// which GDAL reads straight from the main file: move it out of the WAL.
	_, err = s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// check verifies that an existing file is a landplan GeoPackage of a schema
// version this code knows.
func (s *Store) check(ctx context.Context) error {
	var app int64
	if err := s.w.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return fmt.Errorf("gpkg: %s is not readable as SQLite: %w", s.path, err)
	}
	if app != applicationID {
		return &parcels.Error{Code: parcels.EINVALID,
			Message:   fmt.Sprintf("%s is not a GeoPackage (application_id %#x)", s.path, app),
			MessageZH: fmt.Sprintf("%s 不是 GeoPackage 文件", s.path)}
	}
	var v string
	err := s.w.QueryRowContext(ctx, "SELECT value FROM landplan_meta WHERE key = 'schema_version'").Scan(&v)
	if err != nil {
		return &parcels.Error{Code: parcels.EINVALID,
			Message:   fmt.Sprintf("%s is a GeoPackage but not a landplan store (no landplan_meta): import it instead", s.path),
			MessageZH: fmt.Sprintf("%s 是 GeoPackage，但不是 landplan 数据文件：请用导入功能", s.path)}
	}
	if v != fmt.Sprint(schemaVersion) {
		return fmt.Errorf("gpkg: %s has schema version %s, this landplan knows %d", s.path, v, schemaVersion)
	}
	for _, st := range filterIndexes {
		if _, err := s.w.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("gpkg: %s: add filter index: %w", s.path, err)
		}
	}
	return nil
}

// loadIndex builds the in-memory R-trees from the envelopes in the blob headers.
func (s *Store) loadIndex(ctx context.Context) error {
	for kind, t := range table {
		x := newSpatialIndex()
		// The first 40 bytes hold the header with its xy envelope; reading
		// only them keeps Open fast for large files.
		rows, err := s.r.QueryContext(ctx, "SELECT fid, substr(geom, 1, 40), length(geom) FROM "+t+" WHERE geom IS NOT NULL")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, n int64
			var head []byte
			if err := rows.Scan(&id, &head, &n); err != nil {
				rows.Close()
				return err
			}
			b, ok := blobBound(head)
			if !ok && int64(len(head)) < n {
				// No envelope in the header: decode the whole geometry.
				var full []byte
				if err := s.r.QueryRowContext(ctx, "SELECT geom FROM "+t+" WHERE fid = ?", id).Scan(&full); err != nil {
					rows.Close()
					return err
				}
				b, ok = blobBound(full)
			}
			if ok {
				x.set(id, b)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		s.idx[kind] = x
	}
	return nil
}

// Ping reports whether the file is readable.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1 FROM gpkg_contents LIMIT 1").Scan(&one); err != nil {
		return fmt.Errorf("gpkg: ping %s: %w", s.path, err)
	}
	return nil
}

// Close waits for a running write, checkpoints the WAL into the main file
// and closes the file.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		var errs []error
		if s.r != nil {
			s.rc.close()
			errs = append(errs, s.r.Close())
		}
		s.wst.close()
		// A checkpoint leaves a self-contained .gpkg for GIS tools.
		_, _ = s.wc.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, s.wc.Close(), s.w.Close())
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// now is the timestamp of a write, at the millisecond precision of
// GeoPackage's DATETIME ("YYYY-MM-DDTHH:MM:SS.SSSZ", which GDAL checks), so
// a returned row equals what a later Get reads.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

const timeLayout = "2006-01-02T15:04:05.000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("gpkg: bad timestamp %q: %w", s, err)
	}
	return t.UTC(), nil
}
