package postgis

import (
	"strings"
	"testing"

	"landplan/internal/testdb"
	"landplan/parcels"
	"landplan/parcels/storetest"
)

// TestSpatialQueriesUseGiST checks with EXPLAIN that the List SQL (bbox,
// intersects filter) and the building-candidate lookup are answered
// through the GiST indexes, not by scanning the table.
func TestSpatialQueriesUseGiST(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, testdb.Fresh(t), Options{MigrateOnOpen: true, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ps []*parcels.Parcel
	for i := 0; i < 4000; i++ {
		x, y := float64(i%80)*60, float64(i/80)*60
		ps = append(ps, &parcels.Parcel{Geometry: storetest.Rect(x, y, x+50, y+50)})
	}
	if _, err := db.CreateParcels(ctx, ps, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, "ANALYZE parcels"); err != nil {
		t.Fatal(err)
	}
	explain := func(sql string, args ...any) string {
		t.Helper()
		rows, err := db.pool.Query(ctx, "EXPLAIN "+sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		return strings.Join(plan, "\n")
	}
	b := storetest.RectBound(100, 100, 300, 300)
	for _, q := range []parcels.Query{
		{BBox: &b},
		{Intersects: storetest.Rect(100, 100, 300, 300)},
		{Where: parcels.And{parcels.Intersects{Geometry: storetest.Rect(100, 100, 300, 300)}, parcels.Compare{Prop: "area_m2", Op: ">", Value: 10.0}}},
	} {
		lq, err := buildList(parcels.KindParcel, "parcels", parcelCols, q)
		if err != nil {
			t.Fatal(err)
		}
		if plan := explain(lq.page, lq.args...); !strings.Contains(plan, "parcels_geom_gist") {
			t.Errorf("page of %+v does not use the GiST index:\n%s", q, plan)
		}
		if plan := explain(lq.count, append(append(args{}, lq.args[:lq.nmatch]...), int64(0), int64(0))...); !strings.Contains(plan, "parcels_geom_gist") {
			t.Errorf("count of %+v does not use the GiST index:\n%s", q, plan)
		}
	}
	g, _ := encodeGeom(storetest.Rect(110, 110, 130, 130))
	plan := explain(candidatesSQL, g)
	if !strings.Contains(plan, "parcels_geom_gist") {
		t.Errorf("building candidates do not use the GiST index:\n%s", plan)
	}
}
