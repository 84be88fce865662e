package planning

import (
	"math"

	"github.com/paulmach/orb"
)

// spikeTolM is the distance (plane metres) under which a vertex counts as
// lying on the line through its neighbours. Overlay on coordinates that went
// through projection leaves zero-width spikes and hair-thin slivers along
// edges that are straight on paper (a hull edge through member corners); they
// add nothing to areas (< 0.1 mm wide) but would add phantom length to
// perimeters and shared boundaries. 0.1 mm is far below survey precision.
const spikeTolM = 1e-4

// clean removes spikes and collinear vertices from plane polygons and drops
// rings left with fewer than three vertices (and polygons without a shell).
func clean(g orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range g {
		var np orb.Polygon
		for j, r := range p {
			cr := cleanRing(r)
			if cr == nil {
				if j == 0 {
					break
				}
				continue
			}
			np = append(np, cr)
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

func cleanRing(r orb.Ring) orb.Ring {
	pts := make([]orb.Point, 0, len(r))
	for _, q := range r {
		if len(pts) == 0 || pts[len(pts)-1] != q {
			pts = append(pts, q)
		}
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	for changed := true; changed && len(pts) >= 3; {
		changed = false
		for i := 0; i < len(pts) && len(pts) >= 3; i++ {
			a, b, c := pts[(i+len(pts)-1)%len(pts)], pts[i], pts[(i+1)%len(pts)]
			if a == c || distToLine(b, a, c) < spikeTolM {
				pts = append(pts[:i], pts[i+1:]...)
				changed = true
				i--
			}
		}
	}
	if len(pts) < 3 {
		return nil
	}
	return append(orb.Ring(pts), pts[0])
}

// distToLine is the distance from p to the line through a and c, computed
// relative to a for precision with large (prefixed) eastings.
func distToLine(p, a, c orb.Point) float64 {
	dx, dy := c[0]-a[0], c[1]-a[1]
	px, py := p[0]-a[0], p[1]-a[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return math.Hypot(px, py)
	}
	return math.Abs(dx*py-dy*px) / l
}
