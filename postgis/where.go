package postgis

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"landplan/parcels"
)

// args collects the values of a query's $n placeholders. Values are never
// spliced into SQL text.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// column is the trusted SQL expression of a queryable property.
type column struct {
	expr string // SQL over the row, built here from whitelisted names only
	typ  string // parcels.TypeString, TypeNumber, TypeInteger or TypeDate
	// null is the SQL for IS NULL, following parcels.Match: an empty string,
	// an unknown date, no parcel; FALSE for other numbers.
	null string
}

// columns maps each kind's queryables (parcels.Queryables) to SQL. It is
// built once from the whitelist; a filter naming anything else is refused
// by parcels.CheckExpr before any SQL is written.
var columns = func() map[parcels.Kind]map[string]column {
	out := map[parcels.Kind]map[string]column{}
	for _, k := range []parcels.Kind{parcels.KindParcel, parcels.KindBuilding, parcels.KindZone} {
		m := map[string]column{}
		for name, typ := range parcels.Queryables(k) {
			id := pgx.Identifier{name}.Sanitize()
			c := column{expr: id, typ: typ, null: "FALSE"}
			switch typ {
			case parcels.TypeString:
				c.null = id + " = ''"
			case parcels.TypeDate:
				// Dates compare as "YYYY-MM-DD" strings, an unknown date as "".
				c.expr = "coalesce(to_char(" + id + ", 'YYYY-MM-DD'), '')"
				c.null = id + " IS NULL"
			case parcels.TypeNumber, parcels.TypeInteger:
				c.expr = id + "::float8"
				if name == "parcel_id" {
					c.expr = "coalesce(" + id + ", 0)::float8"
					c.null = id + " IS NULL"
				}
			default:
				panic(fmt.Sprintf("postgis: queryable %s.%s has unknown type %q", k, name, typ))
			}
			m[name] = c
		}
		out[k] = m
	}
	return out
}()

// whereSQL translates a checked filter into a parameterised SQL condition
// over the kind's table (geometry column geom).
func whereSQL(kind parcels.Kind, e parcels.Expr, a *args) (string, error) {
	if err := parcels.CheckExpr(kind, e); err != nil {
		return "", err
	}
	cols := columns[kind]
	var tr func(parcels.Expr) (string, error)
	join := func(xs []parcels.Expr, op, empty string) (string, error) {
		if len(xs) == 0 {
			return empty, nil
		}
		parts := make([]string, len(xs))
		for i, x := range xs {
			s, err := tr(x)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "(" + strings.Join(parts, " "+op+" ") + ")", nil
	}
	// value binds v typed as the column compares it; text in the C
	// collation, so order is by code point as in Go (parcels.Match).
	value := func(c column, v any) string {
		if c.typ == parcels.TypeString || c.typ == parcels.TypeDate {
			return "(" + a.add(v.(string)) + `::text COLLATE "C")`
		}
		return a.add(v.(float64)) + "::float8"
	}
	tr = func(e parcels.Expr) (string, error) {
		switch e := e.(type) {
		case nil:
			return "TRUE", nil
		case parcels.And:
			return join(e, "AND", "TRUE")
		case parcels.Or:
			return join(e, "OR", "FALSE")
		case parcels.Not:
			s, err := tr(e.X)
			if err != nil {
				return "", err
			}
			return "(NOT " + s + ")", nil
		case parcels.Compare:
			c := cols[e.Prop]
			return "(" + c.expr + " " + e.Op + " " + value(c, e.Value) + ")", nil
		case parcels.Like:
			c := cols[e.Prop]
			return "(" + c.expr + " LIKE " + a.add(likePattern(e.Pattern)) + "::text)", nil
		case parcels.In:
			c := cols[e.Prop]
			if len(e.Values) == 0 {
				return "FALSE", nil
			}
			if c.typ == parcels.TypeString || c.typ == parcels.TypeDate {
				vs := make([]string, len(e.Values))
				for i, v := range e.Values {
					vs[i] = v.(string)
				}
				return "(" + c.expr + " = ANY(" + a.add(vs) + "::text[]))", nil
			}
			vs := make([]float64, len(e.Values))
			for i, v := range e.Values {
				vs[i] = v.(float64)
			}
			return "(" + c.expr + " = ANY(" + a.add(vs) + "::float8[]))", nil
		case parcels.Between:
			c := cols[e.Prop]
			return "(" + c.expr + " BETWEEN " + value(c, e.Lo) + " AND " + value(c, e.Hi) + ")", nil
		case parcels.IsNull:
			return "(" + cols[e.Prop].null + ")", nil
		case parcels.Intersects:
			return intersectsSQL(e.Geometry, a)
		}
		return "", parcels.Errorf(parcels.EINVALID, "不支持的过滤表达式", "unsupported filter %T", e)
	}
	return tr(e)
}

// intersectsSQL keeps rows whose geometry intersects g: && first so the
// GiST index narrows the rows, then the exact ST_Intersects.
func intersectsSQL(g orb.Geometry, a *args) (string, error) {
	b, err := ewkb.Marshal(g, srid)
	if err != nil {
		return "", parcels.Errorf(parcels.EINVALID, "空间过滤的几何无法编码", "the filter geometry cannot be encoded: %v", err)
	}
	p := "ST_GeomFromEWKB(" + a.add(b) + "::bytea)"
	return "(geom && " + p + " AND ST_Intersects(geom, " + p + "))", nil
}

// bboxSQL keeps rows whose geometry intersects the lon/lat box.
func bboxSQL(b orb.Bound, a *args) string {
	env := "ST_MakeEnvelope(" + a.add(b.Min[0]) + "::float8, " + a.add(b.Min[1]) + "::float8, " +
		a.add(b.Max[0]) + "::float8, " + a.add(b.Max[1]) + "::float8, 4490)"
	return "(geom && " + env + " AND ST_Intersects(geom, " + env + "))"
}

// likePattern rewrites a CQL2 LIKE pattern (% _ and \ escapes) for
// PostgreSQL's LIKE, whose escape is also \: the same except that a
// trailing lone \ is dropped, as parcels.Match does.
func likePattern(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' {
			if i+1 < len(p) {
				b.WriteByte('\\')
				b.WriteByte(p[i+1])
				i++
			}
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// listQuery is the SQL of one List page and its count.
type listQuery struct {
	page   string // the page rows, with LIMIT limit+1 to see whether more follow
	count  string // count(*), and counts of matches before $first and after $last
	args   args   // arguments of page; count takes args[:nmatch] + first + last
	nmatch int
	limit  int
	back   bool // rows come in descending id order (Before paging)
}

// buildList builds the page and count SQL of a List over table (one of
// the kinds' tables, never user input) selecting cols.
func buildList(kind parcels.Kind, table, cols string, q parcels.Query) (*listQuery, error) {
	var a args
	conds := []string{"deleted_at IS NULL"}
	if q.BBox != nil {
		conds = append(conds, bboxSQL(*q.BBox, &a))
	}
	if q.Intersects != nil {
		s, err := intersectsSQL(q.Intersects, &a)
		if err != nil {
			return nil, err
		}
		conds = append(conds, s)
	}
	if q.Where != nil {
		s, err := whereSQL(kind, q.Where, &a)
		if err != nil {
			return nil, err
		}
		conds = append(conds, s)
	}
	match := strings.Join(conds, " AND ")
	lq := &listQuery{limit: parcels.PageLimit(q.Limit)}
	nmatch := len(a)
	ca := append(args{}, a...)
	lq.count = "SELECT count(*), count(*) FILTER (WHERE id < " + ca.add(int64(0)) + "), count(*) FILTER (WHERE id > " +
		ca.add(int64(0)) + ") FROM " + table + " WHERE " + match
	lq.nmatch = nmatch
	page := conds
	if q.After > 0 {
		page = append(page, "id > "+a.add(q.After))
	}
	if q.Before > 0 {
		page = append(page, "id < "+a.add(q.Before))
		lq.back = true
	}
	order := "id"
	if lq.back {
		order = "id DESC"
	}
	lq.page = "SELECT " + cols + " FROM " + table + " WHERE " + strings.Join(page, " AND ") +
		" ORDER BY " + order + " LIMIT " + strconv.Itoa(lq.limit+1)
	lq.args = a
	return lq, nil
}

// run executes a listQuery in one snapshot and fills a page.
func runList[T any](tx pgx.Tx, ctx context.Context, lq *listQuery, scan func(pgx.Row, ...any) (T, error), id func(T) int64) (parcels.Page[T], error) {
	var pg parcels.Page[T]
	rows, err := tx.Query(ctx, lq.page, lq.args...)
	if err != nil {
		return pg, err
	}
	items, err := collect(rows, scan)
	if err != nil {
		return pg, err
	}
	if len(items) > lq.limit {
		items = items[:lq.limit]
	}
	if lq.back {
		sort.Slice(items, func(i, j int) bool { return id(items[i]) < id(items[j]) })
	}
	if items == nil {
		items = []T{}
	}
	pg.Items = items
	var first, last int64
	if len(items) > 0 {
		first, last = id(items[0]), id(items[len(items)-1])
	}
	cargs := append(append(args{}, lq.args[:lq.nmatch]...), first, last)
	var before, after int64
	if err := tx.QueryRow(ctx, lq.count, cargs...).Scan(&pg.NumberMatched, &before, &after); err != nil {
		return pg, err
	}
	if len(items) > 0 {
		if after > 0 {
			pg.NextAfter = last
		}
		if before > 0 {
			pg.PrevBefore = first
		}
	}
	return pg, nil
}
