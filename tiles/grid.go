package tiles

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// MaxZoom is the deepest zoom the grid accepts (≈ 2 cm per tile unit at
// the equator); deeper requests are errors, not overzoom.
const MaxZoom = 24

// maxLat is the latitude where Web Mercator's square world ends.
var maxLat = 180 / math.Pi * math.Atan(math.Sinh(math.Pi))

// Tile is one tile of the XYZ grid: x grows east from the antimeridian, y
// grows south from the north edge (the "slippy map" scheme, not TMS).
type Tile struct {
	Z    int
	X, Y int
}

func (t Tile) String() string { return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y) }

// Valid reports whether the tile exists: 0 ≤ z ≤ MaxZoom, 0 ≤ x, y < 2^z.
func (t Tile) Valid() bool {
	if t.Z < 0 || t.Z > MaxZoom {
		return false
	}
	n := 1 << t.Z
	return t.X >= 0 && t.X < n && t.Y >= 0 && t.Y < n
}

// lon and lat of the grid line at fractional tile coordinates at zoom z.
func tileLon(x float64, z int) float64 { return x/float64(int64(1)<<z)*360 - 180 }

func tileLat(y float64, z int) float64 {
	n := math.Pi - 2*math.Pi*y/float64(int64(1)<<z)
	return 180 / math.Pi * math.Atan(math.Sinh(n))
}

// Bound is the tile's lon/lat box.
func (t Tile) Bound() orb.Bound {
	return orb.Bound{
		Min: orb.Point{tileLon(float64(t.X), t.Z), tileLat(float64(t.Y+1), t.Z)},
		Max: orb.Point{tileLon(float64(t.X+1), t.Z), tileLat(float64(t.Y), t.Z)},
	}
}

// BufferedBound is the tile's lon/lat box grown by buffer tile units of an
// extent-unit tile on every side: what a tile's features are clipped to,
// and so what a change must meet to make the tile stale.
func (t Tile) BufferedBound(extent, buffer int) orb.Bound {
	f := float64(buffer) / float64(extent)
	x0, x1 := float64(t.X)-f, float64(t.X+1)+f
	y0, y1 := float64(t.Y)-f, float64(t.Y+1)+f
	return orb.Bound{
		Min: orb.Point{tileLon(x0, t.Z), tileLat(y1, t.Z)},
		Max: orb.Point{tileLon(x1, t.Z), tileLat(y0, t.Z)},
	}
}

// fractional tile coordinates of a lon/lat point at zoom z (unclamped in x,
// latitude clamped to the Mercator square).
func tileXY(p orb.Point, z int) (x, y float64) {
	n := float64(int64(1) << z)
	lat := math.Max(-maxLat, math.Min(maxLat, p[1]))
	x = (p[0] + 180) / 360 * n
	φ := lat * math.Pi / 180
	y = (1 - math.Log(math.Tan(φ)+1/math.Cos(φ))/math.Pi) / 2 * n
	return x, y
}

// TileAt returns the tile at zoom z that contains the lon/lat point. A
// point on a grid line belongs to the tile east and south of it; points
// beyond the grid's edges are clamped into it.
func TileAt(p orb.Point, z int) Tile {
	x, y := tileXY(p, z)
	n := 1 << z
	return Tile{Z: z, X: clampInt(int(math.Floor(x)), 0, n-1), Y: clampInt(int(math.Floor(y)), 0, n-1)}
}

func clampInt(v, lo, hi int) int {
	return max(lo, min(hi, v))
}

// Cover returns the tiles at zoom z whose boxes meet b, in
// row-major order (north to south, west to east). b is clamped to the grid.
func Cover(b orb.Bound, z int) []Tile {
	lo := TileAt(orb.Point{b.Min[0], b.Max[1]}, z) // north-west
	hi := TileAt(orb.Point{b.Max[0], b.Min[1]}, z) // south-east
	// An edge of b lying exactly on a grid line follows TileAt: the tile
	// east or south of the line is in, the one west or north is not.
	out := make([]Tile, 0, (hi.X-lo.X+1)*(hi.Y-lo.Y+1))
	for y := lo.Y; y <= hi.Y; y++ {
		for x := lo.X; x <= hi.X; x++ {
			out = append(out, Tile{Z: z, X: x, Y: y})
		}
	}
	return out
}
