package tiles_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"landplan/tiles"
)

// needTool returns an oracle tool's path; without it the test skips, except
// under CI, where a missing oracle is a failure (scripts/pg-up installs
// gdal-bin and proj-bin).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found and CI is set", name)
		}
		t.Skipf("%s not found", name)
	}
	return p
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// Hand values: the world tile, the quadrants of zoom 1 and the Mercator
// latitude limit atan(sinh π) = 85.0511287798066°.
func TestTileBoundHandValues(t *testing.T) {
	const lim = 85.0511287798066
	cases := []struct {
		t                      tiles.Tile
		minLon, minLat, maxLon float64
		maxLat                 float64
	}{
		{tiles.Tile{Z: 0}, -180, -lim, 180, lim},
		{tiles.Tile{Z: 1, X: 0, Y: 0}, -180, 0, 0, lim},
		{tiles.Tile{Z: 1, X: 1, Y: 1}, 0, -lim, 180, 0},
		// y = 1/4 of the world is latitude atan(sinh(π/2)) = 66.51326044311186°.
		{tiles.Tile{Z: 2, X: 2, Y: 1}, 0, 0, 90, 66.51326044311186},
	}
	for _, c := range cases {
		b := c.t.Bound()
		if !near(b.Min[0], c.minLon, 1e-12) || !near(b.Min[1], c.minLat, 1e-12) || !near(b.Max[0], c.maxLon, 1e-12) || !near(b.Max[1], c.maxLat, 1e-12) {
			t.Errorf("%v.Bound() = %v, want (%v %v)-(%v %v)", c.t, b, c.minLon, c.minLat, c.maxLon, c.maxLat)
		}
	}
}

// TestTileAtAgainstPROJ projects points to EPSG:3857 with cs2cs (PROJ) and
// derives the tile from the metres: an implementation independent of ours.
func TestTileAtAgainstPROJ(t *testing.T) {
	cs2cs := needTool(t, "cs2cs")
	pts := []orb.Point{{121.1, 28.85}, {121.4567, 28.6543}, {-73.9857, 40.7484}, {151.2093, -33.8688}, {0.0001, 0.0001}}
	var in strings.Builder
	for _, p := range pts {
		fmt.Fprintf(&in, "%.10f %.10f\n", p[1], p[0]) // EPSG:4326 is lat, lon
	}
	cmd := exec.Command(cs2cs, "-f", "%.6f", "EPSG:4326", "EPSG:3857")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(pts) {
		t.Fatalf("cs2cs gave %d lines for %d points", len(lines), len(pts))
	}
	const half = 20037508.342789244 // π · 6378137
	for i, line := range lines {
		var mx, my float64
		if _, err := fmt.Sscan(line, &mx, &my); err != nil {
			t.Fatalf("cs2cs line %q: %v", line, err)
		}
		for _, z := range []int{0, 5, 12, 14, 18, 22} {
			size := 2 * half / float64(int(1)<<z)
			want := tiles.Tile{Z: z, X: int(math.Floor((mx + half) / size)), Y: int(math.Floor((half - my) / size))}
			if got := tiles.TileAt(pts[i], z); got != want {
				t.Errorf("TileAt(%v, %d) = %v, PROJ says %v", pts[i], z, got, want)
			}
		}
	}
	// The demo area's tile at zoom 14, by hand from the formulas:
	// x = ⌊(121.1+180)/360·2^14⌋ = 13703, y = ⌊(1 − ln(tan φ + sec φ)/π)/2·2^14⌋ = 6819.
	if got := tiles.TileAt(orb.Point{121.1, 28.85}, 14); got != (tiles.Tile{Z: 14, X: 13703, Y: 6819}) {
		t.Errorf("TileAt(121.1, 28.85, 14) = %v, want 14/13703/6819", got)
	}
}

func TestTileRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		z := rng.IntN(tiles.MaxZoom + 1)
		n := 1 << z
		tl := tiles.Tile{Z: z, X: rng.IntN(n), Y: rng.IntN(n)}
		if !tl.Valid() {
			t.Fatalf("%v not valid", tl)
		}
		b := tl.Bound()
		if got := tiles.TileAt(b.Center(), z); got != tl {
			t.Fatalf("TileAt(centre of %v) = %v", tl, got)
		}
		// orb's maptile is a second implementation of the same grid.
		if ob := maptile.New(uint32(tl.X), uint32(tl.Y), maptile.Zoom(z)).Bound(); !near(ob.Min[0], b.Min[0], 1e-9) || !near(ob.Max[1], b.Max[1], 1e-9) || !near(ob.Min[1], b.Min[1], 1e-9) {
			t.Fatalf("%v: bound %v, orb/maptile %v", tl, b, ob)
		}
		// Neighbours share their edges exactly.
		if tl.X+1 < n {
			if e := (tiles.Tile{Z: z, X: tl.X + 1, Y: tl.Y}).Bound(); e.Min[0] != b.Max[0] {
				t.Fatalf("%v east edge %v ≠ neighbour's west edge %v", tl, b.Max[0], e.Min[0])
			}
		}
		if tl.Y+1 < n {
			if s := (tiles.Tile{Z: z, X: tl.X, Y: tl.Y + 1}).Bound(); s.Max[1] != b.Min[1] {
				t.Fatalf("%v south edge %v ≠ neighbour's north edge %v", tl, b.Min[1], s.Max[1])
			}
		}
		// A random point maps to a tile whose box holds it.
		p := orb.Point{rng.Float64()*360 - 180, rng.Float64()*170 - 85}
		if !tiles.TileAt(p, z).Bound().Contains(p) {
			t.Fatalf("TileAt(%v, %d) = %v does not contain the point", p, z, tiles.TileAt(p, z))
		}
	}
}

func TestTileValid(t *testing.T) {
	for _, c := range []struct {
		t  tiles.Tile
		ok bool
	}{
		{tiles.Tile{Z: 0}, true}, {tiles.Tile{Z: 0, X: 1}, false}, {tiles.Tile{Z: 3, X: 7, Y: 7}, true},
		{tiles.Tile{Z: 3, X: 8, Y: 0}, false}, {tiles.Tile{Z: 3, X: -1}, false}, {tiles.Tile{Z: -1}, false},
		{tiles.Tile{Z: 24, X: 1<<24 - 1, Y: 0}, true}, {tiles.Tile{Z: 25}, false},
	} {
		if got := c.t.Valid(); got != c.ok {
			t.Errorf("%v.Valid() = %v, want %v", c.t, got, c.ok)
		}
	}
}

func TestCover(t *testing.T) {
	// A box inside one zoom-14 tile is that tile only.
	tl := tiles.Tile{Z: 14, X: 13703, Y: 6819}
	b := tl.Bound()
	in := orb.Bound{Min: orb.Point{b.Min[0] + 1e-6, b.Min[1] + 1e-6}, Max: orb.Point{b.Max[0] - 1e-6, b.Max[1] - 1e-6}}
	if got := tiles.Cover(in, 14); len(got) != 1 || got[0] != tl {
		t.Errorf("Cover(inside %v) = %v", tl, got)
	}
	// A box from the middle of 13703/6819 to the middle of 13705/6820: 3 × 2 tiles, row-major.
	c0 := tl.Bound().Center()
	c1 := tiles.Tile{Z: 14, X: 13705, Y: 6820}.Bound().Center()
	got := tiles.Cover(orb.Bound{Min: orb.Point{c0[0], c1[1]}, Max: orb.Point{c1[0], c0[1]}}, 14)
	want := []tiles.Tile{{14, 13703, 6819}, {14, 13704, 6819}, {14, 13705, 6819}, {14, 13703, 6820}, {14, 13704, 6820}, {14, 13705, 6820}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Cover = %v, want %v", got, want)
	}
	// The whole world at zoom 2 is 16 tiles.
	if n := len(tiles.Cover(orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}, 2)); n != 16 {
		t.Errorf("Cover(world, 2) has %d tiles", n)
	}
}

// BufferedBound grows the tile by exactly buffer/extent of a tile in
// Mercator units: the neighbour's tile holds 64/4096 of it.
func TestBufferedBound(t *testing.T) {
	tl := tiles.Tile{Z: 14, X: 13703, Y: 6819}
	b, bb := tl.Bound(), tl.BufferedBound(4096, 64)
	if !bb.Contains(b.Min) || !bb.Contains(b.Max) {
		t.Fatalf("buffered %v does not contain %v", bb, b)
	}
	w := b.Max[0] - b.Min[0]
	if !near(b.Min[0]-bb.Min[0], w*64/4096, 1e-12) || !near(bb.Max[0]-b.Max[0], w*64/4096, 1e-12) {
		t.Errorf("buffer in lon: %v, %v; want %v", b.Min[0]-bb.Min[0], bb.Max[0]-b.Max[0], w*64/4096)
	}
	// In latitude the buffer follows Mercator: the north buffer edge is the
	// north edge of a tile shifted up by 1/64.
	north := tiles.Tile{Z: 20, X: 13703 << 6, Y: 6819<<6 - 1}.Bound() // the zoom-20 tile just above
	if !near(bb.Max[1], north.Max[1], 1e-12) {
		t.Errorf("buffered north edge %v, want %v", bb.Max[1], north.Max[1])
	}
}
