package storetest

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// whereParcels are six parcels whose fields vary so that each Expr form
// selects a known subset. Parcel 2 has unset fields (empty owner, zero
// dates, no registered area).
func whereParcels() []*parcels.Parcel {
	d := parcels.NewDate
	mk := func(code, name, owner, use string, src parcels.LandSource, ls, le parcels.Date, reg float64, st parcels.ParcelStatus, town string, g orb.MultiPolygon) *parcels.Parcel {
		return &parcels.Parcel{Code: code, Name: name, Owner: owner, LandUse: use, LandSource: src,
			LeaseStart: ls, LeaseEnd: le, RegisteredAreaM2: reg, Status: st, Town: town, Geometry: g}
	}
	return []*parcels.Parcel{
		mk("331082001001JA00001", "杜桥镇阀门厂", "张三", "0601", parcels.SourceTransferred,
			d(2006, 3, 15), d(2056, 3, 14), 8000, parcels.StatusInUse, "杜桥镇", Rect(0, 0, 100, 80)), // 8000 m²
		mk("331082001001JA00002", "杜桥镇眼镜厂", "李四", "0601", parcels.SourceAllocated,
			d(1995, 7, 1), d(2045, 6, 30), 12000.5, parcels.StatusInefficient, "杜桥镇", Rect(200, 0, 300, 120)), // 12000 m²
		mk("331082002001JB00001", "大洋街道仓库", "", "0602", parcels.SourceCollective,
			parcels.Date{}, parcels.Date{}, 0, parcels.StatusIdle, "大洋街道", Rect(400, 0, 450, 40)), // 2000 m²
		mk("", "无名地块_1", "王五", "0601", parcels.SourceTransferred,
			d(2010, 1, 1), d(2060, 12, 31), 30000, parcels.StatusRedeveloping, "汛桥镇", Rect(0, 200, 200, 350)), // 30000 m²
		mk("331082003001JC00001", "100%纯净水厂", "赵六", "0601", parcels.SourceTransferred,
			d(2006, 3, 15), d(2026, 3, 14), 4999.99, parcels.StatusInefficient, "杜桥镇", Rect(300, 200, 350, 300)), // 5000 m²
		mk("331082003001JC00002", "100号Linhai Pump Works", "Zhao", "1001", parcels.SourceTransferred,
			d(2020, 5, 20), d(2070, 5, 19), 6000, parcels.StatusInUse, "汛桥镇", Rect(400, 200, 460, 300)), // 6000 m²
	}
}

// checkParcelPage checks a page's ids (ascending), NumberMatched and links.
func checkParcelPage(tb testing.TB, what string, pg parcels.Page[*parcels.Parcel], want []int64, matched, next, prev int64) {
	tb.Helper()
	got := parcelIDs(pg.Items)
	if !equalIDs(got, want) {
		tb.Errorf("%s: ids %v, want %v", what, got, want)
	}
	if pg.NumberMatched != matched {
		tb.Errorf("%s: NumberMatched %d, want %d", what, pg.NumberMatched, matched)
	}
	if pg.NextAfter != next || pg.PrevBefore != prev {
		tb.Errorf("%s: NextAfter %d, PrevBefore %d; want %d, %d", what, pg.NextAfter, pg.PrevBefore, next, prev)
	}
}

func pick(all []*parcels.Parcel, idx ...int) []int64 {
	out := make([]int64, len(idx))
	for i, k := range idx {
		out[i] = all[k].ID
	}
	return sortedIDs(out)
}

func testList(t *testing.T, newStore Factory) {
	t.Run("Where", func(t *testing.T) {
		s := newStore(t)
		ps := MustCreateParcels(t, s, whereParcels())
		MustDeleteParcel(t, s, MustCreateParcel(t, s, NewParcel("331082001001JA00099", Rect(600, 0, 700, 80))).ID, Alice) // deleted: never listed
		type E = parcels.Expr
		cases := []struct {
			name string
			e    E
			want []int
		}{
			{"StringEq", parcels.Compare{Prop: "status", Op: "=", Value: "inefficient"}, []int{1, 4}},
			{"StringNe", parcels.Compare{Prop: "town", Op: "<>", Value: "杜桥镇"}, []int{2, 3, 5}},
			{"StringLt", parcels.Compare{Prop: "land_use", Op: "<", Value: "0602"}, []int{0, 1, 3, 4}},
			{"StringGe", parcels.Compare{Prop: "land_use", Op: ">=", Value: "0602"}, []int{2, 5}},
			{"NumberGt", parcels.Compare{Prop: "area_m2", Op: ">", Value: 7000.0}, []int{0, 1, 3}},
			{"NumberLe", parcels.Compare{Prop: "registered_area_m2", Op: "<=", Value: 5000.0}, []int{2, 4}},
			{"NumberEqExact", parcels.Compare{Prop: "registered_area_m2", Op: "=", Value: 12000.5}, []int{1}},
			{"NumberLtDerived", parcels.Compare{Prop: "area_mu", Op: "<", Value: 5000.5 * 15 / 10000}, []int{2, 4}},
			{"IntegerEq", parcels.Compare{Prop: "building_count", Op: "=", Value: 0.0}, []int{0, 1, 2, 3, 4, 5}},
			{"IntegerVersion", parcels.Compare{Prop: "version", Op: "=", Value: 1.0}, []int{0, 1, 2, 3, 4, 5}},
			{"ActorEq", parcels.Compare{Prop: "updated_by", Op: "=", Value: Alice}, []int{0, 1, 2, 3, 4, 5}},
			// Dates compare as dates (YYYY-MM-DD strings). Unset dates are
			// avoided on the "<" side, where SQL NULL and Match's "" differ.
			{"DateGe", parcels.Compare{Prop: "lease_start", Op: ">=", Value: "2006-03-15"}, []int{0, 3, 4, 5}},
			{"DateGt", parcels.Compare{Prop: "lease_end", Op: ">", Value: "2056-03-14"}, []int{3, 5}},
			{"DateEq", parcels.Compare{Prop: "lease_start", Op: "=", Value: "2006-03-15"}, []int{0, 4}},
			{"DateBetween", parcels.Between{Prop: "lease_end", Lo: "2045-06-30", Hi: "2056-03-14"}, []int{0, 1}},
			{"NumberBetweenInclusive", parcels.Between{Prop: "registered_area_m2", Lo: 4999.99, Hi: 8000.0}, []int{0, 4, 5}},
			{"NumberBetweenDerived", parcels.Between{Prop: "area_m2", Lo: 4999.0, Hi: 8001.0}, []int{0, 4, 5}},
			{"StringBetween", parcels.Between{Prop: "code", Lo: "331082001001JA00002", Hi: "331082003001JC00001"}, []int{1, 2, 4}},
			{"And", parcels.And{parcels.Compare{Prop: "status", Op: "=", Value: "in_use"}, parcels.Compare{Prop: "town", Op: "=", Value: "汛桥镇"}}, []int{5}},
			{"AndEmptyIsTrue", parcels.And{}, []int{0, 1, 2, 3, 4, 5}},
			{"Or", parcels.Or{parcels.Compare{Prop: "owner", Op: "=", Value: "张三"}, parcels.Compare{Prop: "code", Op: "=", Value: "331082002001JB00001"}}, []int{0, 2}},
			{"OrEmptyIsFalse", parcels.Or{}, nil},
			{"Not", parcels.Not{X: parcels.Compare{Prop: "town", Op: "=", Value: "杜桥镇"}}, []int{2, 3, 5}},
			{"NotAndOr", parcels.Not{X: parcels.Or{parcels.Compare{Prop: "status", Op: "=", Value: "inefficient"},
				parcels.And{parcels.Compare{Prop: "land_source", Op: "=", Value: "transferred"}, parcels.Compare{Prop: "area_m2", Op: "<", Value: 10000.0}}}}, []int{2, 3}},
			{"LikePercent", parcels.Like{Prop: "name", Pattern: "杜桥镇%"}, []int{0, 1}},
			{"LikeUnderscoreIsOneCharacter", parcels.Like{Prop: "name", Pattern: "杜桥镇__厂"}, []int{0, 1}},
			{"LikeUnderscoreTooFew", parcels.Like{Prop: "name", Pattern: "杜桥镇_厂"}, nil},
			{"LikeUnderscoreASCII", parcels.Like{Prop: "code", Pattern: "331082001001JA0000_"}, []int{0, 1}},
			{"LikeEscapedPercent", parcels.Like{Prop: "name", Pattern: `100\%%`}, []int{4}},
			{"LikeUnescapedPercent", parcels.Like{Prop: "name", Pattern: "100%"}, []int{4, 5}},
			{"LikeEscapedUnderscore", parcels.Like{Prop: "name", Pattern: `无名地块\_1`}, []int{3}},
			{"LikeIsCaseSensitive", parcels.Like{Prop: "name", Pattern: "%linhai%"}, nil},
			{"LikeInside", parcels.Like{Prop: "name", Pattern: "%Linhai%"}, []int{5}},
			{"LikeWholeValue", parcels.Like{Prop: "owner", Pattern: "张"}, nil},
			{"InStrings", parcels.In{Prop: "land_source", Values: []any{"allocated", "collective"}}, []int{1, 2}},
			{"InDates", parcels.In{Prop: "lease_end", Values: []any{"2026-03-14", "2070-05-19", "1999-01-01"}}, []int{4, 5}},
			{"IsNullString", parcels.IsNull{Prop: "code"}, []int{3}},
			{"IsNullOwner", parcels.IsNull{Prop: "owner"}, []int{2}},
			{"IsNullDate", parcels.IsNull{Prop: "lease_start"}, []int{2}},
			{"NotIsNull", parcels.Not{X: parcels.IsNull{Prop: "code"}}, []int{0, 1, 2, 4, 5}},
			// Unset values compare as "" and 0 (parcels.Match: "an unset value
			// compares as \"\" or 0"), in every store alike.
			{"UnsetDateComparesAsEmpty", parcels.Compare{Prop: "lease_end", Op: "<", Value: "2030-01-01"}, []int{2, 4}},
			{"UnsetStringNe", parcels.Compare{Prop: "owner", Op: "<>", Value: "张三"}, []int{1, 2, 3, 4, 5}},
			{"UnsetStringEqEmpty", parcels.Compare{Prop: "owner", Op: "=", Value: ""}, []int{2}},
			{"UnsetNumberIsZero", parcels.Compare{Prop: "registered_area_m2", Op: "=", Value: 0.0}, []int{2}},
			// Strings order by code point (UTF-8 bytes), not by a locale:
			// "" < "Zhao" < "a" < any Chinese text.
			{"StringOrderIsCodePoint", parcels.Compare{Prop: "owner", Op: "<", Value: "a"}, []int{2, 5}},
			{"ChineseAfterASCII", parcels.Compare{Prop: "name", Op: ">", Value: "z"}, []int{0, 1, 2, 3}},
			// A strip through parcels 0 and 1 only (y 10..20, x 50..250).
			{"Intersects", parcels.Intersects{Geometry: Rect(50, 10, 250, 20)}, []int{0, 1}},
			{"IntersectsAndCompare", parcels.And{parcels.Intersects{Geometry: Rect(50, 10, 250, 20)}, parcels.Compare{Prop: "owner", Op: "=", Value: "李四"}}, []int{1}},
		}
		cases = append(cases, struct {
			name string
			e    E
			want []int
		}{"InIDs", parcels.In{Prop: "id", Values: []any{float64(ps[0].ID), float64(ps[3].ID), 9999999.0}}, []int{0, 3}})
		cases = append(cases, struct {
			name string
			e    E
			want []int
		}{"IDGreater", parcels.Compare{Prop: "id", Op: ">", Value: float64(ps[2].ID)}, idsAbove(ps, ps[2].ID)})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if err := parcels.CheckExpr(parcels.KindParcel, c.e); err != nil {
					t.Fatalf("the suite's expression is not valid: %v", err)
				}
				pg, err := s.ListParcels(t.Context(), parcels.Query{Where: c.e})
				if err != nil {
					t.Fatalf("ListParcels(Where %#v): %v", c.e, err)
				}
				want := pick(ps, c.want...)
				checkParcelPage(t, fmt.Sprintf("Where %#v", c.e), pg, want, int64(len(want)), 0, 0)
			})
		}
	})

	t.Run("BBoxIsTheGeometryNotItsBounds", func(t *testing.T) {
		s := newStore(t)
		// A right triangle with legs of 100 m: its bounding box's north-east
		// corner is empty land.
		tri := MustCreateParcel(t, s, NewParcel("331082000000GB00001", LonLat(orb.MultiPolygon{{PlaneRing(0, 0, 100, 0, 0, 100)}})))
		checkParcelAreas(t, "triangle", tri, 5000)
		r := MustCreateParcel(t, s, NewParcel("331082000000GB00002", Rect(200, 0, 300, 100)))
		gone := MustCreateParcel(t, s, NewParcel("331082000000GB00003", Rect(0, 150, 300, 200)))
		MustDeleteParcel(t, s, gone.ID, Alice)
		box := func(x0, y0, x1, y1 float64) *orb.Bound { b := RectBound(x0, y0, x1, y1); return &b }
		cases := []struct {
			name string
			b    *orb.Bound
			want []int64
		}{
			// Inside the triangle's bounds but > 40 m from its hypotenuse.
			{"OnlyBoundsCorner", box(80, 80, 95, 95), nil},
			{"InsideTriangle", box(10, 10, 20, 20), []int64{tri.ID}},
			{"AcrossBoth", box(50, 40, 250, 45), []int64{tri.ID, r.ID}},
			{"EdgeOfRect", box(290, 90, 310, 110), []int64{r.ID}},
			{"Nothing", box(1000, 1000, 1100, 1100), nil},
			{"Everything", box(-100, -100, 400, 400), []int64{tri.ID, r.ID}},
			// Only the deleted parcel is here.
			{"DeletedOnly", box(10, 160, 290, 190), nil},
		}
		for _, c := range cases {
			pg := MustListParcels(t, s, parcels.Query{BBox: c.b})
			checkParcelPage(t, "BBox "+c.name, pg, sortedIDs(c.want), int64(len(c.want)), 0, 0)
		}
		// BBox and Where together: both must hold.
		pg := MustListParcels(t, s, parcels.Query{BBox: box(-100, -100, 400, 400), Where: parcels.Compare{Prop: "code", Op: "=", Value: "331082000000GB00002"}})
		checkParcelPage(t, "BBox and Where", pg, []int64{r.ID}, 1, 0, 0)
		// BBox and Intersects together: both must hold.
		pg = MustListParcels(t, s, parcels.Query{BBox: box(-100, -100, 400, 400), Intersects: orb.Polygon(Rect(10, 10, 20, 20)[0])})
		checkParcelPage(t, "BBox and Intersects", pg, []int64{tri.ID}, 1, 0, 0)
		pg = MustListParcels(t, s, parcels.Query{BBox: box(200, 0, 210, 10), Intersects: orb.Polygon(Rect(10, 10, 20, 20)[0])})
		checkParcelPage(t, "disjoint BBox and Intersects", pg, nil, 0, 0, 0)
	})

	t.Run("Intersects", func(t *testing.T) {
		s := newStore(t)
		tri := MustCreateParcel(t, s, NewParcel("331082000000GB00001", LonLat(orb.MultiPolygon{{PlaneRing(0, 0, 100, 0, 0, 100)}})))
		r := MustCreateParcel(t, s, NewParcel("331082000000GB00002", Rect(200, 0, 300, 100)))
		pt := func(x, y float64) orb.Point { return Rect(x, y, x+1, y+1)[0][0][0] }
		cases := []struct {
			name string
			g    orb.Geometry
			want []int64
		}{
			{"PointInTriangle", pt(10, 10), []int64{tri.ID}},
			{"PointInBoundsCorner", pt(90, 90), nil},
			{"LineIntoRect", orb.LineString{pt(60, 60), pt(250, 50)}, []int64{r.ID}},
			{"Polygon", orb.Polygon(Rect(50, 10, 250, 20)[0]), []int64{tri.ID, r.ID}},
			{"PolygonInBoundsCorner", orb.Polygon(Rect(80, 80, 95, 95)[0]), nil},
			{"MultiPolygon", Rect(250, 50, 260, 60), []int64{r.ID}},
		}
		for _, c := range cases {
			pg := MustListParcels(t, s, parcels.Query{Intersects: c.g})
			checkParcelPage(t, "Intersects "+c.name, pg, sortedIDs(c.want), int64(len(c.want)), 0, 0)
		}
	})

	t.Run("KeysetPaging", func(t *testing.T) {
		s := newStore(t)
		all := parcelIDs(MustCreateParcels(t, s, batchParcels(25)))
		all = sortedIDs(all)
		q := func(after, before int64) parcels.Query {
			return parcels.Query{After: after, Before: before, Limit: 10}
		}
		p1 := MustListParcels(t, s, q(0, 0))
		checkParcelPage(t, "page 1", p1, all[0:10], 25, all[9], 0)
		p2 := MustListParcels(t, s, q(p1.NextAfter, 0))
		checkParcelPage(t, "page 2", p2, all[10:20], 25, all[19], all[10])
		p3 := MustListParcels(t, s, q(p2.NextAfter, 0))
		checkParcelPage(t, "page 3 (last)", p3, all[20:25], 25, 0, all[20])
		// Backward from the last page with PrevBefore: pages in ascending order.
		b2 := MustListParcels(t, s, q(0, p3.PrevBefore))
		checkParcelPage(t, "back to page 2", b2, all[10:20], 25, all[19], all[10])
		b1 := MustListParcels(t, s, q(0, b2.PrevBefore))
		checkParcelPage(t, "back to page 1", b1, all[0:10], 25, all[9], 0)
		// A short first page backwards.
		bs := MustListParcels(t, s, q(0, all[5]))
		checkParcelPage(t, "Before the 6th row", bs, all[0:5], 25, all[4], 0)
		// An exact multiple: the 5th page of 5 is the last, with no NextAfter.
		after := int64(0)
		for i := range 5 {
			pg := MustListParcels(t, s, parcels.Query{After: after, Limit: 5})
			var next, prev int64
			if i < 4 {
				next = all[5*i+4]
			}
			if i > 0 {
				prev = all[5*i]
			}
			checkParcelPage(t, fmt.Sprintf("limit 5, page %d", i+1), pg, all[5*i:5*i+5], 25, next, prev)
			after = pg.NextAfter
		}
		// After and Before together: the rows strictly between.
		pg := MustListParcels(t, s, parcels.Query{After: all[3], Before: all[8], Limit: 10})
		if got := parcelIDs(pg.Items); !equalIDs(got, all[4:8]) {
			t.Errorf("After %d and Before %d: %v, want %v", all[3], all[8], got, all[4:8])
		}
		// NumberMatched counts the filter's matches, whatever the page.
		even := parcels.Or{}
		var evenIDs []int64
		for i := 0; i < 25; i += 2 {
			even = append(even, parcels.Compare{Prop: "code", Op: "=", Value: fmt.Sprintf("331082000000GB%05d", i)})
		}
		for i := 0; i < 25; i += 2 {
			evenIDs = append(evenIDs, all[i])
		}
		f1 := MustListParcels(t, s, parcels.Query{Where: even, Limit: 5})
		checkParcelPage(t, "filtered page 1", f1, evenIDs[0:5], 13, evenIDs[4], 0)
		f3 := MustListParcels(t, s, parcels.Query{Where: even, Limit: 5, After: evenIDs[9]})
		checkParcelPage(t, "filtered page 3", f3, evenIDs[10:13], 13, 0, evenIDs[10])
	})

	t.Run("PagingStableUnderWrites", func(t *testing.T) {
		s := newStore(t)
		all := sortedIDs(parcelIDs(MustCreateParcels(t, s, batchParcels(25))))
		p1 := MustListParcels(t, s, parcels.Query{Limit: 10})
		checkParcelPage(t, "page 1", p1, all[0:10], 25, all[9], 0)
		// Between pages: a new parcel, a deleted one on page 2, an update of
		// one already seen.
		added := MustCreateParcel(t, s, NewParcel("331082000000GB09999", Rect(0, 1000, 50, 1050)))
		MustDeleteParcel(t, s, all[15], Bob)
		up := MustGetParcel(t, s, all[2])
		up.Name = "翻页时改名"
		MustUpdateParcel(t, s, up, Bob)
		seen := map[int64]int{}
		for _, id := range parcelIDs(p1.Items) {
			seen[id]++
		}
		after := p1.NextAfter
		for page := 2; after != 0; page++ {
			if page > 10 {
				t.Fatal("paging does not end")
			}
			pg := MustListParcels(t, s, parcels.Query{After: after, Limit: 10})
			if pg.NumberMatched != 25 {
				t.Errorf("page %d: NumberMatched %d, want 25 (25 + 1 added − 1 deleted)", page, pg.NumberMatched)
			}
			for _, id := range parcelIDs(pg.Items) {
				seen[id]++
			}
			after = pg.NextAfter
		}
		want := append(append([]int64{}, all[:15]...), all[16:]...)
		want = append(want, added.ID)
		for _, id := range want {
			if seen[id] != 1 {
				t.Errorf("parcel %d listed %d times, want once", id, seen[id])
			}
		}
		if seen[all[15]] != 0 {
			t.Errorf("deleted parcel %d was listed", all[15])
		}
	})

	t.Run("DefaultAndMaximumLimit", func(t *testing.T) {
		s := newStore(t)
		all := sortedIDs(parcelIDs(MustCreateParcels(t, s, batchParcels(105))))
		pg := MustListParcels(t, s, parcels.Query{})
		checkParcelPage(t, "Limit 0 (default 100)", pg, all[:100], 105, all[99], 0)
		pg = MustListParcels(t, s, parcels.Query{Limit: 1_000_000})
		checkParcelPage(t, "Limit above the maximum", pg, all, 105, 0, 0)
	})

	t.Run("LimitCappedAtMax", func(t *testing.T) {
		// One more row than MaxLimit: a page never holds more than MaxLimit.
		s := newStore(t)
		const n = parcels.MaxLimit + 1
		in := make([]*parcels.Parcel, n)
		for i := range in {
			x, y := float64(20*(i%100)), float64(20*(i/100))
			in[i] = &parcels.Parcel{Geometry: Rect(x, y, x+10, y+10)}
		}
		MustCreateParcels(t, s, in)
		pg := MustListParcels(t, s, parcels.Query{Limit: n + 100})
		if len(pg.Items) != parcels.MaxLimit || pg.NumberMatched != n || pg.NextAfter == 0 {
			t.Errorf("Limit %d over %d rows: %d items, matched %d, NextAfter %d; want %d items, matched %d and a next page",
				n+100, n, len(pg.Items), pg.NumberMatched, pg.NextAfter, parcels.MaxLimit, n)
		}
		if len(pg.Items) > 0 {
			rest := MustListParcels(t, s, parcels.Query{After: pg.NextAfter, Limit: n + 100})
			if len(rest.Items) != 1 || rest.NextAfter != 0 {
				t.Errorf("the page after the capped one: %d items, NextAfter %d; want 1 and 0", len(rest.Items), rest.NextAfter)
			}
		}
	})

	t.Run("DeletedRowsNeverListed", func(t *testing.T) {
		s := newStore(t)
		ps := MustCreateParcels(t, s, batchParcels(6))
		a := MustCreateParcel(t, s, NewParcel("331082001001JA00001", Rect(0, -200, 100, -120)))
		b := MustCreateBuilding(t, s, NewBuilding("车间", 2, Rect(10, -190, 30, -170)))
		keepB := MustCreateBuilding(t, s, NewBuilding("车间2", 2, Rect(50, -190, 70, -170)))
		z := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{ps[0].ID}})
		MustDeleteParcel(t, s, ps[1].ID, Alice)
		MustDeleteParcel(t, s, ps[4].ID, Alice)
		MustDeleteBuilding(t, s, b.ID, Alice)
		if err := s.DeleteZone(t.Context(), z.ID, z.Version, Alice); err != nil {
			t.Fatalf("DeleteZone: %v", err)
		}
		live := sortedIDs([]int64{ps[0].ID, ps[2].ID, ps[3].ID, ps[5].ID, a.ID})
		everything := RectBound(-1000, -1000, 3000, 1000)
		for name, q := range map[string]parcels.Query{
			"all":     {},
			"bbox":    {BBox: &everything},
			"where":   {Where: parcels.Compare{Prop: "land_use", Op: "=", Value: "0601"}},
			"version": {Where: parcels.Compare{Prop: "version", Op: ">=", Value: 1.0}},
			"before":  {Before: ps[5].ID + 1000000},
		} {
			pg := MustListParcels(t, s, q)
			checkParcelPage(t, "parcels "+name, pg, live, int64(len(live)), 0, 0)
		}
		bpg := MustListBuildings(t, s, parcels.Query{BBox: &everything})
		if got := buildingIDs(bpg.Items); !equalIDs(got, []int64{keepB.ID}) || bpg.NumberMatched != 1 {
			t.Errorf("buildings listed %v (matched %d), want [%d]", got, bpg.NumberMatched, keepB.ID)
		}
		zpg := MustListZones(t, s, parcels.Query{})
		if len(zpg.Items) != 0 || zpg.NumberMatched != 0 {
			t.Errorf("zones listed %v (matched %d) after the only zone was deleted", zoneIDs(zpg.Items), zpg.NumberMatched)
		}
	})

	t.Run("Buildings", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateParcel(t, s, NewParcel("331082001001JA00001", Rect(0, 0, 300, 100)))
		var bs []*parcels.Building
		for i := range 12 {
			x := float64(25 * i)
			b := NewBuilding(fmt.Sprintf("%d号楼", i+1), 1+i%4, Rect(x, 10, x+20, 30))
			if i%3 == 0 {
				b.Use = parcels.UseOffice
			}
			bs = append(bs, b)
		}
		bs = append(bs, NewBuilding("地块外", 2, Rect(1000, 0, 1010, 10)))
		got, err := s.CreateBuildings(t.Context(), bs, Alice)
		if err != nil {
			t.Fatalf("CreateBuildings: %v", err)
		}
		all := sortedIDs(buildingIDs(got))
		p1 := MustListBuildings(t, s, parcels.Query{Limit: 5})
		p2 := MustListBuildings(t, s, parcels.Query{Limit: 5, After: p1.NextAfter})
		p3 := MustListBuildings(t, s, parcels.Query{Limit: 5, After: p2.NextAfter})
		back := MustListBuildings(t, s, parcels.Query{Limit: 5, Before: p3.PrevBefore})
		for _, c := range []struct {
			name       string
			pg         parcels.Page[*parcels.Building]
			want       []int64
			next, prev int64
		}{
			{"page 1", p1, all[0:5], all[4], 0},
			{"page 2", p2, all[5:10], all[9], all[5]},
			{"page 3", p3, all[10:13], 0, all[10]},
			{"back to page 2", back, all[5:10], all[9], all[5]},
		} {
			if !equalIDs(buildingIDs(c.pg.Items), c.want) || c.pg.NumberMatched != 13 || c.pg.NextAfter != c.next || c.pg.PrevBefore != c.prev {
				t.Errorf("buildings %s: ids %v matched %d next %d prev %d; want %v, 13, %d, %d",
					c.name, buildingIDs(c.pg.Items), c.pg.NumberMatched, c.pg.NextAfter, c.pg.PrevBefore, c.want, c.next, c.prev)
			}
		}
		// Where on buildings: use, floors, parcel.
		whereCases := []struct {
			name string
			e    parcels.Expr
			want []int
		}{
			{"UseOffice", parcels.Compare{Prop: "use", Op: "=", Value: "office"}, []int{0, 3, 6, 9}},
			{"FloorsGe3", parcels.Compare{Prop: "floors", Op: ">=", Value: 3.0}, []int{2, 3, 6, 7, 10, 11}},
			{"OnParcel", parcels.Compare{Prop: "parcel_id", Op: "=", Value: float64(a.ID)}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
			{"NoParcel", parcels.IsNull{Prop: "parcel_id"}, []int{12}},
			{"FloorAreaBetween", parcels.Between{Prop: "floor_area_m2", Lo: 1199.0, Hi: 1601.0}, []int{2, 3, 6, 7, 10, 11}},
			{"NameLike", parcels.Like{Prop: "name", Pattern: "1_号楼"}, []int{9, 10, 11}},
		}
		for _, c := range whereCases {
			pg := MustListBuildings(t, s, parcels.Query{Where: c.e})
			var want []int64
			for _, i := range c.want {
				want = append(want, got[i].ID)
			}
			want = sortedIDs(want)
			if !equalIDs(buildingIDs(pg.Items), want) || pg.NumberMatched != int64(len(want)) {
				t.Errorf("buildings Where %s: %v (matched %d), want %v", c.name, buildingIDs(pg.Items), pg.NumberMatched, want)
			}
		}
		box := RectBound(21, 0, 49, 40) // only building 1 ([25,45])
		pg := MustListBuildings(t, s, parcels.Query{BBox: &box})
		if !equalIDs(buildingIDs(pg.Items), []int64{got[1].ID}) {
			t.Errorf("buildings in BBox: %v, want [%d]", buildingIDs(pg.Items), got[1].ID)
		}
		for _, b := range pg.Items {
			checkSameRow(t, "listed building vs Get", b, MustGetBuilding(t, s, b.ID))
		}
	})
}

func idsAbove(ps []*parcels.Parcel, id int64) []int {
	var out []int
	for i, p := range ps {
		if p.ID > id {
			out = append(out, i)
		}
	}
	return out
}
