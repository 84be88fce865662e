package geo

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"landplan/internal/testdb"
)

// wkt writes a multipolygon with full float64 precision.
func wkt(g orb.MultiPolygon) string {
	var b strings.Builder
	b.WriteString("MULTIPOLYGON(")
	for i, p := range g {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j, r := range p {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for k, pt := range r {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(pt[0], 'g', -1, 64))
				b.WriteByte(' ')
				b.WriteString(strconv.FormatFloat(pt[1], 'g', -1, 64))
			}
			b.WriteByte(')')
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}

// TestAgainstPostGIS asks the live PostGIS (LANDPLAN_TEST_DATABASE; skipped
// without it, failing under CI) for
//
//	SELECT ST_Area(ST_Transform(ST_GeomFromText($wkt, 4490), <EPSG>)),
//	       ST_Area(ST_GeomFromText($wkt, 4490)::geography)
//
// over the oracle polygons and 300 random Linhai parcels, and for
// ST_Transform of the cs2cs table's points; it requires CadastralArea within
// 1e-9 relative, EllipsoidalArea within 1e-3 m², Forward within 0.1 mm.
// (The ellipsoidal differences, up to ~2.5e-4 m² on 200-vertex rings, are
// GeographicLib's rounding: see TestEllipsoidalAreaStableUnderSubdivision.)
func TestAgainstPostGIS(t *testing.T) {
	url := testdb.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)

	type poly struct {
		name string
		zone Zone
		g    orb.MultiPolygon
	}
	var polys []poly
	for _, c := range areaOracles {
		polys = append(polys, poly{c.name, Zone{Width: 3, Number: c.zone}, c.g})
	}
	for _, m := range []int{6, 20, 200} {
		for i, p := range benchParcels(100, m) {
			polys = append(polys, poly{fmt.Sprintf("random %d/%d", m, i), Zone{Width: 3, Number: 40}, orb.MultiPolygon{p}})
		}
	}
	var wkts []string
	var codes []int32
	for _, p := range polys {
		wkts = append(wkts, wkt(p.g))
		codes = append(codes, int32(p.zone.EPSG()))
	}
	rows, err := conn.Query(ctx, `
		SELECT ST_Area(ST_Transform(ST_GeomFromText(w, 4490), c)), ST_Area(ST_GeomFromText(w, 4490)::geography)
		FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS t(w, c, i) ORDER BY i`, wkts, codes)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	var worstPlane, worstEll float64
	i := 0
	for rows.Next() {
		var plane, ell float64
		if err := rows.Scan(&plane, &ell); err != nil {
			t.Fatal(err)
		}
		p := polys[i]
		i++
		got := CadastralArea(p.g, p.zone)
		rel := math.Abs(got-plane) / plane
		worstPlane = math.Max(worstPlane, rel)
		if rel > 1e-9 {
			t.Errorf("%s: CadastralArea %.9f, PostGIS %.9f", p.name, got, plane)
		}
		e := EllipsoidalArea(p.g)
		worstEll = math.Max(worstEll, math.Abs(e-ell))
		if math.Abs(e-ell) > 1e-3 {
			t.Errorf("%s: EllipsoidalArea %.6f, PostGIS geography %.6f", p.name, e, ell)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(polys) {
		t.Fatalf("PostGIS returned %d rows for %d polygons", i, len(polys))
	}
	t.Logf("%d polygons: worst plane area relative difference %.2g, worst ellipsoidal %.2g m²", i, worstPlane, worstEll)

	// Points: ST_Transform to every EPSG code of the cs2cs table.
	var lons, lats []float64
	var pcodes []int32
	for _, r := range cs2csPoints {
		pcodes = append(pcodes, int32(r[0]))
		lats = append(lats, r[1])
		lons = append(lons, r[2])
	}
	rows, err = conn.Query(ctx, `
		SELECT ST_X(p), ST_Y(p) FROM (
			SELECT ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4490), c) AS p, i
			FROM unnest($1::float8[], $2::float8[], $3::int[]) WITH ORDINALITY AS t(lon, lat, c, i)) s ORDER BY i`, lons, lats, pcodes)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	var worst float64
	i = 0
	for rows.Next() {
		var e, n float64
		if err := rows.Scan(&e, &n); err != nil {
			t.Fatal(err)
		}
		z, _ := ZoneFromEPSG(int(pcodes[i]))
		x, y := z.Forward(lons[i], lats[i])
		d := math.Hypot(x-n, y-e)
		worst = math.Max(worst, d)
		if d > 1e-4 {
			t.Errorf("EPSG:%d (%v, %v): Forward (%.6f, %.6f), PostGIS (%.6f, %.6f)", pcodes[i], lons[i], lats[i], x, y, n, e)
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d points: worst |Forward − ST_Transform| = %.2g m", i, worst)
}
