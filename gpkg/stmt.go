package gpkg

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements by their SQL text: preparing costs
// about as much as running a small query with modernc's SQLite, and a batch
// write runs the same few statements thousands of times.
type stmtCache struct {
	db   *sql.DB // for unprepared fallbacks of cachedDB
	prep func(context.Context, string) (*sql.Stmt, error)
	mu   sync.Mutex
	m    map[string]*sql.Stmt
}

// maxCached bounds the cache; statements beyond it run unprepared (only
// list queries with unusual IN lists get there).
const maxCached = 256

// newStmtCache caches statements prepared on the reader pool: a DB-level
// statement takes a connection only while it prepares or runs, so readers
// never hold one connection while waiting for another.
func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, prep: db.PrepareContext, m: map[string]*sql.Stmt{}}
}

// newConnStmtCache caches statements prepared on the writer's one connection
// (preparing through the DB would wait for that very connection).
func newConnStmtCache(conn *sql.Conn) *stmtCache {
	return &stmtCache{prep: conn.PrepareContext, m: map[string]*sql.Stmt{}}
}

func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[q]; ok {
		return st
	}
	if len(c.m) >= maxCached {
		return nil
	}
	st, err := c.prep(ctx, q)
	if err != nil {
		return nil // the unprepared query will report the error
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
}

// cachedDB runs queries on a DB through the cache.
type cachedDB struct{ c *stmtCache }

func (d cachedDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.c.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.c.db.QueryRowContext(ctx, q, args...)
}

func (d cachedDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.c.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.c.db.QueryContext(ctx, q, args...)
}

func (d cachedDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := d.c.get(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.c.db.ExecContext(ctx, q, args...)
}

// cachedConn runs queries on the writer's connection through its cache.
type cachedConn struct {
	conn *sql.Conn
	c    *stmtCache
}

func (t cachedConn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.c.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.conn.QueryRowContext(ctx, q, args...)
}

func (t cachedConn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.c.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.conn.QueryContext(ctx, q, args...)
}

func (t cachedConn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.c.get(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.conn.ExecContext(ctx, q, args...)
}
