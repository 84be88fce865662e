package api

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// This file is a CQL2 text parser (OGC 21-065, the "cql2-text" encoding) for
// the subset our stores evaluate: comparisons, AND/OR/NOT, LIKE, IN,
// BETWEEN, IS NULL, S_INTERSECTS with a WKT geometry or BBOX, and the boolean
// literals. It yields a parcels.Expr. Geometries are returned in the
// coordinates written; the caller converts them from filter-crs.
//
// It is a hand-written recursive-descent parser over a small tokenizer: the
// grammar is small, and every error can name the position and what was
// expected, which a generated parser makes harder.

// maxFilterLen bounds the filter text; maxDepth bounds nesting, so a hostile
// filter cannot exhaust the stack.
const (
	maxFilterLen = 64 << 10
	maxDepth     = 64
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tOp     // = <> < <= > >=
	tLParen // (
	tRParen // )
	tComma  // ,
)

type token struct {
	kind tokKind
	text string // identifier (as written), string value (unescaped), number text, operator
	num  float64
	pos  int // byte offset in the input, for messages
	// quoted marks a "double-quoted" identifier, which is never a keyword.
	quoted bool
}

// cqlError is a syntax error with its byte position.
type cqlError struct {
	pos      int
	msg, zh  string
	property string
}

func (e *cqlError) Error() string { return fmt.Sprintf("at character %d: %s", e.pos+1, e.msg) }

func lexCQL(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case r == '(':
			toks = append(toks, token{kind: tLParen, text: "(", pos: i})
			i++
		case r == ')':
			toks = append(toks, token{kind: tRParen, text: ")", pos: i})
			i++
		case r == ',':
			toks = append(toks, token{kind: tComma, text: ",", pos: i})
			i++
		case r == '=':
			toks = append(toks, token{kind: tOp, text: "=", pos: i})
			i++
		case r == '<' || r == '>':
			op := string(r)
			if i+1 < len(s) && (s[i+1] == '=' || (r == '<' && s[i+1] == '>')) {
				op += string(s[i+1])
			}
			toks = append(toks, token{kind: tOp, text: op, pos: i})
			i += len(op)
		case r == '\'':
			// A character string literal; '' is an escaped quote.
			start := i
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, &cqlError{pos: start, msg: "unterminated string literal: add the closing '", zh: "字符串缺少结尾的单引号 '"}
			}
			toks = append(toks, token{kind: tString, text: b.String(), pos: start})
		case r == '"':
			start := i
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, &cqlError{pos: start, msg: `unterminated quoted property name: add the closing "`, zh: `属性名缺少结尾的双引号 "`}
			}
			toks = append(toks, token{kind: tIdent, text: s[i+1 : i+1+j], pos: start, quoted: true})
			i += j + 2
		case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
			start := i
			j := i
			if s[j] == '-' || s[j] == '+' {
				j++
			}
			digits := 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
				digits++
			}
			if j < len(s) && s[j] == '.' {
				j++
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
					digits++
				}
			}
			if digits == 0 {
				return nil, &cqlError{pos: start, msg: fmt.Sprintf("unexpected %q", s[start:j]), zh: fmt.Sprintf("无法识别的字符 %q", s[start:j])}
			}
			if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
				k := j + 1
				if k < len(s) && (s[k] == '-' || s[k] == '+') {
					k++
				}
				if k < len(s) && s[k] >= '0' && s[k] <= '9' {
					for k < len(s) && s[k] >= '0' && s[k] <= '9' {
						k++
					}
					j = k
				}
			}
			v, err := strconv.ParseFloat(s[start:j], 64)
			if err != nil || math.IsInf(v, 0) {
				return nil, &cqlError{pos: start, msg: fmt.Sprintf("number %q is out of range", s[start:j]), zh: fmt.Sprintf("数值 %q 超出范围", s[start:j])}
			}
			toks = append(toks, token{kind: tNumber, text: s[start:j], num: v, pos: start})
			i = j
		case r == '_' || unicode.IsLetter(r):
			start := i
			for i < len(s) {
				r, w := utf8.DecodeRuneInString(s[i:])
				if r != '_' && r != '.' && r != ':' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				i += w
			}
			toks = append(toks, token{kind: tIdent, text: s[start:i], pos: start})
		default:
			return nil, &cqlError{pos: i, msg: fmt.Sprintf("unexpected character %q", r), zh: fmt.Sprintf("无法识别的字符 %q", r)}
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(s)})
	return toks, nil
}

type cqlParser struct {
	toks  []token
	i     int
	depth int
	// geomProps are the names that denote the feature geometry in S_INTERSECTS.
	geomProps map[string]bool
}

// ParseCQL2Text parses a CQL2 text filter into an expression. Property names
// are not checked here (see parcels.CheckExpr); geometries are as written.
func ParseCQL2Text(s string) (parcels.Expr, error) {
	if len(s) > maxFilterLen {
		return nil, &cqlError{msg: fmt.Sprintf("filter is longer than %d bytes", maxFilterLen), zh: fmt.Sprintf("过滤表达式超过 %d 字节", maxFilterLen)}
	}
	toks, err := lexCQL(s)
	if err != nil {
		return nil, err
	}
	p := &cqlParser{toks: toks, geomProps: map[string]bool{"geometry": true, "geom": true}}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t, "AND, OR or the end of the filter", "AND、OR 或表达式结束")
	}
	return e, nil
}

func (p *cqlParser) peek() token { return p.toks[p.i] }

func (p *cqlParser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// isKw reports whether t is the (case-insensitive) keyword kw.
func isKw(t token, kw string) bool {
	return t.kind == tIdent && !t.quoted && strings.EqualFold(t.text, kw)
}

func (p *cqlParser) acceptKw(kw string) bool {
	if isKw(p.peek(), kw) {
		p.i++
		return true
	}
	return false
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the filter"
	case tString:
		return fmt.Sprintf("'%s'", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *cqlParser) unexpected(t token, want, wantZH string) error {
	return &cqlError{pos: t.pos,
		msg: fmt.Sprintf("expected %s, found %s", want, describe(t)),
		zh:  fmt.Sprintf("此处应为 %s，实际为 %s", wantZH, describe(t))}
}

func (p *cqlParser) expect(k tokKind, want, wantZH string) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, p.unexpected(t, want, wantZH)
	}
	return t, nil
}

func (p *cqlParser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &cqlError{pos: p.peek().pos, msg: fmt.Sprintf("filter is nested deeper than %d levels", maxDepth), zh: fmt.Sprintf("过滤表达式嵌套超过 %d 层", maxDepth)}
	}
	return nil
}

func (p *cqlParser) orExpr() (parcels.Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	first, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	parts := []parcels.Expr{first}
	for p.acceptKw("OR") {
		x, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		parts = append(parts, x)
	}
	if len(parts) == 1 {
		return first, nil
	}
	return parcels.Or(parts), nil
}

func (p *cqlParser) andExpr() (parcels.Expr, error) {
	first, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	parts := []parcels.Expr{first}
	for p.acceptKw("AND") {
		x, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		parts = append(parts, x)
	}
	if len(parts) == 1 {
		return first, nil
	}
	return parcels.And(parts), nil
}

func (p *cqlParser) notExpr() (parcels.Expr, error) {
	if p.acceptKw("NOT") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return parcels.Not{X: x}, nil
	}
	return p.primary()
}

var comparisonKeywords = []string{"AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL"}

func (p *cqlParser) primary() (parcels.Expr, error) {
	t := p.peek()
	switch {
	case t.kind == tLParen:
		p.next()
		x, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen, "')'", "')'"); err != nil {
			return nil, err
		}
		return x, nil
	case isKw(t, "TRUE"):
		p.next()
		return parcels.And{}, nil
	case isKw(t, "FALSE"):
		p.next()
		return parcels.Or{}, nil
	case isKw(t, "S_INTERSECTS") || isKw(t, "INTERSECTS"):
		p.next()
		return p.spatial(t)
	case t.kind == tIdent && p.toks[p.i+1].kind == tLParen && !t.quoted && !isKw(t, "DATE") && !isKw(t, "TIMESTAMP"):
		return nil, &cqlError{pos: t.pos,
			msg: fmt.Sprintf("function %s is not supported; supported: comparisons, LIKE, IN, BETWEEN, IS NULL, S_INTERSECTS", t.text),
			zh:  fmt.Sprintf("不支持函数 %s；支持：比较、LIKE、IN、BETWEEN、IS NULL、S_INTERSECTS", t.text)}
	case t.kind == tIdent && !isReservedLiteral(t):
		for _, kw := range comparisonKeywords {
			if isKw(t, kw) {
				return nil, p.unexpected(t, "a property name, '(' or NOT", "属性名、'(' 或 NOT")
			}
		}
		p.next()
		return p.predicate(t.text)
	case t.kind == tString || t.kind == tNumber || isReservedLiteral(t):
		// literal op property: flip it round.
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		op, err := p.expect(tOp, "a comparison operator (=, <>, <, <=, >, >=)", "比较运算符（=、<>、<、<=、>、>=）")
		if err != nil {
			return nil, err
		}
		pt, err := p.expect(tIdent, "a property name", "属性名")
		if err != nil {
			return nil, err
		}
		return parcels.Compare{Prop: pt.text, Op: flipOp(op.text), Value: lit}, nil
	}
	return nil, p.unexpected(t, "a property name, '(' or NOT", "属性名、'(' 或 NOT")
}

func isReservedLiteral(t token) bool {
	return isKw(t, "DATE") || isKw(t, "TIMESTAMP")
}

func flipOp(op string) string {
	switch op {
	case "<":
		return ">"
	case "<=":
		return ">="
	case ">":
		return "<"
	case ">=":
		return "<="
	}
	return op
}

// predicate parses what follows a property name.
func (p *cqlParser) predicate(prop string) (parcels.Expr, error) {
	t := p.peek()
	if t.kind == tOp {
		p.next()
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		return parcels.Compare{Prop: prop, Op: t.text, Value: v}, nil
	}
	negate := p.acceptKw("NOT")
	var x parcels.Expr
	switch {
	case p.acceptKw("LIKE"):
		s, err := p.expect(tString, "a quoted pattern such as '%园区%'", "带引号的模式，如 '%园区%'")
		if err != nil {
			return nil, err
		}
		x = parcels.Like{Prop: prop, Pattern: s.text}
	case p.acceptKw("IN"):
		if _, err := p.expect(tLParen, "'(' and a list of values", "'(' 及取值列表"); err != nil {
			return nil, err
		}
		var vals []any
		for {
			v, err := p.literal()
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
			if p.peek().kind == tComma {
				p.next()
				continue
			}
			if _, err := p.expect(tRParen, "',' or ')'", "',' 或 ')'"); err != nil {
				return nil, err
			}
			break
		}
		x = parcels.In{Prop: prop, Values: vals}
	case p.acceptKw("BETWEEN"):
		lo, err := p.literal()
		if err != nil {
			return nil, err
		}
		if !p.acceptKw("AND") {
			return nil, p.unexpected(p.peek(), "AND", "AND")
		}
		hi, err := p.literal()
		if err != nil {
			return nil, err
		}
		x = parcels.Between{Prop: prop, Lo: lo, Hi: hi}
	case !negate && p.acceptKw("IS"):
		neg := p.acceptKw("NOT")
		if !p.acceptKw("NULL") {
			return nil, p.unexpected(p.peek(), "NULL", "NULL")
		}
		x = parcels.IsNull{Prop: prop}
		if neg {
			x = parcels.Not{X: x}
		}
	default:
		return nil, p.unexpected(p.peek(), "a comparison operator, LIKE, IN, BETWEEN or IS NULL", "比较运算符、LIKE、IN、BETWEEN 或 IS NULL")
	}
	if negate {
		return parcels.Not{X: x}, nil
	}
	return x, nil
}

// literal parses a string, number, boolean, DATE('…') or TIMESTAMP('…').
// Dates stay strings ("YYYY-MM-DD"), which is how the stores compare them.
func (p *cqlParser) literal() (any, error) {
	t := p.next()
	switch {
	case t.kind == tString:
		return t.text, nil
	case t.kind == tNumber:
		return t.num, nil
	case isKw(t, "TRUE"):
		return true, nil
	case isKw(t, "FALSE"):
		return false, nil
	case isKw(t, "DATE") || isKw(t, "TIMESTAMP"):
		if _, err := p.expect(tLParen, "'('", "'('"); err != nil {
			return nil, err
		}
		s, err := p.expect(tString, "a quoted date such as '2020-01-31'", "带引号的日期，如 '2020-01-31'")
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen, "')'", "')'"); err != nil {
			return nil, err
		}
		v := s.text
		if isKw(t, "TIMESTAMP") && len(v) >= 10 {
			v = v[:10] // our dates have no time of day
		}
		if _, err := parcels.ParseDate(v); err != nil || v == "" {
			return nil, &cqlError{pos: s.pos, msg: fmt.Sprintf("%q is not a date YYYY-MM-DD", s.text), zh: fmt.Sprintf("%q 不是 YYYY-MM-DD 格式的日期", s.text)}
		}
		return v, nil
	}
	return nil, p.unexpected(t, "a value (a 'quoted string', a number, TRUE, FALSE or DATE('…'))", "取值（'带引号的文本'、数字、TRUE、FALSE 或 DATE('…')）")
}

// spatial parses S_INTERSECTS(geometry, <geometry literal>) (either order).
func (p *cqlParser) spatial(fn token) (parcels.Expr, error) {
	if _, err := p.expect(tLParen, "'('", "'('"); err != nil {
		return nil, err
	}
	var g orb.Geometry
	sawProp := false
	for arg := 0; arg < 2; arg++ {
		if arg == 1 {
			if _, err := p.expect(tComma, "','", "','"); err != nil {
				return nil, err
			}
		}
		t := p.peek()
		if t.kind == tIdent && (t.quoted || p.geomProps[strings.ToLower(t.text)] || !wktTypes[strings.ToUpper(t.text)]) && !sawProp {
			if !p.geomProps[strings.ToLower(t.text)] {
				return nil, &cqlError{pos: t.pos, msg: fmt.Sprintf("%s works on the property \"geometry\", not %q", strings.ToUpper(fn.text), t.text),
					zh: fmt.Sprintf("%s 只能用于属性 \"geometry\"，不能用于 %q", strings.ToUpper(fn.text), t.text)}
			}
			p.next()
			sawProp = true
			continue
		}
		if g != nil {
			return nil, p.unexpected(t, "the property geometry", "属性 geometry")
		}
		var err error
		if g, err = p.geometryLiteral(); err != nil {
			return nil, err
		}
	}
	if _, err := p.expect(tRParen, "')'", "')'"); err != nil {
		return nil, err
	}
	if !sawProp || g == nil {
		return nil, &cqlError{pos: fn.pos, msg: "S_INTERSECTS needs the property geometry and a geometry literal, e.g. S_INTERSECTS(geometry, POINT(121.1 28.85))",
			zh: "S_INTERSECTS 需要属性 geometry 和一个几何，例如 S_INTERSECTS(geometry, POINT(121.1 28.85))"}
	}
	return parcels.Intersects{Geometry: g}, nil
}

var wktTypes = map[string]bool{"POINT": true, "LINESTRING": true, "POLYGON": true, "MULTIPOINT": true,
	"MULTILINESTRING": true, "MULTIPOLYGON": true, "GEOMETRYCOLLECTION": true, "BBOX": true}

// geometryLiteral parses WKT (2D, a Z or M ordinate is dropped) or BBOX(…).
func (p *cqlParser) geometryLiteral() (orb.Geometry, error) {
	t := p.next()
	if t.kind != tIdent || t.quoted {
		return nil, p.unexpected(t, "a geometry (POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION or BBOX)", "几何（POINT、LINESTRING、POLYGON、MULTI…、GEOMETRYCOLLECTION 或 BBOX）")
	}
	kind := strings.ToUpper(t.text)
	if kind == "BBOX" {
		if _, err := p.expect(tLParen, "'('", "'('"); err != nil {
			return nil, err
		}
		var v []float64
		for {
			n, err := p.expect(tNumber, "a number", "数字")
			if err != nil {
				return nil, err
			}
			v = append(v, n.num)
			if p.peek().kind == tComma {
				p.next()
				continue
			}
			if _, err := p.expect(tRParen, "',' or ')'", "',' 或 ')'"); err != nil {
				return nil, err
			}
			break
		}
		if len(v) == 6 {
			v = []float64{v[0], v[1], v[3], v[4]}
		}
		if len(v) != 4 || v[0] > v[2] || v[1] > v[3] {
			return nil, &cqlError{pos: t.pos, msg: "BBOX takes minx, miny, maxx, maxy with min ≤ max", zh: "BBOX 需要 minx, miny, maxx, maxy，且最小值 ≤ 最大值"}
		}
		return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}.ToPolygon(), nil
	}
	// Optional Z, M or ZM after the type name.
	if n := p.peek(); n.kind == tIdent && !n.quoted {
		switch strings.ToUpper(n.text) {
		case "Z", "M", "ZM":
			p.next()
		}
	}
	if isKw(p.peek(), "EMPTY") {
		return nil, &cqlError{pos: p.peek().pos, msg: "empty geometries are not supported in filters", zh: "过滤条件不支持空几何"}
	}
	switch kind {
	case "POINT":
		return p.wktPointParen()
	case "LINESTRING":
		pts, err := p.wktPoints()
		return orb.LineString(pts), err
	case "POLYGON":
		return p.wktPolygon()
	case "MULTIPOINT":
		return p.wktMultiPoint()
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		err := p.wktList(func() error {
			pts, err := p.wktPoints()
			ml = append(ml, orb.LineString(pts))
			return err
		})
		return ml, err
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err := p.wktList(func() error {
			pg, err := p.wktPolygon()
			mp = append(mp, pg)
			return err
		})
		return mp, err
	case "GEOMETRYCOLLECTION":
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		var c orb.Collection
		err := p.wktList(func() error {
			g, err := p.geometryLiteral()
			c = append(c, g)
			return err
		})
		return c, err
	}
	return nil, &cqlError{pos: t.pos, msg: fmt.Sprintf("unknown geometry type %s", t.text), zh: fmt.Sprintf("未知的几何类型 %s", t.text)}
}

// wktList parses "(" item {"," item} ")".
func (p *cqlParser) wktList(item func() error) error {
	if _, err := p.expect(tLParen, "'('", "'('"); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.peek().kind == tComma {
			p.next()
			continue
		}
		_, err := p.expect(tRParen, "',' or ')'", "',' 或 ')'")
		return err
	}
}

func (p *cqlParser) wktCoord() (orb.Point, error) {
	x, err := p.expect(tNumber, "a coordinate", "坐标值")
	if err != nil {
		return orb.Point{}, err
	}
	y, err := p.expect(tNumber, "a second coordinate", "第二个坐标值")
	if err != nil {
		return orb.Point{}, err
	}
	for i := 0; i < 2 && p.peek().kind == tNumber; i++ { // Z, M
		p.next()
	}
	return orb.Point{x.num, y.num}, nil
}

func (p *cqlParser) wktPointParen() (orb.Point, error) {
	if _, err := p.expect(tLParen, "'('", "'('"); err != nil {
		return orb.Point{}, err
	}
	pt, err := p.wktCoord()
	if err != nil {
		return pt, err
	}
	_, err = p.expect(tRParen, "')'", "')'")
	return pt, err
}

func (p *cqlParser) wktPoints() ([]orb.Point, error) {
	var pts []orb.Point
	err := p.wktList(func() error {
		pt, err := p.wktCoord()
		pts = append(pts, pt)
		return err
	})
	return pts, err
}

func (p *cqlParser) wktPolygon() (orb.Polygon, error) {
	var pg orb.Polygon
	err := p.wktList(func() error {
		pts, err := p.wktPoints()
		if err == nil && len(pts) < 4 {
			return &cqlError{pos: p.peek().pos, msg: "a polygon ring needs at least 4 positions (first = last)", zh: "多边形的环至少需要 4 个点（首尾相同）"}
		}
		pg = append(pg, orb.Ring(pts))
		return err
	})
	return pg, err
}

// wktMultiPoint accepts both MULTIPOINT((1 2),(3 4)) and MULTIPOINT(1 2, 3 4).
func (p *cqlParser) wktMultiPoint() (orb.MultiPoint, error) {
	var mp orb.MultiPoint
	err := p.wktList(func() error {
		var pt orb.Point
		var err error
		if p.peek().kind == tLParen {
			pt, err = p.wktPointParen()
		} else {
			pt, err = p.wktCoord()
		}
		mp = append(mp, pt)
		return err
	})
	return mp, err
}
