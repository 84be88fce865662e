package api

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

func TestParseCQL2Text(t *testing.T) {
	t.Parallel()
	sq := orb.Polygon{{{121, 28}, {122, 28}, {122, 29}, {121, 29}, {121, 28}}}
	tests := []struct {
		in   string
		want parcels.Expr
	}{
		{"code = '3310820010010000001'", parcels.Compare{Prop: "code", Op: "=", Value: "3310820010010000001"}},
		{"area_mu>=3", parcels.Compare{Prop: "area_mu", Op: ">=", Value: 3.0}},
		{"plot_ratio < 1.2e0", parcels.Compare{Prop: "plot_ratio", Op: "<", Value: 1.2}},
		{"floors <> -2", parcels.Compare{Prop: "floors", Op: "<>", Value: -2.0}},
		{"10 < area_mu", parcels.Compare{Prop: "area_mu", Op: ">", Value: 10.0}},
		{`"land_use" = '0601'`, parcels.Compare{Prop: "land_use", Op: "=", Value: "0601"}},
		{"name = 'O''Brien 厂'", parcels.Compare{Prop: "name", Op: "=", Value: "O'Brien 厂"}},
		{"status = 'idle' AND town = '杜桥镇'", parcels.And{
			parcels.Compare{Prop: "status", Op: "=", Value: "idle"},
			parcels.Compare{Prop: "town", Op: "=", Value: "杜桥镇"}}},
		// AND binds tighter than OR.
		{"a = 1 or b = 2 and c = 3", parcels.Or{
			parcels.Compare{Prop: "a", Op: "=", Value: 1.0},
			parcels.And{parcels.Compare{Prop: "b", Op: "=", Value: 2.0}, parcels.Compare{Prop: "c", Op: "=", Value: 3.0}}}},
		{"(a = 1 OR b = 2) AND NOT c = 3", parcels.And{
			parcels.Or{parcels.Compare{Prop: "a", Op: "=", Value: 1.0}, parcels.Compare{Prop: "b", Op: "=", Value: 2.0}},
			parcels.Not{X: parcels.Compare{Prop: "c", Op: "=", Value: 3.0}}}},
		{"NOT NOT a = 1", parcels.Not{X: parcels.Not{X: parcels.Compare{Prop: "a", Op: "=", Value: 1.0}}}},
		{"name LIKE '%园区%'", parcels.Like{Prop: "name", Pattern: "%园区%"}},
		{"name NOT LIKE 'A_'", parcels.Not{X: parcels.Like{Prop: "name", Pattern: "A_"}}},
		{"status IN ('idle', 'inefficient')", parcels.In{Prop: "status", Values: []any{"idle", "inefficient"}}},
		{"id not in (1,2)", parcels.Not{X: parcels.In{Prop: "id", Values: []any{1.0, 2.0}}}},
		{"area_mu BETWEEN 3 AND 10", parcels.Between{Prop: "area_mu", Lo: 3.0, Hi: 10.0}},
		{"area_mu NOT BETWEEN 3 AND 10 AND x = 1", parcels.And{
			parcels.Not{X: parcels.Between{Prop: "area_mu", Lo: 3.0, Hi: 10.0}},
			parcels.Compare{Prop: "x", Op: "=", Value: 1.0}}},
		{"lease_end IS NULL", parcels.IsNull{Prop: "lease_end"}},
		{"owner is not null", parcels.Not{X: parcels.IsNull{Prop: "owner"}}},
		{"lease_end < DATE('2030-01-01')", parcels.Compare{Prop: "lease_end", Op: "<", Value: "2030-01-01"}},
		{"lease_end >= TIMESTAMP('2030-01-01T00:00:00Z')", parcels.Compare{Prop: "lease_end", Op: ">=", Value: "2030-01-01"}},
		{"lease_start BETWEEN DATE('2000-01-01') AND DATE('2010-12-31')", parcels.Between{Prop: "lease_start", Lo: "2000-01-01", Hi: "2010-12-31"}},
		{"TRUE", parcels.And{}},
		{"false", parcels.Or{}},
		{"S_INTERSECTS(geometry, POINT(121.1 28.85))", parcels.Intersects{Geometry: orb.Point{121.1, 28.85}}},
		{"s_intersects(POINT Z (121.1 28.85 3), geometry)", parcels.Intersects{Geometry: orb.Point{121.1, 28.85}}},
		{"S_INTERSECTS(geometry, POLYGON((121 28, 122 28, 122 29, 121 29, 121 28)))", parcels.Intersects{Geometry: sq}},
		{"S_INTERSECTS(geometry, BBOX(121, 28, 122, 29))", parcels.Intersects{Geometry: orb.Bound{Min: orb.Point{121, 28}, Max: orb.Point{122, 29}}.ToPolygon()}},
		{"S_INTERSECTS(geom, LINESTRING(121 28, 122 29))", parcels.Intersects{Geometry: orb.LineString{{121, 28}, {122, 29}}}},
		{"S_INTERSECTS(geometry, MULTIPOINT((121 28), (122 29)))", parcels.Intersects{Geometry: orb.MultiPoint{{121, 28}, {122, 29}}}},
		{"S_INTERSECTS(geometry, MULTIPOINT(121 28, 122 29))", parcels.Intersects{Geometry: orb.MultiPoint{{121, 28}, {122, 29}}}},
		{"S_INTERSECTS(geometry, MULTILINESTRING((121 28, 122 29),(1 2, 3 4)))", parcels.Intersects{Geometry: orb.MultiLineString{{{121, 28}, {122, 29}}, {{1, 2}, {3, 4}}}}},
		{"S_INTERSECTS(geometry, MULTIPOLYGON(((121 28, 122 28, 122 29, 121 29, 121 28))))", parcels.Intersects{Geometry: orb.MultiPolygon{sq}}},
		{"S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4)))", parcels.Intersects{Geometry: orb.Collection{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCQL2Text(tc.in)
			if err != nil {
				t.Fatalf("ParseCQL2Text(%q): %v", tc.in, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseCQL2Text(%q)\n got %#v\nwant %#v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseCQL2TextErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		pos     int    // 1-based character of the error
		mention string // part of the English message
	}{
		{"", 1, "expected a property name"},
		{"code =", 7, "expected a value"},
		{"code = 'abc", 8, "unterminated string"},
		{"code == 'a'", 7, "expected a value"},
		{"code 'a'", 6, "comparison operator"},
		{"a = 1 AND", 10, "expected a property name"},
		{"(a = 1", 7, "')'"},
		{"a = 1)", 6, "AND, OR or the end"},
		{"a IN (1, 2", 11, "',' or ')'"},
		{"a BETWEEN 1 OR 2", 13, "expected AND"},
		{"a IS 1", 6, "NULL"},
		{"a LIKE 5", 8, "quoted pattern"},
		{"d = DATE('2020-13-01')", 10, "not a date"},
		{"CASEI(name) = 'x'", 1, "function CASEI is not supported"},
		{"S_INTERSECTS(geometry)", 22, "','"},
		{"S_INTERSECTS(name, POINT(1 2))", 14, "works on the property \"geometry\""},
		{"S_INTERSECTS(POINT(1 2), POINT(1 2))", 26, "the property geometry"},
		{"S_INTERSECTS(geometry, POLYGON((1 2, 3 4, 1 2)))", 47, "at least 4 positions"},
		{"S_INTERSECTS(geometry, CIRCLE(1 2))", 24, "unknown geometry type"},
		{"S_INTERSECTS(geometry, POINT EMPTY)", 30, "empty geometries"},
		{"S_INTERSECTS(geometry, BBOX(3, 2, 1, 4))", 24, "min ≤ max"},
		{"a = 1 # 2", 7, "unexpected character"},
		{"a = 1e999", 5, "out of range"},
		{"a = -", 5, "unexpected"},
		{"AND = 1", 1, "expected a property name"},
		{`"name = 1`, 1, "unterminated quoted property"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCQL2Text(tc.in)
			var ce *cqlError
			if !errors.As(err, &ce) {
				t.Fatalf("ParseCQL2Text(%q) = %v, want a *cqlError", tc.in, err)
			}
			if ce.pos+1 != tc.pos || !strings.Contains(ce.msg, tc.mention) {
				t.Errorf("ParseCQL2Text(%q): error at %d %q; want at %d mentioning %q", tc.in, ce.pos+1, ce.msg, tc.pos, tc.mention)
			}
			if ce.zh == "" {
				t.Errorf("ParseCQL2Text(%q): no Chinese message", tc.in)
			}
		})
	}
}

func TestParseCQL2TextDepthLimit(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("(", 200) + "a = 1" + strings.Repeat(")", 200)
	if _, err := ParseCQL2Text(deep); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("200 nested parentheses: err = %v, want the depth limit", err)
	}
	nots := strings.Repeat("NOT ", 200) + "a = 1"
	if _, err := ParseCQL2Text(nots); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("200 NOTs: err = %v, want the depth limit", err)
	}
	ok := strings.Repeat("(", 30) + "a = 1" + strings.Repeat(")", 30)
	if _, err := ParseCQL2Text(ok); err != nil {
		t.Errorf("30 nested parentheses: %v", err)
	}
}

// FuzzParseCQL2Text: no input panics, errors point inside the input, and
// every parsed expression is one CheckExpr can judge without panicking.
func FuzzParseCQL2Text(f *testing.F) {
	for _, s := range []string{
		"code = '1'", "a = 1 AND (b < 2 OR NOT c LIKE 'x%')", "status IN ('idle','in_use')",
		"area_mu BETWEEN 3 AND 10", "lease_end IS NOT NULL", "lease_end < DATE('2030-01-01')",
		"S_INTERSECTS(geometry, POLYGON((121 28, 122 28, 122 29, 121 29, 121 28)))",
		"S_INTERSECTS(geometry, BBOX(121,28,122,29))", "S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2)))",
		"\"name\" <> 'x'", "10 >= area_mu", "'a''b' = name", "((((a=1))))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseCQL2Text(s)
		if err != nil {
			var ce *cqlError
			if errors.As(err, &ce) && (ce.pos < 0 || ce.pos > len(s)) {
				t.Fatalf("error position %d outside input of length %d", ce.pos, len(s))
			}
			return
		}
		if e == nil {
			t.Fatalf("ParseCQL2Text(%q) = nil, nil", s)
		}
		_ = parcels.CheckExpr(parcels.KindParcel, e)
	})
}
