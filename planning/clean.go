package planning

import (
	"math"

	"github.com/paulmach/orb"

	"landplan/geo"
)

// tidy returns g unchanged when it is valid, else geo.MakeValid(g). Overlay
// on projected coordinates can join two pockets by a zero-width bridge along
// a straight edge (valid to the overlay, self-touching to geo.Validate);
// MakeValid splits them so later overlay and measurement see clean polygons.
//
// geo.Validate is superlinear in the vertex count (≈230 ms for a 4000-vertex
// street network between 500 real parcels), so polygons above
// tidyMaxVertices are left as they are here; overlay on them is retried
// through tidyAll if it fails.
func tidy(g orb.MultiPolygon) (orb.MultiPolygon, error) {
	if vertices(g) > tidyMaxVertices || len(geo.Validate(g)) == 0 {
		return g, nil
	}
	return geo.MakeValid(g)
}

const tidyMaxVertices = 1000

func vertices(g orb.MultiPolygon) int {
	n := 0
	for _, p := range g {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// forceTidy is tidy without the size limit.
func forceTidy(g orb.MultiPolygon) (orb.MultiPolygon, error) {
	if len(geo.Validate(g)) == 0 {
		return g, nil
	}
	return geo.MakeValid(g)
}

// unionRobust is geo.Union, retried with every input made valid when the
// overlay rejects near-degenerate input.
func unionRobust(gs ...orb.MultiPolygon) (orb.MultiPolygon, error) {
	u, err := geo.Union(gs...)
	if err == nil {
		return u, nil
	}
	fixed := make([]orb.MultiPolygon, len(gs))
	for i, g := range gs {
		f, ferr := forceTidy(g)
		if ferr != nil {
			return nil, err
		}
		fixed[i] = f
	}
	return geo.Union(fixed...)
}

// spikeTolM is the distance (plane metres) under which a vertex counts as
// lying on the line through its neighbours. Overlay on coordinates that went
// through projection leaves zero-width spikes and hair-thin slivers along
// edges that are straight on paper (a hull edge through member corners); they
// add nothing to areas (< 0.1 mm wide) but would add phantom length to
// perimeters and shared boundaries. 0.1 mm is far below survey precision.
const spikeTolM = 1e-4

// clean removes zero-width spikes from plane polygons and drops
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
			// A spike: the ring runs out to b and straight back. Plain
			// collinear vertices stay: they may be nodes other rings share.
			back := (b[0]-a[0])*(c[0]-b[0])+(b[1]-a[1])*(c[1]-b[1]) < 0
			if a == c || (back && distToLine(b, a, c) < spikeTolM) {
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

// snapGridM is the grid (plane metres) detected gaps are snapped to before
// they are validated: a bridge a nanometre wide between two pockets becomes a
// zero-width touch that geo.Validate sees and geo.MakeValid splits, instead of
// a near-degenerate polygon that later overlay cannot node. 1 µm changes an
// area by at most perimeter × 1 µm.
const snapGridM = 1e-6

func snap(g orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(g))
	for i, p := range g {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, len(r))
			for k, q := range r {
				nr[k] = orb.Point{math.Round(q[0]/snapGridM) * snapGridM, math.Round(q[1]/snapGridM) * snapGridM}
			}
			out[i][j] = nr
		}
	}
	return out
}
