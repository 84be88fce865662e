package tiles_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"landplan/tiles"
)

// FuzzTileGeometry feeds arbitrary rings (vertices as int16 pairs in tile
// units around a zoom-16 tile, so they reach past its buffer) through the
// encoder's geometry path: it must not panic, and what it returns must be
// what MVT needs — closed rings of integer vertices inside the buffered
// tile, at least 4 positions, exteriors positive and holes negative, with
// no repeated consecutive vertex.
func FuzzTileGeometry(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 16, 0, 0, 0, 16, 0, 16, 0, 0, 0, 16}, uint8(0))
	f.Add([]byte{0, 0, 0, 0, 255, 127, 255, 127, 0, 0, 255, 127, 255, 127, 0, 0, 1, 0, 1, 0}, uint8(3))
	f.Add([]byte{10, 0, 10, 0, 11, 0, 10, 0, 11, 0, 11, 0, 10, 0, 11, 0, 200, 1, 100, 2, 50, 3}, uint8(5))
	tl := tiles.TileAt(orb.Point{121.15, 28.85}, 16)
	b := tl.Bound()
	u := [2]float64{(b.Max[0] - b.Min[0]) / 4096, (b.Max[1] - b.Min[1]) / 4096}
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		var pts []orb.Point
		for i := 0; i+4 <= len(data) && len(pts) < 200; i += 4 {
			x := float64(int16(binary.LittleEndian.Uint16(data[i:]))) / 4
			y := float64(int16(binary.LittleEndian.Uint16(data[i+2:]))) / 4
			// Tile units → lon/lat (y down; linear in latitude is close
			// enough at this zoom for a fuzz input).
			pts = append(pts, orb.Point{b.Min[0] + x*u[0], b.Max[1] - y*u[1]})
		}
		if len(pts) < 3 {
			return
		}
		// Optionally a second ring (a hole, or nonsense) from the tail.
		var poly orb.Polygon
		k := int(split) % len(pts)
		if k >= 3 && len(pts)-k >= 3 {
			poly = orb.Polygon{closeRing(pts[:k]), closeRing(pts[k:])}
		} else {
			poly = orb.Polygon{closeRing(pts)}
		}
		g := tiles.TileGeometry(orb.MultiPolygon{poly}, tl, tiles.DefaultOptions)
		for _, p := range g {
			for ri, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("ring %d of %v: not a closed ring of ≥ 4 positions", ri, r)
				}
				area := 0.0
				for i, q := range r {
					if q[0] != math.Trunc(q[0]) || q[1] != math.Trunc(q[1]) || q[0] < -64 || q[0] > 4160 || q[1] < -64 || q[1] > 4160 {
						t.Fatalf("vertex %v not an integer inside the buffered tile", q)
					}
					if i > 0 && q == r[i-1] {
						t.Fatalf("repeated vertex %v in %v", q, r)
					}
					if i+1 < len(r) {
						area += q[0]*r[i+1][1] - r[i+1][0]*q[1]
					}
				}
				if (ri == 0) != (area > 0) || area == 0 {
					t.Fatalf("ring %d has area %v: exteriors must be positive, holes negative", ri, area/2)
				}
			}
		}
	})
}

func closeRing(ps []orb.Point) orb.Ring {
	r := append(orb.Ring{}, ps...)
	return append(r, ps[0])
}
