package storetest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Independent oracles for the fixtures: PROJ's cs2cs and GeographicLib's
// Planimeter (installed by scripts/pg-up). They check that the lon/lat
// geometries the suite sends really are the hand-computed plane rectangles
// in EPSG:4528 (CGCS2000 3° zone 40 with prefix), without trusting geo.

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (scripts/pg-up installs it)", name)
		}
		t.Skipf("%s not installed; run scripts/pg-up", name)
	}
	return p
}

// projArea projects g's vertices with cs2cs (lat lon → X Y in EPSG:4528) and
// returns the shoelace area: the cadastral area by PROJ.
func projArea(t *testing.T, cs2cs string, g orb.MultiPolygon) float64 {
	t.Helper()
	var in strings.Builder
	for _, p := range g {
		for _, r := range p {
			for _, pt := range r {
				fmt.Fprintf(&in, "%.12f %.12f\n", pt[1], pt[0])
			}
		}
	}
	cmd := exec.Command(cs2cs, "-d", "6", "EPSG:4490", "EPSG:4528")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	next := func() orb.Point {
		if !sc.Scan() {
			t.Fatalf("cs2cs: short output")
		}
		f := strings.Fields(sc.Text())
		x, err1 := strconv.ParseFloat(f[0], 64)
		y, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("cs2cs output %q", sc.Text())
		}
		return orb.Point{y - OriginE, x - OriginN} // east, north relative to the origin
	}
	var total float64
	for _, p := range g {
		for j, r := range p {
			pts := make([]orb.Point, len(r))
			for k := range r {
				pts[k] = next()
			}
			var s float64
			for k := 0; k+1 < len(pts); k++ {
				s += pts[k][0]*pts[k+1][1] - pts[k+1][0]*pts[k][1]
			}
			if s < 0 {
				s = -s
			}
			if j == 0 {
				total += s / 2
			} else {
				total -= s / 2
			}
		}
	}
	return total
}

func TestFixtureAreasAgainstPROJ(t *testing.T) {
	cs2cs := tool(t, "cs2cs")
	cases := []struct {
		name string
		g    orb.MultiPolygon
		want float64
	}{
		{"site A", rectOf(siteA), 8000},
		{"site B1", rectOf(siteB1), 900},
		{"site S", rectOf(siteS), 800},
		{"site O", rectOf(siteO), 800},
		{"full parcel with a hole", fullParcel().Geometry, fullParcelArea},
		{"zone piece Z", Rect(180, 60, 220, 90), 1200},
		{"reference square", refSquare(), 200000.0 / 3},
	}
	for _, c := range cases {
		// cs2cs prints 6 decimals (1 µm): the area holds to ~1e-3 m² on these sizes.
		got := projArea(t, cs2cs, c.g)
		t.Logf("%s: PROJ area %.6f m², hand %.6f", c.name, got, c.want)
		checkNear(t, c.name+" area by PROJ", got, c.want, 2e-3)
	}
}

func TestRefSquareAgainstPlanimeter(t *testing.T) {
	pl := tool(t, "Planimeter")
	var in strings.Builder
	r := refSquare()[0][0]
	for _, pt := range r[:len(r)-1] {
		fmt.Fprintf(&in, "%.12f %.12f\n", pt[1], pt[0])
	}
	cmd := exec.Command(pl, "-e", "6378137", "0.0033528106811836", "-p", "9")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Planimeter: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 3 {
		t.Fatalf("Planimeter output %q", out)
	}
	a, err := strconv.ParseFloat(f[2], 64)
	if err != nil {
		t.Fatalf("Planimeter area %q: %v", f[2], err)
	}
	checkNear(t, "reference square ellipsoidal area by Planimeter vs refSquareEllipsoidal", a, refSquareEllipsoidal, 1e-4)
}
