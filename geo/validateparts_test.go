package geo

import (
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func circle(cx, cy, r float64, n int, ccw bool) orb.Ring {
	var ring orb.Ring
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i%n) / float64(n)
		if !ccw {
			a = -a
		}
		ring = append(ring, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return ring
}

// Parts whose boundaries do not meet are settled without a relate, and
// exactly: a part in another's hole is fine, a part inside another's
// interior (no boundary contact) still overlaps it.
func TestValidatePartsWithoutContact(t *testing.T) {
	annulus := orb.Polygon{circle(0, 0, 100, 64, true), circle(0, 0, 50, 64, false)}
	inHole := orb.Polygon{circle(0, 0, 20, 32, true)}
	inShell := orb.Polygon{circle(75, 0, 10, 32, true)}
	if ps := Validate(orb.MultiPolygon{annulus, inHole}); len(ps) != 0 {
		t.Errorf("part in a hole: %v", ps)
	}
	ps := Validate(orb.MultiPolygon{annulus, inShell})
	if len(ps) != 1 || ps[0].Code != CodePolygonsOverlap || ps[0].Polygon != 1 {
		t.Errorf("part inside the shell: %v", ps)
	}
	// The containing part second: the first's ring is tested inside it.
	ps = Validate(orb.MultiPolygon{inShell, annulus})
	if len(ps) != 1 || ps[0].Code != CodePolygonsOverlap {
		t.Errorf("part inside the shell, other order: %v", ps)
	}
}

// 200 concentric annuli of 100 vertices (19 900 pairs whose bounds meet)
// took 18 s with a relate per pair.
func TestValidateConcentricPartsFast(t *testing.T) {
	var mp orb.MultiPolygon
	for i := 0; i < 200; i++ {
		r := 10 + 2*float64(i)
		mp = append(mp, orb.Polygon{circle(0, 0, r+1, 100, true), circle(0, 0, r, 100, false)})
	}
	start := time.Now()
	ps := Validate(mp)
	d := time.Since(start)
	t.Logf("200 annuli in %v", d)
	if len(ps) != 0 || d > time.Second {
		t.Errorf("%d problems in %v", len(ps), d)
	}
}

// Hundreds of overlapping copies report at most maxPartProblems overlaps.
func TestValidatePartsProblemCap(t *testing.T) {
	var mp orb.MultiPolygon
	for i := 0; i < 100; i++ {
		d := float64(i) * 0.01
		mp = append(mp, orb.Polygon{{{d, 0}, {10 + d, 0}, {10 + d, 10}, {d, 10}, {d, 0}}})
	}
	ps := Validate(mp)
	if len(ps) != maxPartProblems {
		t.Errorf("%d problems, want %d", len(ps), maxPartProblems)
	}
}

// 5000 disjoint parts: only the pairs whose bounds meet are looked at
// (comparing every pair's bounds took 0.3 s); problems keep part order.
func TestValidateManyDisjointParts(t *testing.T) {
	var mp orb.MultiPolygon
	for i := 0; i < 5000; i++ {
		x, y := float64(i%100)*20, float64(i/100)*20
		mp = append(mp, orb.Polygon{{{x, y}, {x + 10, y}, {x + 10, y + 10}, {x, y + 10}, {x, y}}})
	}
	// Parts 4999 and 10 overlap parts 0 and 3: listed by the later part, in
	// the order of the earlier one, as the pairwise loop did.
	mp[4999] = orb.Polygon{{{5, 5}, {15, 5}, {15, 15}, {5, 15}, {5, 5}}}
	mp[10] = orb.Polygon{{{65, 5}, {75, 5}, {75, 15}, {65, 15}, {65, 5}}}
	start := time.Now()
	ps := Validate(mp)
	d := time.Since(start)
	t.Logf("5000 parts in %v", d)
	if len(ps) != 2 || ps[0].Polygon != 4999 || ps[1].Polygon != 10 || ps[0].Code != CodePolygonsOverlap || d > time.Second {
		t.Errorf("%v in %v", ps, d)
	}
}
