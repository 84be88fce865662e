package geo

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Overlay functions are coordinate-agnostic: they work on whatever plane the
// caller gives them. Callers that need metric tolerances or areas pass plane
// metres from Zone.Project. The set operations themselves are done by
// simplefeatures (a DCEL overlay with noding); this file converts between orb
// and simplefeatures at the edge so the rest of landplan sees only orb types.
//
// Results are normalised to the RFC 7946 right-hand rule (shells
// counter-clockwise, holes clockwise), closed rings, and polygon-only output:
// points and lines that an overlay can produce where inputs merely touch are
// dropped, because every caller wants areas.

// Union returns the union of all the inputs.
//
// Polygons linked by exact twin edges, as cadastral neighbours usually are,
// are merged first by cancelling the twins (coverage.go), so the overlay
// sees only their outlines. Then polygons are put in Hilbert order of their
// bound centres, up to unionLeaf of them are unioned in one overlay, and
// larger inputs are merged up a balanced tree (cascaded union) whose merges overlay only the polygons
// whose bounds meet a bound of the other side; the rest are carried over,
// since they cannot interact. Each overlay's result is checked to cover a
// point inside every input polygon (see overlayUnion). Inputs and output
// are cleaned of features narrower than the overlay's precision (clean.go).
func Union(gs ...orb.MultiPolygon) (_ orb.MultiPolygon, err error) {
	defer guard("union", &err)
	if err := checkFinite(gs...); err != nil {
		return nil, err
	}
	u, err := union(gs)
	if err == nil {
		return u, nil
	}
	// The overlay can fail on inputs that touch themselves in ways our
	// Validate rejects (a ring touching itself along an edge after earlier
	// overlay). Retry once with those inputs made valid, as PostGIS users
	// do with ST_MakeValid.
	fixed := make([]orb.MultiPolygon, len(gs))
	changed := false
	for i, g := range gs {
		fixed[i] = g
		if len(Validate(g)) == 0 {
			continue
		}
		if f, ferr := MakeValid(g); ferr == nil {
			fixed[i], changed = f, true
		}
	}
	if !changed {
		return nil, err
	}
	return union(fixed)
}

func union(gs []orb.MultiPolygon) (orb.MultiPolygon, error) {
	var polys []orb.Polygon
	for _, g := range gs {
		polys = append(polys, cleanPolygons(g)...)
	}
	merged := mergeSharedEdges(polys)
	u, err := unionParts(merged)
	if err != nil && len(merged) != len(polys) {
		// A safety net: the overlay of the merged outlines failed where
		// the inputs themselves might not.
		u, err = unionParts(polys)
	}
	if err != nil {
		return nil, err
	}
	out := make(orb.MultiPolygon, 0, len(u))
	for _, bp := range u {
		if p := polygonFromSF(bp.p); p != nil {
			out = append(out, p)
		}
	}
	return cleanResult(out), nil
}

// unionParts is the cascaded union of cleaned polygons.
func unionParts(polys []orb.Polygon) ([]boxedPolygon, error) {
	var parts []boxedPolygon
	for _, p := range polys {
		if sp, ok := polygonToSF(p); ok && !sp.IsEmpty() {
			parts = append(parts, boxedPolygon{p: sp, o: p, b: p.Bound()})
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	hilbertSort(parts)
	return cascadedUnion(parts)
}

// boxedPolygon is a polygon with its bound, which the merges test often,
// and its orb form when known.
type boxedPolygon struct {
	p sf.Polygon
	o orb.Polygon
	b orb.Bound
}

func (bp boxedPolygon) orb() orb.Polygon {
	if bp.o == nil {
		return polygonFromSF(bp.p)
	}
	return bp.o
}

// hilbertSort orders polygons along a Hilbert curve through their bound
// centres (on a 2¹⁶ × 2¹⁶ grid over the inputs' extent).
func hilbertSort(ps []boxedPolygon) {
	ext := ps[0].b
	for _, p := range ps[1:] {
		ext = ext.Union(p.b)
	}
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	const n = 1 << 16
	keys := make([]uint64, len(ps))
	for i, p := range ps {
		c := p.b.Center()
		var x, y uint32
		if w > 0 {
			x = uint32(math.Min(n-1, (c[0]-ext.Min[0])/w*n))
		}
		if h > 0 {
			y = uint32(math.Min(n-1, (c[1]-ext.Min[1])/h*n))
		}
		keys[i] = hilbertKey(x, y, n)
	}
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return keys[idx[i]] < keys[idx[j]] })
	sorted := make([]boxedPolygon, len(ps))
	for i, k := range idx {
		sorted[i] = ps[k]
	}
	copy(ps, sorted)
}

// hilbertKey is the distance of (x, y) along the Hilbert curve filling an
// n × n grid (n a power of two).
func hilbertKey(x, y, n uint32) uint64 {
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x, y = s-1-x, s-1-y
			}
			x, y = y, x
		}
	}
	return d
}

// unionLeaf is the number of polygons unioned in one overlay at the leaves
// of the merge tree. One overlay of everything measured best up to 500
// parcels: each merge re-nodes every vertex of the polygons it touches, and
// neighbouring blocks' bounds overlap, so the tree's merges redo most of the
// work. BenchmarkUnion500Real (12 472 vertices) took 56 ms as one overlay
// against 88 / 104 / 134 / 230 ms with leaves of 256 / 128 / 32 / 2;
// BenchmarkUnion500 (synthetic) 21 ms against 28 ms with leaves of 32. The
// tree bounds the size of one overlay for larger inputs.
const unionLeaf = 1024

// cascadedUnion unions polygons in Hilbert order; the result's polygons do
// not overlap (they may touch at points).
func cascadedUnion(ps []boxedPolygon) ([]boxedPolygon, error) {
	if len(ps) <= unionLeaf {
		return overlayUnion(ps, nil, true)
	}
	mid := len(ps) / 2
	a, err := cascadedUnion(ps[:mid])
	if err != nil {
		return nil, err
	}
	b, err := cascadedUnion(ps[mid:])
	if err != nil {
		return nil, err
	}
	return mergeUnion(a, b, true)
}

// mergeUnion unions two sets of non-overlapping polygons, overlaying only
// the polygons whose bounds meet a bound on the other side.
func mergeUnion(a, b []boxedPolygon, retry bool) ([]boxedPolygon, error) {
	var out, ain, bin []boxedPolygon
	hit := make([]bool, len(b))
	for _, pa := range a {
		met := false
		for j, pb := range b {
			if pa.b.Intersects(pb.b) {
				met, hit[j] = true, true
			}
		}
		if met {
			ain = append(ain, pa)
		} else {
			out = append(out, pa)
		}
	}
	for j, pb := range b {
		if hit[j] {
			bin = append(bin, pb)
		} else {
			out = append(out, pb)
		}
	}
	if len(ain) == 0 {
		return out, nil
	}
	u, err := overlayUnion(ain, bin, retry)
	if err != nil {
		return nil, err
	}
	return append(out, u...), nil
}

// overlayUnion unions a and b (either may be empty) in one overlay, and
// checks that the result covers a point inside each input polygon.
// simplefeatures 0.50 can label a face wrongly when many near-coincident
// edges meet: in TestUnionNoisyParcels one overlay of 31 noisy parcels left
// out a whole 3985 m² parcel enclosed by the others (no error). When that
// happens the inputs are unioned again two at a time, which has not failed;
// if even a pair fails, the error says so rather than returning a wrong
// area.
func overlayUnion(a, b []boxedPolygon, retry bool) ([]boxedPolygon, error) {
	if len(b) == 0 && len(a) == 1 {
		return a, nil // one polygon: nothing to merge
	}
	out, err := overlayUnionOnce(a, b)
	if err == nil && covers(out, a) && covers(out, b) {
		return out, nil
	}
	all := append(append([]boxedPolygon(nil), a...), b...)
	if !retry || len(all) <= 2 {
		if err == nil {
			err = errors.New("the overlay lost part of an input")
		}
		return nil, wrapOverlay(err, "union")
	}
	return pairwiseUnion(all)
}

// pairwiseUnion is the cascaded union with leaves of one polygon, without
// a further retry.
func pairwiseUnion(ps []boxedPolygon) ([]boxedPolygon, error) {
	if len(ps) == 1 {
		return ps, nil
	}
	mid := len(ps) / 2
	a, err := pairwiseUnion(ps[:mid])
	if err != nil {
		return nil, err
	}
	b, err := pairwiseUnion(ps[mid:])
	if err != nil {
		return nil, err
	}
	return mergeUnion(a, b, false)
}

func overlayUnionOnce(a, b []boxedPolygon) ([]boxedPolygon, error) {
	var g sf.Geometry
	var err error
	if len(b) == 0 {
		g, err = sf.UnaryUnion(multiSF(a).AsGeometry())
	} else {
		g, err = sf.Union(multiSF(a).AsGeometry(), multiSF(b).AsGeometry())
	}
	if err != nil {
		return nil, err
	}
	// Intermediate results are cleaned too: a sliver hole left by one merge
	// can derail the next.
	var out []boxedPolygon
	for _, p := range fromSF(g) {
		if sp, ok := polygonToSF(p); ok && !sp.IsEmpty() {
			out = append(out, boxedPolygon{p: sp, o: p, b: p.Bound()})
		}
	}
	return out, nil
}

// covers reports whether every input polygon wide enough to have a point
// well inside it (mean width above 1000 × the overlay tolerance) has that
// point in or on the union u.
func covers(u, in []boxedPolygon) bool {
	for _, p := range in {
		tol := tolerance(math.Max(math.Max(math.Abs(p.b.Min[0]), math.Abs(p.b.Max[0])), math.Max(math.Abs(p.b.Min[1]), math.Abs(p.b.Max[1]))))
		op := p.orb()
		mp := orb.MultiPolygon{op}
		if 2*PlaneArea(mp) < 1000*tol*perimeter(mp) {
			continue
		}
		xy, ok := p.p.PointOnSurface().XY()
		if !ok {
			continue
		}
		pt := orb.Point{xy.X, xy.Y}
		if !pointInPolygon(pt, op) {
			continue // PointOnSurface missed: its scan line ran along a near-horizontal edge
		}
		found := false
		for _, q := range u {
			if q.b.Contains(pt) && pointInPolygon(pt, q.orb()) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// pointInPolygon: pt inside or on the shell and not strictly inside a hole.
func pointInPolygon(pt orb.Point, p orb.Polygon) bool {
	if len(p) == 0 || pointInRing(pt, p[0]) < 0 {
		return false
	}
	for _, h := range p[1:] {
		if pointInRing(pt, h) > 0 {
			return false
		}
	}
	return true
}

func perimeter(g orb.MultiPolygon) float64 {
	s := 0.0
	for _, p := range g {
		for _, r := range p {
			s += ringLength(r)
		}
	}
	return s
}

// unionSF is the cascaded union of polygonal simplefeatures geometries.
func unionSF(gs []sf.Geometry) (sf.Geometry, error) {
	var parts []boxedPolygon
	for _, g := range gs {
		// Parts from MakeValid, not overlay results: cleaned, not remembered.
		for _, p := range cleanPolygons(polygonsFromSF(g)) {
			if sp, ok := polygonToSF(p); ok && !sp.IsEmpty() {
				parts = append(parts, boxedPolygon{p: sp, o: p, b: p.Bound()})
			}
		}
	}
	if len(parts) == 0 {
		return sf.Geometry{}, nil
	}
	hilbertSort(parts)
	u, err := cascadedUnion(parts)
	if err != nil {
		return sf.Geometry{}, err
	}
	return multiSF(u).AsGeometry(), nil
}

func multiSF(ps []boxedPolygon) sf.MultiPolygon {
	polys := make([]sf.Polygon, len(ps))
	for i, p := range ps {
		polys[i] = p.p
	}
	return sf.NewMultiPolygon(polys)
}

// Intersection returns a ∩ b.
func Intersection(a, b orb.MultiPolygon) (_ orb.MultiPolygon, err error) {
	defer guard("intersection", &err)
	if err := checkFinite(a, b); err != nil {
		return nil, err
	}
	if !boundsOverlap(a, b) {
		return nil, nil
	}
	g, err := sf.Intersection(toSF(a).AsGeometry(), toSF(b).AsGeometry())
	if err != nil {
		return nil, wrapOverlay(err, "intersection")
	}
	return fromSF(g), nil
}

// Difference returns a − b.
func Difference(a, b orb.MultiPolygon) (_ orb.MultiPolygon, err error) {
	defer guard("difference", &err)
	if err := checkFinite(a, b); err != nil {
		return nil, err
	}
	sa := toSF(a).AsGeometry()
	if !boundsOverlap(a, b) {
		g, err := sf.UnaryUnion(sa)
		if err != nil {
			return nil, wrapOverlay(err, "difference")
		}
		return fromSF(g), nil
	}
	g, err := sf.Difference(sa, toSF(b).AsGeometry())
	if err != nil {
		return nil, wrapOverlay(err, "difference")
	}
	return fromSF(g), nil
}

// IntersectionArea is PlaneArea(Intersection(a, b)), 0 without any overlay
// work when the bounding boxes do not overlap.
func IntersectionArea(a, b orb.MultiPolygon) (float64, error) {
	if !boundsOverlap(a, b) {
		return 0, nil
	}
	g, err := Intersection(a, b)
	if err != nil {
		return 0, err
	}
	return PlaneArea(g), nil
}

// Intersects reports whether a (a point, line, ring, polygon, bound or
// collection of them) and the polygons b share at least one point, boundaries
// included. It is exact in floating point: no tolerance.
func Intersects(a orb.Geometry, b orb.MultiPolygon) (ok bool) {
	if a == nil || len(b) == 0 || checkFinite(b) != nil {
		return false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	ab, bb := a.Bound(), b.Bound()
	if !ab.Intersects(bb) {
		return false
	}
	sa, ok := orbToSFGeometry(a)
	if !ok {
		return false
	}
	return sf.Intersects(sa, toSF(b).AsGeometry())
}

// ConvexHull returns the convex hull of g as a counter-clockwise polygon, or
// nil when g has fewer than three non-collinear points.
func ConvexHull(g orb.MultiPolygon) (hull orb.Polygon) {
	if checkFinite(g) != nil {
		return nil
	}
	defer func() {
		if recover() != nil {
			hull = nil
		}
	}()
	h := toSF(g).ConvexHull()
	p, ok := h.AsPolygon()
	if !ok || p.IsEmpty() {
		return nil
	}
	out := polygonFromSF(p)
	return out
}

// Holes returns each interior ring of g as its own counter-clockwise polygon.
// To get the holes of a set of parcels, union them first: a gap enclosed by
// several parcels is an interior ring of their union.
func Holes(g orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range g {
		for _, r := range p[min(1, len(p)):] {
			if len(r) < 3 {
				continue
			}
			out = append(out, orb.Polygon{orientRing(closeRing(r), true)})
		}
	}
	return out
}

// HullPockets returns the components of ConvexHull(g) − g that are not holes
// of g: the bays and notches between g and its hull. It subtracts g with its
// holes filled, so holes never appear as pockets.
func HullPockets(g orb.MultiPolygon) (orb.MultiPolygon, error) {
	hull := ConvexHull(g)
	if hull == nil {
		return nil, nil
	}
	filled := make(orb.MultiPolygon, 0, len(g))
	holes := false
	for _, p := range g {
		if len(p) > 0 {
			filled = append(filled, orb.Polygon{p[0]})
			holes = holes || len(p) > 1
		}
	}
	// Filled shells of a valid multipolygon overlap only where a polygon lies
	// in another's hole; then, or when g may not be valid, union them so the
	// difference sees one clean operand. A single polygon, or polygons
	// without holes from geo's own overlay (known valid), need one overlay.
	if len(filled) > 1 && (holes || !knownClean(fingerprint(g, tolerance(maxAbsCoord(g))))) {
		f, err := Union(filled)
		if err != nil {
			return nil, err
		}
		filled = f
	}
	return Difference(orb.MultiPolygon{hull}, filled)
}

// SharedBoundaryLength is the length of a's boundary (shells and holes) that
// runs along b's boundary: within tol of one of b's edges, roughly parallel
// to it (within 15°), and beside it rather than beyond its ends. This
// tolerates the tiny gaps and overlaps of real cadastral data (tol = 0.05 m is
// a good default in plane metres) while two polygons that touch only at a
// corner give 0, and an edge crossing b's boundary contributes nothing.
//
// For each edge of a and each nearby roughly parallel edge of b, the
// parameters where a's edge lies in the band of width 2·tol beside b's edge
// form an interval; the union of those intervals is measured exactly.
func SharedBoundaryLength(a, b orb.MultiPolygon, tol float64) (float64, error) {
	ls, err := SharedBoundaryLengths(a, []orb.MultiPolygon{b}, tol)
	if err != nil {
		return 0, err
	}
	return ls[0], nil
}

// SharedBoundaryLengths is SharedBoundaryLength(a, b, tol) for each b of bs,
// with a's edges indexed once: a large piece measured against the hundreds
// of members around it.
func SharedBoundaryLengths(a orb.MultiPolygon, bs []orb.MultiPolygon, tol float64) ([]float64, error) {
	if math.IsNaN(tol) || tol < 0 {
		return nil, fmt.Errorf("geo: shared boundary tolerance must be ≥ 0, got %v", tol)
	}
	out := make([]float64, len(bs))
	if len(a) == 0 {
		return out, nil
	}
	ba := fastBound(a).Pad(tol)
	var reach orb.Bound // the bs near a, padded
	bounds := make([]orb.Bound, len(bs))
	first := true
	for i, b := range bs {
		if len(b) == 0 {
			continue
		}
		bounds[i] = fastBound(b)
		if !ba.Intersects(bounds[i]) {
			continue
		}
		if first {
			reach, first = bounds[i], false
		} else {
			reach = reach.Union(bounds[i])
		}
	}
	if first {
		return out, nil
	}
	// Only a's edges near the bs can be along them: a large piece against
	// one small member keeps a handful.
	asegs := segmentsNear(a, reach.Pad(tol))
	if len(asegs) == 0 {
		return out, nil
	}
	grid := newSegmentGrid(asegs, tol)
	box := grid.box
	type hit struct {
		k      int32
		t0, t1 float64
	}
	var hits []hit
	var ivs [][2]float64
	for bi, b := range bs {
		if len(b) == 0 || !ba.Intersects(bounds[bi]) {
			continue
		}
		hits = hits[:0]
		for _, p := range b {
			for _, r := range p {
				n := len(r)
				for i := 0; i < n && n >= 2; i++ {
					q0, q1 := r[i], r[(i+1)%n]
					if q0 == q1 {
						continue
					}
					minX, maxX := math.Min(q0[0], q1[0])-tol, math.Max(q0[0], q1[0])+tol
					minY, maxY := math.Min(q0[1], q1[1])-tol, math.Max(q0[1], q1[1])+tol
					// b's edges away from a: the common case when b is the
					// members' union and a one small piece.
					if maxX < box.Min[0] || minX > box.Max[0] || maxY < box.Min[1] || minY > box.Max[1] {
						continue
					}
					// An a edge listed in several cells adds the same
					// interval twice, which the union measures once.
					grid.visit(minX, maxX, minY, maxY, func(k int32) {
						s := &asegs[k]
						if s.maxX < minX || s.minX > maxX || s.minY > maxY || s.maxY < minY {
							return
						}
						if t0, t1, ok := segmentNearInterval(s.a, s.b, q0, q1, tol); ok {
							hits = append(hits, hit{k, t0, t1})
						}
					})
				}
			}
		}
		// Per edge of a, the union of the parameter intervals along b.
		slices.SortFunc(hits, func(x, y hit) int { return cmp.Compare(x.k, y.k) })
		var total float64
		for lo := 0; lo < len(hits); {
			hi := lo
			ivs = ivs[:0]
			for ; hi < len(hits) && hits[hi].k == hits[lo].k; hi++ {
				ivs = append(ivs, [2]float64{hits[hi].t0, hits[hi].t1})
			}
			s := &asegs[hits[lo].k]
			total += intervalUnionLength(ivs) * math.Hypot(s.b[0]-s.a[0], s.b[1]-s.a[1])
			lo = hi
		}
		out[bi] = total
	}
	return out, nil
}

// fastBound is g.Bound() without orb's per-point Extend calls.
func fastBound(g orb.MultiPolygon) orb.Bound {
	first := true
	var b orb.Bound
	for _, p := range g {
		for _, r := range p {
			for _, pt := range r {
				if first {
					b, first = orb.Bound{Min: pt, Max: pt}, false
					continue
				}
				if pt[0] < b.Min[0] {
					b.Min[0] = pt[0]
				} else if pt[0] > b.Max[0] {
					b.Max[0] = pt[0]
				}
				if pt[1] < b.Min[1] {
					b.Min[1] = pt[1]
				} else if pt[1] > b.Max[1] {
					b.Max[1] = pt[1]
				}
			}
		}
	}
	return b
}

// segmentGrid buckets segments (padded by tol) into a uniform grid of about
// one cell per segment, stored compactly: the segments of cell c are
// idx[start[c]:start[c+1]].
type segmentGrid struct {
	box        orb.Bound
	nx, ny     int
	cw, ch     float64
	start, idx []int32
}

func newSegmentGrid(segs []segment, tol float64) *segmentGrid {
	g := &segmentGrid{box: orb.Bound{Min: orb.Point{segs[0].minX, segs[0].minY}, Max: orb.Point{segs[0].maxX, segs[0].maxY}}}
	for _, s := range segs[1:] {
		g.box.Min[0], g.box.Max[0] = math.Min(g.box.Min[0], s.minX), math.Max(g.box.Max[0], s.maxX)
		g.box.Min[1], g.box.Max[1] = math.Min(g.box.Min[1], s.minY), math.Max(g.box.Max[1], s.maxY)
	}
	g.box = g.box.Pad(tol)
	side := int(math.Ceil(math.Sqrt(float64(len(segs)))))
	side = max(1, min(side, 256))
	g.nx, g.ny = side, side
	g.cw = (g.box.Max[0] - g.box.Min[0]) / float64(g.nx)
	g.ch = (g.box.Max[1] - g.box.Min[1]) / float64(g.ny)
	if !(g.cw > 0) || !(g.ch > 0) {
		g.nx, g.ny, g.cw, g.ch = 1, 1, math.Inf(1), math.Inf(1)
	}
	counts := make([]int32, g.nx*g.ny+1)
	for _, s := range segs {
		x0, x1, y0, y1 := g.cells(s.minX-tol, s.maxX+tol, s.minY-tol, s.maxY+tol)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				counts[y*g.nx+x+1]++
			}
		}
	}
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	g.start = counts
	g.idx = make([]int32, counts[len(counts)-1])
	fill := append([]int32(nil), counts[:len(counts)-1]...)
	for k, s := range segs {
		x0, x1, y0, y1 := g.cells(s.minX-tol, s.maxX+tol, s.minY-tol, s.maxY+tol)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*g.nx + x
				g.idx[fill[c]] = int32(k)
				fill[c]++
			}
		}
	}
	return g
}

// cells is the clamped range of cells a box meets.
func (g *segmentGrid) cells(minX, maxX, minY, maxY float64) (x0, x1, y0, y1 int) {
	cell := func(v, lo, w float64, n int) int {
		if math.IsInf(w, 1) {
			return 0
		}
		c := int(math.Floor((v - lo) / w))
		return max(0, min(c, n-1))
	}
	return cell(minX, g.box.Min[0], g.cw, g.nx), cell(maxX, g.box.Min[0], g.cw, g.nx),
		cell(minY, g.box.Min[1], g.ch, g.ny), cell(maxY, g.box.Min[1], g.ch, g.ny)
}

// visit calls f for each segment listed in a cell that the box meets.
func (g *segmentGrid) visit(minX, maxX, minY, maxY float64, f func(int32)) {
	x0, x1, y0, y1 := g.cells(minX, maxX, minY, maxY)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			c := y*g.nx + x
			for _, k := range g.idx[g.start[c]:g.start[c+1]] {
				f(k)
			}
		}
	}
}

type segment struct {
	a, b                   orb.Point
	minX, maxX, minY, maxY float64
}

// segmentsNear lists the edges of g whose bounds meet box.
func segmentsNear(g orb.MultiPolygon, box orb.Bound) []segment {
	var out []segment
	for _, p := range g {
		for _, r := range p {
			n := len(r)
			for i := 0; i < n && n >= 2; i++ {
				a, b := r[i], r[(i+1)%n]
				if a == b {
					continue
				}
				s := segment{a: a, b: b,
					minX: math.Min(a[0], b[0]), maxX: math.Max(a[0], b[0]),
					minY: math.Min(a[1], b[1]), maxY: math.Max(a[1], b[1])}
				if s.maxX < box.Min[0] || s.minX > box.Max[0] || s.maxY < box.Min[1] || s.minY > box.Max[1] {
					continue
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// maxSharedSin is sin 15°: edges meeting at a steeper angle are not "along"
// each other, whatever the tolerance.
const maxSharedSin = 0.25881904510252074

// segmentNearInterval returns the parameter interval [t0, t1] ⊆ [0, 1] of
// points p0 + t(p1−p0) that lie beside segment [q0, q1] (their projection
// falls within it) at most tol from it, provided the two segments are within
// 15° of parallel. The set is an interval because the band is convex.
func segmentNearInterval(p0, p1, q0, q1 orb.Point, tol float64) (float64, float64, bool) {
	// Work relative to p0 for precision with large coordinates.
	dx, dy := p1[0]-p0[0], p1[1]-p0[1]
	ax, ay := q0[0]-p0[0], q0[1]-p0[1]
	bx, by := q1[0]-p0[0], q1[1]-p0[1]
	ux, uy := bx-ax, by-ay
	L := math.Hypot(ux, uy)
	D := math.Hypot(dx, dy)
	if L == 0 || D == 0 {
		return 0, 0, false
	}
	ux, uy = ux/L, uy/L
	if math.Abs(dx*uy-dy*ux) > maxSharedSin*D {
		return 0, 0, false
	}
	// s(t): position along b's edge; d(t): signed distance from its line.
	s0, sd := -ax*ux-ay*uy, dx*ux+dy*uy
	d0, dd := -ax*uy+ay*ux, dx*uy-dy*ux
	t0, t1 := clipLinear(s0, sd, 0, L, 0, 1)
	t0, t1 = clipLinear(d0, dd, -tol, tol, t0, t1)
	return t0, t1, t0 < t1
}

// clipLinear narrows [t0, t1] to where lo ≤ v0 + t·dv ≤ hi.
func clipLinear(v0, dv, lo, hi, t0, t1 float64) (float64, float64) {
	if dv == 0 {
		if v0 < lo || v0 > hi {
			return 1, 0
		}
		return t0, t1
	}
	a, b := (lo-v0)/dv, (hi-v0)/dv
	if a > b {
		a, b = b, a
	}
	return math.Max(t0, a), math.Min(t1, b)
}

// intervalUnionLength measures the union of intervals within [0, 1].
func intervalUnionLength(ivs [][2]float64) float64 {
	sort.Slice(ivs, func(i, j int) bool { return ivs[i][0] < ivs[j][0] })
	var total float64
	cs, ce := ivs[0][0], ivs[0][1]
	for _, iv := range ivs[1:] {
		if iv[0] > ce {
			total += ce - cs
			cs, ce = iv[0], iv[1]
		} else if iv[1] > ce {
			ce = iv[1]
		}
	}
	return total + ce - cs
}

// checkFinite rejects NaN and ±Inf, which the overlay cannot handle.
func checkFinite(gs ...orb.MultiPolygon) error {
	for _, g := range gs {
		for i, p := range g {
			for j, r := range p {
				for k, pt := range r {
					if !finite(pt) {
						en, _ := where(i, j, k)
						return fmt.Errorf("geo: %s is (%v, %v): coordinates must be finite numbers", en, pt[0], pt[1])
					}
				}
			}
		}
	}
	return nil
}

// guard turns a panic inside simplefeatures into an error, so one bad
// geometry cannot take a server down.
func guard(op string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("geo: %s failed inside the overlay library (%v); check the inputs with Validate", op, r)
	}
}

func boundsOverlap(a, b orb.MultiPolygon) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	return a.Bound().Intersects(b.Bound())
}

func wrapOverlay(err error, op string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("geo: %s failed (check the inputs with Validate): %w", op, err)
}

// --- orb ⇄ simplefeatures ---

// toSF converts without validation (simplefeatures validates lazily in the
// overlay). Rings are closed, degenerate rings (< 3 distinct points) and
// polygons without a shell are dropped.
func toSF(g orb.MultiPolygon) sf.MultiPolygon {
	g = cleanPolygons(g)
	polys := make([]sf.Polygon, 0, len(g))
	for _, p := range g {
		if sp, ok := polygonToSF(p); ok {
			polys = append(polys, sp)
		}
	}
	return sf.NewMultiPolygon(polys)
}

func polygonToSF(p orb.Polygon) (sf.Polygon, bool) {
	if len(p) == 0 {
		return sf.Polygon{}, false
	}
	rings := make([]sf.LineString, 0, len(p))
	for j, r := range p {
		ls, ok := ringToSF(r)
		if !ok {
			if j == 0 {
				return sf.Polygon{}, false
			}
			continue
		}
		rings = append(rings, ls)
	}
	return sf.NewPolygon(rings), true
}

func ringToSF(r orb.Ring) (sf.LineString, bool) {
	flat := make([]float64, 0, 2*len(r)+2)
	for i, pt := range r {
		if i > 0 && pt == r[i-1] {
			continue
		}
		flat = append(flat, pt[0], pt[1])
	}
	n := len(flat)
	if n >= 2 && (flat[0] != flat[n-2] || flat[1] != flat[n-1]) {
		flat = append(flat, flat[0], flat[1])
	}
	if len(flat) < 8 {
		return sf.LineString{}, false
	}
	return sf.NewLineString(sf.NewSequence(flat, sf.DimXY)), true
}

func lineStringToSF(ls []orb.Point) sf.LineString {
	flat := make([]float64, 0, 2*len(ls))
	for _, pt := range ls {
		flat = append(flat, pt[0], pt[1])
	}
	return sf.NewLineString(sf.NewSequence(flat, sf.DimXY))
}

// orbToSFGeometry converts any orb geometry; ok is false for types it does
// not know.
func orbToSFGeometry(g orb.Geometry) (sf.Geometry, bool) {
	switch v := g.(type) {
	case orb.Point:
		return sf.XY{X: v[0], Y: v[1]}.AsPoint().AsGeometry(), true
	case orb.MultiPoint:
		pts := make([]sf.Point, len(v))
		for i, p := range v {
			pts[i] = sf.XY{X: p[0], Y: p[1]}.AsPoint()
		}
		return sf.NewMultiPoint(pts).AsGeometry(), true
	case orb.LineString:
		return lineStringToSF(v).AsGeometry(), true
	case orb.MultiLineString:
		ls := make([]sf.LineString, len(v))
		for i, l := range v {
			ls[i] = lineStringToSF(l)
		}
		return sf.NewMultiLineString(ls).AsGeometry(), true
	case orb.Ring:
		p, ok := polygonToSF(orb.Polygon{v})
		return p.AsGeometry(), ok
	case orb.Polygon:
		p, ok := polygonToSF(v)
		return p.AsGeometry(), ok
	case orb.MultiPolygon:
		return toSF(v).AsGeometry(), true
	case orb.Bound:
		if v.Min == v.Max {
			return orbToSFGeometry(v.Min)
		}
		if v.Min[0] == v.Max[0] || v.Min[1] == v.Max[1] {
			return orbToSFGeometry(orb.LineString{v.Min, v.Max})
		}
		return orbToSFGeometry(v.ToPolygon())
	case orb.Collection:
		gs := make([]sf.Geometry, 0, len(v))
		for _, c := range v {
			if s, ok := orbToSFGeometry(c); ok {
				gs = append(gs, s)
			}
		}
		return sf.NewGeometryCollection(gs).AsGeometry(), true
	}
	return sf.Geometry{}, false
}

// fromSF keeps the polygonal parts of an overlay result, oriented by the
// right-hand rule and cleaned; a result that was clean as it came is
// remembered as such (cleanResult), so only overlay results may come here.
func fromSF(g sf.Geometry) orb.MultiPolygon {
	return cleanResult(polygonsFromSF(g))
}

// polygonsFromSF is the polygonal parts of g, oriented, not cleaned.
func polygonsFromSF(g sf.Geometry) orb.MultiPolygon {
	var out orb.MultiPolygon
	var walk func(g sf.Geometry)
	walk = func(g sf.Geometry) {
		switch g.Type() {
		case sf.TypePolygon:
			if p := polygonFromSF(g.MustAsPolygon()); p != nil {
				out = append(out, p)
			}
		case sf.TypeMultiPolygon:
			mp := g.MustAsMultiPolygon()
			for i := 0; i < mp.NumPolygons(); i++ {
				if p := polygonFromSF(mp.PolygonN(i)); p != nil {
					out = append(out, p)
				}
			}
		case sf.TypeGeometryCollection:
			gc := g.MustAsGeometryCollection()
			for i := 0; i < gc.NumGeometries(); i++ {
				walk(gc.GeometryN(i))
			}
		}
	}
	walk(g)
	return out
}

func polygonFromSF(p sf.Polygon) orb.Polygon {
	if p.IsEmpty() {
		return nil
	}
	out := make(orb.Polygon, 0, p.NumRings())
	for j := 0; j < p.NumRings(); j++ {
		var ls sf.LineString
		if j == 0 {
			ls = p.ExteriorRing()
		} else {
			ls = p.InteriorRingN(j - 1)
		}
		seq := ls.Coordinates()
		r := make(orb.Ring, seq.Length())
		for i := range r {
			xy := seq.GetXY(i)
			r[i] = orb.Point{xy.X, xy.Y}
		}
		out = append(out, orientRing(r, j == 0))
	}
	return out
}

// closeRing returns r with its first point repeated at the end when missing.
func closeRing(r orb.Ring) orb.Ring {
	if len(r) > 0 && r[0] != r[len(r)-1] {
		c := make(orb.Ring, len(r), len(r)+1)
		copy(c, r)
		return append(c, r[0])
	}
	return r
}

// orientRing returns r counter-clockwise when ccw is set, clockwise otherwise,
// reversing a copy when needed.
func orientRing(r orb.Ring, ccw bool) orb.Ring {
	a := RingPlaneArea(r)
	if a == 0 || (a > 0) == ccw {
		return r
	}
	c := make(orb.Ring, len(r))
	for i := range r {
		c[i] = r[len(r)-1-i]
	}
	return c
}
