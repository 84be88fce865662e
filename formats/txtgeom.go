package formats

import (
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"landplan/geo"
)

// ring is one ring as written: consecutive rows ending with a repeat of the
// first point.
type ring struct {
	num   int       // 圈号 as written (not trusted for structure)
	rows  []int     // indexes into the parcel's rows, closing row included, repeats dropped
	local orb.Ring  // (easting, northing) relative to the parcel's origin, closed
	xy    orb.Ring  // (X, Y) as in the file, for validation messages in the surveyors' order
	area  float64   // signed shoelace area of local: > 0 counter-clockwise
	box   orb.Bound // of local
	// keyReversed: ringKey read this ring backwards (for duplicate messages)
	keyReversed bool
	sweep       int // edge pairs geo's sweep compares (sweepPairs)
}

// maxRings bounds the rings of one parcel: nesting compares every pair, and
// no real parcel comes near it.
const maxRings = 5000

// closeTol: a row closes its ring when it repeats the first point to within
// half a millimetre, the rounding of a 3-decimal file.
const closeTol = 0.0005

func (rp *rawParcel) ringLabel(rg *ring) (en, zh string) {
	a, b := rp.rows[rg.rows[0]].line, rp.rows[rg.rows[len(rg.rows)-1]].line
	return fmt.Sprintf("ring %d (lines %d–%d)", rg.num, a, b), fmt.Sprintf("第 %d 圈（第 %d–%d 行）", rg.num, a, b)
}

func (rp *rawParcel) pointLabel(k int) (en, zh string) {
	r := rp.rows[k]
	return fmt.Sprintf("point %s (line %d)", r.name, r.line), fmt.Sprintf("界址点 %s（第 %d 行）", r.name, r.line)
}

// build turns the parcel's rows into polygons by nesting, validates them,
// computes the area and compares the declared values. Problems go to rp.probs.
func (rd *reader) build(rp *rawParcel) {
	p := &rp.p
	p.Points = len(rp.rows)
	if len(rp.rows) == 0 {
		rp.fail(CodeNoRows, "the parcel has no coordinate rows", "该地块没有坐标行")
		return
	}
	x0, y0 := rp.rows[0].x, rp.rows[0].y // local origin: see RingPlaneArea on precision
	var rings []*ring
	var cur *ring
	unclosed := func(rg *ring) {
		en, zh := rp.ringLabel(rg)
		last, first := rg.rows[len(rg.rows)-1], rg.rows[0]
		len1, lzh1 := rp.pointLabel(last)
		len0, lzh0 := rp.pointLabel(first)
		rp.add(problem{gp: geo.Problem{Code: CodeRingUnclosed, Ring: rg.num, Vertex: len(rg.rows) - 1, Point: orb.Point{rp.rows[last].x, rp.rows[last].y}},
			en: fmt.Sprintf("%s is not closed: its last %s does not repeat its first %s; a ring ends by repeating its first point (check that no point is missing)", en, len1, len0),
			zh: fmt.Sprintf("%s未闭合：最后一个%s与第一个%s不同；每圈应以重复第一个界址点结束（请检查是否遗漏界址点）", zh, lzh1, lzh0)})
	}
	for k, r := range rp.rows {
		if cur != nil && r.ring != cur.num {
			unclosed(cur)
			cur = nil
		}
		if cur == nil {
			cur = &ring{num: r.ring}
			rings = append(rings, cur)
		}
		pt := orb.Point{r.y - y0, r.x - x0}
		if n := len(cur.local); n > 0 && math.Abs(pt[0]-cur.local[n-1][0]) < closeTol && math.Abs(pt[1]-cur.local[n-1][1]) < closeTol {
			en, zh := rp.pointLabel(k)
			p.Warnings = append(p.Warnings, Warning{Code: WarnRepeatedPoint, Line: r.line,
				Message:   fmt.Sprintf("%s repeats the previous point: dropped", en),
				MessageZH: fmt.Sprintf("%s与上一个界址点重复：已忽略", zh)})
			continue
		}
		cur.rows = append(cur.rows, k)
		cur.local = append(cur.local, pt)
		cur.xy = append(cur.xy, orb.Point{r.x, r.y})
		if n := len(cur.local); n >= 3 && math.Abs(pt[0]-cur.local[0][0]) < closeTol && math.Abs(pt[1]-cur.local[0][1]) < closeTol {
			cur.local[n-1], cur.xy[n-1] = cur.local[0], cur.xy[0] // exactly closed
			cur = nil
		}
	}
	if cur != nil {
		unclosed(cur)
	}
	if len(rings) > maxRings {
		rp.fail(CodeTooManyRings,
			fmt.Sprintf("the parcel has %d rings, more than the %d a parcel can have: split the file or the parcel", len(rings), maxRings),
			fmt.Sprintf("该地块有 %d 个圈，超过单个地块允许的 %d 个：请拆分文件或地块", len(rings), maxRings))
	}
	if len(rp.probs) > 0 {
		return
	}
	// Each ring on its own: too few points, self-intersections.
	sweepWork := 0
	for _, rg := range rings {
		rg.area = geo.RingPlaneArea(rg.local)
		rg.box = rg.local.Bound()
		// geo finds self-intersections with a sweep along the first
		// coordinate (X here): edges that all overlap along X, as in a comb
		// with long teeth running north–south, make it quadratic (48 000
		// points took 2.9 s). Count the pairs it would compare first.
		rg.sweep = sweepPairs(rg.xy)
		sweepWork += rg.sweep
		if rg.sweep > maxSweep {
			en, zh := rp.ringLabel(rg)
			rp.add(problem{gp: geo.Problem{Code: CodeTooComplex, Ring: rg.num, Vertex: -1, Point: rg.xy[0]},
				en: fmt.Sprintf("%s has so many edges overlapping each other along X (%d pairs, more than %d; a comb of long north–south teeth) that checking it for self-intersections would take too long: simplify or split the parcel", en, rg.sweep, maxSweep),
				zh: fmt.Sprintf("%s沿 X 方向相互重叠的边过多（%d 对，超过 %d；如南北向长齿的梳状边界），自相交检查耗时过长：请简化或拆分地块", zh, rg.sweep, maxSweep)})
			continue
		}
		if rd.pool.sweep -= max(0, rg.sweep-8*len(rg.xy)); rd.pool.spent() {
			rp.unchecked = true // the file is refused as a whole; spend no more
			return
		}
		for _, gp := range geo.Validate(orb.MultiPolygon{{rg.xy}}) {
			if gp.Code == geo.CodeWrongOrientation || gp.Code == geo.CodeRepeatedVertex {
				continue // orientation is fixed below; repeats were dropped
			}
			rp.geoProblem(gp, rg, nil)
		}
	}
	if len(rp.probs) > 0 {
		return
	}
	// A ring written twice would make every later step quadratic in its
	// copies (1000 copies of a square took 28 s): refuse copies first.
	rp.duplicateRings(rings)
	if len(rp.probs) > 0 {
		return
	}
	// Nesting: a ring inside an odd number of others is a hole of its
	// innermost container; the others are shells (islands in holes too).
	// Rings are sorted by their west edge so that a ring is only compared
	// with those whose extent can hold it; the point tests are budgeted.
	n := len(rings)
	depth := make([]int, n)
	parent := make([]int, n)
	byWest := make([]int, n)
	for i := range byWest {
		byWest[i] = i
	}
	sort.Slice(byWest, func(a, b int) bool { return rings[byWest[a]].box.Min[0] < rings[byWest[b]].box.Min[0] })
	budget := nestBudget
	for i := range parent {
		parent[i] = -1
	}
	// Sweep west to east: a ring's containers start no further east and
	// end no further west than it, so they are among the rings whose
	// extent spans its west edge (5000 disjoint rings compared every pair).
	var active []int
	for g := 0; g < n; {
		x := rings[byWest[g]].box.Min[0]
		h := g
		for h < n && rings[byWest[h]].box.Min[0] == x {
			h++
		}
		k := 0
		for _, j := range active {
			if rings[j].box.Max[0] >= x {
				active[k] = j
				k++
			}
		}
		active = append(active[:k], byWest[g:h]...)
		for _, i := range byWest[g:h] {
			for _, j := range active {
				if i != j && contains(rings[j], rings[i], j < i, &budget) {
					depth[i]++
					if parent[i] < 0 || math.Abs(rings[j].area) < math.Abs(rings[parent[i]].area) {
						parent[i] = j
					}
				}
			}
		}
		g = h
	}
	// What nesting spent beyond a few tests per row is charged to the file.
	rd.pool.nest -= max(0, nestBudget-budget-4*len(rp.rows))
	if budget < 0 {
		rp.fail(CodeTooComplex,
			fmt.Sprintf("deciding which of the parcel's %d rings lies inside which would take too long (more than %d point-against-edge tests): rings written twice with small changes, rings sharing long stretches of boundary, or very many rings inside a ring of very many points; correct or split the parcel", n, nestBudget),
			fmt.Sprintf("判断该地块 %d 个圈之间的包含关系耗时过长（超过 %d 次点与边的比较）：可能是稍作改动后重复写出的圈、大段共用边界的圈，或在界址点极多的圈内有极多的圈；请修正或拆分地块", n, nestBudget))
		return
	}
	var polys [][]int // ring indexes: shell, holes…
	polyOf := make([]int, n)
	for i := range rings {
		if depth[i]%2 == 0 {
			polyOf[i] = len(polys)
			polys = append(polys, []int{i})
		}
	}
	for i := range rings {
		if depth[i]%2 == 1 {
			k := polyOf[parent[i]]
			polys[k] = append(polys[k], i)
		}
	}
	xy := make(orb.MultiPolygon, len(polys))
	for k, pr := range polys {
		for _, i := range pr {
			xy[k] = append(xy[k], rings[i].xy)
		}
	}
	shells := make([]*ring, len(polys))
	for k, pr := range polys {
		shells[k] = rings[pr[0]]
	}
	// Rings compared pairwise by geo.Validate (parts against parts, holes
	// of one polygon against each other) are limited: each overlapping pair
	// costs a topological relate. Concentric rings, the worst real-looking
	// case, make 19 900 pairs at 400 rings.
	pairs, pairSweep := siblingPairs(rings, polys)
	sweepWork += pairSweep
	if pairs > maxPairs {
		rp.fail(CodeTooComplex,
			fmt.Sprintf("the parcel has more than %d pairs of parts or holes whose extents overlap: checking them would take too long; rings that overlap this much are almost certainly wrong: check the 圈号 and coordinates, or split the parcel", maxPairs),
			fmt.Sprintf("该地块中范围相互重叠的部件或内环超过 %d 对，检查耗时过长；如此大量的重叠几乎可以肯定是数据错误：请检查圈号和坐标，或拆分地块", maxPairs))
		return
	}
	// geo.Validate checks each hole against its shell with a sweep over
	// both (sorting the shell's edges again for every hole): 3000 holes in
	// a 2000-vertex shell take 0.9 s. Bound holes × shell vertices, and the
	// sweeps' pairs as counted above.
	holeWork := 0
	for _, pr := range polys {
		holeWork += (len(pr) - 1) * len(rings[pr[0]].local)
		sweepWork += (len(pr) - 1) * rings[pr[0]].sweep
	}
	if sweepWork > maxSweep {
		rp.fail(CodeTooComplex,
			fmt.Sprintf("checking the parcel's rings against each other would compare too many pairs of edges (%d, more than %d: holes in a shell whose edges overlap each other along X, like a comb): simplify or split the parcel", sweepWork, maxSweep),
			fmt.Sprintf("检查该地块各圈之间的关系需要比较的边对过多（%d，超过 %d：内环所在外环的边沿 X 方向大量重叠，如梳状）：请简化或拆分地块", sweepWork, maxSweep))
		return
	}
	if holeWork > maxHoleWork {
		rp.fail(CodeTooComplex,
			fmt.Sprintf("the parcel's holes and the shells around them are too many to check (holes × shell points = %d, more than %d; e.g. 1000 holes in a shell of 2000 points): split the parcel", holeWork, maxHoleWork),
			fmt.Sprintf("该地块的内环数量与外环界址点数过多，无法在合理时间内检查（内环数 × 外环界址点数 = %d，超过 %d，例如 1000 个内环位于 2000 个界址点的外环中）：请拆分地块", holeWork, maxHoleWork))
		return
	}
	rd.pool.pairs -= pairs
	rd.pool.holes -= max(0, holeWork-4*len(rp.rows))
	rd.pool.sweep -= max(0, sweepWork-8*len(rp.rows))
	// With one ring there is nothing more to find than the ring check did.
	var assembled []geo.Problem
	if n > 1 {
		assembled = geo.Validate(xy)
	}
	for _, gp := range assembled {
		if gp.Code == geo.CodeWrongOrientation || gp.Code == geo.CodeRepeatedVertex {
			continue
		}
		rp.geoProblem(gp, rings[polys[gp.Polygon][max(gp.Ring, 0)]], shells)
	}
	if len(rp.probs) > 0 {
		return
	}
	// Orient by the right-hand rule (shells counter-clockwise in east/north),
	// then unproject.
	z := rd.f.Zone
	p.Plane = make(orb.MultiPolygon, len(polys))
	var area float64
	for k, pr := range polys {
		for j, i := range pr {
			rg := rings[i]
			ccw := j == 0
			plane := make(orb.Ring, len(rg.local))
			for m, q := range rg.local {
				plane[m] = orb.Point{q[0] + y0, q[1] + x0}
			}
			if (rg.area > 0) != ccw {
				plane.Reverse()
			}
			if j == 0 {
				area += math.Abs(rg.area)
			} else {
				area -= math.Abs(rg.area)
			}
			p.Plane[k] = append(p.Plane[k], plane)
		}
	}
	p.AreaM2 = area
	p.Geometry = z.Unproject(p.Plane)
	// The plane checks keep rows near the zone; this catches the rest (geo
	// does the same for lon/lat input).
	for k, poly := range p.Geometry {
		for j, r := range poly {
			if inChina(r) {
				continue
			}
			rg := rings[polys[k][j]]
			en, zh := rp.ringLabel(rg)
			rp.add(problem{gp: geo.Problem{Code: geo.CodeOutsideChina, Ring: rg.num, Vertex: -1},
				en: fmt.Sprintf("%s lies outside China once unprojected from %v: check 带号, 几度分带 and the order of X and Y", en, z),
				zh: fmt.Sprintf("%s按 %d 度带第 %d 带反算后位于中国范围之外：请检查带号、几度分带以及 X、Y 的顺序", zh, z.Width, z.Number)})
			return
		}
	}
	rp.compareDeclared()
}

// contains reports whether ring a contains ring b. b's first vertex off a's
// boundary decides; rings that share every vertex and edge midpoint (a ring
// written twice, once as a hole) fall back on orientation: the later ring,
// wound the other way, is the hole.
func contains(a, b *ring, aFirst bool, budget *int) bool {
	if !a.box.Contains(b.box.Min) || !a.box.Contains(b.box.Max) || math.Abs(b.area) > math.Abs(a.area) {
		return false
	}
	for _, q := range b.local[:len(b.local)-1] {
		if *budget -= len(a.local); *budget < 0 {
			return false // the caller refuses the parcel
		}
		switch locate(q, a.local) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	for m := 0; m+1 < len(b.local); m++ {
		mid := orb.Point{(b.local[m][0] + b.local[m+1][0]) / 2, (b.local[m][1] + b.local[m+1][1]) / 2}
		if *budget -= len(a.local); *budget < 0 {
			return false
		}
		switch locate(mid, a.local) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return aFirst && (a.area > 0) != (b.area > 0)
}

// workPool is what is left of the file's budget for the checks that grow
// faster than the file (see the limits below): without it a 64 MiB file of
// parcels each just under the limits would take minutes. Each is about
// twice one parcel's limit; ordinary parcels charge nothing.
type workPool struct{ nest, pairs, holes, sweep int }

var filePool = workPool{nest: 2 * nestBudget, pairs: 2 * maxPairs, holes: 2 * maxHoleWork, sweep: 2 * maxSweep}

func (w workPool) spent() bool { return w.nest < 0 || w.pairs < 0 || w.holes < 0 || w.sweep < 0 }

// sweepPairs counts the pairs of edges of a closed ring whose extents along
// the first coordinate overlap: what geo's sort-by-minX sweep compares.
func sweepPairs(r orb.Ring) int {
	n := len(r) - 1
	if n < 64 {
		return n * n / 2 // small: not worth counting
	}
	type span struct{ lo, hi float64 }
	ss := make([]span, n)
	for k := 0; k < n; k++ {
		a, b := r[k][0], r[k+1][0]
		ss[k] = span{min(a, b), max(a, b)}
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].lo < ss[j].lo })
	total := 0
	for i, sp := range ss {
		// edges after i in the order that start no further than i ends
		j := sort.Search(n, func(k int) bool { return ss[k].lo > sp.hi })
		total += max(0, j-i-1)
	}
	return total
}

const (
	// nestBudget bounds the point-against-edge tests of nesting per parcel
	// (~0.2 s). Rings that are far apart or clearly nested need one test
	// per pair; only rings sharing most of their boundary use many.
	nestBudget = 20_000_000
	// maxPairs bounds the pairs geo.Validate compares with a topological
	// relate (see build).
	maxPairs = 25_000
	// maxHoleWork bounds holes × shell vertices (see build).
	maxHoleWork = 2_000_000
	// maxSweep bounds the pairs of edges geo's sweeps compare (~0.25 s).
	maxSweep = 100_000_000
)

// siblingPairs counts the pairs of rings that geo.Validate compares: shells
// of different polygons, and holes of one polygon, whose extents meet, and
// the edge pairs of the sweeps over them (ring.sweep of both). It stops
// counting past maxPairs.
func siblingPairs(rings []*ring, polys [][]int) (int, int) {
	sweep := 0
	count := func(idx []int, total int) int {
		sort.Slice(idx, func(a, b int) bool { return rings[idx[a]].box.Min[0] < rings[idx[b]].box.Min[0] })
		for x, i := range idx {
			for _, j := range idx[x+1:] {
				if rings[j].box.Min[0] > rings[i].box.Max[0] {
					break
				}
				if rings[i].box.Intersects(rings[j].box) {
					sweep += rings[i].sweep + rings[j].sweep
					if total++; total > maxPairs {
						return total
					}
				}
			}
		}
		return total
	}
	shells := make([]int, len(polys))
	for k, pr := range polys {
		shells[k] = pr[0]
	}
	total := count(shells, 0)
	for _, pr := range polys {
		if total > maxPairs {
			break
		}
		total = count(append([]int(nil), pr[1:]...), total)
	}
	return total, sweep
}

// duplicateRings refuses a ring that repeats an earlier one: the same
// vertices in the same cyclic order, from any start, in either direction.
func (rp *rawParcel) duplicateRings(rings []*ring) {
	seen := make(map[string]int, len(rings))
	for i, rg := range rings {
		key, reversed := ringKey(rg.local)
		if first, dup := seen[key]; dup {
			en, zh := rp.ringLabel(rg)
			fen, fzh := rp.ringLabel(rings[first])
			dir, dirZH := "", ""
			if reversed != rings[first].keyReversed {
				dir, dirZH = " in the opposite direction", "（方向相反）"
			}
			rp.add(problem{gp: geo.Problem{Code: CodeDuplicateRing, Ring: rg.num, Vertex: -1, Point: rg.xy[0]},
				en: fmt.Sprintf("%s repeats %s point for point%s: a ring is written once; remove the copy (a hole or a second part must have its own boundary)", en, fen, dir),
				zh: fmt.Sprintf("%s与%s的界址点完全相同%s：每个圈只能写一次，请删除重复的圈（内环或另一部分应有自己的边界）", zh, fzh, dirZH)})
			continue
		}
		rg.keyReversed = reversed
		seen[key] = i
	}
}

// ringKey is a canonical form of a closed ring: its vertices from the
// smallest one, in the direction whose next vertex is smaller, as bytes.
// reversed tells which direction was taken.
func ringKey(r orb.Ring) (key string, reversed bool) {
	pts := r[:len(r)-1]
	n := len(pts)
	less := func(a, b orb.Point) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }
	m := 0
	for i, q := range pts {
		if less(q, pts[m]) {
			m = i
		}
	}
	reversed = less(pts[(m+n-1)%n], pts[(m+1)%n])
	b := make([]byte, 0, 16*n)
	for k := 0; k < n; k++ {
		i := (m + k) % n
		if reversed {
			i = (m - k + n) % n
		}
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pts[i][0]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pts[i][1]))
	}
	return string(b), reversed
}

// locate: 1 inside, -1 outside, 0 on the boundary (within 1 µm).
func locate(p orb.Point, r orb.Ring) int {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if p[0] >= math.Min(a[0], b[0])-1e-6 && p[0] <= math.Max(a[0], b[0])+1e-6 &&
			p[1] >= math.Min(a[1], b[1])-1e-6 && p[1] <= math.Max(a[1], b[1])+1e-6 && distSeg(p, a, b) < 1e-6 {
			return 0
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if p[0] < x {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

func distSeg(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

var (
	vertexEN  = regexp.MustCompile(`vertex (\d+)`)
	vertexZH  = regexp.MustCompile(`第 (\d+) 个顶点`)
	holeEN    = regexp.MustCompile(`hole (\d+)`)
	polygonEN = regexp.MustCompile(`polygon (\d+)`)
	polygonZH = regexp.MustCompile(`第 (\d+) 个多边形`)
)

// geoProblem rewrites a geo.Problem found on the file's rings so that it
// names the ring by its 圈号 and lines and every vertex by its point name and
// line, and keeps geo's explanation. Problem.Point is (X, Y) as in the file.
func (rp *rawParcel) geoProblem(gp geo.Problem, rg *ring, shells []*ring) {
	if rp.full() {
		rp.more++ // skip the rewriting: thousands of problems must stay cheap
		return
	}
	en, zh := rp.ringLabel(rg)
	if gp.Vertex >= 0 && gp.Vertex < len(rg.rows) {
		pen, pzh := rp.pointLabel(rg.rows[gp.Vertex])
		en, zh = en+", "+pen, zh+"，"+pzh
	}
	bodyEN := afterWhere(gp.Message)
	bodyZH := afterWhere(gp.MessageZH)
	bodyEN = vertexEN.ReplaceAllStringFunc(bodyEN, func(s string) string {
		k, _ := strconv.Atoi(s[len("vertex "):])
		if k-1 >= 0 && k-1 < len(rg.rows) {
			r := rp.rows[rg.rows[k-1]]
			return fmt.Sprintf("point %s (line %d)", r.name, r.line)
		}
		return s
	})
	bodyZH = vertexZH.ReplaceAllStringFunc(bodyZH, func(s string) string {
		k := digits(s)
		if k-1 >= 0 && k-1 < len(rg.rows) {
			r := rp.rows[rg.rows[k-1]]
			return fmt.Sprintf("界址点 %s（第 %d 行）", r.name, r.line)
		}
		return s
	})
	bodyEN = holeEN.ReplaceAllString(bodyEN, "another ring")
	if shells != nil {
		bodyEN = polygonEN.ReplaceAllStringFunc(bodyEN, func(s string) string {
			if k := digits(s); k >= 1 && k <= len(shells) {
				en, _ := rp.ringLabel(shells[k-1])
				return en
			}
			return s
		})
		bodyZH = polygonZH.ReplaceAllStringFunc(bodyZH, func(s string) string {
			if k := digits(s); k >= 1 && k <= len(shells) {
				_, zh := rp.ringLabel(shells[k-1])
				return zh
			}
			return s
		})
	}
	gp.Ring = rg.num
	rp.add(problem{gp: gp, en: en + bodyEN, zh: zh + bodyZH})
}

// afterWhere drops geo's "polygon 1, shell, vertex 3" prefix, which counts
// rings and vertices of the assembled polygon rather than the file's.
func afterWhere(msg string) string {
	for _, sep := range []string{": ", "："} {
		if i := strings.Index(msg, sep); i >= 0 && i < 80 && (strings.HasPrefix(msg, "polygon") || strings.HasPrefix(msg, "第")) {
			return sep + msg[i+len(sep):]
		}
	}
	// "polygon 1, shell has 3 positions…": keep the verb phrase.
	for _, w := range []string{" has ", " repeats ", " is (", " encloses ", " runs ", " overlaps ", " shares "} {
		if i := strings.Index(msg, w); i >= 0 {
			return msg[i:]
		}
	}
	for _, w := range []string{"有 ", "与第", "为 (", "的面积", "方向", "与同一"} {
		if i := strings.Index(msg, w); i >= 0 {
			return msg[i:]
		}
	}
	return ": " + msg
}

// compareDeclared checks 地块面积 and 界址点数 against the coordinates.
func (rp *rawParcel) compareDeclared() {
	p := &rp.p
	if p.DeclaredPoints != 0 && p.DeclaredPoints != p.Points {
		p.Warnings = append(p.Warnings, Warning{Code: WarnPointCount, Line: p.Line,
			Message:   fmt.Sprintf("界址点数 is %d but the parcel has %d coordinate rows (closing rows included)", p.DeclaredPoints, p.Points),
			MessageZH: fmt.Sprintf("界址点数为 %d，但该地块有 %d 个坐标行（含闭合点）", p.DeclaredPoints, p.Points)})
	}
	d, a := p.DeclaredArea, p.AreaM2
	if rp.areaBad {
		return // already warned: area_unreadable
	}
	if d <= 0 {
		p.Warnings = append(p.Warnings, Warning{Code: WarnAreaMissing, Line: p.Line,
			Message:   fmt.Sprintf("no declared area (地块面积); computed %s", geo.FormatArea(a, "en")),
			MessageZH: fmt.Sprintf("未填写地块面积；按坐标计算为 %s", geo.FormatArea(a, "zh"))})
		return
	}
	// 公顷 officially; some tools write m². The unit whose value is nearer
	// the computed area (by ratio) is the one meant.
	ha := geo.M2FromHectares(d)
	p.DeclaredUnit, p.DeclaredAreaM2 = "ha", ha
	if rp.areaUnit == "m2" || rp.areaUnit == "" && math.Abs(math.Log(d/a)) < math.Abs(math.Log(ha/a)) {
		p.DeclaredUnit, p.DeclaredAreaM2 = "m2", d
	}
	if p.DeclaredUnit == "m2" && rp.areaUnit == "" {
		p.Warnings = append(p.Warnings, Warning{Code: WarnAreaUnitM2, Line: p.Line,
			Message:   fmt.Sprintf("地块面积 %g is in square metres, not 公顷 as the format says: read as %g m²", d, d),
			MessageZH: fmt.Sprintf("地块面积 %g 的单位是平方米而不是格式规定的公顷：按 %g 平方米读取", d, d)})
	}
	diff := p.DeclaredAreaM2 - a
	if tol := math.Max(1, 0.0005*a); math.Abs(diff) > tol {
		p.Warnings = append(p.Warnings, Warning{Code: WarnAreaMismatch, Line: p.Line,
			Message: fmt.Sprintf("declared area %.2f m² (%.4f ha) differs from the area computed from the coordinates, %.2f m² (%.4f ha), by %+.2f m² (%+.3f%%), more than the tolerance of %.2f m² (max of 1 m² and 0.05%%): the computed area is used",
				p.DeclaredAreaM2, geo.HectaresFromM2(p.DeclaredAreaM2), a, geo.HectaresFromM2(a), diff, 100*diff/a, tol),
			MessageZH: fmt.Sprintf("申报面积 %.2f 平方米（%.4f 公顷）与按坐标计算的面积 %.2f 平方米（%.4f 公顷）相差 %+.2f 平方米（%+.3f%%），超过允许误差 %.2f 平方米（1 平方米与 0.05%% 中的较大者）：采用计算面积",
				p.DeclaredAreaM2, geo.HectaresFromM2(p.DeclaredAreaM2), a, geo.HectaresFromM2(a), diff, 100*diff/a, tol)})
	}
}

// inChina: every vertex within lon 73–136, lat 3–54 (geo.ValidateLonLat's extent).
func inChina(r orb.Ring) bool {
	for _, q := range r {
		if !(q[0] >= 73 && q[0] <= 136 && q[1] >= 3 && q[1] <= 54) {
			return false
		}
	}
	return true
}
