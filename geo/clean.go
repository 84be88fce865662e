package geo

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"
)

// Overlay in floating point leaves, and on re-input is tripped up by,
// features narrower than the overlay library's node-merging distance: rings
// of (near) zero area along a straight edge, zero-width spikes, and pockets
// joined by a bridge a nanometre wide. simplefeatures merges nodes closer
// than about 512 ulps of the largest coordinate (3.8 µm at the prefixed
// eastings of 3° zones, 6e-11 m for coordinates near 1 km), so such a
// feature can collapse inside the next overlay into garbage: a 1e-9 m²
// sliver along the edge of a rectangle made the rectangle its
// "intersection", and a bridged pair of pockets failed with "no rings to
// extract". cleanPolygons removes them at that same scale on both sides of
// every overlay, so callers never see them and the library never gets them.

// tolerance is the node-merging distance simplefeatures uses for
// coordinates up to maxAbs: 512 ulps.
func tolerance(maxAbs float64) float64 {
	return 512 * (math.Nextafter(maxAbs, math.Inf(1)) - maxAbs)
}

func maxAbsCoord(g orb.MultiPolygon) float64 {
	m := 0.0
	for _, p := range g {
		for _, r := range p {
			for _, pt := range r {
				m = math.Max(m, math.Max(math.Abs(pt[0]), math.Abs(pt[1])))
			}
		}
	}
	return m
}

// cleanPolygons returns g without degenerate parts at the overlay's
// tolerance: vertices closer than it are merged (as the overlay would),
// rings are split where they touch themselves, zero-width spikes are cut
// off, and rings whose mean width 2·|area|/perimeter is below the tolerance
// are dropped, with polygons that lose their shell. A shell that splits into
// several loops gives several polygons; loops of a shell that turn clockwise
// are holes. Well-formed polygons come back unchanged (the same rings).
func cleanPolygons(g orb.MultiPolygon) orb.MultiPolygon {
	return cleanAt(g, 0)
}

// Clean removes from plane polygons what is narrower than tol (metres, or
// the overlay's own precision if that is larger): vertices closer than tol
// are merged, rings are split where they then touch themselves, spikes and
// bridges narrower than tol are cut, and rings whose mean width
// 2·|area|/perimeter is below tol are dropped. Every overlay result is
// already clean at the overlay's precision; callers with a coarser notion of
// "zero width" (projected cadastral data, where a lot line that is straight
// on paper bows by a tenth of a millimetre) pass theirs. Clean polygons come
// back unchanged.
func Clean(g orb.MultiPolygon, tol float64) orb.MultiPolygon {
	if math.IsNaN(tol) || checkFinite(g) != nil {
		return g
	}
	return cleanAt(g, tol)
}

func cleanAt(g orb.MultiPolygon, minTol float64) orb.MultiPolygon {
	out, _ := cleanAtKnown(g, minTol)
	return out
}

// cleanAtKnown is cleanAt that also says when g was proven clean as it
// stands (known), with its memo key.
func cleanAtKnown(g orb.MultiPolygon, minTol float64) (_ orb.MultiPolygon, known *cleanKey) {
	if len(g) == 0 {
		return g, nil
	}
	tol := math.Max(minTol, tolerance(maxAbsCoord(g)))
	if tol == 0 {
		tol = math.SmallestNonzeroFloat64
	}
	// Most inputs (parcels, earlier overlay results) are clean already; a
	// sort-and-sweep check proves that without building the snapper's hash
	// map or splitting rings, which took a fifth of planning's CPU.
	// Results of geo's own overlays are remembered (by a fingerprint of
	// their coordinates) so that passing one to the next overlay does not
	// check it again.
	key := fingerprint(g, tol)
	if knownClean(key) || alreadyClean(g, tol) {
		return g, &key
	}
	return cleanSlow(g, tol), nil
}

// cleanSlow is the cleaning proper, at tolerance tol > 0.
func cleanSlow(g orb.MultiPolygon, tol float64) orb.MultiPolygon {
	snap := newSnapper(tol)
	var out orb.MultiPolygon
	changed := false
	for _, p := range g {
		var shells, holes []orb.Ring
		for j, r := range p {
			loops, ch := cleanRing(r, snap, tol)
			changed = changed || ch
			// Inputs may run either way round: a loop is a shell when it
			// turns the way the whole shell does.
			ccw := j == 0 && RingPlaneArea(r) >= 0
			for _, l := range loops {
				a := RingPlaneArea(l)
				switch {
				case j > 0:
					if ch {
						l = orientRing(l, false)
					}
					holes = append(holes, l)
				case (a > 0) == ccw:
					if ch {
						l = orientRing(l, true)
					}
					shells = append(shells, l)
				default:
					// A loop of a shell turning the other way encloses land
					// outside the polygon: an inverted hole.
					holes = append(holes, orientRing(l, false))
					changed = true
				}
			}
			if j == 0 && len(shells) == 0 {
				changed = true
				break // no shell left: the polygon is gone
			}
		}
		switch len(shells) {
		case 0:
		case 1:
			out = append(out, append(orb.Polygon{shells[0]}, holes...))
		default:
			changed = true
			polys := make([]orb.Polygon, len(shells))
			for i, s := range shells {
				polys[i] = orb.Polygon{s}
			}
			for _, h := range holes {
				k := shellOf(h, shells)
				polys[k] = append(polys[k], h)
			}
			out = append(out, polys...)
		}
	}
	if !changed {
		return g
	}
	return out
}

// cleanResult is cleanPolygons for an overlay result that geo will hand
// out: when it is proven clean as it stands it is remembered, so that the
// caller passing it back in (Union's result to Difference, say) skips the
// check. Remembered geometry is thus always an overlay result: valid, its
// polygons interior-disjoint (HullPockets relies on that).
func cleanResult(g orb.MultiPolygon) orb.MultiPolygon {
	c, known := cleanAtKnown(g, 0)
	if known != nil {
		rememberClean(*known)
	}
	return c
}

// cleanKey identifies a geometry by a 64-bit mix of every coordinate's bits,
// the vertex and ring counts and the tolerance: a caller that changes any
// coordinate in place gets a different key.
type cleanKey struct {
	h        uint64
	n, rings int
	tol      float64
}

func fingerprint(g orb.MultiPolygon, tol float64) cleanKey {
	if tol == 0 {
		tol = math.SmallestNonzeroFloat64
	}
	k := cleanKey{h: 0x9e3779b97f4a7c15, tol: tol}
	for _, p := range g {
		k.h = mix(k.h ^ uint64(len(p)))
		for _, r := range p {
			k.rings++
			k.n += len(r)
			k.h = mix(k.h ^ uint64(len(r)))
			for _, pt := range r {
				k.h = mix(k.h ^ math.Float64bits(pt[0]))
				k.h = mix(k.h ^ math.Float64bits(pt[1]))
			}
		}
	}
	return k
}

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// The memo holds the last cleanMemoSize clean results, oldest evicted first.
const cleanMemoSize = 64

var cleanMemo struct {
	sync.Mutex
	set  map[cleanKey]struct{}
	ring [cleanMemoSize]cleanKey
	next int
	full bool
}

func knownClean(k cleanKey) bool {
	cleanMemo.Lock()
	defer cleanMemo.Unlock()
	_, ok := cleanMemo.set[k]
	return ok
}

func rememberClean(k cleanKey) {
	cleanMemo.Lock()
	defer cleanMemo.Unlock()
	if cleanMemo.set == nil {
		cleanMemo.set = make(map[cleanKey]struct{}, cleanMemoSize)
	}
	if _, ok := cleanMemo.set[k]; ok {
		return
	}
	if cleanMemo.full {
		delete(cleanMemo.set, cleanMemo.ring[cleanMemo.next])
	}
	cleanMemo.set[k] = struct{}{}
	cleanMemo.ring[cleanMemo.next] = k
	cleanMemo.next = (cleanMemo.next + 1) % cleanMemoSize
	cleanMemo.full = cleanMemo.full || cleanMemo.next == 0
}

// shellOf returns the index of the shell that contains hole h: the first
// whose inside holds a vertex of h not on its boundary.
func shellOf(h orb.Ring, shells []orb.Ring) int {
	for _, v := range h {
		for i, s := range shells {
			switch pointInRing(v, s) {
			case 1:
				return i
			}
		}
	}
	return 0
}

// pointInRing is 1 inside, 0 on the boundary, −1 outside (even–odd rule).
func pointInRing(p orb.Point, r orb.Ring) int {
	in := false
	n := len(r)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, b := r[j], r[i]
		if a == p || b == p {
			return 0
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if x == p[0] {
				return 0
			}
			if x > p[0] {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

// snapper merges points closer than its bucket width, as the overlay's node
// set does: the first point seen in a neighbourhood represents it.
type snapper struct {
	w     float64
	nodes map[[2]int64]orb.Point
}

func newSnapper(w float64) *snapper { return &snapper{w: w, nodes: map[[2]int64]orb.Point{}} }

func (s *snapper) get(p orb.Point) orb.Point {
	bx, by := int64(math.Floor(p[0]/s.w)), int64(math.Floor(p[1]/s.w))
	if q, ok := s.nodes[[2]int64{bx, by}]; ok {
		return q
	}
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			if q, ok := s.nodes[[2]int64{bx + dx, by + dy}]; ok && math.Abs(q[0]-p[0]) <= 2*s.w && math.Abs(q[1]-p[1]) <= 2*s.w {
				return q
			}
		}
	}
	s.nodes[[2]int64{bx, by}] = p
	return p
}

// cleanRing snaps r's vertices, splits it into simple loops where it
// touches itself, removes spikes and drops loops without width. changed is
// false when the one loop returned is r itself.
func cleanRing(r orb.Ring, snap *snapper, tol float64) (loops []orb.Ring, changed bool) {
	pts := make([]orb.Point, 0, len(r))
	for _, q := range r {
		s := snap.get(q)
		if s != q {
			changed = true
		}
		if len(pts) == 0 || pts[len(pts)-1] != s {
			pts = append(pts, s)
		}
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts)+1 != len(r) || (len(r) > 0 && r[0] != r[len(r)-1]) {
		changed = true
	}
	if ins := nodeSelfTouches(pts, tol); ins != nil {
		pts, changed = ins, true
	}
	// Split at repeated vertices: each return to a vertex on the current
	// path closes a loop.
	var raw [][]orb.Point
	pos := make(map[orb.Point]int, len(pts))
	path := make([]orb.Point, 0, len(pts))
	for _, v := range pts {
		if k, ok := pos[v]; ok {
			raw = append(raw, append([]orb.Point(nil), path[k:]...))
			for _, u := range path[k+1:] {
				delete(pos, u)
			}
			path = path[:k+1]
			changed = true
			continue
		}
		pos[v] = len(path)
		path = append(path, v)
	}
	raw = append(raw, path)
	for _, l := range raw {
		l, ch := removeSpikes(l, tol)
		changed = changed || ch
		if len(l) < 3 {
			changed = true
			continue
		}
		ring := append(orb.Ring(l), l[0])
		if a, per := math.Abs(RingPlaneArea(ring)), ringLength(ring); 2*a < tol*per {
			changed = true
			continue
		}
		loops = append(loops, ring)
	}
	if !changed && len(loops) == 1 {
		return []orb.Ring{r}, false
	}
	return loops, true
}

// removeSpikes cuts off vertices where the ring runs out and straight back
// (within tol of the line through the neighbours, or to the same point).
// Plain collinear vertices stay: other rings may share them as nodes.
func removeSpikes(pts []orb.Point, tol float64) ([]orb.Point, bool) {
	changed := false
	for again := true; again && len(pts) >= 3; {
		again = false
		for i := 0; i < len(pts) && len(pts) >= 3; i++ {
			a, b, c := pts[(i+len(pts)-1)%len(pts)], pts[i], pts[(i+1)%len(pts)]
			back := (b[0]-a[0])*(c[0]-b[0])+(b[1]-a[1])*(c[1]-b[1]) < 0
			if a == c || (back && distToLine(b, a, c) < tol) {
				pts = append(pts[:i], pts[i+1:]...)
				again, changed = true, true
				i--
			}
		}
		// Removing a spike can leave equal neighbours.
		for i := 0; len(pts) >= 2 && i < len(pts); i++ {
			if pts[i] == pts[(i+1)%len(pts)] {
				pts = append(pts[:i], pts[i+1:]...)
				again, changed = true, true
				i--
			}
		}
	}
	return pts, changed
}

// distToLine is the distance from p to the line through a and c, computed
// relative to a for precision with large eastings.
func distToLine(p, a, c orb.Point) float64 {
	dx, dy := c[0]-a[0], c[1]-a[1]
	px, py := p[0]-a[0], p[1]-a[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return math.Hypot(px, py)
	}
	return math.Abs(dx*py-dy*px) / l
}

func ringLength(r orb.Ring) float64 {
	s := 0.0
	for i := 1; i < len(r); i++ {
		s += math.Hypot(r[i][0]-r[i-1][0], r[i][1]-r[i-1][1])
	}
	return s
}

// nodeSelfTouches inserts into each edge of the closed path pts the other
// vertices of pts that lie within tol of the edge's interior, so that a ring
// running back along itself (pockets joined along a straight hull edge that
// passes over a member's corners) repeats those vertices and is split. It
// returns nil when there is nothing to insert.
func nodeSelfTouches(pts []orb.Point, tol float64) []orb.Point {
	n := len(pts)
	if n < 4 {
		return nil
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return pts[order[i]][0] < pts[order[j]][0] })
	var out []orb.Point
	inserted := false
	for i := 0; i < n; i++ {
		a, b := pts[i], pts[(i+1)%n]
		out = append(out, a)
		lo, hi := math.Min(a[0], b[0])-tol, math.Max(a[0], b[0])+tol
		ylo, yhi := math.Min(a[1], b[1])-tol, math.Max(a[1], b[1])+tol
		dx, dy := b[0]-a[0], b[1]-a[1]
		l2 := dx*dx + dy*dy
		if l2 == 0 {
			continue
		}
		type cut struct {
			t float64
			p orb.Point
		}
		var cuts []cut
		k := sort.Search(n, func(k int) bool { return pts[order[k]][0] >= lo })
		for ; k < n && pts[order[k]][0] <= hi; k++ {
			v := pts[order[k]]
			if v[1] < ylo || v[1] > yhi || v == a || v == b {
				continue
			}
			t := ((v[0]-a[0])*dx + (v[1]-a[1])*dy) / l2
			if t <= 0 || t >= 1 || distToLine(v, a, b) >= tol {
				continue
			}
			cuts = append(cuts, cut{t, v})
		}
		if len(cuts) == 0 {
			continue
		}
		sort.Slice(cuts, func(i, j int) bool { return cuts[i].t < cuts[j].t })
		for _, c := range cuts {
			if out[len(out)-1] != c.p {
				out = append(out, c.p)
				inserted = true
			}
		}
	}
	if !inserted {
		return nil
	}
	return out
}

// alreadyClean reports, conservatively, that cleanAt(g) at tol would return
// g unchanged: every ring is closed with at least three distinct vertices
// and no consecutive repeats; no two distinct vertices of g are within 2·tol
// of each other in x and in y (the snapper merges only such pairs); no ring
// repeats a vertex, has a vertex within tol of one of its other edges, a
// spike, or a mean width below tol; and every polygon has a shell. False
// means "not proven", and the full cleaning decides.
func alreadyClean(g orb.MultiPolygon, tol float64) bool {
	n := 0
	for _, p := range g {
		if len(p) == 0 {
			return false
		}
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return false
			}
			n += len(r) - 1
		}
	}
	all := make([]orb.Point, 0, n)
	var sorted []orb.Point
	for _, p := range g {
		for _, r := range p {
			pts := r[:len(r)-1]
			for i := 1; i < len(r); i++ {
				if r[i] == r[i-1] {
					return false
				}
			}
			// Spikes: a vertex where the ring runs straight back.
			m := len(pts)
			for i := range pts {
				a, b, c := pts[(i+m-1)%m], pts[i], pts[(i+1)%m]
				if a == c {
					return false
				}
				if (b[0]-a[0])*(c[0]-b[0])+(b[1]-a[1])*(c[1]-b[1]) < 0 && distToLine(b, a, c) < tol {
					return false
				}
			}
			if a, per := math.Abs(RingPlaneArea(r)), ringLength(r); 2*a < tol*per {
				return false
			}
			sorted = append(sorted[:0], pts...)
			slices.SortFunc(sorted, cmpXY)
			for i := 1; i < len(sorted); i++ {
				if sorted[i] == sorted[i-1] {
					return false // the ring touches itself at a vertex
				}
			}
			if ringNearOwnEdge(pts, sorted, tol) {
				return false
			}
			all = append(all, pts...)
		}
	}
	slices.SortFunc(all, cmpXY)
	w := 2 * tol
	for i, p := range all {
		for j := i + 1; j < len(all) && all[j][0]-p[0] <= w; j++ {
			q := all[j]
			if q != p && math.Abs(q[1]-p[1]) <= w {
				return false
			}
		}
	}
	return true
}

// cmpXY orders finite points by x, then y (plain comparisons: callers
// have rejected NaN).
func cmpXY(a, b orb.Point) int {
	switch {
	case a[0] < b[0]:
		return -1
	case a[0] > b[0]:
		return 1
	case a[1] < b[1]:
		return -1
	case a[1] > b[1]:
		return 1
	}
	return 0
}

// ringNearOwnEdge reports whether a vertex of the closed path pts lies
// within tol of the interior of another of its edges: the test by which
// nodeSelfTouches inserts a vertex. byX is pts sorted by x.
func ringNearOwnEdge(pts, byX []orb.Point, tol float64) bool {
	n := len(pts)
	if n < 4 {
		return false
	}
	for i := 0; i < n; i++ {
		a, b := pts[i], pts[(i+1)%n]
		lo, hi := math.Min(a[0], b[0])-tol, math.Max(a[0], b[0])+tol
		ylo, yhi := math.Min(a[1], b[1])-tol, math.Max(a[1], b[1])+tol
		dx, dy := b[0]-a[0], b[1]-a[1]
		l2 := dx*dx + dy*dy
		if l2 == 0 {
			continue
		}
		k, _ := slices.BinarySearchFunc(byX, lo, func(p orb.Point, x float64) int { return cmp.Compare(p[0], x) })
		for ; k < n && byX[k][0] <= hi; k++ {
			v := byX[k]
			if v[1] < ylo || v[1] > yhi || v == a || v == b {
				continue
			}
			t := ((v[0]-a[0])*dx + (v[1]-a[1])*dy) / l2
			if t <= 0 || t >= 1 || distToLine(v, a, b) >= tol {
				continue
			}
			return true
		}
	}
	return false
}
