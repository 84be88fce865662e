package gpkg

import (
	"strings"

	"landplan/parcels"
)

// sqlWhere is a parcels.Expr translated to SQLite: a condition and its
// parameters.
type sqlWhere struct {
	cond string
	args []any
}

// splitWhere translates what of e SQL can answer: e itself when every part
// maps to columns, else the parts of a top-level And that do. rest is what
// must still be tested in Go with parcels.Match (nil when nothing is left).
func splitWhere(kind parcels.Kind, e parcels.Expr) (w sqlWhere, ok bool, rest parcels.Expr) {
	if e == nil {
		return sqlWhere{}, false, nil
	}
	if c, a, ok := translate(kind, e); ok {
		return sqlWhere{c, a}, true, nil
	}
	and, isAnd := e.(parcels.And)
	if !isAnd {
		return sqlWhere{}, false, e
	}
	var conds []string
	var args []any
	var left parcels.And
	for _, x := range and {
		if c, a, ok := translate(kind, x); ok {
			conds = append(conds, "("+c+")")
			args = append(args, a...)
		} else {
			left = append(left, x)
		}
	}
	if len(conds) == 0 {
		return sqlWhere{}, false, e
	}
	return sqlWhere{strings.Join(conds, " AND "), args}, true, left
}

// column is the SQL expression of a queryable with parcels.Props's value
// for an unset column (NULL reads as "" or 0, as Match sees it), so the
// translated conditions are two-valued like Match and NOT means Match's not.
func column(kind parcels.Kind, prop string) (expr, typ string, ok bool) {
	typ, ok = parcels.Queryables(kind)[prop]
	if !ok {
		return "", "", false
	}
	if prop == "id" {
		return "fid", parcels.TypeNumber, true
	}
	// prop is a whitelisted queryable, so it is one of our column names;
	// "use" is also an SQL keyword, hence the quotes.
	col := `"` + prop + `"`
	if typ == parcels.TypeString || typ == parcels.TypeDate {
		return "coalesce(" + col + ", '')", parcels.TypeString, true
	}
	return "coalesce(" + col + ", 0)", parcels.TypeNumber, true
}

// operand checks that v has the Go type Match compares with a property of
// type typ (float64 for numbers, string for text and dates); any other value
// never matches.
func operand(typ string, v any) bool {
	switch v.(type) {
	case float64:
		return typ == parcels.TypeNumber
	case string:
		return typ == parcels.TypeString
	}
	return false
}

var sqlOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

// translate returns e as an SQL condition with the truth value of
// parcels.Match, or ok = false when a part needs Go (Intersects).
func translate(kind parcels.Kind, e parcels.Expr) (string, []any, bool) {
	switch e := e.(type) {
	case parcels.And, parcels.Or:
		var parts []parcels.Expr
		join, empty := " AND ", "1"
		if a, ok := e.(parcels.And); ok {
			parts = a
		} else {
			parts, join, empty = e.(parcels.Or), " OR ", "0"
		}
		if len(parts) == 0 {
			return empty, nil, true
		}
		var conds []string
		var args []any
		for _, x := range parts {
			c, a, ok := translate(kind, x)
			if !ok {
				return "", nil, false
			}
			conds = append(conds, "("+c+")")
			args = append(args, a...)
		}
		return strings.Join(conds, join), args, true
	case parcels.Not:
		c, a, ok := translate(kind, e.X)
		if !ok {
			return "", nil, false
		}
		return "NOT (" + c + ")", a, true
	case parcels.Compare:
		col, typ, ok := column(kind, e.Prop)
		if !ok {
			return "0", nil, true // Match: an unknown property has no value
		}
		if !sqlOps[e.Op] || !operand(typ, e.Value) {
			return "0", nil, true
		}
		return col + " " + e.Op + " ?", []any{e.Value}, true
	case parcels.In:
		col, typ, ok := column(kind, e.Prop)
		if !ok {
			return "0", nil, true
		}
		var args []any
		for _, v := range e.Values {
			if operand(typ, v) {
				args = append(args, v)
			}
		}
		if len(args) == 0 {
			return "0", nil, true
		}
		return col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + ")", args, true
	case parcels.Between:
		col, typ, ok := column(kind, e.Prop)
		if !ok || !operand(typ, e.Lo) || !operand(typ, e.Hi) {
			return "0", nil, true
		}
		return col + " >= ? AND " + col + " <= ?", []any{e.Lo, e.Hi}, true
	case parcels.Like:
		col, typ, ok := column(kind, e.Prop)
		if !ok || typ != parcels.TypeString {
			return "0", nil, true
		}
		return col + " GLOB ?", []any{likeGlob(e.Pattern)}, true
	case parcels.IsNull:
		col, typ, ok := column(kind, e.Prop)
		switch {
		case !ok:
			return "1", nil, true // Match: a missing property is null
		case typ == parcels.TypeString:
			return col + " = ''", nil, true
		case e.Prop == "parcel_id":
			return col + " = 0", nil, true
		}
		return "0", nil, true // numbers are never null
	}
	return "", nil, false
}

// likeGlob turns a CQL2 LIKE pattern (% any run, _ one character, \
// escapes) into a GLOB pattern: GLOB is case-sensitive like CQL2, and its ?
// takes one UTF-8 character, as _ takes one rune. The GLOB specials * ? [
// stand for themselves inside brackets.
func likeGlob(p string) string {
	var b strings.Builder
	lit := func(r rune) {
		switch r {
		case '*', '?', '[':
			b.WriteString("[" + string(r) + "]")
		default:
			b.WriteRune(r)
		}
	}
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '%':
			b.WriteByte('*')
		case '_':
			b.WriteByte('?')
		case '\\':
			if i+1 < len(rs) {
				i++
				lit(rs[i])
			}
		default:
			lit(c)
		}
	}
	return b.String()
}
