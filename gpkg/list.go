package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// listChunk is how many rows one "fid IN (…)" query reads.
const listChunk = 500

// list answers a List call in two passes over one read snapshot: first the
// ids of every matching row in ascending order (so NumberMatched and the
// paging links are exact), then the rows of the requested page.
//
// Candidates come from the in-memory R-tree when the query is spatial; each
// is tested exactly (geo.Intersects) and against Where with parcels.Match.
// Without a spatial condition the column conditions of Where run in SQL
// (splitWhere), with count and paging too when nothing else is left; only
// what SQL cannot answer (S_INTERSECTS under OR or NOT) is tested in Go.
func list[T any](ctx context.Context, s *Store, kind parcels.Kind, q parcels.Query,
	scan func(scanner) (T, error), asRow func(T) any) (parcels.Page[T], error) {
	var page parcels.Page[T]
	if err := parcels.CheckExpr(kind, q.Where); err != nil {
		return page, err
	}
	limit := parcels.PageLimit(q.Limit)
	t := table[kind]

	// Every spatial condition that must hold narrows the box of the R-tree
	// search: BBox, Intersects, and S_INTERSECTS at the top of Where (alone
	// or in a top-level AND).
	var boxes []orb.Geometry
	if q.BBox != nil {
		boxes = append(boxes, *q.BBox)
	}
	if q.Intersects != nil {
		boxes = append(boxes, q.Intersects)
	}
	boxes = append(boxes, whereGeometries(q.Where)...)
	spatial := len(boxes) > 0
	var box orb.Bound
	for i, g := range boxes {
		if isEmpty(g) {
			return emptyPage[T](), nil
		}
		b := g.Bound()
		if i == 0 {
			box = b
			continue
		}
		if !box.Intersects(b) {
			return emptyPage[T](), nil
		}
		box = orb.Bound{
			Min: orb.Point{max(box.Min[0], b.Min[0]), max(box.Min[1], b.Min[1])},
			Max: orb.Point{min(box.Max[0], b.Max[0]), min(box.Max[1], b.Max[1])},
		}
	}

	// Hold the R-tree shared until the snapshot is taken, so the tree and
	// the rows are of the same commit.
	s.imu.RLock()
	locked := true
	unlock := func() {
		if locked {
			s.imu.RUnlock()
			locked = false
		}
	}
	defer unlock()
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return page, fmt.Errorf("gpkg: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return page, fmt.Errorf("gpkg: begin read: %w", err)
	}
	defer tx.Rollback()
	// Plain (unprepared) queries here: this transaction holds a reader
	// connection, and preparing through the pool could wait for another.
	rd := tx
	var candidates []int64
	if spatial {
		candidates = s.idx[kind].search(box)
	}
	// The first read fixes the snapshot.
	var one int
	if err := rd.QueryRowContext(ctx, "SELECT count(*) FROM "+t+" WHERE fid = -1").Scan(&one); err != nil {
		return page, fmt.Errorf("gpkg: %w", err)
	}
	unlock()

	// The column conditions of Where run in SQL; Match tests only the rest.
	sw, inSQL, rest := splitWhere(kind, q.Where)
	test := func(row T, g orb.MultiPolygon) bool {
		// A row whose box lies inside the query box intersects it.
		if q.BBox != nil && !containsBound(*q.BBox, g.Bound()) && !geo.Intersects(*q.BBox, g) {
			return false
		}
		if q.Intersects != nil && !geo.Intersects(q.Intersects, g) {
			return false
		}
		return q.Where == nil || parcels.Match(q.Where, parcels.Props(asRow(row)), g)
	}
	// allSQL: the whole query is answered in SQL, count and page included.
	allSQL := !spatial && (q.Where == nil || inSQL && rest == nil)

	var matched []int64
	var kept map[int64]T
	var ids []int64
	var next, prev int64
	switch {
	case allSQL:
		ids, next, prev, page.NumberMatched, err = sqlWindow(ctx, rd, t, sw, q.After, q.Before, limit)
	case spatial:
		// The candidates are few (the R-tree's answer): keep the matching
		// rows so the page needs no second read.
		kept = map[int64]T{}
		err = forRows(ctx, rd, kind, candidates, scan, func(id int64, row T, g orb.MultiPolygon) {
			if test(row, g) {
				matched = append(matched, id)
				kept[id] = row
			}
		})
	default:
		// Only the queryable columns (and the geometry when Where tests it).
		// Only the queryable columns (and the geometry when Where tests it),
		// of the rows that pass the SQL part.
		cols := lightCols(kind, hasIntersects(rest))
		query, args := "SELECT "+cols+" FROM "+t, []any(nil)
		if inSQL {
			query, args = query+" WHERE "+sw.cond, sw.args
		}
		err = eachRow(ctx, rd, query+" ORDER BY fid", args, scan, func(id int64, row T, g orb.MultiPolygon) {
			if rest == nil || parcels.Match(rest, parcels.Props(asRow(row)), g) {
				matched = append(matched, id)
			}
		})
	}
	if err != nil {
		return page, err
	}

	if allSQL {
		// Paged in SQL above.
	} else {
		ids, next, prev = window(matched, q.After, q.Before, limit)
		page.NumberMatched = int64(len(matched))
	}
	page.NextAfter, page.PrevBefore = next, prev
	page.Items = make([]T, 0, len(ids))
	if kept != nil {
		for _, id := range ids {
			page.Items = append(page.Items, kept[id])
		}
	} else {
		err = forRows(ctx, rd, kind, ids, scan, func(_ int64, row T, _ orb.MultiPolygon) {
			page.Items = append(page.Items, row)
		})
	}
	if err != nil {
		return page, err
	}
	if kind == parcels.KindZone {
		for _, it := range page.Items {
			z := asRow(it).(*parcels.Zone)
			if z.Pieces, err = loadPieces(ctx, rd, z.ID); err != nil {
				return page, err
			}
		}
	}
	return page, tx.Commit()
}

// whereGeometries returns the geometries of the S_INTERSECTS conditions that
// every match must meet: Where itself, or the parts of a top-level And.
func whereGeometries(e parcels.Expr) []orb.Geometry {
	switch e := e.(type) {
	case parcels.Intersects:
		return []orb.Geometry{e.Geometry}
	case parcels.And:
		var out []orb.Geometry
		for _, x := range e {
			out = append(out, whereGeometries(x)...)
		}
		return out
	}
	return nil
}

func containsBound(outer, inner orb.Bound) bool {
	return outer.Min[0] <= inner.Min[0] && outer.Min[1] <= inner.Min[1] && outer.Max[0] >= inner.Max[0] && outer.Max[1] >= inner.Max[1]
}

func emptyPage[T any]() parcels.Page[T] { return parcels.Page[T]{Items: []T{}} }

// window picks the page out of the ascending matched ids: ids > after and
// < before (each when set), the first limit of them, or the last limit when
// before is set. next is the page's last id when a matching row follows it;
// prev its first id when one precedes it.
func window(matched []int64, after, before int64, limit int) (ids []int64, next, prev int64) {
	lo, hi := 0, len(matched)
	if after > 0 {
		lo = searchIDs(matched, after+1)
	}
	if before > 0 {
		hi = searchIDs(matched, before)
	}
	if lo > hi {
		lo = hi
	}
	if before > 0 {
		if hi-lo > limit {
			lo = hi - limit
		}
	} else if hi-lo > limit {
		hi = lo + limit
	}
	ids = matched[lo:hi]
	if len(ids) > 0 {
		if hi < len(matched) {
			next = ids[len(ids)-1]
		}
		if lo > 0 {
			prev = ids[0]
		}
	}
	return ids, next, prev
}

// searchIDs returns the index of the first id ≥ v.
func searchIDs(ids []int64, v int64) int {
	lo, hi := 0, len(ids)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ids[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// geomOf returns a scanned row's geometry.
func geomOf(row any) orb.MultiPolygon {
	switch r := row.(type) {
	case *parcels.Parcel:
		return r.Geometry
	case *parcels.Building:
		return r.Geometry
	case *parcels.Zone:
		return r.Geometry
	}
	return nil
}

func idOf(row any) int64 {
	switch r := row.(type) {
	case *parcels.Parcel:
		return r.ID
	case *parcels.Building:
		return r.ID
	case *parcels.Zone:
		return r.ID
	}
	return 0
}

// forRows calls fn for each row of ids (ascending) that still exists.
func forRows[T any](ctx context.Context, q queryer, kind parcels.Kind, ids []int64,
	scan func(scanner) (T, error), fn func(int64, T, orb.MultiPolygon)) error {
	for start := 0; start < len(ids); start += listChunk {
		end := min(start+listChunk, len(ids))
		args := make([]any, end-start)
		for i, id := range ids[start:end] {
			args[i] = id
		}
		query := "SELECT " + kindCols[kind] + " FROM " + table[kind] + " WHERE fid IN (" +
			strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + ") ORDER BY fid"
		if err := eachRow(ctx, q, query, args, scan, fn); err != nil {
			return err
		}
	}
	return nil
}

// lightCols is kindCols with NULL for what parcels.Props does not need
// (timestamps, attrs, members, and the geometry unless asked for), so a
// filter scan decodes no JSON, dates or WKB.
func lightCols(kind parcels.Kind, geom bool) string {
	drop := map[string]bool{"created_at": true, "updated_at": true, "attrs": true, "members": true, "geom": !geom}
	cols := strings.Split(kindCols[kind], ",")
	for i, c := range cols {
		if drop[strings.TrimSpace(c)] {
			cols[i] = "NULL"
		}
	}
	return strings.Join(cols, ",")
}

func hasIntersects(e parcels.Expr) bool {
	switch e := e.(type) {
	case parcels.Intersects:
		return true
	case parcels.And:
		for _, x := range e {
			if hasIntersects(x) {
				return true
			}
		}
	case parcels.Or:
		for _, x := range e {
			if hasIntersects(x) {
				return true
			}
		}
	case parcels.Not:
		return hasIntersects(e.X)
	}
	return false
}

// sqlWindow pages through the rows of t that meet w (every row when w is
// empty) in SQL, with the same rules as window.
func sqlWindow(ctx context.Context, q queryer, t string, w sqlWhere, after, before int64, limit int) (ids []int64, next, prev, count int64, err error) {
	cond := "1"
	if w.cond != "" {
		cond = "(" + w.cond + ")"
	}
	with := func(extra ...any) []any { return append(append([]any{}, w.args...), extra...) }
	if err = q.QueryRowContext(ctx, "SELECT count(*) FROM "+t+" WHERE "+cond, w.args...).Scan(&count); err != nil {
		return nil, 0, 0, 0, fmt.Errorf("gpkg: %w", err)
	}
	hi := int64(math.MaxInt64)
	if before > 0 {
		hi = before
	}
	query := "SELECT fid FROM " + t + " WHERE " + cond + " AND fid > ? AND fid < ? ORDER BY fid LIMIT ?"
	if before > 0 {
		query = "SELECT fid FROM (SELECT fid FROM " + t + " WHERE " + cond + " AND fid > ? AND fid < ? ORDER BY fid DESC LIMIT ?) ORDER BY fid"
	}
	rows, err := q.QueryContext(ctx, query, with(after, hi, limit)...)
	if err != nil {
		return nil, 0, 0, 0, fmt.Errorf("gpkg: %w", err)
	}
	defer rows.Close()
	ids = []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, 0, 0, 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, 0, err
	}
	if len(ids) > 0 {
		var more bool
		if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+t+" WHERE "+cond+" AND fid > ?)", with(ids[len(ids)-1])...).Scan(&more); err != nil {
			return nil, 0, 0, 0, err
		}
		if more {
			next = ids[len(ids)-1]
		}
		if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+t+" WHERE "+cond+" AND fid < ?)", with(ids[0])...).Scan(&more); err != nil {
			return nil, 0, 0, 0, err
		}
		if more {
			prev = ids[0]
		}
	}
	return ids, next, prev, count, nil
}

func eachRow[T any](ctx context.Context, q queryer, query string, args []any,
	scan func(scanner) (T, error), fn func(int64, T, orb.MultiPolygon)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		row, err := scan(rows)
		if err != nil {
			return err
		}
		var a any = row
		fn(idOf(a), row, geomOf(a))
	}
	return rows.Err()
}

var _ queryer = (*sql.Tx)(nil)
