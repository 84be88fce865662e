package formats

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"landplan/geo"
	"landplan/internal/testdb"
)

// oracleParcels are the parcels the oracles check: the samples, the nested
// and misnumbered rings, and the 6° file.
func oracleParcels(t *testing.T) []*TXTParcel {
	var out []*TXTParcel
	for _, path := range []string{samples + "synthetic_linhai_zone40.txt", "testdata/island_in_hole.txt", "testdata/ring_numbers_misused.txt", "testdata/six_degree.txt", "testdata/missing_zone_no_prefix.txt"} {
		f := MustReadTXT(t, path, TXTOptions{Zone: linhai})
		for i := range f.Parcels {
			out = append(out, &f.Parcels[i])
		}
	}
	return out
}

// TestAreasAgainstPostGIS: the area ReadTXT computes on the file's plane
// coordinates equals PostGIS's
//
//	ST_Area(ST_Transform(ST_GeomFromText(<unprojected lon/lat>, 4490), 4549))
//
// — PROJ re-projecting our unprojected result into zone 40 — to 1 mm²
// (59600 / 1980 / 30000 m² for the samples, 31600, 12400, 9600 for the
// others). The 6° parcel is checked in its own zone, EPSG:4499.
func TestAreasAgainstPostGIS(t *testing.T) {
	url := testdb.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	for _, p := range oracleParcels(t) {
		epsg := 4549
		if p.Code == "S6" {
			epsg = 4499
		}
		var pg float64
		if err := conn.QueryRow(ctx, "SELECT ST_Area(ST_Transform(ST_GeomFromText($1, 4490), $2::int))", wkt.MarshalString(p.Geometry), epsg).Scan(&pg); err != nil {
			t.Fatal(err)
		}
		if math.Abs(pg-p.AreaM2) > 1e-3 {
			t.Errorf("%s: PostGIS %.6f m², ReadTXT %.6f m²", p.Code, pg, p.AreaM2)
		}
		t.Logf("%s: PostGIS %.6f m², ReadTXT %.6f m², declared %.4f ha", p.Code, pg, p.AreaM2, p.DeclaredArea)
	}
}

// TestUnprojectAgainstCS2CS: every vertex ReadTXT unprojects agrees with
// PROJ's cs2cs (EPSG:4528 / 4549 / 4499 → EPSG:4490) to 1e-9° (≈ 0.1 mm).
func TestUnprojectAgainstCS2CS(t *testing.T) {
	if _, err := exec.LookPath("cs2cs"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("cs2cs (PROJ) is not installed and CI is set")
		}
		t.Skip("cs2cs (PROJ) not installed")
	}
	n := 0
	for _, p := range oracleParcels(t) {
		z := geo.Zone3(40)
		if p.Code == "S6" {
			z = geo.Zone{Width: 6, Number: 21, Prefix: true}
		}
		if p.Plane[0][0][0][0] < 1e6 { // easting without the zone prefix
			z.Prefix = false
		}
		var in bytes.Buffer
		var want []orb.Point
		for k, poly := range p.Plane {
			for j, r := range poly {
				for m, q := range r {
					fmt.Fprintf(&in, "%.3f %.3f\n", q[1], q[0]) // X (north), Y (east): EPSG axis order
					want = append(want, p.Geometry[k][j][m])
				}
			}
		}
		cmd := exec.Command("cs2cs", "-f", "%.12f", fmt.Sprintf("EPSG:%d", z.EPSG()), "EPSG:4490")
		cmd.Stdin = &in
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("cs2cs: %v", err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != len(want) {
			t.Fatalf("cs2cs gave %d lines for %d points", len(lines), len(want))
		}
		for i, l := range lines {
			fs := strings.Fields(l)
			lat, _ := strconv.ParseFloat(fs[0], 64)
			lon, _ := strconv.ParseFloat(fs[1], 64)
			if math.Abs(lon-want[i][0]) > 1e-9 || math.Abs(lat-want[i][1]) > 1e-9 {
				t.Errorf("%s vertex %d: cs2cs %.10f %.10f, ReadTXT %.10f %.10f", p.Code, i, lon, lat, want[i][0], want[i][1])
			}
			n++
		}
	}
	t.Logf("%d vertices agree with cs2cs", n)
}
