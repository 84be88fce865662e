package planning

import (
	"math"

	"github.com/paulmach/orb"

	"landplan/geo"
)

// The footprint area of a site is area((∪ footprints) ∩ site). Most sites
// have buildings that lie inside the parcel and do not overlap one another;
// then the answer is simply the sum of their areas, and the overlay (the
// dominant cost of indicators) can be skipped. simpleSum decides that with
// segment tests and point-in-polygon, conservatively: anything that touches,
// crosses or nests — within a small tolerance — falls back to overlay.

// nearEps is the distance (plane metres) within which two boundaries count as
// touching for the fast path; it only decides which path runs, never a result.
const nearEps = 1e-6

// simpleSum returns Σ area(fp) and true when every footprint lies strictly
// inside the site and no two footprints meet. A site with holes always defers
// to overlay: a footprint may surround a hole without crossing its ring, and
// then its area includes land that is not site.
func simpleSum(fps []orb.MultiPolygon, site orb.MultiPolygon) (float64, bool) {
	for _, p := range site {
		if len(p) > 1 {
			return 0, false
		}
	}
	sb := site.Bound()
	o := sb.Min // work relative to a local origin: prefixed eastings lose precision
	siteSegs := segs(site, o)
	var sum float64
	for i, f := range fps {
		fb := f.Bound()
		if !inside(fb, sb) {
			return 0, false
		}
		fs := segs(f, o)
		if anyCross(fs, siteSegs) {
			return 0, false
		}
		if !pointInMulti(sub(f[0][0][0], o), site, o) {
			return 0, false // outside the site (or in a hole): let overlay decide
		}
		for j := 0; j < i; j++ {
			if !fps[j].Bound().Intersects(fb) {
				continue
			}
			gs := segs(fps[j], o)
			if anyCross(fs, gs) || pointInMulti(sub(f[0][0][0], o), fps[j], o) || pointInMulti(sub(fps[j][0][0][0], o), f, o) {
				return 0, false
			}
		}
		sum += geo.PlaneArea(f)
	}
	return sum, true
}

func inside(a, b orb.Bound) bool {
	return a.Min[0] >= b.Min[0] && a.Min[1] >= b.Min[1] && a.Max[0] <= b.Max[0] && a.Max[1] <= b.Max[1]
}

type seg struct{ a, b orb.Point }

func sub(p, o orb.Point) orb.Point { return orb.Point{p[0] - o[0], p[1] - o[1]} }

func segs(g orb.MultiPolygon, o orb.Point) []seg {
	var out []seg
	for _, p := range g {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				out = append(out, seg{sub(r[i], o), sub(r[i+1], o)})
			}
			if n := len(r); n > 1 && r[0] != r[n-1] {
				out = append(out, seg{sub(r[n-1], o), sub(r[0], o)})
			}
		}
	}
	return out
}

// anyCross reports whether any segment of a comes within nearEps of any of b.
func anyCross(a, b []seg) bool {
	for _, s := range a {
		for _, t := range b {
			if segsNear(s, t) {
				return true
			}
		}
	}
	return false
}

func segsNear(s, t seg) bool {
	// Bounding boxes padded by nearEps first.
	if max(s.a[0], s.b[0])+nearEps < min(t.a[0], t.b[0]) || max(t.a[0], t.b[0])+nearEps < min(s.a[0], s.b[0]) ||
		max(s.a[1], s.b[1])+nearEps < min(t.a[1], t.b[1]) || max(t.a[1], t.b[1])+nearEps < min(s.a[1], s.b[1]) {
		return false
	}
	d1, d2 := cross(t.a, t.b, s.a), cross(t.a, t.b, s.b)
	d3, d4 := cross(s.a, s.b, t.a), cross(s.a, s.b, t.b)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true // proper crossing
	}
	// Otherwise near only if an endpoint lies within nearEps of the other segment.
	return segDist(s.a, t) <= nearEps || segDist(s.b, t) <= nearEps || segDist(t.a, s) <= nearEps || segDist(t.b, s) <= nearEps
}

func cross(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func segDist(p orb.Point, s seg) float64 {
	dx, dy := s.b[0]-s.a[0], s.b[1]-s.a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = ((p[0]-s.a[0])*dx + (p[1]-s.a[1])*dy) / l2
		t = max(0, min(1, t))
	}
	return math.Hypot(s.a[0]+t*dx-p[0], s.a[1]+t*dy-p[1])
}

// pointInMulti reports whether p (relative to o) is inside g (even-odd over
// all rings, so holes count).
func pointInMulti(p orb.Point, g orb.MultiPolygon, o orb.Point) bool {
	in := false
	for _, pl := range g {
		for _, r := range pl {
			n := len(r)
			for i, j := 0, n-1; i < n; j, i = i, i+1 {
				a, b := sub(r[i], o), sub(r[j], o)
				if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
					in = !in
				}
			}
		}
	}
	return in
}
