package postgis

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"landplan/parcels"
)

// TestWhereSQL pins the SQL of each filter form: identifiers come from the
// whitelist, every value is a $n argument, strings compare in the C
// collation, dates as YYYY-MM-DD text, numbers as float8.
func TestWhereSQL(t *testing.T) {
	cases := []struct {
		kind parcels.Kind
		e    parcels.Expr
		sql  string
		args []any
	}{
		{parcels.KindParcel, parcels.Compare{Prop: "land_use", Op: "=", Value: "0601"},
			`("land_use" = ($1::text COLLATE "C"))`, []any{"0601"}},
		{parcels.KindParcel, parcels.Compare{Prop: "plot_ratio", Op: ">=", Value: 1.2},
			`("plot_ratio"::float8 >= $1::float8)`, []any{1.2}},
		{parcels.KindParcel, parcels.Compare{Prop: "lease_end", Op: "<", Value: "2030-01-01"},
			`(coalesce(to_char("lease_end", 'YYYY-MM-DD'), '') < ($1::text COLLATE "C"))`, []any{"2030-01-01"}},
		{parcels.KindParcel, parcels.And{
			parcels.Like{Prop: "name", Pattern: `%杜桥\_%`},
			parcels.Not{X: parcels.In{Prop: "status", Values: []any{"idle", "in_use"}}},
		}, `(("name" LIKE $1::text) AND (NOT ("status" = ANY($2::text[]))))`, []any{`%杜桥\_%`, []string{"idle", "in_use"}}},
		{parcels.KindParcel, parcels.Or{
			parcels.Between{Prop: "area_mu", Lo: 3.0, Hi: 15.0},
			parcels.IsNull{Prop: "code"},
			parcels.IsNull{Prop: "lease_start"},
			parcels.IsNull{Prop: "area_m2"},
		}, `(("area_mu"::float8 BETWEEN $1::float8 AND $2::float8) OR ("code" = '') OR ("lease_start" IS NULL) OR (FALSE))`, []any{3.0, 15.0}},
		{parcels.KindBuilding, parcels.And{parcels.IsNull{Prop: "parcel_id"}, parcels.In{Prop: "floors", Values: []any{1.0, 2.0}}},
			`(("parcel_id" IS NULL) AND ("floors"::float8 = ANY($1::float8[])))`, []any{[]float64{1, 2}}},
		{parcels.KindBuilding, parcels.Compare{Prop: "parcel_id", Op: "=", Value: 0.0},
			`(coalesce("parcel_id", 0)::float8 = $1::float8)`, []any{0.0}},
		{parcels.KindBuilding, parcels.Compare{Prop: "use", Op: "<>", Value: "office"},
			`("use" <> ($1::text COLLATE "C"))`, []any{"office"}},
		{parcels.KindZone, parcels.And{}, `TRUE`, nil},
		{parcels.KindZone, parcels.Or{}, `FALSE`, nil},
		{parcels.KindZone, parcels.In{Prop: "status", Values: nil}, `FALSE`, nil},
		{parcels.KindParcel, parcels.Like{Prop: "town", Pattern: `a\`}, `("town" LIKE $1::text)`, []any{"a"}},
	}
	for _, c := range cases {
		var a args
		got, err := whereSQL(c.kind, c.e, &a)
		if err != nil {
			t.Errorf("%#v: %v", c.e, err)
			continue
		}
		if got != c.sql {
			t.Errorf("%#v:\n got %s\nwant %s", c.e, got, c.sql)
		}
		if len(a) != len(c.args) || (len(a) > 0 && !reflect.DeepEqual([]any(a), c.args)) {
			t.Errorf("%#v: args %#v, want %#v", c.e, a, c.args)
		}
	}
}

// TestWhereSQLRefuses: names outside the whitelist (including attempts at
// injection) and values of the wrong type are EINVALID before any SQL.
func TestWhereSQLRefuses(t *testing.T) {
	for _, e := range []parcels.Expr{
		parcels.Compare{Prop: `name" = '' OR 1=1 --`, Op: "=", Value: "x"},
		parcels.Compare{Prop: "geom", Op: "=", Value: "x"},
		parcels.Compare{Prop: "deleted_at", Op: "=", Value: "x"},
		parcels.Compare{Prop: "name", Op: "; DROP TABLE parcels; --", Value: "x"},
		parcels.Compare{Prop: "area_m2", Op: "=", Value: "1; DROP TABLE parcels"},
		parcels.Like{Prop: "floors", Pattern: "1%"},
		parcels.And{parcels.IsNull{Prop: "owner"}, parcels.In{Prop: "nope", Values: []any{"x"}}},
	} {
		var a args
		s, err := whereSQL(parcels.KindParcel, e, &a)
		if parcels.ErrorCode(err) != parcels.EINVALID {
			t.Errorf("%#v: got %q, %v; want EINVALID", e, s, err)
		}
	}
}

// TestBuildList pins the paging SQL: keyset on id, one row more than the
// limit, Before pages read backwards, and the count sees the same
// conditions without the keyset.
func TestBuildList(t *testing.T) {
	b := orb.Bound{Min: orb.Point{121, 28}, Max: orb.Point{122, 29}}
	lq, err := buildList(parcels.KindParcel, "parcels", "id", parcels.Query{
		BBox: &b, Where: parcels.Compare{Prop: "town", Op: "=", Value: "杜桥镇"}, After: 10, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	env := `ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4490)`
	wantPage := `SELECT id FROM parcels WHERE deleted_at IS NULL AND (geom && ` + env + ` AND ST_Intersects(geom, ` + env + `)) AND ("town" = ($5::text COLLATE "C")) AND id > $6 ORDER BY id LIMIT 51`
	if lq.page != wantPage {
		t.Errorf("page SQL\n got %s\nwant %s", lq.page, wantPage)
	}
	if !strings.HasPrefix(lq.count, "SELECT count(*), count(*) FILTER (WHERE id < $6), count(*) FILTER (WHERE id > $7) FROM parcels WHERE deleted_at IS NULL AND (geom && ") ||
		strings.Contains(lq.count, "id > $6") {
		t.Errorf("count SQL: %s", lq.count)
	}
	if lq.nmatch != 5 || len(lq.args) != 6 || lq.args[5] != int64(10) {
		t.Errorf("args %#v (nmatch %d)", lq.args, lq.nmatch)
	}
	lq, err = buildList(parcels.KindZone, "zones", "id", parcels.Query{Before: 99, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if want := "SELECT id FROM zones WHERE deleted_at IS NULL AND id < $1 ORDER BY id DESC LIMIT 10001"; lq.page != want || !lq.back {
		t.Errorf("Before page: %s (back %t), want %s", lq.page, lq.back, want)
	}
}

func TestLikePattern(t *testing.T) {
	for in, want := range map[string]string{`a%b_c`: `a%b_c`, `100\%`: `100\%`, `x\_y`: `x\_y`, `\\`: `\\`, `end\`: `end`, `\a`: `\a`} {
		if got := likePattern(in); got != want {
			t.Errorf("likePattern(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTranslate checks the one place driver errors become domain errors.
func TestTranslate(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		err     *pgconn.PgError
		code    string
		feature string
	}{
		{&pgconn.PgError{Code: "23505", ConstraintName: "parcels_code_live", Message: "duplicate key value violates unique constraint"}, parcels.EINVALID, ""},
		{&pgconn.PgError{Code: "23514", ConstraintName: "parcels_geom_valid", Where: "COPY parcels, line 13"}, parcels.EINVALID, "#12"},
		{&pgconn.PgError{Code: "40P01"}, parcels.ECONFLICT, ""},
		{&pgconn.PgError{Code: "23505", ConstraintName: "history_kind_id_version_key"}, parcels.ECONFLICT, ""},
		{&pgconn.PgError{Code: "42601", Message: `syntax error at or near "SELECT"`}, parcels.EINTERNAL, ""},
	}
	for _, c := range cases {
		got := translate(ctx, c.err)
		if parcels.ErrorCode(got) != c.code {
			t.Errorf("%s %s: code %q, want %q", c.err.Code, c.err.ConstraintName, parcels.ErrorCode(got), c.code)
			continue
		}
		if e, ok := got.(*parcels.Error); ok {
			if e.Feature != c.feature {
				t.Errorf("%s: feature %q, want %q", c.err.Code, e.Feature, c.feature)
			}
			if strings.Contains(e.Message, "constraint") || strings.Contains(e.Message, "COPY") || e.MessageZH == "" {
				t.Errorf("%s: message %q / %q is not a user message", c.err.Code, e.Message, e.MessageZH)
			}
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := translate(cctx, &pgconn.PgError{Code: "57014"}); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("cancelled: %v", err)
	}
}

// TestNormAttrs: the attrs a write returns equal what a JSON round trip
// (the jsonb column) gives back, on the fast path and the slow one.
func TestNormAttrs(t *testing.T) {
	for _, m := range []map[string]any{
		{"a": "x", "b": 1.5, "c": true, "d": nil},
		{"n": 3, "nested": map[string]any{"k": []string{"x"}}, "f32": float32(0.1)},
		{"bad": "\xff"},
	} {
		b, got, err := normAttrs("", m)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("normAttrs(%#v) = %#v, JSON round trip gives %#v", m, got, want)
		}
	}
	if _, _, err := normAttrs("#3", map[string]any{"x": math.NaN()}); parcels.ErrorCode(err) != parcels.EINVALID {
		t.Errorf("NaN attr: %v, want EINVALID", err)
	}
}
