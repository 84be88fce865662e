package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Problem codes. They are stable: clients and tests match on them.
const (
	CodeEmptyPolygon         = "empty_polygon"         // a polygon without rings
	CodeTooFewPoints         = "too_few_points"        // ring with < 4 positions (or < 3 distinct vertices)
	CodeUnclosedRing         = "unclosed_ring"         // first position ≠ last
	CodeNonFinite            = "non_finite_coordinate" // NaN or ±Inf
	CodeRepeatedVertex       = "repeated_vertex"       // consecutive duplicate position (Fixable)
	CodeWrongOrientation     = "wrong_orientation"     // shell not CCW or hole not CW (Fixable)
	CodeSelfIntersection     = "self_intersection"     // a ring crosses or touches itself
	CodeHoleOutsideShell     = "hole_outside_shell"    // a hole lies outside its shell
	CodeHoleCrossesShell     = "hole_crosses_shell"    // a hole crosses or runs along its shell
	CodeHolesOverlap         = "holes_overlap"         // two holes cross, run along or nest in each other
	CodeInteriorDisconnected = "interior_disconnected" // rings touching at points cut the interior in two
	CodeDegenerateRing       = "degenerate_ring"       // a simple ring whose area is 0, NaN or Inf in float64
	CodePolygonsOverlap      = "polygons_overlap"      // two polygons of a multipolygon overlap
	CodePolygonsShareEdge    = "polygons_share_edge"   // two polygons of a multipolygon share an edge
	CodeOutsideChina         = "outside_china"         // lon/lat outside lon 73–136, lat 3–54
	CodeAxesSwapped          = "axes_swapped"          // lat/lon given as lon/lat
	CodeProjected            = "projected_coordinates" // plane metres given as lon/lat
)

// China's extent for ValidateLonLat, degrees.
const (
	chinaMinLon, chinaMaxLon = 73.0, 136.0
	chinaMinLat, chinaMaxLat = 3.0, 54.0
)

// Validate checks a multipolygon's structure in whatever coordinates it has
// and returns every problem found, in order of polygon, ring and vertex; nil
// when the geometry is valid. Checks: polygons without rings, rings with
// fewer than 4 positions, unclosed rings, NaN/Inf, repeated consecutive
// vertices (Fixable), orientation against the RFC 7946 right-hand rule
// (Fixable), self-intersections (Point = where), holes outside or crossing
// their shell, holes overlapping each other, and polygons of the
// multipolygon overlapping or sharing an edge (at most maxPartProblems, 1000,
// of these). Rings may touch each other at single points, as in OGC Simple
// Features.
func Validate(g orb.MultiPolygon) []Problem {
	var probs []Problem
	polyOK := make([]bool, len(g))
	for i, p := range g {
		var pp []Problem
		pp = validatePolygon(i, p, pp)
		polyOK[i] = len(p) > 0
		for _, q := range pp {
			if !q.Fixable {
				polyOK[i] = false
			}
		}
		probs = append(probs, pp...)
	}
	probs = append(probs, validateParts(g, polyOK)...)
	return probs
}

// ValidateLonLat is Validate for lon/lat degrees on CGCS2000, plus a check
// that every vertex lies in China (lon 73–136, lat 3–54). When swapping the
// axes would bring the vertices inside, or when the values look like plane
// metres, the message says so. One problem per ring is reported for the
// extent check, at the first vertex outside, with the count of such vertices.
func ValidateLonLat(g orb.MultiPolygon) []Problem {
	probs := Validate(g)
	for i, p := range g {
		for j, r := range p {
			first, count, swapOK, projected := -1, 0, true, false
			for k, pt := range r {
				if !finite(pt) {
					continue // already reported
				}
				if inChina(pt[0], pt[1]) {
					continue
				}
				count++
				if first < 0 {
					first = k
				}
				if !inChina(pt[1], pt[0]) {
					swapOK = false
				}
				if math.Abs(pt[0]) > 1000 || math.Abs(pt[1]) > 1000 {
					projected = true
				}
			}
			if count == 0 {
				continue
			}
			pt := r[first]
			en, zh := where(i, j, first)
			pr := Problem{Polygon: i, Ring: j, Vertex: first, Point: pt}
			switch {
			case projected:
				pr.Code = CodeProjected
				pr.Message = fmt.Sprintf("%s: (%.3f, %.3f) looks like Gauss–Krüger X/Y in metres, not lon/lat degrees (%d vertices); give the EPSG code of the coordinates (e.g. EPSG:4528 for CGCS2000 3° zone 40 with zone prefix) so they can be transformed", en, pt[0], pt[1], count)
				pr.MessageZH = fmt.Sprintf("%s：(%.3f, %.3f) 看起来是高斯–克吕格平面坐标 X/Y（米），而不是经纬度（共 %d 个顶点）；请提供坐标的 EPSG 代码（例如 CGCS2000 3 度带第 40 带带带号为 EPSG:4528）以便转换", zh, pt[0], pt[1], count)
			case swapOK:
				pr.Code = CodeAxesSwapped
				pr.Message = fmt.Sprintf("%s: (%.7f, %.7f) is outside China (lon 73–136, lat 3–54) but inside it with the axes swapped (%d vertices); give coordinates as longitude, latitude (GeoJSON order), not latitude, longitude", en, pt[0], pt[1], count)
				pr.MessageZH = fmt.Sprintf("%s：(%.7f, %.7f) 不在中国范围内（经度 73–136，纬度 3–54），但交换坐标轴后在范围内（共 %d 个顶点）；请按“经度, 纬度”（GeoJSON 顺序）给出坐标，而不是“纬度, 经度”", zh, pt[0], pt[1], count)
			default:
				pr.Code = CodeOutsideChina
				pr.Message = fmt.Sprintf("%s: (%.7f, %.7f) is outside China (lon 73–136, lat 3–54) (%d vertices); check the coordinate system: lon/lat degrees on CGCS2000 (EPSG:4490) are expected", en, pt[0], pt[1], count)
				pr.MessageZH = fmt.Sprintf("%s：(%.7f, %.7f) 不在中国范围内（经度 73–136，纬度 3–54）（共 %d 个顶点）；请检查坐标系：应为 CGCS2000 经纬度（EPSG:4490，单位为度）", zh, pt[0], pt[1], count)
			}
			probs = append(probs, pr)
		}
	}
	sortProblems(probs)
	return probs
}

// Repair fixes the Fixable problems Validate finds — wrong ring orientation
// and repeated consecutive vertices — and returns the repaired copy with the
// problems it fixed. Nothing else is touched: an unclosed ring is not closed
// silently (the sender must say where the ring ends), and self-intersections
// need MakeValid, which callers invoke only when asked.
func Repair(g orb.MultiPolygon) (orb.MultiPolygon, []Problem) {
	probs := Validate(g)
	type key struct{ p, r int }
	dedupe := map[key]bool{}
	reorient := map[key]bool{}
	var fixed []Problem
	for _, pr := range probs {
		if !pr.Fixable {
			continue
		}
		fixed = append(fixed, pr)
		switch pr.Code {
		case CodeRepeatedVertex:
			dedupe[key{pr.Polygon, pr.Ring}] = true
		case CodeWrongOrientation:
			reorient[key{pr.Polygon, pr.Ring}] = true
		}
	}
	if len(fixed) == 0 {
		return g, nil
	}
	out := make(orb.MultiPolygon, len(g))
	for i, p := range g {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			k := key{i, j}
			if dedupe[k] {
				r = dropRepeats(r)
			}
			if reorient[k] {
				r = reverseRing(r)
			}
			out[i][j] = r
		}
	}
	return out, fixed
}

// dropRepeats returns a copy of r without consecutive duplicate positions.
func dropRepeats(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r))
	for k, pt := range r {
		if k > 0 && pt == r[k-1] {
			continue
		}
		out = append(out, pt)
	}
	return out
}

func reverseRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for k := range r {
		out[k] = r[len(r)-1-k]
	}
	return out
}

// ringInfo is a ring reduced for the topology checks: distinct consecutive
// vertices (closing vertex dropped) and their indexes in the original ring.
type ringInfo struct {
	pts []orb.Point
	idx []int
	ok  bool // finite, ≥ 3 distinct vertices, no self-intersection
}

func validatePolygon(i int, p orb.Polygon, probs []Problem) []Problem {
	if len(p) == 0 {
		en, zh := where(i, -1, -1)
		return append(probs, Problem{Code: CodeEmptyPolygon, Polygon: i, Vertex: -1,
			Message:   fmt.Sprintf("%s has no rings; give at least an outer ring of 4 or more positions, or remove the polygon", en),
			MessageZH: fmt.Sprintf("%s没有任何环；请至少给出一个不少于 4 个坐标点的外环，或删除该多边形", zh)})
	}
	infos := make([]ringInfo, len(p))
	for j, r := range p {
		probs, infos[j] = validateRing(i, j, r, probs)
	}
	// Rings against rings: holes must lie inside the shell without crossing
	// it, and must not overlap each other.
	shell := infos[0]
	// touches[j] lists, for ring j, the other rings it touches and where.
	type touch struct {
		other int
		at    crossing
	}
	touches := make([][]touch, len(p))
	for j := 1; j < len(p); j++ {
		h := infos[j]
		if !shell.ok || !h.ok {
			continue
		}
		x, bad, ts := ringsConflict(shell, h)
		if bad {
			en, zh := where(i, j, h.idx[x.ib])
			probs = append(probs, Problem{Code: CodeHoleCrossesShell, Polygon: i, Ring: j, Vertex: h.idx[x.ib], Point: x.pt,
				Message:   fmt.Sprintf("%s: the hole %s the shell at (%s); a hole must lie inside its shell, touching it at single points at most: correct the hole's vertices or cut the parcel into separate polygons", en, x.verb(), fmtPt(x.pt)),
				MessageZH: fmt.Sprintf("%s：该内环（洞）在 (%s) 处%s外环；洞必须位于外环之内，最多只能在单点处接触：请修正洞的顶点，或将宗地拆分为多个多边形", zh, fmtPt(x.pt), x.verbZH())})
			infos[j].ok = false
			continue
		}
		for _, t := range ts {
			touches[j] = append(touches[j], touch{0, t})
		}
		if pt, k, loc := ringInsideRing(h, shell); loc == outside {
			en, zh := where(i, j, h.idx[k])
			probs = append(probs, Problem{Code: CodeHoleOutsideShell, Polygon: i, Ring: j, Vertex: h.idx[k], Point: pt,
				Message:   fmt.Sprintf("%s: the hole lies outside its shell; move it into the polygon whose hole it is, or give it as a separate polygon if it is land", en),
				MessageZH: fmt.Sprintf("%s：该内环（洞）位于外环之外；请把它放到它所属的多边形中，如果它是一块用地，请作为单独的多边形给出", zh)})
			infos[j].ok = false // do not compare it with other holes
		}
	}
	// Holes whose bounds do not meet cannot touch or nest: without this a
	// courtyard block of 3 600 holes took seconds.
	bnds := make([]orb.Bound, len(p))
	for j := 1; j < len(p); j++ {
		if infos[j].ok {
			bnds[j] = orb.MultiPoint(infos[j].pts).Bound()
		}
	}
	for j := 1; j < len(p); j++ {
		for k := j + 1; k < len(p); k++ {
			a, b := infos[j], infos[k]
			if !a.ok || !b.ok || !bnds[j].Intersects(bnds[k]) {
				continue
			}
			x, bad, ts := ringsConflict(a, b)
			if bad {
				en, zh := where(i, k, b.idx[x.ib])
				probs = append(probs, Problem{Code: CodeHolesOverlap, Polygon: i, Ring: k, Vertex: b.idx[x.ib], Point: x.pt,
					Message:   fmt.Sprintf("%s: this hole %s hole %d at (%s); holes may touch only at single points: merge the two holes into one ring", en, x.verb(), j, fmtPt(x.pt)),
					MessageZH: fmt.Sprintf("%s：该内环（洞）在 (%s) 处%s第 %d 个内环；洞之间只能在单点处接触：请把两个洞合并为一个环", zh, fmtPt(x.pt), x.verbZH(), j)})
				continue
			}
			for _, t := range ts {
				touches[k] = append(touches[k], touch{j, t}) // t.ib indexes ring k
			}
			// Hole k inside hole j, or the other way round.
			jj, kk := j, k
			pt, v, loc := ringInsideRing(b, a)
			if loc != inside {
				jj, kk = k, j
				pt, v, loc = ringInsideRing(a, b)
			}
			if loc == inside {
				in := infos[kk]
				en, zh := where(i, kk, in.idx[v])
				probs = append(probs, Problem{Code: CodeHolesOverlap, Polygon: i, Ring: kk, Vertex: in.idx[v], Point: pt,
					Message:   fmt.Sprintf("%s: this hole lies inside hole %d; a hole inside a hole is an island: give the island as a separate polygon", en, jj),
					MessageZH: fmt.Sprintf("%s：该内环（洞）位于第 %d 个内环之内；洞中之洞是一块“岛”，请把它作为单独的多边形给出", zh, jj)})
			}
		}
	}
	// Rings touching at points must not enclose part of the interior.
	tg := newTouchGraph(len(p))
	for j := 1; j < len(p); j++ {
		for _, t := range touches[j] {
			if !infos[j].ok || !infos[t.other].ok {
				continue
			}
			if tg.add(j, t.at.pt) && tg.add(t.other, t.at.pt) {
				continue
			}
			v := t.at.ib
			if m := len(infos[j].pts); infos[j].pts[(v+1)%m] == t.at.pt {
				v = (v + 1) % m // the touch is at the edge's end vertex
			}
			en, zh := where(i, j, infos[j].idx[v])
			with, withZH := "the shell", "外环"
			if t.other > 0 {
				with, withZH = fmt.Sprintf("hole %d", t.other), fmt.Sprintf("第 %d 个内环", t.other)
			}
			probs = append(probs, Problem{Code: CodeInteriorDisconnected, Polygon: i, Ring: j, Vertex: infos[j].idx[v], Point: t.at.pt,
				Message:   fmt.Sprintf("%s: this hole touches %s at (%s), which closes a loop of touching rings and cuts the polygon's interior in two; give each part as its own polygon, or separate the rings", en, with, fmtPt(t.at.pt)),
				MessageZH: fmt.Sprintf("%s：该内环（洞）在 (%s) 处接触%s，与其他接触点一起把多边形内部分割成了不相连的部分；请把各部分分别作为多边形给出，或使这些环分开", zh, fmtPt(t.at.pt), withZH)})
			break
		}
	}
	return probs
}

// validateRing checks one ring on its own.
func validateRing(i, j int, r orb.Ring, probs []Problem) ([]Problem, ringInfo) {
	var info ringInfo
	n := len(r)
	kind, kindZH := "shell", "外环"
	if j > 0 {
		kind, kindZH = "hole", "内环（洞）"
	}
	finiteAll := true
	for k, pt := range r {
		if !finite(pt) {
			finiteAll = false
			en, zh := where(i, j, k)
			probs = append(probs, Problem{Code: CodeNonFinite, Polygon: i, Ring: j, Vertex: k, Point: pt,
				Message:   fmt.Sprintf("%s is (%v, %v), not a number; every coordinate must be a finite number: fix or remove this vertex", en, pt[0], pt[1]),
				MessageZH: fmt.Sprintf("%s为 (%v, %v)，不是有效数字；每个坐标都必须是有限数值：请修正或删除该顶点", zh, pt[0], pt[1])})
		}
	}
	closed := n > 0 && r[0] == r[n-1]
	positions := n
	if n > 0 && !closed {
		positions = n + 1
		en, zh := where(i, j, n-1)
		probs = append(probs, Problem{Code: CodeUnclosedRing, Polygon: i, Ring: j, Vertex: n - 1, Point: r[n-1],
			Message:   fmt.Sprintf("%s: the %s is not closed: its last position (%s) differs from its first (%s); repeat the first position at the end, after checking that no vertex is missing", en, kind, fmtPt(r[n-1]), fmtPt(r[0])),
			MessageZH: fmt.Sprintf("%s：该%s未闭合：最后一个点 (%s) 与第一个点 (%s) 不同；请确认没有遗漏顶点后，在末尾重复第一个点", zh, kindZH, fmtPt(r[n-1]), fmtPt(r[0]))})
	}
	// Distinct consecutive vertices, the closing one excluded.
	for k, pt := range r {
		if k > 0 && pt == r[k-1] {
			en, zh := where(i, j, k)
			probs = append(probs, Problem{Code: CodeRepeatedVertex, Polygon: i, Ring: j, Vertex: k, Point: pt, Fixable: true,
				Message:   fmt.Sprintf("%s repeats vertex %d at (%s); remove the duplicate (Repair does this without changing the area)", en, k, fmtPt(pt)),
				MessageZH: fmt.Sprintf("%s与第 %d 个顶点重复，位于 (%s)；请删除重复点（自动修复不会改变面积）", zh, k, fmtPt(pt))})
			continue
		}
		info.pts = append(info.pts, pt)
		info.idx = append(info.idx, k)
	}
	if m := len(info.pts); m > 1 && info.pts[0] == info.pts[m-1] {
		info.pts, info.idx = info.pts[:m-1], info.idx[:m-1]
	}
	if positions < 4 || len(info.pts) < 3 {
		en, zh := where(i, j, -1)
		probs = append(probs, Problem{Code: CodeTooFewPoints, Polygon: i, Ring: j, Vertex: -1,
			Message:   fmt.Sprintf("%s has %d positions and %d distinct vertices; a ring needs at least 4 positions (3 distinct vertices plus the closing one): add the missing vertices or remove the ring", en, n, len(info.pts)),
			MessageZH: fmt.Sprintf("%s有 %d 个坐标点、%d 个不同顶点；一个环至少需要 4 个坐标点（3 个不同顶点加上闭合点）：请补全顶点或删除该环", zh, n, len(info.pts))})
		return probs, info
	}
	if !finiteAll {
		return probs, info
	}
	if x, ok := firstSelfIntersection(info.pts); ok {
		en, zh := where(i, j, info.idx[x.ia])
		other := info.idx[x.ib]
		probs = append(probs, Problem{Code: CodeSelfIntersection, Polygon: i, Ring: j, Vertex: info.idx[x.ia], Point: x.pt,
			Message: fmt.Sprintf("%s: the edge from vertex %d %s the edge from vertex %d at (%s); correct the vertex order (a typical cause is two swapped vertices), or ask for make-valid to split the ring there",
				en, info.idx[x.ia]+1, x.verb(), other+1, fmtPt(x.pt)),
			MessageZH: fmt.Sprintf("%s：从第 %d 个顶点出发的边与从第 %d 个顶点出发的边在 (%s) 处%s；请修正顶点顺序（常见原因是两个顶点顺序颠倒），或明确要求“修复为有效几何”在该处拆分",
				zh, info.idx[x.ia]+1, other+1, fmtPt(x.pt), x.selfVerbZH())})
		return probs, info
	}
	a := ringSignedArea(info.pts)
	if a == 0 || math.IsNaN(a) || math.IsInf(a, 0) {
		// Cannot happen for a simple ring with sane coordinates, but
		// magnitudes near the float64 limits over- or underflow.
		en, zh := where(i, j, -1)
		return append(probs, Problem{Code: CodeDegenerateRing, Polygon: i, Ring: j, Vertex: -1, Point: r[0],
			Message:   fmt.Sprintf("%s encloses no measurable area (area %v); check the coordinates' units and magnitude", en, a),
			MessageZH: fmt.Sprintf("%s的面积无法计算（%v）；请检查坐标的单位和数量级", zh, a)}), info
	}
	info.ok = true
	if (j == 0 && a < 0) || (j > 0 && a > 0) {
		want, wantZH := "counter-clockwise", "逆时针"
		if j > 0 {
			want, wantZH = "clockwise", "顺时针"
		}
		en, zh := where(i, j, -1)
		probs = append(probs, Problem{Code: CodeWrongOrientation, Polygon: i, Ring: j, Vertex: -1, Point: r[0], Fixable: true,
			Message:   fmt.Sprintf("%s runs the wrong way: by the GeoJSON right-hand rule (RFC 7946) a %s must be %s; reverse its vertex order (Repair does this without changing the area)", en, kind, want),
			MessageZH: fmt.Sprintf("%s方向错误：按 GeoJSON 右手法则（RFC 7946），%s应为%s；请反转顶点顺序（自动修复不会改变面积）", zh, kindZH, wantZH)})
	}
	return probs, info
}

// maxPartProblems bounds the problems between parts that validateParts
// reports: each costs a relate and an intersection, and a multipolygon of a
// few hundred overlapping copies of one shape would otherwise take seconds
// and gigabytes. Past it the remaining pairs are not compared.
const maxPartProblems = 1000

// validateParts checks polygons of a multipolygon against each other; only
// polygons without unfixable problems of their own are compared. At most
// maxPartProblems problems are reported.
func validateParts(g orb.MultiPolygon, ok []bool) []Problem {
	type part struct {
		i int
		b orb.Bound
		p sf.Polygon
	}
	var parts []part
	for i, p := range g {
		if !ok[i] {
			continue
		}
		sp, good := polygonToSF(p)
		if !good {
			continue
		}
		parts = append(parts, part{i, p.Bound(), sp})
	}
	var probs []Problem
	// Each part's edges sorted by minX, built on first use: a pair whose
	// boundaries do not meet and neither of which has a ring inside the
	// other is settled without Relate (400 concentric rings took 18 s).
	segs := make([][]sweepSeg, len(parts))
	partSegs := func(x int) []sweepSeg {
		if segs[x] == nil {
			var ss []sweepSeg
			for _, r := range g[parts[x].i] {
				ss = ringSegs(r, 0, ss)
			}
			sort.Slice(ss, func(i, j int) bool { return ss[i].minX < ss[j].minX })
			segs[x] = ss
		}
		return segs[x]
	}
	// The pairs whose bounds meet, found by a sweep along x (comparing
	// every pair of 5000 disjoint parts took 0.3 s), then taken in the
	// order of the parts so that problems come out as before.
	west := make([]int, len(parts))
	for k := range west {
		west[k] = k
	}
	sort.Slice(west, func(i, j int) bool { return parts[west[i]].b.Min[0] < parts[west[j]].b.Min[0] })
	var pairs [][2]int
	for k, x := range west {
		for _, y := range west[k+1:] {
			if parts[y].b.Min[0] > parts[x].b.Max[0] {
				break
			}
			if parts[x].b.Intersects(parts[y].b) {
				pairs = append(pairs, [2]int{min(x, y), max(x, y)})
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		return pairs[i][0] < pairs[j][0] || pairs[i][0] == pairs[j][0] && pairs[i][1] < pairs[j][1]
	})
	var buf []sweepSeg
	for _, xy := range pairs {
		if len(probs) >= maxPartProblems {
			break
		}
		x, y := xy[0], xy[1]
		a, b := parts[x], parts[y]
		var meet bool
		meet, buf = boundariesMeet(partSegs(x), partSegs(y), buf, orb.Bound{
			Min: orb.Point{math.Max(a.b.Min[0], b.b.Min[0]), math.Max(a.b.Min[1], b.b.Min[1])},
			Max: orb.Point{math.Min(a.b.Max[0], b.b.Max[0]), math.Min(a.b.Max[1], b.b.Max[1])}})
		if !meet && !ringInsidePolygon(g[b.i], g[a.i]) && !ringInsidePolygon(g[a.i], g[b.i]) {
			continue // disjoint, or one inside a hole of the other
		}
		m, err := relate(a.p, b.p)
		if err != nil || len(m) != 9 {
			continue
		}
		code := ""
		switch {
		case m[0] != 'F': // interiors meet
			code = CodePolygonsOverlap
		case m[4] == '1': // boundaries share a line
			code = CodePolygonsShareEdge
		default:
			continue
		}
		pt := g[b.i][0][0]
		if q, ok := commonPoint(a.p, b.p); ok {
			pt = q
		}
		en, zh := where(b.i, 0, -1)
		pr := Problem{Code: code, Polygon: b.i, Vertex: -1, Point: pt}
		if code == CodePolygonsOverlap {
			pr.Message = fmt.Sprintf("%s overlaps polygon %d of the same multipolygon (e.g. at (%s)); the parts of a multipolygon must not overlap: merge them into one polygon (union) or correct the boundary", en, a.i+1, fmtPt(pt))
			pr.MessageZH = fmt.Sprintf("%s与同一多部件几何中的第 %d 个多边形重叠（例如在 (%s) 处）；多部件几何的各部分不得重叠：请合并为一个多边形或修正边界", zh, a.i+1, fmtPt(pt))
		} else {
			pr.Message = fmt.Sprintf("%s shares an edge with polygon %d of the same multipolygon (e.g. at (%s)); parts may touch only at points: merge the two parts into one polygon", en, a.i+1, fmtPt(pt))
			pr.MessageZH = fmt.Sprintf("%s与同一多部件几何中的第 %d 个多边形共用一条边（例如在 (%s) 处）；各部分只能在点上接触：请把两部分合并为一个多边形", zh, a.i+1, fmtPt(pt))
		}
		probs = append(probs, pr)
	}
	return probs
}

// boundariesMeet reports whether any edge of a meets any edge of b (crossing,
// touching or overlapping); a and b are sorted by minX. buf is reused.
func boundariesMeet(a, b, buf []sweepSeg, box orb.Bound) (bool, []sweepSeg) {
	// Only edges within the common extent of the two parts can meet.
	in := func(s *sweepSeg) bool {
		return s.maxX >= box.Min[0] && s.minX <= box.Max[0] && s.maxY >= box.Min[1] && s.minY <= box.Max[1]
	}
	buf = buf[:0]
	// Sorted by minX: edges starting east of the common extent are out.
	a = a[:sort.Search(len(a), func(k int) bool { return a[k].minX > box.Max[0] })]
	b = b[:sort.Search(len(b), func(k int) bool { return b[k].minX > box.Max[0] })]
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j >= len(b) || (i < len(a) && a[i].minX <= b[j].minX) {
			if s := a[i]; in(&s) {
				s.ring = 0
				buf = append(buf, s)
			}
			i++
		} else {
			if s := b[j]; in(&s) {
				s.ring = 1
				buf = append(buf, s)
			}
			j++
		}
	}
	for i := range buf {
		s := &buf[i]
		for j := i + 1; j < len(buf) && buf[j].minX <= s.maxX; j++ {
			t := &buf[j]
			if t.ring == s.ring || t.maxY < s.minY || t.minY > s.maxY {
				continue
			}
			if k, _ := intersectSegments(s.a, s.b, t.a, t.b); k != xNone {
				return true, buf
			}
		}
	}
	return false, buf
}

// ringInsidePolygon reports whether the first vertex of any ring of p lies
// inside q (in its shell, not in a hole). With boundaries that do not meet,
// each ring lies wholly inside or outside q, so the interiors of p and q
// meet exactly when this holds for p in q or q in p.
func ringInsidePolygon(p, q orb.Polygon) bool {
	for _, r := range p {
		if len(r) == 0 || len(q) == 0 || locate(r[0], q[0]) != inside {
			continue
		}
		in := true
		for _, h := range q[1:] {
			if locate(r[0], h) != outside {
				in = false
				break
			}
		}
		if in {
			return true
		}
	}
	return false
}

// where names a place for messages, 1-based: "polygon 2, hole 1, vertex 5".
func where(i, j, k int) (en, zh string) {
	en = fmt.Sprintf("polygon %d", i+1)
	zh = fmt.Sprintf("第 %d 个多边形", i+1)
	if j < 0 {
		// the polygon as a whole
	} else if j == 0 {
		en += ", shell"
		zh += "外环"
	} else {
		en += fmt.Sprintf(", hole %d", j)
		zh += fmt.Sprintf("第 %d 个内环（洞）", j)
	}
	if k >= 0 {
		en += fmt.Sprintf(", vertex %d", k+1)
		zh += fmt.Sprintf("第 %d 个顶点", k+1)
	}
	return en, zh
}

func fmtPt(p orb.Point) string {
	return fmt.Sprintf("%s, %s", fmtNum(p[0]), fmtNum(p[1]))
}

// fmtNum prints enough digits to find the place: 1e-7° ≈ 1 cm, 1 mm in metres.
func fmtNum(v float64) string {
	if math.Abs(v) > 1000 {
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.7f", v)
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

func inChina(lon, lat float64) bool {
	return lon >= chinaMinLon && lon <= chinaMaxLon && lat >= chinaMinLat && lat <= chinaMaxLat
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(a, b int) bool {
		if ps[a].Polygon != ps[b].Polygon {
			return ps[a].Polygon < ps[b].Polygon
		}
		return ps[a].Ring < ps[b].Ring
	})
}

// ringSignedArea is the shoelace area of an implicitly closed vertex list,
// relative to its first vertex.
func ringSignedArea(pts []orb.Point) float64 {
	n := len(pts)
	if n < 3 {
		return 0
	}
	ox, oy := pts[0][0], pts[0][1]
	var s float64
	for k := 1; k < n-1; k++ {
		ax, ay := pts[k][0]-ox, pts[k][1]-oy
		bx, by := pts[k+1][0]-ox, pts[k+1][1]-oy
		s += ax*by - bx*ay
	}
	return s / 2
}

// relate is sf.Relate with panics turned into errors.
func relate(a, b sf.Polygon) (m string, err error) {
	defer guard("relate", &err)
	return sf.Relate(a.AsGeometry(), b.AsGeometry())
}

// commonPoint returns a point the two polygons share: inside their overlap
// when there is one, else on their common boundary.
func commonPoint(a, b sf.Polygon) (pt orb.Point, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	x, err := sf.Intersection(a.AsGeometry(), b.AsGeometry())
	if err != nil || x.IsEmpty() {
		return orb.Point{}, false
	}
	xy, ok := x.PointOnSurface().XY()
	return orb.Point{xy.X, xy.Y}, ok
}
