package geo

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestAlreadyCleanAgreesWithCleaning: whenever the fast check says a
// geometry is clean, the full cleaning returns it unchanged. Random small
// multipolygons on a coarse grid (shared vertices, spikes, pinches and
// crossings are common), at the overlay tolerance and at coarse tolerances
// that make grid neighbours "too near".
func TestAlreadyCleanAgreesWithCleaning(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 17))
	proven, dirty := 0, 0
	buf := make([]byte, 64)
	for it := 0; it < 20000; it++ {
		for i := range buf {
			buf[i] = byte(rng.IntN(256))
		}
		if it%2 == 0 { // small coordinates: more touching and crossing
			for i := 3; i < len(buf); i++ {
				buf[i] &= 0x8f
			}
		}
		g := decodeMP(buf)
		if hasNonFinite(g) {
			continue
		}
		for _, minTol := range []float64{0, 0.3, 1.2} {
			tol := math.Max(minTol, tolerance(maxAbsCoord(g)))
			if tol == 0 {
				tol = math.SmallestNonzeroFloat64
			}
			if !alreadyClean(g, tol) {
				dirty++
				continue
			}
			proven++
			if got := cleanSlow(g, tol); !reflect.DeepEqual(got, g) {
				t.Fatalf("tol %g: fast check passed %v but cleaning gave %v", tol, g, got)
			}
		}
	}
	// Both outcomes must occur, or the test proves nothing.
	if proven < 1000 || dirty < 1000 {
		t.Errorf("proven clean %d, not proven %d: want both ≥ 1000", proven, dirty)
	}
	t.Logf("proven clean %d, not proven %d", proven, dirty)
}

// TestAlreadyCleanRejects: each defect the cleaning repairs defeats the
// fast check, at prefixed-GK coordinates where the tolerance is 3.7 µm.
func TestAlreadyCleanRejects(t *testing.T) {
	off := orb.Point{40500000, 3200000}
	shift := func(off orb.Point, pts ...orb.Point) orb.Ring {
		r := shift(off, pts...)
		return append(r, r[0])
	}
	sq := shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 10}, orb.Point{0, 10})
	tol := tolerance(maxAbsCoord(orb.MultiPolygon{{sq}}))
	if !alreadyClean(orb.MultiPolygon{{sq}}, tol) {
		t.Fatal("plain square not proven clean")
	}
	cases := map[string]orb.MultiPolygon{
		"near vertices (1 µm)":     {{shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 10}, orb.Point{10 - 1e-6, 10}, orb.Point{0, 10})}},
		"vertex 1 µm from an edge": {{shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 10}, orb.Point{5, 1e-6}, orb.Point{0, 10})}},
		"spike":                    {{shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 10}, orb.Point{5, 10}, orb.Point{5, 20}, orb.Point{5, 10}, orb.Point{0, 10})}},
		"pinch":                    {{shift(off, orb.Point{0, 0}, orb.Point{4, 0}, orb.Point{2, 2}, orb.Point{4, 4}, orb.Point{0, 4}, orb.Point{2, 2})}},
		"repeat":                   {{shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{10, 0}, orb.Point{10, 10}, orb.Point{0, 10})}},
		"unclosed":                 {{sq[:len(sq)-1]}},
		"sliver":                   {{shift(off, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{5, 1e-7})}},
		"near other part":          {{sq}, {shift(off, orb.Point{10 + 1e-6, 0}, orb.Point{20, 0}, orb.Point{20, 10}, orb.Point{10 + 1e-6, 10})}},
	}
	for name, g := range cases {
		tol := tolerance(maxAbsCoord(g))
		if alreadyClean(g, tol) {
			t.Errorf("%s: proven clean", name)
		}
		if reflect.DeepEqual(cleanSlow(g, tol), g) {
			t.Errorf("%s: the cleaning changed nothing, so the case tests nothing", name)
		}
	}
}

// TestRealParcelsProvenClean: the fast path is taken for real parcels (all
// but a few of the 500 Cambridge parcels), and agrees with the cleaning.
func TestRealParcelsProvenClean(t *testing.T) {
	ps := loadCambridgePlane(t)
	proven := 0
	for _, p := range ps {
		tol := tolerance(maxAbsCoord(p.g))
		if alreadyClean(p.g, tol) {
			proven++
			if got := cleanSlow(p.g, tol); !reflect.DeepEqual(got, p.g) {
				t.Errorf("parcel %d: proven clean but cleaning changed it", p.id)
			}
		}
	}
	if proven < len(ps)*95/100 {
		t.Errorf("%d of %d parcels proven clean, want ≥ 95%%", proven, len(ps))
	}
	t.Logf("%d of %d parcels proven clean", proven, len(ps))
}

// TestCleanMemoSeesInPlaceEdits: an overlay result is remembered as clean,
// but a caller that then edits it in place (here: a spike) gets it cleaned.
func TestCleanMemoSeesInPlaceEdits(t *testing.T) {
	u, err := Union(orb.MultiPolygon{rect(0, 0, 10, 10)}, orb.MultiPolygon{rect(10, 0, 20, 10)})
	if err != nil || len(u) != 1 {
		t.Fatalf("union: %v %v", u, err)
	}
	tol := tolerance(maxAbsCoord(u))
	if !knownClean(fingerprint(u, tol)) {
		t.Fatal("union result not remembered as clean")
	}
	if got := cleanPolygons(u); !reflect.DeepEqual(got, u) {
		t.Fatalf("clean result changed: %v", got)
	}
	// Turn the shell's first vertex into a near-duplicate of the second.
	r := u[0][0]
	r[0] = orb.Point{r[1][0] + 1e-13, r[1][1]}
	r[len(r)-1] = r[0]
	if knownClean(fingerprint(u, tol)) {
		t.Fatal("edited geometry still known clean")
	}
	got := cleanPolygons(u)
	if n := len(got[0][0]); n != len(r)-1 {
		t.Errorf("edited ring: %d points after cleaning, want %d (the near vertex merged)", n, len(r)-1)
	}
}

// sharedBoundaryBrute is SharedBoundaryLength by all pairs of edges, as it
// was before the grid.
func sharedBoundaryBrute(a, b orb.MultiPolygon, tol float64) float64 {
	var bs [][2]orb.Point
	for _, p := range b {
		for _, r := range p {
			for i := range r {
				if q0, q1 := r[i], r[(i+1)%len(r)]; q0 != q1 {
					bs = append(bs, [2]orb.Point{q0, q1})
				}
			}
		}
	}
	total := 0.0
	for _, p := range a {
		for _, r := range p {
			for i := range r {
				p0, p1 := r[i], r[(i+1)%len(r)]
				if p0 == p1 {
					continue
				}
				var ivs [][2]float64
				for _, s := range bs {
					if t0, t1, ok := segmentNearInterval(p0, p1, s[0], s[1], tol); ok {
						ivs = append(ivs, [2]float64{t0, t1})
					}
				}
				if len(ivs) > 0 {
					total += intervalUnionLength(ivs) * math.Hypot(p1[0]-p0[0], p1[1]-p0[1])
				}
			}
		}
	}
	return total
}

// TestSharedBoundaryLengthMatchesBruteForce: the grid index finds every
// pair the all-pairs scan finds, on real neighbouring parcels (and each
// against the union of its neighbours, a long-edged many-vertex b) and on
// random jittered grids.
func TestSharedBoundaryLengthMatchesBruteForce(t *testing.T) {
	check := func(name string, a, b orb.MultiPolygon, tol float64) float64 {
		t.Helper()
		got, err := SharedBoundaryLength(a, b, tol)
		if err != nil {
			t.Fatal(err)
		}
		want := sharedBoundaryBrute(a, b, tol)
		if math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("%s: grid %v, all pairs %v", name, got, want)
		}
		return got
	}
	rng := rand.New(rand.NewPCG(3, 9))
	for it := 0; it < 300; it++ {
		var a, b orb.MultiPolygon
		for k := 0; k < 1+rng.IntN(6); k++ {
			x, y := float64(rng.IntN(8)*10), float64(rng.IntN(8)*10)
			j := func() float64 { return (rng.Float64() - 0.5) * 0.04 }
			p := orb.Polygon{{{x + j(), y + j()}, {x + 10 + j(), y + j()}, {x + 10 + j(), y + 10 + j()}, {x + j(), y + 10 + j()}}}
			p[0] = append(p[0], p[0][0])
			if k%2 == 0 {
				a = append(a, p)
			} else {
				b = append(b, p)
			}
		}
		check("random", a, b, 0.05)
	}
	ps := loadCambridgePlane(t)
	if len(ps) > 120 {
		ps = ps[:120]
	}
	var all []orb.MultiPolygon
	for _, p := range ps {
		all = append(all, p.g)
	}
	u, err := Union(all...)
	if err != nil {
		t.Fatal(err)
	}
	positive := 0
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if check("parcels", ps[i].g, ps[j].g, 0.05) > 0 {
				positive++
			}
		}
		check("parcel vs union", ps[i].g, u, 0.05)
		check("union vs parcel", u, ps[i].g, 0.05)
	}
	if positive < 50 {
		t.Errorf("only %d neighbouring pairs share boundary: the test proves little", positive)
	}
	// The batch form, one index of the union's edges for all 120 parcels
	// (and an empty b, which measures 0), gives each parcel's brute force.
	bs := append(slices.Clone(all), nil)
	ls, err := SharedBoundaryLengths(u, bs, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bs {
		if want := sharedBoundaryBrute(u, b, 0.05); math.Abs(ls[i]-want) > 1e-9*math.Max(1, want) {
			t.Errorf("batch, union vs parcel %d: %v, all pairs %v", i, ls[i], want)
		}
	}
	if _, err := SharedBoundaryLengths(u, bs, math.NaN()); err == nil {
		t.Error("a NaN tolerance was accepted")
	}
}

// TestHullPocketsOfUnionResults: the pockets of an overlay result (one
// Difference) and of one with an island in a hole (filled shells overlap:
// unioned first) have the area hull − filled shells, computed by hand.
func TestHullPocketsOfUnionResults(t *testing.T) {
	// An L of two rectangles: hull minus L is one 50 m² triangle.
	l, err := Union(orb.MultiPolygon{rect(0, 0, 10, 5)}, orb.MultiPolygon{rect(0, 5, 5, 10)})
	if err != nil {
		t.Fatal(err)
	}
	pk, err := HullPockets(l)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "L pocket", PlaneArea(pk), 12.5, 1e-9)
	// A 30×30 frame with a 10×10 island in its 10..20 hole, beside a
	// 10×10 square at (40, 0): the pockets are hull − frame − square, and
	// neither the hole nor the island appears.
	frame := orb.Polygon{rect(0, 0, 30, 30)[0], orientRing(rect(5, 5, 25, 25)[0], false)}
	g, err := Union(orb.MultiPolygon{frame}, orb.MultiPolygon{rect(10, 10, 20, 20)}, orb.MultiPolygon{rect(40, 0, 50, 10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != 3 {
		t.Fatalf("union has %d polygons, want 3", len(g))
	}
	pk, err = HullPockets(g)
	if err != nil {
		t.Fatal(err)
	}
	// Hull: (0,0) (50,0) (50,10) (30,30) (0,30): 1500 − ½·20·20 = 1300.
	near(t, "frame pockets", PlaneArea(pk), 1300-900-100, 1e-9)
}
