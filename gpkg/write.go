package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

type rowKey struct {
	kind parcels.Kind
	id   int64
}

// histRec is a history record to write before commit. For the write's own
// rows (primary) the after-image is read at flush time, once derived values
// have settled; for rows changed as a consequence it is given.
type histRec struct {
	key     rowKey
	op      parcels.Op
	version int64
	before  any // *Parcel, *Building, *Zone or nil
	after   any // set for consequential records; read back for primary ones
}

// move is a change of one row's bounding box, applied to the in-memory
// R-tree after commit.
type move struct {
	key   rowKey
	bound orb.Bound
	live  bool // false: the row is gone or has no geometry
}

// extentChange collects the bounding boxes added to and removed from a
// layer, to keep its gpkg_contents extent current.
type extentChange struct {
	added, removed []orb.Bound
}

// wtx is one write transaction.
type wtx struct {
	s *Store
	// ctx runs the SQL and is never cancelled: SQLite's interrupt on a
	// cancelled statement left the single writer connection failing every
	// later write with "interrupted (9)". Cancellation is honoured through
	// req instead, checked before each statement and before COMMIT.
	ctx   context.Context
	req   context.Context
	q     cachedConn // the writer's connection through its prepared statements
	actor string
	at    time.Time

	moves []move
	ext   map[string]*extentChange

	// Consequences to settle before commit.
	reassign map[int64]bool // buildings whose parcel must be recomputed
	dirty    map[int64]bool // parcels whose site values must be recomputed
	moved    []int64        // parcels whose geometry changed: their zones are recomputed
	primary  map[rowKey]bool

	hist1 []histRec // the write's own rows, in input order
	hist2 []histRec // rows changed as a consequence
	final map[rowKey]any
}

// write runs fn in one write transaction: one writer at a time; settles the
// derived values of every row fn's changes affect, writes the history and
// layer extents, commits, then updates the in-memory R-trees.
func (s *Store) write(ctx context.Context, actor string, fn func(w *wtx) error) (*wtx, error) {
	s.lockWriter()
	defer s.wmu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := s.wc.ExecContext(context.WithoutCancel(ctx), "BEGIN IMMEDIATE"); err != nil {
		return nil, fmt.Errorf("gpkg: begin: %w", err)
	}
	// Not ctx: a cancelled request must still roll back.
	rollback := func() { _, _ = s.wc.ExecContext(context.Background(), "ROLLBACK") }
	w := &wtx{s: s, ctx: context.WithoutCancel(ctx), req: ctx, q: cachedConn{s.wc, s.wst}, actor: actor, at: now(),
		ext: map[string]*extentChange{}, reassign: map[int64]bool{}, dirty: map[int64]bool{},
		primary: map[rowKey]bool{}, final: map[rowKey]any{}}
	err := fn(w)
	if err == nil {
		err = w.settle()
	}
	if err == nil {
		err = w.flushHistory()
	}
	if err == nil {
		err = w.updateExtents()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		rollback()
		return nil, err
	}
	s.imu.Lock()
	defer s.imu.Unlock()
	if _, err := s.wc.ExecContext(context.Background(), "COMMIT"); err != nil {
		rollback()
		return nil, fmt.Errorf("gpkg: commit: %w", err)
	}
	for _, m := range w.moves {
		x := s.idx[m.key.kind]
		if m.live {
			x.set(m.key.id, m.bound)
		} else {
			x.remove(m.key.id)
		}
	}
	return w, nil
}

func (w *wtx) exec(q string, args ...any) (sql.Result, error) {
	if err := w.req.Err(); err != nil {
		return nil, err
	}
	r, err := w.q.ExecContext(w.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("gpkg: %w", err)
	}
	return r, nil
}

// markPrimary records that the write itself produces this version of the row.
func (w *wtx) markPrimary(k rowKey, op parcels.Op, version int64, before any) {
	w.primary[k] = true
	w.hist1 = append(w.hist1, histRec{key: k, op: op, version: version, before: before})
}

// geomChanged records the row's old and new geometry for the R-trees and the
// layer extent.
func (w *wtx) geomChanged(k rowKey, old, new orb.MultiPolygon) {
	ob, oldOK := bound(old)
	nb, newOK := bound(new)
	if oldOK == newOK && ob == nb {
		return
	}
	t := table[k.kind]
	w.extentOf(t, ob, oldOK, nb, newOK)
	w.moves = append(w.moves, move{key: k, bound: nb, live: newOK})
}

func (w *wtx) extentOf(t string, ob orb.Bound, oldOK bool, nb orb.Bound, newOK bool) {
	e := w.ext[t]
	if e == nil {
		e = &extentChange{}
		w.ext[t] = e
	}
	if oldOK {
		e.removed = append(e.removed, ob)
	}
	if newOK {
		e.added = append(e.added, nb)
	}
}

func bound(g orb.MultiPolygon) (orb.Bound, bool) {
	if isEmpty(g) {
		return orb.Bound{}, false
	}
	return g.Bound(), true
}

// updateExtents keeps each touched layer's extent in gpkg_contents exact:
// grown by what was added, recomputed from the rows only when a removed box
// reached the old extent's edge.
func (w *wtx) updateExtents() error {
	for t, e := range w.ext {
		var minx, miny, maxx, maxy sql.NullFloat64
		if err := w.q.QueryRowContext(w.ctx, "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", t).
			Scan(&minx, &miny, &maxx, &maxy); err != nil {
			return fmt.Errorf("gpkg: extent of %s: %w", t, err)
		}
		have := minx.Valid && miny.Valid && maxx.Valid && maxy.Valid
		ext := orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}
		recompute := !have && len(e.removed) > 0
		for _, b := range e.removed {
			if b.Min[0] <= ext.Min[0] || b.Min[1] <= ext.Min[1] || b.Max[0] >= ext.Max[0] || b.Max[1] >= ext.Max[1] {
				recompute = true
				break
			}
		}
		var args []any
		if recompute {
			if err := w.q.QueryRowContext(w.ctx, "SELECT min(ST_MinX(geom)), min(ST_MinY(geom)), max(ST_MaxX(geom)), max(ST_MaxY(geom)) FROM "+t+" WHERE geom IS NOT NULL").
				Scan(&minx, &miny, &maxx, &maxy); err != nil {
				return fmt.Errorf("gpkg: recompute extent of %s: %w", t, err)
			}
			args = []any{minx, miny, maxx, maxy}
		} else {
			for i, b := range e.added {
				if !have && i == 0 {
					ext, have = b, true
					continue
				}
				ext = ext.Union(b)
			}
			if have {
				args = []any{ext.Min[0], ext.Min[1], ext.Max[0], ext.Max[1]}
			} else {
				args = []any{nil, nil, nil, nil}
			}
		}
		args = append(args, t)
		if _, err := w.exec("UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?", args...); err != nil {
			return err
		}
	}
	return nil
}

// flushHistory writes the history: the write's own rows first (in input
// order, read back with their settled values), then the consequences.
func (w *wtx) flushHistory() error {
	for i := range w.hist1 {
		h := &w.hist1[i]
		if h.op != parcels.OpDelete {
			row, err := w.getRow(h.key)
			if err != nil {
				return err
			}
			h.after = row
			w.final[h.key] = row
		}
		if err := w.insertHistory(*h); err != nil {
			return err
		}
	}
	for _, h := range w.hist2 {
		if err := w.insertHistory(h); err != nil {
			return err
		}
	}
	return nil
}

func (w *wtx) insertHistory(h histRec) error {
	enc := func(row any) (any, error) {
		if row == nil {
			return nil, nil
		}
		b, err := parcels.EncodeRow(row)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	}
	before, err := enc(h.before)
	if err != nil {
		return err
	}
	after, err := enc(h.after)
	if err != nil {
		return err
	}
	_, err = w.exec("INSERT INTO landplan_history (kind, row_id, version, op, actor, at, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		string(h.key.kind), h.key.id, h.version, string(h.op), w.actor, fmtTime(w.at), before, after)
	return err
}

// settle recomputes what the write's changes affect: first each building
// to reassign (its parcel is the live parcel it overlaps most), then each
// parcel whose buildings changed. A row that is not the write's own gets a
// new version and a history record only when a value really changed.
func (w *wtx) settle() error {
	for _, bid := range sortedIDs(w.reassign) {
		b, err := w.getBuilding(bid)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		cands, err := w.parcelsNear(b.Geometry)
		if err != nil {
			return err
		}
		pid, err := w.s.der.AssignParcel(b, cands)
		if err != nil {
			return fmt.Errorf("gpkg: assign building %d: %w", bid, err)
		}
		if pid == b.ParcelID {
			continue
		}
		w.dirty[b.ParcelID] = true
		w.dirty[pid] = true
		before := *b
		b.ParcelID = pid
		k := rowKey{parcels.KindBuilding, bid}
		if !w.primary[k] {
			w.bump(&b.Meta)
			w.hist2 = append(w.hist2, histRec{key: k, op: parcels.OpUpdate, version: b.Version, before: &before, after: b})
		}
		if err := w.updateBuilding(b); err != nil {
			return err
		}
	}
	for _, pid := range sortedIDs(w.dirty) {
		if pid == 0 {
			continue
		}
		p, err := w.getParcel(pid)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		bs, err := w.buildingsOn(pid)
		if err != nil {
			return err
		}
		np := *p
		if err := w.s.der.ParcelSite(&np, bs); err != nil {
			return fmt.Errorf("gpkg: site values of parcel %d: %w", pid, err)
		}
		if np.ParcelDerived == p.ParcelDerived {
			continue
		}
		k := rowKey{parcels.KindParcel, pid}
		if !w.primary[k] {
			w.bump(&np.Meta)
			w.hist2 = append(w.hist2, histRec{key: k, op: parcels.OpUpdate, version: np.Version, before: p, after: &np})
		}
		if err := w.updateParcel(&np); err != nil {
			return err
		}
	}
	return w.settleZones()
}

func (w *wtx) bump(m *parcels.Meta) {
	m.Version++
	m.UpdatedAt = w.at
	m.UpdatedBy = w.actor
}

func sortedIDs(m map[int64]bool) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func isNotFound(err error) bool { return parcels.ErrorCode(err) == parcels.ENOTFOUND }

// nearIDs returns the ids of rows of t whose box meets g's, from the file's
// R-tree, which the triggers keep current inside this transaction.
func (w *wtx) nearIDs(t string, g orb.MultiPolygon) ([]int64, error) {
	b, ok := bound(g)
	if !ok {
		return nil, nil
	}
	rows, err := w.q.QueryContext(w.ctx, "SELECT id FROM rtree_"+t+"_geom WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ? ORDER BY id",
		b.Max[0], b.Min[0], b.Max[1], b.Min[1])
	if err != nil {
		return nil, fmt.Errorf("gpkg: %s near: %w", t, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (w *wtx) parcelsNear(g orb.MultiPolygon) ([]*parcels.Parcel, error) {
	ids, err := w.nearIDs("parcels", g)
	if err != nil {
		return nil, err
	}
	out := make([]*parcels.Parcel, 0, len(ids))
	for _, id := range ids {
		p, err := w.getParcel(id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (w *wtx) buildingsOn(pid int64) ([]*parcels.Building, error) {
	return queryRows(w.ctx, w.q, "SELECT "+buildingCols+" FROM buildings WHERE parcel_id = ? ORDER BY fid", scanBuilding, pid)
}

func queryRows[T any](ctx context.Context, q queryer, query string, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("gpkg: %w", err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func getOne[T any](ctx context.Context, q queryer, kind parcels.Kind, id int64, scan func(scanner) (T, error)) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, "SELECT "+kindCols[kind]+" FROM "+table[kind]+" WHERE fid = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, parcels.NotFound(kind, id)
	}
	return v, err
}

func (w *wtx) getParcel(id int64) (*parcels.Parcel, error) {
	return getOne(w.ctx, w.q, parcels.KindParcel, id, scanParcel)
}

func (w *wtx) getBuilding(id int64) (*parcels.Building, error) {
	return getOne(w.ctx, w.q, parcels.KindBuilding, id, scanBuilding)
}

func (w *wtx) getZone(id int64) (*parcels.Zone, error) {
	z, err := getOne(w.ctx, w.q, parcels.KindZone, id, scanZone)
	if err != nil {
		return nil, err
	}
	z.Pieces, err = loadPieces(w.ctx, w.q, id)
	return z, err
}

func (w *wtx) getRow(k rowKey) (any, error) {
	switch k.kind {
	case parcels.KindParcel:
		return w.getParcel(k.id)
	case parcels.KindBuilding:
		return w.getBuilding(k.id)
	case parcels.KindZone:
		return w.getZone(k.id)
	}
	return nil, fmt.Errorf("gpkg: unknown kind %q", k.kind)
}

// idArg is the fid to insert: NULL lets AUTOINCREMENT choose a new id.
func idArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (w *wtx) insert(kind parcels.Kind, args []any) (int64, error) {
	args[0] = idArg(args[0].(int64))
	r, err := w.exec(insertSQL(table[kind], kindCols[kind]), args...)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

func (w *wtx) update(kind parcels.Kind, args []any) error {
	id := args[0]
	_, err := w.exec(updateSQL(table[kind], kindCols[kind]), append(args[1:], id)...)
	return err
}

func (w *wtx) insertParcel(p *parcels.Parcel) error {
	args, err := parcelArgs(p)
	if err != nil {
		return err
	}
	if p.ID, err = w.insert(parcels.KindParcel, args); err != nil {
		return err
	}
	w.geomChanged(rowKey{parcels.KindParcel, p.ID}, nil, p.Geometry)
	return nil
}

func (w *wtx) updateParcel(p *parcels.Parcel) error {
	args, err := parcelArgs(p)
	if err != nil {
		return err
	}
	return w.update(parcels.KindParcel, args)
}

func (w *wtx) insertBuilding(b *parcels.Building) error {
	args, err := buildingArgs(b)
	if err != nil {
		return err
	}
	if b.ID, err = w.insert(parcels.KindBuilding, args); err != nil {
		return err
	}
	w.geomChanged(rowKey{parcels.KindBuilding, b.ID}, nil, b.Geometry)
	return nil
}

func (w *wtx) updateBuilding(b *parcels.Building) error {
	args, err := buildingArgs(b)
	if err != nil {
		return err
	}
	return w.update(parcels.KindBuilding, args)
}

func (w *wtx) deleteRow(kind parcels.Kind, id int64, old orb.MultiPolygon) error {
	if _, err := w.exec("DELETE FROM "+table[kind]+" WHERE fid = ?", id); err != nil {
		return err
	}
	w.geomChanged(rowKey{kind, id}, old, nil)
	return nil
}

// checkNumber refuses NaN, infinities and negative values.
func checkNumber(feature, name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return &parcels.Error{Code: parcels.EINVALID, Feature: feature,
			Message:   fmt.Sprintf("%s must be a finite number ≥ 0, got %v", name, v),
			MessageZH: fmt.Sprintf("%s 必须是不小于 0 的有限数值，实际为 %v", name, v)}
	}
	return nil
}
