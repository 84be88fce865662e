package postgis_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/internal/testdb"
	"landplan/parcels"
	"landplan/parcels/storetest"
	"landplan/postgis"
)

// oddParcels are shapes that exercise the area formulas: a hole, two
// polygons, many vertices, long slanted edges, and a parcel on Linhai's
// coast east of 121.5°E (far from the zone's central meridian, where the
// plane and ellipsoidal areas differ most).
func oddParcels() []*parcels.Parcel {
	var ps []*parcels.Parcel
	add := func(g orb.MultiPolygon) {
		ps = append(ps, &parcels.Parcel{Name: fmt.Sprintf("odd %d", len(ps)), Geometry: g})
	}
	add(storetest.Rect(0, 0, 100, 80))
	add(storetest.LonLat(orb.MultiPolygon{
		{storetest.PlaneRect(0, 200, 300, 420), storetest.PlaneHole(50, 250, 120, 300)},
		{storetest.PlaneRect(400, 200, 480, 260)},
	}))
	// A 40-gon of radius 150 m.
	var xy []float64
	for i := 0; i < 40; i++ {
		a := 2 * math.Pi * float64(i) / 40
		xy = append(xy, 800+150*math.Cos(a), 300+150*math.Sin(a)*0.7)
	}
	add(storetest.LonLat(orb.MultiPolygon{{storetest.PlaneRing(xy...)}}))
	// A slanted quadrilateral with 600 m edges.
	add(storetest.LonLat(orb.MultiPolygon{{storetest.PlaneRing(1200, 0, 1750, 230, 1690, 800, 1150, 520)}}))
	// On the coast near 121.6°E, 28.75°N (still zone 40 by Linhai's profile).
	c := orb.Point{121.6, 28.75}
	d := 0.004
	add(orb.MultiPolygon{{{c, {c[0] + d, c[1] + d/10}, {c[0] + d*0.9, c[1] + d}, {c[0] - d/5, c[1] + d*0.8}, c}}})
	return ps
}

// TestAreasMatchPostGIS checks the stored derived areas against PostGIS's
// own computations on the stored geometry: area_m2 against
// ST_Area(ST_Transform(geom, 4549)) (PROJ's transverse Mercator, CM 120°E,
// the same plane without the zone prefix) to 1e-9 relative, and
// ellipsoidal_area_m2 against ST_Area(geom::geography) (GeographicLib on
// GRS80, which equals CGCS2000 to 1e-10 in flattening) to 0.1 m².
func TestAreasMatchPostGIS(t *testing.T) {
	db := MustOpen(t)
	ctx := t.Context()
	odd := oddParcels()
	for _, p := range odd[:2] {
		if _, err := db.CreateParcel(ctx, p, "t"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateParcels(ctx, odd[2:], "t"); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Pool().Query(ctx, `SELECT id, name, area_m2, area_mu, ellipsoidal_area_m2,
		ST_Area(ST_Transform(geom, 4549)), ST_Area(geom::geography) FROM parcels ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var name string
		var area, mu, ell, pgArea, pgEll float64
		if err := rows.Scan(&id, &name, &area, &mu, &ell, &pgArea, &pgEll); err != nil {
			t.Fatal(err)
		}
		n++
		if rel := math.Abs(area-pgArea) / pgArea; rel > 1e-9 {
			t.Errorf("%s: area_m2 %.9f, PostGIS ST_Area(ST_Transform(geom, 4549)) %.9f: relative difference %.2g > 1e-9", name, area, pgArea, rel)
		}
		if math.Abs(ell-pgEll) > 0.1 {
			t.Errorf("%s: ellipsoidal_area_m2 %.4f, PostGIS ST_Area(geography) %.4f: off by %.4f m² > 0.1", name, ell, pgEll, ell-pgEll)
		}
		if math.Abs(mu-area*15/10000) > 1e-9*mu {
			t.Errorf("%s: area_mu %.9f, want area_m2 × 15/10000 = %.9f", name, mu, area*15/10000)
		}
		t.Logf("%s: area_m2 %.6f (PostGIS %.6f), ellipsoidal %.4f (PostGIS %.4f)", name, area, pgArea, ell, pgEll)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(odd) {
		t.Fatalf("%d rows, want %d", n, len(odd))
	}
}

// TestRacingWriters has two writers update (or delete) the same parcel at
// the same version at the same moment, many times: exactly one wins, the
// other gets ECONFLICT, and the winner's write is what is stored.
func TestRacingWriters(t *testing.T) {
	db := MustOpen(t)
	ctx := t.Context()
	p, err := db.CreateParcel(ctx, storetest.NewParcel("331082001001JA09999", storetest.Rect(0, 0, 100, 80)), "t")
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 20; round++ {
		cur, err := db.GetParcel(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		names := []string{fmt.Sprintf("A%d", round), fmt.Sprintf("B%d", round)}
		for i := range 2 {
			wg.Go(func() {
				up := *cur
				up.Name = names[i]
				up.Geometry = storetest.Rect(0, 0, 100+float64(i), 80)
				<-start
				_, errs[i] = db.UpdateParcel(ctx, &up, names[i])
			})
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch parcels.ErrorCode(err) {
			case "":
				if won >= 0 {
					t.Fatalf("round %d: both writers won", round)
				}
				won = i
			case parcels.ECONFLICT:
			default:
				t.Fatalf("round %d: writer %d: %v, want success or conflict", round, i, err)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: nobody won: %v", round, errs)
		}
		got, err := db.GetParcel(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != names[won] || got.Version != cur.Version+1 || got.UpdatedBy != names[won] {
			t.Fatalf("round %d: stored %q v%d by %q, want the winner %q at v%d", round, got.Name, got.Version, got.UpdatedBy, names[won], cur.Version+1)
		}
		if want := float64(100+won) * 80; math.Abs(got.AreaM2-want) > 1e-3 {
			t.Fatalf("round %d: area %.4f, want the winner's %.0f", round, got.AreaM2, want)
		}
	}
	// Delete against update at the same version.
	cur, _ := db.GetParcel(ctx, p.ID)
	var wg sync.WaitGroup
	var upErr, delErr error
	start := make(chan struct{})
	wg.Go(func() { <-start; up := *cur; up.Name = "late"; _, upErr = db.UpdateParcel(ctx, &up, "u") })
	wg.Go(func() { <-start; delErr = db.DeleteParcel(ctx, cur.ID, cur.Version, "d") })
	close(start)
	wg.Wait()
	if (upErr == nil) == (delErr == nil) {
		t.Fatalf("update %v, delete %v: want exactly one to win", upErr, delErr)
	}
	// A losing update finds the parcel deleted (not found); a losing
	// delete finds a newer version (conflict).
	if upErr != nil && parcels.ErrorCode(upErr) != parcels.ENOTFOUND {
		t.Errorf("update lost with %v, want not found", upErr)
	}
	if delErr != nil && parcels.ErrorCode(delErr) != parcels.ECONFLICT {
		t.Errorf("delete lost with %v, want conflict", delErr)
	}
	h, err := db.History(ctx, parcels.KindParcel, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 22 {
		t.Errorf("history has %d records, want 22 (create, 20 updates, one of update/delete)", len(h))
	}
}

// TestFailedBatchLeavesNothing makes batches fail in Go (a bad geometry)
// and in the database's view (a code already used, a duplicate in the
// batch, a cancelled context mid-way) and checks that no parcel, history
// record or notification is left behind and that the error names the
// feature.
func TestFailedBatchLeavesNothing(t *testing.T) {
	db := MustOpen(t)
	ctx := t.Context()
	taken, err := db.CreateParcel(ctx, storetest.NewParcel("331082001001JA00500", storetest.Rect(-500, 0, -400, 80)), "t")
	if err != nil {
		t.Fatal(err)
	}
	count := func() (p, h int64) {
		t.Helper()
		if err := db.Pool().QueryRow(ctx, "SELECT (SELECT count(*) FROM parcels), (SELECT count(*) FROM history)").Scan(&p, &h); err != nil {
			t.Fatal(err)
		}
		return
	}
	p0, h0 := count()
	batch := func() []*parcels.Parcel {
		ps := bulkParcels(300)
		return ps
	}
	bowtie := storetest.LonLat(orb.MultiPolygon{{storetest.PlaneRing(0, 0, 10, 10, 10, 0, 0, 10)}})
	cases := []struct {
		name, feature, code string
		spoil               func([]*parcels.Parcel)
	}{
		{"self-intersecting geometry", "#271", parcels.EINVALID, func(ps []*parcels.Parcel) { ps[271].Geometry = bowtie }},
		{"negative registered area", "#5", parcels.EINVALID, func(ps []*parcels.Parcel) { ps[5].RegisteredAreaM2 = -1 }},
		{"code of a live parcel", "#200", parcels.EINVALID, func(ps []*parcels.Parcel) { ps[200].Code = taken.Code }},
		{"code twice in the batch", "#120", parcels.EINVALID, func(ps []*parcels.Parcel) { ps[120].Code = ps[17].Code }},
	}
	for _, c := range cases {
		ps := batch()
		c.spoil(ps)
		_, err := db.CreateParcels(ctx, ps, "t")
		e := storetest.WantCode(t, err, c.code, c.name)
		if e != nil && e.Feature != c.feature {
			t.Errorf("%s: error names %q, want %q (%v)", c.name, e.Feature, c.feature, err)
		}
		if e != nil && strings.Contains(strings.ToUpper(e.Message), "SELECT") {
			t.Errorf("%s: message leaks SQL: %q", c.name, e.Message)
		}
		if p, h := count(); p != p0 || h != h0 {
			t.Errorf("%s: %d parcels and %d history records after the failed batch, want %d and %d", c.name, p, h, p0, h0)
		}
	}
	// A context that ends during the batch.
	cctx, cancel := contextWithTimeout(t, 30*time.Millisecond)
	defer cancel()
	if _, err := db.CreateParcels(cctx, bulkParcels(20000), "t"); err == nil {
		t.Log("the batch finished before the deadline; cancellation not exercised")
	} else if !errors.Is(err, cctx.Err()) {
		t.Errorf("cancelled batch: %v, want the context's error", err)
	}
	if p, h := count(); p != p0 || h != h0 {
		t.Errorf("cancelled batch left %d parcels and %d history records, want %d and %d", p, h, p0, h0)
	}
	// The store still works, and a good batch goes in whole.
	got, err := db.CreateParcels(ctx, batch(), "t")
	if err != nil || len(got) != 300 {
		t.Fatalf("good batch after failures: %d rows, %v", len(got), err)
	}
	if p, h := count(); p != p0+300 || h != h0+300 {
		t.Errorf("after a good batch of 300: %d parcels and %d history records, want %d and %d", p, h, p0+300, h0+300)
	}
}

// TestHistoryRecordsCascades checks that the history lists every change,
// including those a write causes to other rows: a building created on a
// parcel recomputes the parcel (a new parcel version, by the same actor);
// moving a parcel reassigns the building.
func TestHistoryRecordsCascades(t *testing.T) {
	db := MustOpen(t)
	ctx := t.Context()
	a, _ := db.CreateParcel(ctx, storetest.NewParcel("331082001001JA00001", storetest.Rect(0, 0, 100, 80)), "alice")
	b, _ := db.CreateParcel(ctx, storetest.NewParcel("331082001001JA00002", storetest.Rect(200, 0, 300, 80)), "alice")
	bl, err := db.CreateBuilding(ctx, storetest.NewBuilding("车间", 2, storetest.Rect(10, 10, 30, 30)), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if bl.ParcelID != a.ID {
		t.Fatalf("building on parcel %d, want %d", bl.ParcelID, a.ID)
	}
	// Move A away from the building and B under it: the building moves to B.
	a2, err := db.GetParcel(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	a2.Geometry = storetest.Rect(500, 0, 600, 80)
	if _, err := db.UpdateParcel(ctx, a2, "carol"); err != nil {
		t.Fatal(err)
	}
	b2, _ := db.GetParcel(ctx, b.ID)
	b2.Geometry = storetest.Rect(0, 0, 100, 80)
	if _, err := db.UpdateParcel(ctx, b2, "dave"); err != nil {
		t.Fatal(err)
	}
	blNow, _ := db.GetBuilding(ctx, bl.ID)
	if blNow.ParcelID != b.ID {
		t.Fatalf("after the moves the building is on %d, want %d", blNow.ParcelID, b.ID)
	}
	type rec struct {
		op      parcels.Op
		version int64
		actor   string
	}
	want := map[parcels.Kind]map[int64][]rec{
		parcels.KindParcel: {
			a.ID: {{"create", 1, "alice"}, {"update", 2, "bob"}, {"update", 3, "carol"}},
			b.ID: {{"create", 1, "alice"}, {"update", 2, "dave"}},
		},
		parcels.KindBuilding: {
			bl.ID: {{"create", 1, "bob"}, {"update", 2, "carol"}, {"update", 3, "dave"}},
		},
	}
	var lastSeq int64
	for kind, byID := range want {
		for id, recs := range byID {
			h, err := db.History(ctx, kind, id)
			if err != nil {
				t.Fatal(err)
			}
			var got []rec
			for _, c := range h {
				got = append(got, rec{c.Op, c.Version, c.Actor})
			}
			if fmt.Sprint(got) != fmt.Sprint(recs) {
				t.Errorf("history of %s %d = %v, want %v", kind, id, got, recs)
			}
			for i, c := range h {
				if i > 0 && c.Seq <= h[i-1].Seq {
					t.Errorf("%s %d: seq %d after %d", kind, id, c.Seq, h[i-1].Seq)
				}
				if (c.Op == parcels.OpCreate) != (c.Before == nil) || c.After == nil {
					t.Errorf("%s %d v%d %s: before %t, after %t", kind, id, c.Version, c.Op, c.Before != nil, c.After != nil)
				}
				lastSeq = max(lastSeq, c.Seq)
			}
		}
	}
	// The parcel's history after the building came: footprint 400 m².
	h, _ := db.History(ctx, parcels.KindParcel, a.ID)
	v2, err := parcels.DecodeParcel(h[1].After)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(v2.FootprintAreaM2-400) > 1e-3 || v2.BuildingCount != 1 || v2.Version != 2 {
		t.Errorf("parcel A v2 in history: footprint %.3f, count %d, version %d; want 400, 1, 2", v2.FootprintAreaM2, v2.BuildingCount, v2.Version)
	}
	// Nothing else is in the table: every record was listed above.
	var total, maxSeq int64
	if err := db.Pool().QueryRow(ctx, "SELECT count(*), max(seq) FROM history").Scan(&total, &maxSeq); err != nil {
		t.Fatal(err)
	}
	if total != 8 || maxSeq != lastSeq {
		t.Errorf("history table has %d records (last seq %d), want the 8 listed (last seq %d)", total, maxSeq, lastSeq)
	}
}

// TestOpenRefusesEmptyDatabase: without MigrateOnOpen a database without the
// schema is refused with advice; with it the schema is created.
func TestOpenRefusesEmptyDatabase(t *testing.T) {
	url := testdb.Fresh(t)
	_, err := postgis.Open(t.Context(), url, postgis.Options{})
	if err == nil || !strings.Contains(err.Error(), "landplan migrate") {
		t.Fatalf("Open of an empty database: %v, want advice to migrate", err)
	}
	db, err := postgis.Open(t.Context(), url, postgis.Options{MigrateOnOpen: true, Zone: geo.Zone3(40)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestBatchOverExistingBuildings: parcels imported under buildings that
// were on no parcel (or on a worse one) take them over in the same
// transaction, with versions and history, and the rows CreateParcels
// returns already carry the buildings.
func TestBatchOverExistingBuildings(t *testing.T) {
	db := MustOpen(t)
	ctx := t.Context()
	old, err := db.CreateParcel(ctx, storetest.NewParcel("331082001001JC00001", storetest.Rect(0, 0, 30, 100)), "t")
	if err != nil {
		t.Fatal(err)
	}
	// b1 lies on no parcel; b2 has 10×20 on the old parcel and 30×20 east of it.
	b1, _ := db.CreateBuilding(ctx, storetest.NewBuilding("一号", 2, storetest.Rect(210, 10, 230, 30)), "t")
	b2, _ := db.CreateBuilding(ctx, storetest.NewBuilding("二号", 1, storetest.Rect(20, 50, 60, 70)), "t")
	if b1.ParcelID != 0 || b2.ParcelID != old.ID {
		t.Fatalf("before the import: b1 on %d, b2 on %d", b1.ParcelID, b2.ParcelID)
	}
	ps := []*parcels.Parcel{
		storetest.NewParcel("331082001001JC00002", storetest.Rect(200, 0, 300, 80)), // under b1
		storetest.NewParcel("331082001001JC00003", storetest.Rect(30, 0, 130, 100)), // 30×20 of b2
		storetest.NewParcel("331082001001JC00004", storetest.Rect(500, 0, 600, 80)), // nothing
	}
	got, err := db.CreateParcels(ctx, ps, "import")
	if err != nil {
		t.Fatal(err)
	}
	nb1, _ := db.GetBuilding(ctx, b1.ID)
	nb2, _ := db.GetBuilding(ctx, b2.ID)
	if nb1.ParcelID != got[0].ID || nb1.Version != 2 || nb1.UpdatedBy != "import" {
		t.Errorf("b1: parcel %d v%d by %q, want parcel %d v2 by import", nb1.ParcelID, nb1.Version, nb1.UpdatedBy, got[0].ID)
	}
	if nb2.ParcelID != got[1].ID || nb2.Version != 2 {
		t.Errorf("b2: parcel %d v%d, want parcel %d v2", nb2.ParcelID, nb2.Version, got[1].ID)
	}
	for i, want := range []struct {
		footprint float64
		count     int
	}{{400, 1}, {600, 1}, {0, 0}} {
		stored, _ := db.GetParcel(ctx, got[i].ID)
		if math.Abs(got[i].FootprintAreaM2-want.footprint) > 1e-3 || got[i].BuildingCount != want.count || got[i].Version != 1 {
			t.Errorf("returned #%d: footprint %.3f, count %d, v%d; want %.0f, %d, v1", i, got[i].FootprintAreaM2, got[i].BuildingCount, got[i].Version, want.footprint, want.count)
		}
		if stored.FootprintAreaM2 != got[i].FootprintAreaM2 || stored.BuildingCount != got[i].BuildingCount {
			t.Errorf("#%d: stored footprint %.3f count %d differ from returned", i, stored.FootprintAreaM2, stored.BuildingCount)
		}
		checkLastHistory(t, db, parcels.KindParcel, got[i].ID, 1, stored)
	}
	// The old parcel lost b2: recomputed, a new version by the importer.
	o, _ := db.GetParcel(ctx, old.ID)
	if o.BuildingCount != 0 || o.FootprintAreaM2 != 0 || o.Version != old.Version+2 || o.UpdatedBy != "import" {
		t.Errorf("old parcel: count %d, footprint %.3f, v%d by %q; want 0, 0, v%d by import", o.BuildingCount, o.FootprintAreaM2, o.Version, o.UpdatedBy, old.Version+2)
	}
	checkLastHistory(t, db, parcels.KindParcel, old.ID, o.Version, o)
	checkLastHistory(t, db, parcels.KindBuilding, b2.ID, 2, nb2)
}
