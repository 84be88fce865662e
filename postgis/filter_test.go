package postgis_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
	"landplan/parcels/storetest"
)

// exprsFor makes filters over every queryable of kind: each comparison
// operator against values taken from the rows (so some match and some do
// not), BETWEEN, IN, IS NULL, and for strings LIKE and NOT.
func exprsFor(kind parcels.Kind, props []map[string]any) []parcels.Expr {
	var out []parcels.Expr
	names := make([]string, 0)
	for n := range parcels.Queryables(kind) {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		typ := parcels.Queryables(kind)[n]
		var vals []any
		seen := map[any]bool{}
		for _, p := range props {
			if v := p[n]; !seen[v] {
				seen[v] = true
				vals = append(vals, v)
			}
		}
		sort.Slice(vals, func(i, j int) bool { return fmt.Sprint(vals[i]) < fmt.Sprint(vals[j]) })
		mid := vals[len(vals)/2]
		for _, op := range []string{"=", "<>", "<", "<=", ">", ">="} {
			out = append(out, parcels.Compare{Prop: n, Op: op, Value: mid})
		}
		out = append(out,
			parcels.Between{Prop: n, Lo: vals[0], Hi: mid},
			parcels.In{Prop: n, Values: []any{vals[0], vals[len(vals)-1]}},
			parcels.IsNull{Prop: n},
			parcels.Not{X: parcels.IsNull{Prop: n}},
		)
		if typ == parcels.TypeString || typ == parcels.TypeDate {
			out = append(out,
				parcels.Like{Prop: n, Pattern: "%0%"},
				parcels.Like{Prop: n, Pattern: "2_%"},
				parcels.Not{X: parcels.Like{Prop: n, Pattern: "%"}},
				parcels.Compare{Prop: n, Op: "<", Value: "Z"}, // code-point order: digits and capitals before 杜
			)
		}
	}
	return out
}

func idsWhere[T any](rows []T, props func(T) map[string]any, geom func(T) orb.MultiPolygon, id func(T) int64, e parcels.Expr) []int64 {
	ids := []int64{}
	for _, r := range rows {
		if parcels.Match(e, props(r), geom(r)) {
			ids = append(ids, id(r))
		}
	}
	return ids
}

// TestFilterAgreesWithMatch runs every filter form over every queryable of
// parcels and buildings through SQL and compares the rows with
// parcels.Match (the GeoPackage store's evaluator) on the same rows: the
// two stores must answer a filter alike.
func TestFilterAgreesWithMatch(t *testing.T) {
	db := MustOpen(t)
	ctx := t.Context()
	var ps []*parcels.Parcel
	for i := 0; i < 8; i++ {
		p := storetest.NewParcel(fmt.Sprintf("331082001001JA%05d", i*7), storetest.Rect(float64(i)*120, 0, float64(i)*120+100, 60+float64(i)*5))
		switch i % 4 {
		case 1:
			p.Code, p.Owner, p.LeaseStart, p.LeaseEnd = "", "", parcels.Date{}, parcels.Date{}
			p.Status = parcels.StatusIdle
		case 2:
			p.Name, p.Town, p.LandUse = "ZZ 厂", "大洋街道", "0602"
			p.LeaseEnd = parcels.NewDate(2031, time.July, 1)
		case 3:
			p.LandSource, p.RegisteredAreaM2 = parcels.SourceCollective, 0
		}
		ps = append(ps, p)
	}
	if _, err := db.CreateParcels(ctx, ps, "t"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		b := storetest.NewBuilding(fmt.Sprintf("B%d 车间", i), i%3, storetest.Rect(float64(i)*150+10, 10, float64(i)*150+40, 40))
		if i == 4 {
			b.Geometry = storetest.Rect(5000, 0, 5020, 20) // on no parcel
			b.Use = parcels.UseOffice
		}
		if _, err := db.CreateBuilding(ctx, b, "t"); err != nil {
			t.Fatal(err)
		}
	}
	allP := storetest.MustListParcels(t, db, parcels.Query{Limit: 1000}).Items
	allB := storetest.MustListBuildings(t, db, parcels.Query{Limit: 1000}).Items
	var pp, bp []map[string]any
	for _, p := range allP {
		pp = append(pp, parcels.Props(p))
	}
	for _, b := range allB {
		bp = append(bp, parcels.Props(b))
	}
	n := 0
	for _, e := range exprsFor(parcels.KindParcel, pp) {
		want := idsWhere(allP, func(p *parcels.Parcel) map[string]any { return parcels.Props(p) },
			func(p *parcels.Parcel) orb.MultiPolygon { return p.Geometry }, func(p *parcels.Parcel) int64 { return p.ID }, e)
		pg, err := db.ListParcels(ctx, parcels.Query{Where: e, Limit: 1000})
		if err != nil {
			t.Errorf("parcels where %#v: %v", e, err)
			continue
		}
		got := []int64{}
		for _, p := range pg.Items {
			got = append(got, p.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || pg.NumberMatched != int64(len(want)) {
			t.Errorf("parcels where %#v: SQL gives %v (matched %d), parcels.Match %v", e, got, pg.NumberMatched, want)
		}
		n++
	}
	for _, e := range exprsFor(parcels.KindBuilding, bp) {
		want := idsWhere(allB, func(b *parcels.Building) map[string]any { return parcels.Props(b) },
			func(b *parcels.Building) orb.MultiPolygon { return b.Geometry }, func(b *parcels.Building) int64 { return b.ID }, e)
		pg, err := db.ListBuildings(ctx, parcels.Query{Where: e, Limit: 1000})
		if err != nil {
			t.Errorf("buildings where %#v: %v", e, err)
			continue
		}
		got := []int64{}
		for _, b := range pg.Items {
			got = append(got, b.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("buildings where %#v: SQL gives %v, parcels.Match %v", e, got, want)
		}
		n++
	}
	// A spatial filter inside the expression, combined with a property.
	e := parcels.And{parcels.Intersects{Geometry: storetest.RectBound(150, 0, 400, 10)}, parcels.Compare{Prop: "building_count", Op: "=", Value: 1.0}}
	want := idsWhere(allP, func(p *parcels.Parcel) map[string]any { return parcels.Props(p) },
		func(p *parcels.Parcel) orb.MultiPolygon { return p.Geometry }, func(p *parcels.Parcel) int64 { return p.ID }, e)
	pg := storetest.MustListParcels(t, db, parcels.Query{Where: e})
	if len(pg.Items) != len(want) || len(want) == 0 {
		t.Errorf("spatial where: %d rows, Match %v", len(pg.Items), want)
	}
	t.Logf("%d filters agree", n)
}
