package demo

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Layout is drawn in local plane metres (x east, y north) per district, on
// whole metres, with axis-aligned rectangles, so neighbouring lots share
// their edges exactly; the district is then rotated and placed in Linhai's
// Gauss–Krüger plane and unprojected (see demo.go).

type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) w() float64    { return r.x1 - r.x0 }
func (r rect) h() float64    { return r.y1 - r.y0 }
func (r rect) area() float64 { return r.w() * r.h() }

const m2PerMu = 10000.0 / 15

// district is a street grid: blocks between streets, with column widths and
// row heights in metres.
type district struct {
	lon, lat float64 // south-west corner
	angle    float64 // grid rotation, degrees counter-clockwise
	cols     []float64
	rows     []float64
	town     func(row, col int) int // index into towns
}

// Two districts: the main industrial area west of the old town (three
// street offices) and a smaller cluster in Duqiao.
var districts = []district{
	{
		lon: 121.086, lat: 28.842, angle: 9,
		cols: []float64{260, 320, 210, 300, 240, 380, 220, 340, 250},
		rows: []float64{180, 240, 160, 300, 200, 220, 170},
		town: func(row, col int) int {
			switch {
			case row <= 2:
				return 2 // 江南街道, the southern rows
			case col <= 4:
				return 0 // 古城街道
			}
			return 1 // 大洋街道
		},
	},
	{
		lon: 121.372, lat: 28.757, angle: -4,
		cols: []float64{280, 230, 310, 260},
		rows: []float64{210, 190, 240},
		town: func(int, int) int { return 3 }, // 杜桥镇
	},
}

// street is the width of the street after column/row i: a 30 m main road
// after every third block, else an 18 m branch road.
func street(i int) float64 {
	if i%3 == 2 {
		return 30
	}
	return 18
}

// block is one block of a district.
type block struct {
	r        rect
	district int
	row, col int
	town     int
}

func (d district) blocks(di int) []block {
	var out []block
	y := 0.0
	for ri, h := range d.rows {
		x := 0.0
		for ci, w := range d.cols {
			out = append(out, block{r: rect{x, y, x + w, y + h}, district: di, row: ri, col: ci, town: d.town(ri, ci)})
			x += w + street(ci)
		}
		y += h + street(ri)
	}
	return out
}

// lotPlan is a lot in local metres with what the generator decided for it.
type lotPlan struct {
	r           rect
	block       block
	blockNo     int // 地籍子区 number within the town
	seq         int // lot number within the block
	inefficient bool
}

// piecePlan is a leftover piece between lots.
type piecePlan struct {
	r    rect
	kind string // 夹心地 or 边角地
}

// casePlan is a joint-redevelopment case: members (indexes into the lots)
// and pieces.
type casePlan struct {
	name    string
	members []int
	pieces  []piecePlan
	saved   bool
}

// sampleMu draws a lot size in 亩: mostly small and middle-sized plants,
// some large ones.
func sampleMu(rng *rand.Rand) float64 {
	switch u := rng.Float64(); {
	case u < 0.55:
		return 5.5 + rng.Float64()*9.5 // 5.5–15
	case u < 0.85:
		return 15 + rng.Float64()*20 // 15–35
	default:
		return 35 + rng.Float64()*40 // 35–75
	}
}

// cutStrip cuts a strip (the full depth of a block or of one of its two
// rows) into lots along x, from x0 on.
func cutStrip(rng *rand.Rand, s rect) []rect {
	var out []rect
	d := s.h()
	minW := math.Max(30, math.Ceil(5.2*m2PerMu/d))
	x := s.x0
	for x < s.x1 {
		w := math.Max(minW, math.Round(sampleMu(rng)*m2PerMu/d))
		if s.x1-(x+w) < minW {
			w = s.x1 - x
		}
		out = append(out, rect{x, s.y0, x + w, s.y1})
		x += w
	}
	return out
}

// splitRows splits a block deeper than 170 m into a front and a back row.
func splitRows(rng *rand.Rand, b rect) []rect {
	if b.h() < 170 {
		return []rect{b}
	}
	ym := b.y0 + math.Round(b.h()*(0.42+0.16*rng.Float64()))
	return []rect{{b.x0, b.y0, b.x1, ym}, {b.x0, ym, b.x1, b.y1}}
}

// special blocks host the joint-redevelopment cases (district, row, col).
type blockKey struct{ district, row, col int }

const (
	caseSandwich      = iota + 1 // a narrow 夹心地 between two front lots, closed by the back row
	caseCorner                   // a 边角地 at the block's corner
	caseWideSandwich             // a wide 夹心地 through the whole block depth, four members
	caseSandwichNoZon            // a 夹心地 nobody has drawn a zone for yet
)

var specialBlocks = map[blockKey]int{
	{0, 1, 1}: caseSandwich,
	{0, 5, 3}: caseCorner,
	{0, 3, 7}: caseWideSandwich,
	{1, 1, 2}: caseSandwichNoZon,
}

// plan lays out every district: lots, cases and their pieces.
func plan(rng *rand.Rand) ([]lotPlan, []casePlan) {
	var lots []lotPlan
	var cases []casePlan
	blockNos := map[int]int{}
	for di, d := range districts {
		for _, b := range d.blocks(di) {
			blockNos[b.town]++
			no := blockNos[b.town]
			add := func(r rect) int {
				lots = append(lots, lotPlan{r: r, block: b, blockNo: no})
				return len(lots) - 1
			}
			switch specialBlocks[blockKey{di, b.row, b.col}] {
			case caseSandwich, caseSandwichNoZon:
				cases = append(cases, sandwich(rng, b, add, 10))
				cases[len(cases)-1].saved = specialBlocks[blockKey{di, b.row, b.col}] == caseSandwich
			case caseCorner:
				cases = append(cases, corner(rng, b, add))
			case caseWideSandwich:
				cases = append(cases, wideSandwich(rng, b, add))
			default:
				// A block of 80–120 亩 is sometimes one large plant.
				if mu := b.r.area() / m2PerMu; mu >= 80 && mu <= 120 && rng.Float64() < 0.5 {
					add(b.r)
					continue
				}
				for _, row := range splitRows(rng, b.r) {
					for _, r := range cutStrip(rng, row) {
						add(r)
					}
				}
			}
		}
	}
	// Number the lots within each block in the order they were cut.
	seq := map[[2]int]int{}
	for i := range lots {
		k := [2]int{lots[i].block.town, lots[i].blockNo}
		seq[k]++
		lots[i].seq = seq[k]
	}
	return lots, cases
}

// overlapping returns the lots among ids whose x-range overlaps [x0, x1]
// with a positive length.
func overlapping(rs []rect, ids []int, x0, x1 float64) []int {
	var out []int
	for k, r := range rs {
		if r.x0 < x1 && r.x1 > x0 {
			out = append(out, ids[k])
		}
	}
	return out
}

// sandwich: in the front row, lot L1 from the block's west end, a gap of
// gapW metres, lot L2, then ordinary lots; the back row is cut as usual.
// The gap is bounded by L1, L2 and the back-row lots above it: a 夹心地.
func sandwich(rng *rand.Rand, b block, add func(rect) int, gapW float64) casePlan {
	rows := splitRows(rng, b.r)
	front := rows[0]
	d := front.h()
	w1 := math.Round(16 * m2PerMu / d)
	w2 := math.Round(13 * m2PerMu / d)
	gx := front.x0 + w1
	c := casePlan{name: "夹心地"}
	c.members = append(c.members, add(rect{front.x0, front.y0, gx, front.y1}))
	c.pieces = append(c.pieces, piecePlan{rect{gx, front.y0, gx + gapW, front.y1}, "夹心地"})
	c.members = append(c.members, add(rect{gx + gapW, front.y0, gx + gapW + w2, front.y1}))
	for _, r := range cutStrip(rng, rect{gx + gapW + w2, front.y0, front.x1, front.y1}) {
		add(r)
	}
	if len(rows) > 1 {
		back := cutStrip(rng, rows[1])
		ids := make([]int, len(back))
		for k, r := range back {
			ids[k] = add(r)
		}
		c.members = append(c.members, overlapping(back, ids, gx, gx+gapW)...)
	}
	sort.Ints(c.members)
	return c
}

// corner: the front row starts cw metres east of the block's corner, and
// the corner left over (about 2.5 亩) touches the first front lot and the
// back-row lot above it: a 边角地.
func corner(rng *rand.Rand, b block, add func(rect) int) casePlan {
	rows := splitRows(rng, b.r)
	front := rows[0]
	cw := math.Round(1700 / front.h())
	c := casePlan{name: "边角地", saved: true}
	c.pieces = append(c.pieces, piecePlan{rect{front.x0, front.y0, front.x0 + cw, front.y1}, "边角地"})
	fr := cutStrip(rng, rect{front.x0 + cw, front.y0, front.x1, front.y1})
	for k, r := range fr {
		id := add(r)
		if k == 0 {
			c.members = append(c.members, id)
		}
	}
	if len(rows) > 1 {
		back := cutStrip(rng, rows[1])
		ids := make([]int, len(back))
		for k, r := range back {
			ids[k] = add(r)
		}
		c.members = append(c.members, overlapping(back, ids, front.x0, front.x0+cw)...)
	}
	sort.Ints(c.members)
	return c
}

// wideSandwich: a 15 m strip through the whole block depth (over 3 亩),
// between four lots of about 20 亩 — two in the front row, two at the back.
func wideSandwich(rng *rand.Rand, b block, add func(rect) int) casePlan {
	rows := splitRows(rng, b.r)
	const gapW = 15
	c := casePlan{name: "夹心地", saved: true}
	gx := -1.0
	for _, row := range rows {
		d := row.h()
		w := math.Round(20 * m2PerMu / d)
		if gx < 0 {
			gx = row.x0 + w
		}
		c.members = append(c.members, add(rect{row.x0, row.y0, gx, row.y1}))
		c.members = append(c.members, add(rect{gx + gapW, row.y0, gx + gapW + w, row.y1}))
		for _, r := range cutStrip(rng, rect{gx + gapW + w, row.y0, row.x1, row.y1}) {
			add(r)
		}
	}
	c.pieces = append(c.pieces, piecePlan{rect{gx, b.r.y0, gx + gapW, b.r.y1}, "夹心地"})
	sort.Ints(c.members)
	return c
}

// withTJunctions returns the ring of r (counter-clockwise, closed) with every
// corner of the other rectangles that lies inside one of its edges inserted,
// so two polygons that share part of an edge share its vertices too.
func withTJunctions(r rect, corners [][2]float64) [][2]float64 {
	type edge struct {
		a, b [2]float64
	}
	edges := []edge{
		{[2]float64{r.x0, r.y0}, [2]float64{r.x1, r.y0}},
		{[2]float64{r.x1, r.y0}, [2]float64{r.x1, r.y1}},
		{[2]float64{r.x1, r.y1}, [2]float64{r.x0, r.y1}},
		{[2]float64{r.x0, r.y1}, [2]float64{r.x0, r.y0}},
	}
	var ring [][2]float64
	for _, e := range edges {
		ring = append(ring, e.a)
		var mid [][2]float64
		for _, c := range corners {
			switch {
			case e.a[1] == e.b[1] && c[1] == e.a[1] && c[0] > math.Min(e.a[0], e.b[0]) && c[0] < math.Max(e.a[0], e.b[0]):
				mid = append(mid, c)
			case e.a[0] == e.b[0] && c[0] == e.a[0] && c[1] > math.Min(e.a[1], e.b[1]) && c[1] < math.Max(e.a[1], e.b[1]):
				mid = append(mid, c)
			}
		}
		// Order by distance from the edge's start; drop duplicates.
		sort.Slice(mid, func(i, j int) bool {
			return math.Abs(mid[i][0]-e.a[0])+math.Abs(mid[i][1]-e.a[1]) < math.Abs(mid[j][0]-e.a[0])+math.Abs(mid[j][1]-e.a[1])
		})
		for k, m := range mid {
			if k == 0 || m != mid[k-1] {
				ring = append(ring, m)
			}
		}
	}
	return append(ring, ring[0])
}
