package geo

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// MakeValid repairs self-intersecting and otherwise tangled polygons. It is
// an explicit operation, used only when a person asks for it, because it
// changes the shape: a bow-tie becomes two triangles.
//
// It follows PostGIS ST_MakeValid(g, 'method=structure'): each ring is split
// at its self-intersections into simple loops and made valid by the even-odd
// rule (loops combined by symmetric difference); each polygon is its shell
// minus the union of its holes, so a hole never adds land, even where it
// pokes out of the shell (an island inside a hole is dropped, as in PostGIS:
// give islands as polygons of their own); the polygons of a multipolygon
// are unioned. Repeated vertices and orientation are fixed on the way,
// unclosed rings are closed, degenerate rings (fewer than 3 distinct
// vertices, or no area) are dropped. NaN/Inf cannot be repaired: error.
func MakeValid(g orb.MultiPolygon) (_ orb.MultiPolygon, err error) {
	defer guard("make valid", &err)
	var parts []sf.Geometry
	for i, p := range g {
		var shell sf.Geometry
		var holes []sf.Geometry
		for j, r := range p {
			for k, pt := range r {
				if !finite(pt) {
					en, _ := where(i, j, k)
					return nil, fmt.Errorf("geo: make valid: %s is (%v, %v); fix the coordinate first", en, pt[0], pt[1])
				}
			}
			area, err := evenOddRing(r)
			if err != nil {
				return nil, err
			}
			switch {
			case area.IsEmpty():
			case j == 0:
				shell = area
			default:
				holes = append(holes, area)
			}
		}
		if shell.IsEmpty() {
			continue
		}
		if len(holes) > 0 {
			h, err := unionSF(holes)
			if err != nil {
				return nil, err
			}
			if shell, err = sf.Difference(shell, h); err != nil {
				return nil, wrapOverlay(err, "make valid")
			}
		}
		if !shell.IsEmpty() {
			parts = append(parts, shell)
		}
	}
	if len(parts) == 0 {
		return nil, errors.New("geo: make valid: nothing with an area is left")
	}
	u, err := unionSF(parts)
	if err != nil {
		return nil, err
	}
	out := fromSF(u)
	if len(out) == 0 {
		return nil, errors.New("geo: make valid: nothing with an area is left")
	}
	if probs := Validate(out); len(probs) > 0 {
		return nil, fmt.Errorf("geo: make valid: result still invalid: %s", probs[0].Message)
	}
	return out, nil
}

// evenOddRing is the area a ring encloses by the even-odd rule, as a valid
// simplefeatures geometry (empty when it encloses nothing).
func evenOddRing(r orb.Ring) (sf.Geometry, error) {
	var acc sf.Geometry
	for _, loop := range splitLoops(nodeRing(distinctRing(r))) {
		lp, ok := ringToSF(orientRing(closeRing(loop), true))
		if !ok {
			continue
		}
		lg := sf.NewPolygon([]sf.LineString{lp}).AsGeometry()
		if acc.IsEmpty() {
			acc = lg
			continue
		}
		x, err := sf.SymmetricDifference(acc, lg)
		if err != nil {
			return sf.Geometry{}, wrapOverlay(err, "make valid")
		}
		acc = x
	}
	return acc, nil
}

// distinctRing drops consecutive duplicates and the closing vertex.
func distinctRing(r orb.Ring) []orb.Point {
	var pts []orb.Point
	for k, pt := range r {
		if k > 0 && pt == r[k-1] {
			continue
		}
		pts = append(pts, pt)
	}
	if m := len(pts); m > 1 && pts[0] == pts[m-1] {
		pts = pts[:m-1]
	}
	return pts
}

// nodeRing inserts every point where the ring meets itself as a vertex of
// each edge involved (the same computed point in both), so that afterwards
// the ring meets itself only at shared vertices.
func nodeRing(pts []orb.Point) []orb.Point {
	m := len(pts)
	if m < 3 {
		return pts
	}
	type cut struct {
		t  float64
		pt orb.Point
	}
	cuts := make([][]cut, m)
	addCut := func(k int, pt orb.Point) {
		a, b := pts[k], pts[(k+1)%m]
		if pt == a || pt == b {
			return
		}
		dx, dy := b[0]-a[0], b[1]-a[1]
		t := ((pt[0]-a[0])*dx + (pt[1]-a[1])*dy) / (dx*dx + dy*dy)
		cuts[k] = append(cuts[k], cut{t, pt})
	}
	segs := ringSegs(pts, 0, make([]sweepSeg, 0, m))
	sweepPairs(segs, func(s, t sweepSeg) bool {
		kind, pt := intersectSegments(s.a, s.b, t.a, t.b)
		switch kind {
		case xCross, xTouch:
			addCut(s.k, pt)
			addCut(t.k, pt)
		case xOverlap:
			// Cut each at the other's endpoints that lie on it.
			for _, q := range [2]orb.Point{t.a, t.b} {
				if orient(s.a, s.b, q) == 0 && onSegment(s.a, s.b, q) {
					addCut(s.k, q)
				}
			}
			for _, q := range [2]orb.Point{s.a, s.b} {
				if orient(t.a, t.b, q) == 0 && onSegment(t.a, t.b, q) {
					addCut(t.k, q)
				}
			}
		}
		return true
	})
	out := make([]orb.Point, 0, m)
	for k := 0; k < m; k++ {
		out = append(out, pts[k])
		c := cuts[k]
		sort.Slice(c, func(i, j int) bool { return c[i].t < c[j].t })
		for _, x := range c {
			if x.pt != out[len(out)-1] {
				out = append(out, x.pt)
			}
		}
	}
	if len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}

// splitLoops cuts a noded ring into simple loops at its repeated vertices:
// walking the ring, whenever a vertex already on the path comes back, the
// path since then is a loop. Loops with fewer than 3 distinct vertices or no
// area (spikes, back-and-forth edges) are dropped.
func splitLoops(pts []orb.Point) []orb.Ring {
	var loops []orb.Ring
	var path []orb.Point
	pos := map[orb.Point]int{}
	emit := func(loop []orb.Point) {
		if len(loop) < 3 {
			return
		}
		r := make(orb.Ring, len(loop))
		copy(r, loop)
		if a := ringSignedArea(loop); a == 0 || math.IsNaN(a) {
			return
		}
		loops = append(loops, r)
	}
	for _, p := range pts {
		if k, ok := pos[p]; ok {
			emit(path[k:])
			for _, q := range path[k+1:] {
				delete(pos, q)
			}
			path = path[:k+1]
			continue
		}
		pos[p] = len(path)
		path = append(path, p)
	}
	emit(path)
	return loops
}
