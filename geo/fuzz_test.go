package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// decodeMP turns fuzz bytes into a small multipolygon on a coarse grid, so
// that collinear edges, shared vertices, spikes and crossings are common.
// Layout: polygons (1–3) · per polygon rings (1–3) · per ring: a header byte
// (vertex count 3–10; bit 7 set leaves the ring unclosed) then x, y bytes.
// Coordinates are signed bytes, plus a half-unit when bit 6 of the header is
// set (off-grid), so values stay exact.
func decodeMP(b []byte) orb.MultiPolygon {
	next := func() (byte, bool) {
		if len(b) == 0 {
			return 0, false
		}
		c := b[0]
		b = b[1:]
		return c, true
	}
	np, ok := next()
	if !ok {
		return nil
	}
	var g orb.MultiPolygon
	for i := 0; i < int(np%3)+1; i++ {
		nr, ok := next()
		if !ok {
			break
		}
		var p orb.Polygon
		for j := 0; j < int(nr%3)+1; j++ {
			h, ok := next()
			if !ok {
				break
			}
			n := int(h&0x3f)%8 + 3
			var r orb.Ring
			for k := 0; k < n; k++ {
				x, ok1 := next()
				y, ok2 := next()
				if !ok1 || !ok2 {
					break
				}
				pt := orb.Point{float64(int8(x)), float64(int8(y))}
				if h&0x40 != 0 && k%2 == 1 {
					pt[0] += 0.5
				}
				r = append(r, pt)
			}
			if len(r) > 0 && h&0x80 == 0 {
				r = append(r, r[0])
			}
			p = append(p, r)
		}
		g = append(g, p)
	}
	return g
}

func seedCorpus(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 0, 10, 0, 10, 10, 0, 10})                                                   // square
	f.Add([]byte{0, 1, 4, 0, 0, 10, 0, 10, 10, 0, 10, 4, 2, 2, 2, 4, 4, 4, 4, 2})                        // with hole
	f.Add([]byte{0, 0, 4, 0, 0, 2, 2, 2, 0, 0, 2})                                                       // bow tie
	f.Add([]byte{1, 0, 4, 0, 0, 4, 0, 4, 4, 0, 4, 0, 4, 2, 2, 6, 2, 6, 6, 2, 6})                         // overlapping parts
	f.Add([]byte{0, 0, 0x84, 0, 0, 0, 10, 10, 10, 10, 0})                                                // unclosed, clockwise
	f.Add([]byte{0, 0, 6, 0, 0, 4, 0, 4, 4, 4, 6, 4, 4, 0, 4})                                           // spike
	f.Add([]byte{0, 1, 4, 0, 0, 10, 0, 10, 10, 0, 10, 4, 8, 2, 8, 4, 12, 4, 12, 2})                      // hole crossing shell
	f.Add([]byte{0, 0, 0x45, 0, 0, 5, 0, 10, 0, 10, 10, 0, 10})                                          // off-grid
	f.Add([]byte{0, 0, 5, 0, 0, 4, 0, 2, 2, 4, 4, 0, 4, 2, 2})                                           // pinch
	f.Add([]byte{0, 0, 4, 0x80, 0x80, 0x7f, 0x80, 0x7f, 0x7f, 0x80, 0x7f})                               // extremes
	f.Add([]byte{2, 0, 4, 0, 0, 2, 0, 2, 2, 0, 2, 0, 4, 2, 0, 4, 0, 4, 2, 2, 2, 0, 4, 4, 4, 6, 4, 6, 6}) // three parts, shared edge
}

// FuzzValidateRepair: nothing panics; a geometry Validate accepts has a
// positive area that the overlay round-trips (A ∪ A and A ∩ A have A's
// area); Repair keeps the area and leaves nothing fixable; MakeValid's
// output, when it gives one, is valid.
func FuzzValidateRepair(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		g := decodeMP(b)
		probs := Validate(g)
		ValidateLonLat(g)
		for _, p := range probs {
			if p.Code == "" || p.Message == "" || p.MessageZH == "" {
				t.Fatalf("incomplete problem %+v", p)
			}
		}
		if len(probs) == 0 && len(g) > 0 {
			a := PlaneArea(g)
			if !(a > 0) {
				t.Fatalf("valid %v has area %v", g, a)
			}
			u, err := Union(g, g)
			if err != nil {
				t.Fatalf("Union(A, A) of valid %v: %v", g, err)
			}
			if ua := PlaneArea(u); math.Abs(ua-a) > 1e-9*a {
				t.Fatalf("Union(A, A) area %v, A %v: %v", ua, a, g)
			}
			ia, err := IntersectionArea(g, g)
			if err != nil || math.Abs(ia-a) > 1e-9*a {
				t.Fatalf("A ∩ A area %v (%v), A %v", ia, err, a)
			}
			for _, p := range Holes(g) {
				if RingPlaneArea(p[0]) <= 0 {
					t.Fatalf("hole polygon not CCW")
				}
			}
			if _, err := HullPockets(g); err != nil {
				t.Fatalf("HullPockets of valid %v: %v", g, err)
			}
		}
		r, fixed := Repair(g)
		for _, p := range fixed {
			if !p.Fixable {
				t.Fatalf("Repair claims to fix %v", p)
			}
		}
		for _, p := range Validate(r) {
			if p.Fixable {
				t.Fatalf("after Repair still fixable: %v in %v", p, r)
			}
		}
		if len(fixed) > 0 {
			if a, ra := PlaneArea(g), PlaneArea(r); math.Abs(a-ra) > 1e-9*math.Max(1, math.Abs(a)) {
				t.Fatalf("Repair changed area %v → %v", a, ra)
			}
		}
		if mv, err := MakeValid(g); err == nil {
			if ps := Validate(mv); len(ps) != 0 {
				t.Fatalf("MakeValid result invalid: %v", ps[0])
			}
			if len(probs) == 0 && len(g) > 0 && math.Abs(PlaneArea(mv)-PlaneArea(g)) > 1e-9*PlaneArea(g) {
				t.Fatalf("MakeValid changed a valid geometry's area %v → %v", PlaneArea(g), PlaneArea(mv))
			}
		}
	})
}

// FuzzOverlay: for two valid geometries, the set identities hold for areas:
// |A ∪ B| = |A| + |B| − |A ∩ B| and |A − B| = |A| − |A ∩ B|; nothing panics
// for any input, and shared boundary lengths are finite and non-negative.
func FuzzOverlay(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 0, 10, 0, 10, 10, 0, 10}, []byte{0, 0, 4, 5, 5, 15, 5, 15, 15, 5, 15})
	f.Add([]byte{0, 0, 4, 0, 0, 10, 0, 10, 10, 0, 10}, []byte{0, 0, 4, 10, 0, 20, 0, 20, 10, 10, 10})
	f.Add([]byte{0, 1, 4, 0, 0, 10, 0, 10, 10, 0, 10, 4, 2, 2, 2, 8, 8, 8, 8, 2}, []byte{0, 0, 4, 3, 3, 7, 3, 7, 7, 3, 7})
	f.Fuzz(func(t *testing.T, ab, bb []byte) {
		a, b := decodeMP(ab), decodeMP(bb)
		if _, err := Union(a, b); err != nil {
			_ = err // invalid input may fail, but must not panic
		}
		Intersection(a, b)
		Difference(a, b)
		Intersects(b, a)
		ConvexHull(a)
		if l, err := SharedBoundaryLength(a, b, 0.05); err != nil || l < 0 || math.IsNaN(l) || math.IsInf(l, 0) {
			if !hasNonFinite(a) && !hasNonFinite(b) {
				t.Fatalf("SharedBoundaryLength = %v, %v", l, err)
			}
		}
		if len(Validate(a)) > 0 || len(Validate(b)) > 0 || len(a) == 0 || len(b) == 0 {
			return
		}
		A, B := PlaneArea(a), PlaneArea(b)
		i, err := IntersectionArea(a, b)
		if err != nil {
			t.Fatalf("IntersectionArea of valid inputs: %v", err)
		}
		u, err := Union(a, b)
		if err != nil {
			t.Fatalf("Union of valid inputs: %v", err)
		}
		d, err := Difference(a, b)
		if err != nil {
			t.Fatalf("Difference of valid inputs: %v", err)
		}
		tol := 1e-9 * (A + B)
		if got := PlaneArea(u); math.Abs(got-(A+B-i)) > tol {
			t.Fatalf("|A∪B| = %v, |A|+|B|−|A∩B| = %v", got, A+B-i)
		}
		if got := PlaneArea(d); math.Abs(got-(A-i)) > tol {
			t.Fatalf("|A−B| = %v, |A|−|A∩B| = %v", got, A-i)
		}
		if i > 0 && !Intersects(b, a) {
			t.Fatalf("overlapping but Intersects false")
		}
		for _, g := range []orb.MultiPolygon{u, d} {
			if ps := Validate(g); len(ps) != 0 {
				t.Fatalf("overlay result invalid: %v", ps[0])
			}
		}
	})
}

func hasNonFinite(g orb.MultiPolygon) bool {
	for _, p := range g {
		for _, r := range p {
			for _, pt := range r {
				if !finite(pt) {
					return true
				}
			}
		}
	}
	return false
}
