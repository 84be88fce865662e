package gpkg

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
	"landplan/parcels/storetest"
)

// randExpr builds a random filter over kind's queryables: comparisons, IN,
// BETWEEN, LIKE and IS NULL against values drawn from the rows (so some
// match) or made up (wrong types, LIKE and GLOB specials, other scripts),
// under random And/Or/Not; sometimes an S_INTERSECTS, which stays in Go.
func randExpr(r *rand.Rand, kind parcels.Kind, props []map[string]any, depth int) parcels.Expr {
	if depth > 0 && r.IntN(3) > 0 {
		switch r.IntN(3) {
		case 0:
			return parcels.Not{X: randExpr(r, kind, props, depth-1)}
		case 1:
			a := parcels.And{}
			for i := r.IntN(4); i > 0; i-- {
				a = append(a, randExpr(r, kind, props, depth-1))
			}
			return a
		default:
			o := parcels.Or{}
			for i := r.IntN(4); i > 0; i-- {
				o = append(o, randExpr(r, kind, props, depth-1))
			}
			return o
		}
	}
	var names []string
	for n := range parcels.Queryables(kind) {
		names = append(names, n)
	}
	sort.Strings(names)
	n := names[r.IntN(len(names))]
	val := func() any {
		switch r.IntN(8) {
		case 0:
			return "Z"
		case 1:
			return float64(r.IntN(5))
		case 2:
			return "地块*?[1]"
		}
		return props[r.IntN(len(props))][n]
	}
	switch r.IntN(9) {
	case 0:
		return parcels.In{Prop: n, Values: []any{val(), val(), val()}}
	case 1:
		return parcels.Between{Prop: n, Lo: val(), Hi: val()}
	case 2:
		return parcels.IsNull{Prop: n}
	case 3, 4:
		pats := []string{"%", "_", "%0%", "2_%", "地块%", "地_*%", "%[1]", "%\\%", "a%", "A%", "%厂", "__________________%", "%?%"}
		return parcels.Like{Prop: n, Pattern: pats[r.IntN(len(pats))]}
	case 5:
		if r.IntN(3) == 0 {
			return parcels.Intersects{Geometry: storetest.RectBound(float64(r.IntN(900)), 0, float64(r.IntN(900))+200, 10)}
		}
	}
	ops := []string{"=", "<>", "<", "<=", ">", ">="}
	return parcels.Compare{Prop: n, Op: ops[r.IntN(len(ops))], Value: val()}
}

// TestWhereSQLAgreesWithMatch runs random filters through the SQL
// translation (count and keyset paging included) and compares the rows
// with parcels.Match over all rows.
func TestWhereSQLAgreesWithMatch(t *testing.T) {
	s, _ := MustOpen(t)
	ctx := t.Context()
	var ps []*parcels.Parcel
	for i := 0; i < 12; i++ {
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
			p.Name, p.Owner = "地块*?[1]", "abc"
		}
		if i == 5 {
			p.Name = "Abc 地块100%"
		}
		ps = append(ps, p)
	}
	if _, err := s.CreateParcels(ctx, ps, "t"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 8; i++ {
		b := storetest.NewBuilding(fmt.Sprintf("B%d 车间", i), i%3, storetest.Rect(float64(i)*150+10, 10, float64(i)*150+40, 40))
		if i == 4 {
			b.Geometry = storetest.Rect(5000, 0, 5020, 20) // on no parcel
			b.Use = parcels.UseOffice
		}
		if _, err := s.CreateBuilding(ctx, b, "t"); err != nil {
			t.Fatal(err)
		}
	}
	allP := storetest.MustListParcels(t, s, parcels.Query{Limit: 1000}).Items
	allB := storetest.MustListBuildings(t, s, parcels.Query{Limit: 1000}).Items
	var pp, bp []map[string]any
	for _, p := range allP {
		pp = append(pp, parcels.Props(p))
	}
	for _, b := range allB {
		bp = append(bp, parcels.Props(b))
	}
	r := rand.New(rand.NewPCG(6, 2026))
	agree := func(kind parcels.Kind, props []map[string]any, geoms []orb.MultiPolygon, ids []int64,
		list func(parcels.Query) ([]int64, int64, int64, error)) {
		e := randExpr(r, kind, props, 3)
		if err := parcels.CheckExpr(kind, e); err != nil {
			return // the API refuses it before any store sees it
		}
		want := []int64{}
		for i := range props {
			if parcels.Match(e, props[i], geoms[i]) {
				want = append(want, ids[i])
			}
		}
		// Pages of 3 through the keyset links.
		got := []int64{}
		q := parcels.Query{Where: e, Limit: 3}
		for {
			page, matched, next, err := list(q)
			if err != nil {
				t.Fatalf("%s where %#v: %v", kind, e, err)
			}
			if matched != int64(len(want)) {
				t.Fatalf("%s where %#v: numberMatched %d, Match finds %d", kind, e, matched, len(want))
			}
			got = append(got, page...)
			if next == 0 {
				break
			}
			q.After = next
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s where %#v: SQL gives %v, parcels.Match %v", kind, e, got, want)
		}
	}
	var pg, bg []orb.MultiPolygon
	var pid, bid []int64
	for _, p := range allP {
		pg, pid = append(pg, p.Geometry), append(pid, p.ID)
	}
	for _, b := range allB {
		bg, bid = append(bg, b.Geometry), append(bid, b.ID)
	}
	for i := 0; i < 1500; i++ {
		agree(parcels.KindParcel, pp, pg, pid, func(q parcels.Query) ([]int64, int64, int64, error) {
			page, err := s.ListParcels(ctx, q)
			var ids []int64
			for _, p := range page.Items {
				ids = append(ids, p.ID)
			}
			return ids, page.NumberMatched, page.NextAfter, err
		})
		agree(parcels.KindBuilding, bp, bg, bid, func(q parcels.Query) ([]int64, int64, int64, error) {
			page, err := s.ListBuildings(ctx, q)
			var ids []int64
			for _, b := range page.Items {
				ids = append(ids, b.ID)
			}
			return ids, page.NumberMatched, page.NextAfter, err
		})
	}
}

func TestLikeGlob(t *testing.T) {
	for p, want := range map[string]string{
		"%":      "*",
		"a_b%":   "a?b*",
		`100\%`:  "100%",
		`\_x`:    "_x",
		"*?[":    "[*][?][[]",
		`a\\b`:   `a\b`,
		"地_":     "地?",
		`trail\`: "trail",
	} {
		if got := likeGlob(p); got != want {
			t.Errorf("likeGlob(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestFilterIndexUsed: the common filters are index searches, not scans.
func TestFilterIndexUsed(t *testing.T) {
	s, _ := MustOpen(t)
	for prop, idx := range map[string]string{"code": "parcels_q_code", "status": "parcels_q_status", "land_use": "parcels_q_land_use", "town": "parcels_q_town"} {
		w, ok, rest := splitWhere(parcels.KindParcel, parcels.Compare{Prop: prop, Op: "=", Value: "x"})
		if !ok || rest != nil {
			t.Fatalf("%s: not translated", prop)
		}
		rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN SELECT fid FROM parcels WHERE "+w.cond, w.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan += detail + "; "
		}
		rows.Close()
		if !strings.Contains(plan, "USING INDEX "+idx) && !strings.Contains(plan, "USING COVERING INDEX "+idx) {
			t.Errorf("%s = 'x': plan %q does not use %s", prop, plan, idx)
		}
	}
}
