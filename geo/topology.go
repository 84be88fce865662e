package geo

import (
	"math"
	"math/big"
	"sort"

	"github.com/paulmach/orb"
)

// Exact predicates and segment tests for validation. The orientation test
// uses a floating-point filter (Shewchuk's orient2dfast error bound) and falls
// back to exact rational arithmetic when the sign is in doubt, so a vertex
// lying on an edge is recognised as such and not flip-flopped by rounding.

const epsilon = 1.1102230246251565e-16 // 2⁻⁵³

var ccwErrBound = (3 + 16*epsilon) * epsilon

// orient returns +1 when c lies left of a→b (counter-clockwise), −1 when
// right, 0 when collinear; exact.
func orient(a, b, c orb.Point) int {
	if c == a || c == b || a == b {
		return 0
	}
	bax, bay := b[0]-a[0], b[1]-a[1]
	cax, cay := c[0]-a[0], c[1]-a[1]
	if (bax == 0 || cay == 0) && (bay == 0 || cax == 0) {
		// Both products have an exactly zero factor (float subtraction
		// gives 0 only for equal operands), so the determinant is exactly
		// zero: the common case of edges sharing a vertex, answered
		// without the rational fallback.
		return 0
	}
	l := bax * cay
	r := bay * cax
	det := l - r
	bound := ccwErrBound * (math.Abs(l) + math.Abs(r))
	if det > bound {
		return 1
	}
	if det < -bound {
		return -1
	}
	return orientExact(a, b, c)
}

func orientExact(a, b, c orb.Point) int {
	r := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	ax, ay, bx, by, cx, cy := r(a[0]), r(a[1]), r(b[0]), r(b[1]), r(c[0]), r(c[1])
	l := new(big.Rat).Mul(new(big.Rat).Sub(bx, ax), new(big.Rat).Sub(cy, ay))
	rr := new(big.Rat).Mul(new(big.Rat).Sub(by, ay), new(big.Rat).Sub(cx, ax))
	return l.Cmp(rr)
}

type xKind int

const (
	xNone    xKind = iota
	xTouch         // segments meet at one point that is an endpoint of one of them
	xCross         // segments cross at an interior point of both
	xOverlap       // collinear segments share more than a point
)

// crossing is where two edges meet: ia and ib are the edges' start indexes.
type crossing struct {
	kind   xKind
	ia, ib int
	pt     orb.Point
}

func (x crossing) verb() string {
	switch x.kind {
	case xCross:
		return "crosses"
	case xOverlap:
		return "runs along"
	}
	return "touches"
}

// verbZH is the verb for "ring A <verb> ring B" in Chinese.
func (x crossing) verbZH() string {
	switch x.kind {
	case xCross:
		return "穿过"
	case xOverlap:
		return "部分重合于"
	}
	return "接触"
}

// selfVerbZH is the verb for "edge A and edge B <verb>" in Chinese.
func (x crossing) selfVerbZH() string {
	switch x.kind {
	case xCross:
		return "相交"
	case xOverlap:
		return "部分重合"
	}
	return "相接触"
}

// onSegment reports whether p, known to be collinear with a–b, lies within it.
func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// intersectSegments classifies how segments p1–p2 and q1–q2 meet.
func intersectSegments(p1, p2, q1, q2 orb.Point) (xKind, orb.Point) {
	if math.Max(p1[0], p2[0]) < math.Min(q1[0], q2[0]) || math.Max(q1[0], q2[0]) < math.Min(p1[0], p2[0]) ||
		math.Max(p1[1], p2[1]) < math.Min(q1[1], q2[1]) || math.Max(q1[1], q2[1]) < math.Min(p1[1], p2[1]) {
		return xNone, orb.Point{}
	}
	d1, d2 := orient(q1, q2, p1), orient(q1, q2, p2)
	d3, d4 := orient(p1, p2, q1), orient(p1, p2, q2)
	if d1 == 0 && d2 == 0 && d3 == 0 && d4 == 0 {
		// Collinear: compare along the dominant axis.
		ax := 0
		if math.Abs(p2[1]-p1[1])+math.Abs(q2[1]-q1[1]) > math.Abs(p2[0]-p1[0])+math.Abs(q2[0]-q1[0]) {
			ax = 1
		}
		pl, ph := p1, p2
		if pl[ax] > ph[ax] {
			pl, ph = ph, pl
		}
		ql, qh := q1, q2
		if ql[ax] > qh[ax] {
			ql, qh = qh, ql
		}
		lo, hi := pl, ph
		if ql[ax] > lo[ax] {
			lo = ql
		}
		if qh[ax] < hi[ax] {
			hi = qh
		}
		switch {
		case lo[ax] < hi[ax]:
			return xOverlap, lo
		case lo[ax] == hi[ax]:
			return xTouch, lo
		}
		return xNone, orb.Point{}
	}
	if d1*d2 < 0 && d3*d4 < 0 {
		return xCross, crossPoint(p1, p2, q1, q2)
	}
	switch {
	case d1 == 0 && onSegment(q1, q2, p1):
		return xTouch, p1
	case d2 == 0 && onSegment(q1, q2, p2):
		return xTouch, p2
	case d3 == 0 && onSegment(p1, p2, q1):
		return xTouch, q1
	case d4 == 0 && onSegment(p1, p2, q2):
		return xTouch, q2
	}
	return xNone, orb.Point{}
}

// crossPoint computes the crossing of two properly crossing segments,
// relative to p1 for precision.
func crossPoint(p1, p2, q1, q2 orb.Point) orb.Point {
	rx, ry := p2[0]-p1[0], p2[1]-p1[1]
	sx, sy := q2[0]-q1[0], q2[1]-q1[1]
	qx, qy := q1[0]-p1[0], q1[1]-p1[1]
	den := rx*sy - ry*sx
	t := (qx*sy - qy*sx) / den
	t = math.Max(0, math.Min(1, t))
	return orb.Point{p1[0] + t*rx, p1[1] + t*ry}
}

type sweepSeg struct {
	ring, k                int // which ring (0 or 1) and the edge's start index
	a, b                   orb.Point
	minX, maxX, minY, maxY float64
}

func ringSegs(pts []orb.Point, ring int, out []sweepSeg) []sweepSeg {
	m := len(pts)
	for k := 0; k < m; k++ {
		a, b := pts[k], pts[(k+1)%m]
		s := sweepSeg{ring: ring, k: k, a: a, b: b, minX: a[0], maxX: b[0], minY: a[1], maxY: b[1]}
		if s.minX > s.maxX {
			s.minX, s.maxX = s.maxX, s.minX
		}
		if s.minY > s.maxY {
			s.minY, s.maxY = s.maxY, s.minY
		}
		out = append(out, s)
	}
	return out
}

// sweepPairs calls fn for every pair of segments whose bounding boxes
// overlap, in a sort-by-minX sweep; fn returns false to stop.
func sweepPairs(segs []sweepSeg, fn func(s, t sweepSeg) bool) {
	sort.Slice(segs, func(i, j int) bool { return segs[i].minX < segs[j].minX })
	for i := range segs {
		s := &segs[i]
		for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
			t := &segs[j]
			if t.maxY < s.minY || t.minY > s.maxY {
				continue
			}
			if !fn(*s, *t) {
				return
			}
		}
	}
}

// firstSelfIntersection finds where a ring (distinct consecutive vertices,
// implicitly closed) meets itself, other than adjacent edges sharing their
// common vertex. Of several, the one with the lowest edge indexes is given so
// the answer does not depend on the sweep order.
func firstSelfIntersection(pts []orb.Point) (crossing, bool) {
	m := len(pts)
	segs := ringSegs(pts, 0, make([]sweepSeg, 0, m))
	best := crossing{ia: math.MaxInt}
	sweepPairs(segs, func(s, t sweepSeg) bool {
		if s.k > t.k {
			s, t = t, s
		}
		kind, pt := intersectSegments(s.a, s.b, t.a, t.b)
		if kind == xNone {
			return true
		}
		adjacent := t.k == s.k+1 || (s.k == 0 && t.k == m-1)
		if adjacent && kind != xOverlap {
			return true // they share a vertex, nothing more
		}
		if s.k < best.ia || (s.k == best.ia && t.k < best.ib) {
			best = crossing{kind: kind, ia: s.k, ib: t.k, pt: pt}
		}
		return true
	})
	return best, best.kind != xNone
}

// ringsConflict reports where two distinct valid rings cross or run along
// each other; otherwise it returns the distinct points where they touch,
// for the interior-connectivity check (touchCycle).
func ringsConflict(a, b ringInfo) (crossing, bool, []crossing) {
	segs := ringSegs(a.pts, 0, make([]sweepSeg, 0, len(a.pts)+len(b.pts)))
	segs = ringSegs(b.pts, 1, segs)
	var found crossing
	var touches []crossing
	sweepPairs(segs, func(s, t sweepSeg) bool {
		if s.ring == t.ring {
			return true
		}
		if s.ring == 1 {
			s, t = t, s
		}
		kind, pt := intersectSegments(s.a, s.b, t.a, t.b)
		switch kind {
		case xNone:
			return true
		case xTouch:
			for _, u := range touches {
				if u.pt == pt {
					return true
				}
			}
			touches = append(touches, crossing{kind: xTouch, ia: s.k, ib: t.k, pt: pt})
			return true
		}
		found = crossing{kind: kind, ia: s.k, ib: t.k, pt: pt}
		return false
	})
	if found.kind != xNone {
		return found, true, nil
	}
	return crossing{}, false, touches
}

// touchGraph finds where rings touching at points cut a polygon's interior
// in two. Rings and touch points are the nodes of a bipartite graph, a ring
// linked to each point where it touches another ring; the interior is
// disconnected exactly when that graph has a cycle (a hole touching the
// shell twice, or a chain of holes from the shell back to it).
type touchGraph struct {
	parent []int
	point  map[orb.Point]int
	edge   map[[2]int]bool
}

func newTouchGraph(rings int) *touchGraph {
	g := &touchGraph{point: map[orb.Point]int{}, edge: map[[2]int]bool{}}
	for i := 0; i < rings; i++ {
		g.parent = append(g.parent, i)
	}
	return g
}

func (g *touchGraph) find(x int) int {
	for g.parent[x] != x {
		g.parent[x] = g.parent[g.parent[x]]
		x = g.parent[x]
	}
	return x
}

// add links ring r to touch point p; it reports false when the link closes
// a cycle.
func (g *touchGraph) add(r int, p orb.Point) bool {
	id, ok := g.point[p]
	if !ok {
		id = len(g.parent)
		g.parent = append(g.parent, id)
		g.point[p] = id
	}
	if g.edge[[2]int{r, id}] {
		return true
	}
	g.edge[[2]int{r, id}] = true
	a, b := g.find(r), g.find(id)
	if a == b {
		return false
	}
	g.parent[a] = b
	return true
}

type location int

const (
	onBoundary location = iota
	inside
	outside
)

// locate places p against a ring (distinct vertices, implicitly closed) by
// its winding number, with exact orientation tests.
func locate(p orb.Point, pts []orb.Point) location {
	wn := 0
	m := len(pts)
	for k := 0; k < m; k++ {
		a, b := pts[k], pts[(k+1)%m]
		if a[1] <= p[1] {
			if b[1] > p[1] {
				if o := orient(a, b, p); o > 0 {
					wn++
				} else if o == 0 {
					return onBoundary
				}
			} else if b[1] == p[1] && onSegment(a, b, p) {
				return onBoundary
			}
		} else {
			if b[1] <= p[1] {
				if o := orient(a, b, p); o < 0 {
					wn--
				} else if o == 0 {
					return onBoundary
				}
			}
		}
	}
	if wn != 0 {
		return inside
	}
	return outside
}

// ringInsideRing decides whether ring h lies inside or outside ring s, given
// that they neither cross nor overlap: the first vertex (or, failing that,
// edge midpoint) of h not on s's boundary decides. k is the index of that
// vertex or edge start in h.pts.
func ringInsideRing(h, s ringInfo) (orb.Point, int, location) {
	for k, p := range h.pts {
		if l := locate(p, s.pts); l != onBoundary {
			return p, k, l
		}
	}
	m := len(h.pts)
	for k := 0; k < m; k++ {
		a, b := h.pts[k], h.pts[(k+1)%m]
		p := orb.Point{a[0] + (b[0]-a[0])/2, a[1] + (b[1]-a[1])/2}
		if l := locate(p, s.pts); l != onBoundary {
			return p, k, l
		}
	}
	return h.pts[0], 0, onBoundary
}
