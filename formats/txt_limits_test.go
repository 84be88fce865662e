package formats

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// circleRing writes one ring of n vertices on a circle of radius r (metres)
// around Linhai, closed, counter-clockwise in east/north unless cw.
func circleRing(n, ringNo int, r float64, cw bool) string {
	var b strings.Builder
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i%n) / float64(n)
		if cw {
			a = -a
		}
		fmt.Fprintf(&b, "J%d,%d,%.3f,%.3f\n", i%n+1, ringNo, 3193000+r*math.Sin(a), 40607000+r*math.Cos(a))
	}
	return b.String()
}

const square = "J1,1,3193200.000,40607000.000\nJ2,1,3193200.000,40607300.000\nJ3,1,3193000.000,40607300.000\nJ4,1,3193000.000,40607000.000\nJ1,1,3193200.000,40607000.000\n"

// readTimed reads src and fails when it takes longer than limit: the
// pathological inputs below took 5–28 s before the reader bounded its work.
func readTimed(t *testing.T, name, src string, limit time.Duration) (*TXTFile, error) {
	t.Helper()
	start := time.Now()
	f, err := ReadTXT(strings.NewReader(src), TXTOptions{Zone: linhai})
	d := time.Since(start)
	t.Logf("%s: %d bytes in %v", name, len(src), d)
	if d > limit {
		t.Errorf("%s: %d bytes took %v, more than %v", name, len(src), d, limit)
	}
	return f, err
}

// problemCodes lists the codes of every problem of every error.
func problemCodes(es Errors) map[string]int {
	m := map[string]int{}
	for _, e := range es {
		for _, p := range e.Problems {
			m[p.Code]++
		}
	}
	return m
}

// The reviewer's three inputs that stalled the reader (28 s, 4.9 s, 17.8 s)
// now finish in well under a second: copies are refused as duplicate rings
// (listing at most maxProblems), concentric rings are read.
func TestReadTXTPathologicalTime(t *testing.T) {
	t.Run("1000 copies of one ring", func(t *testing.T) {
		_, err := readTimed(t, "repeated", head40+"0,0,A,a,面,,,,@\n"+strings.Repeat(square, 1000), time.Second)
		es := asErrors(t, err)
		if len(es) != 1 || es[0].Feature != "A" || len(es[0].Problems) != maxProblems || problemCodes(es)[CodeDuplicateRing] != maxProblems ||
			!strings.Contains(es[0].Message, "ring 1 (lines 12–16) repeats ring 1 (lines 7–11) point for point") ||
			!strings.Contains(es[0].Message, "899 more problems not listed") || !strings.Contains(es[0].MessageZH, "另有 899 个问题未列出") {
			t.Fatalf("%d errors, %d problems: %.600s", len(es), len(es[0].Problems), es[0].Message)
		}
		if n := len(err.Error()); n > 50000 {
			t.Errorf("message of %d bytes", n)
		}
	})
	t.Run("ring repeated reversed, 10000 vertices", func(t *testing.T) {
		_, err := readTimed(t, "twin", head40+"0,0,A,a,面,,,,@\n"+circleRing(10000, 1, 500, false)+circleRing(10000, 2, 500, true), time.Second)
		es := asErrors(t, err)
		if len(es) != 1 || len(es[0].Problems) != 1 || es[0].Problems[0].Code != CodeDuplicateRing ||
			!strings.Contains(es[0].Message, "ring 2 (lines 10008–20008) repeats ring 1 (lines 7–10007) point for point in the opposite direction") ||
			!strings.Contains(es[0].MessageZH, "第 2 圈（第 10008–20008 行）与第 1 圈（第 7–10007 行）的界址点完全相同（方向相反）") {
			t.Fatalf("%v", es)
		}
	})
	t.Run("400 concentric rings of 100 vertices", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(head40 + "0,0,A,a,面,,,,@\n")
		want := 0.0
		for i := 0; i < 400; i++ {
			b.WriteString(circleRing(100, i+1, 10+float64(i), false))
			// Rings alternate shell and hole: 200 annuli.
			a := 0.5 * 100 * math.Sin(2*math.Pi/100) * math.Pow(10+float64(i), 2)
			if i%2 == 0 {
				want -= a
			} else {
				want += a
			}
		}
		f, err := readTimed(t, "concentric", b.String(), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		// The rows are rounded to 1 mm over 528 km of boundary: a few m².
		if p := f.Parcels[0]; len(p.Plane) != 200 || !near(p.AreaM2, math.Abs(want), 10) {
			t.Errorf("%d parts, area %.3f, want %.3f", len(p.Plane), p.AreaM2, math.Abs(want))
		}
	})
}

// A parcel of more than maxPoints rows is refused; the rows past the limit
// are counted, not kept (a 24 MB single-ring file allocated 823 MB).
func TestReadTXTTooManyPoints(t *testing.T) {
	src := head40 + "0,0,A,a,面,,,,@\n" + circleRing(maxPoints+10, 1, 20000, true)
	_, err := readTimed(t, "too many points", src, time.Second)
	es := asErrors(t, err)
	if len(es) != 1 || es[0].Problems[0].Code != CodeTooManyPoints || !strings.Contains(es[0].Message, "more than 50000 coordinate rows (from line 50007 on they are not read)") ||
		!strings.Contains(es[0].MessageZH, "坐标行超过 50000 个（自第 50007 行起未读取）") {
		t.Fatalf("%v", es)
	}
}

// Rings that are not exact copies but run along each other (a ring written
// again 0.1 µm off) fall to the nesting budget or the overlap check, fast.
func TestReadTXTNearCopiesFast(t *testing.T) {
	again := strings.ReplaceAll(circleRing(20000, 2, 500, true), "\n", "0001\n")
	_, err := readTimed(t, "near copy", head40+"0,0,A,a,面,,,,@\n"+circleRing(20000, 1, 500, false)+again, 2*time.Second)
	es := asErrors(t, err)
	if c := problemCodes(es); len(es) != 1 || c[CodeTooComplex]+c["polygons_overlap"] != 1 {
		t.Fatalf("%v", c)
	}
}

// holesFile is one parcel: a circular shell of n points with holes small
// squares on a grid inside it.
func holesFile(n, holes int) string {
	var b strings.Builder
	b.WriteString(head40 + "0,0,A,a,面,,,,@\n" + circleRing(n, 1, 3000, true))
	for i := 0; i < holes; i++ {
		x, y := 3193000-1800+float64(i/60)*60, 40607000-1800+float64(i%60)*60
		fmt.Fprintf(&b, "H1,%d,%.3f,%.3f\nH2,%d,%.3f,%.3f\nH3,%d,%.3f,%.3f\nH1,%d,%.3f,%.3f\n", i+2, x, y, i+2, x+10, y, i+2, x+10, y+10, i+2, x, y)
	}
	return b.String()
}

// geo checks every hole against its shell with a sweep over both: holes ×
// shell points is bounded (3000 holes in a 2000-point shell took 1.35 s).
func TestReadTXTManyHolesBounded(t *testing.T) {
	f, err := readTimed(t, "3990 holes in 500 points", holesFile(500, 3990), time.Second)
	if err != nil || len(f.Parcels[0].Plane[0]) != 3991 {
		t.Fatalf("%v", err)
	}
	_, err = readTimed(t, "3000 holes in 2000 points", holesFile(2000, 3000), time.Second)
	es := asErrors(t, err)
	if c := problemCodes(es); c[CodeTooComplex] != 1 || !strings.Contains(es[0].Message, "holes × shell points = 6003000, more than 2000000") {
		t.Fatalf("%v", es)
	}
}

// fan is a parcel of n triangles meeting at one point: valid, but every
// pair of parts touches, so each pair costs a topological relate.
func fan(code string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "0,0,%s,a,面,,,,@\n", code)
	for i := 0; i < n; i++ {
		a1, a2 := 2*math.Pi*float64(2*i)/float64(2*n), 2*math.Pi*float64(2*i+1)/float64(2*n)
		fmt.Fprintf(&b, "J1,%d,3193000.000,40607000.000\nJ2,%d,%.3f,%.3f\nJ3,%d,%.3f,%.3f\nJ1,%d,3193000.000,40607000.000\n",
			i+1, i+1, 3193000+1000*math.Sin(a1), 40607000+1000*math.Cos(a1), i+1, 3193000+1000*math.Sin(a2), 40607000+1000*math.Cos(a2), i+1)
	}
	return b.String()
}

// Parcels each just under the per-parcel limits would add up over a 64 MiB
// file (a 200-triangle fan is 23 KB and takes 0.4 s): the file has a budget
// for such checks, and the parcels past it are counted in one file error.
func TestReadTXTFileBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString(head40)
	for i := 0; i < 40; i++ {
		b.WriteString(fan(fmt.Sprintf("F%d", i), 200))
	}
	f, err := readTimed(t, "40 fans", b.String(), 3*time.Second)
	es := asErrors(t, err)
	last := es[len(es)-1]
	// 19 900 pairs each, 50 000 for the file: the third spends it.
	if len(f.Parcels) != 3 || len(es) != 1 || last.Feature != "" || !strings.Contains(last.Message, "37 parcels from line 2409 on were not checked") ||
		!strings.Contains(last.MessageZH, "自第 2409 行起的 37 个地块未检查") {
		t.Fatalf("%d parcels read, %v", len(f.Parcels), es)
	}
	// One such parcel alone is read.
	f, err = readTimed(t, "one fan", head40+fan("F", 200), time.Second)
	if err != nil || len(f.Parcels[0].Plane) != 200 {
		t.Fatalf("%v", err)
	}
}

// comb is one ring with n long teeth 2 cm apart, running east–west
// (alongX false) or north–south.
func comb(n int, alongX bool) string {
	var b strings.Builder
	b.WriteString(head40 + "0,0,A,comb,面,,,,@\n")
	k := 1
	row := func(across, along float64) {
		x, y := across, along
		if alongX {
			x, y = along, across
		}
		fmt.Fprintf(&b, "J%d,1,%.3f,%.3f\n", k, 3193000+x, 40607000+y)
		k++
	}
	row(-1, -10)
	for i := 0; i < n; i++ {
		row(float64(2*i)*0.01, 0)
		row(float64(2*i+1)*0.01, 1000)
	}
	row(float64(2*n)*0.01, -10)
	row(-1, -10)
	return b.String()
}

// geo's self-intersection sweep runs along X: a comb whose teeth run
// north–south made it quadratic (48 000 points, 2.9 s). The pairs it would
// compare are counted first and such a ring is refused; the same comb
// turned east–west is read.
func TestReadTXTCombRing(t *testing.T) {
	f, err := readTimed(t, "east–west comb", comb(24000, false), time.Second)
	if err != nil || len(f.Parcels[0].Plane[0][0]) != 48003 {
		t.Fatalf("%v", err)
	}
	_, err = readTimed(t, "north–south comb", comb(24000, true), time.Second)
	es := asErrors(t, err)
	if c := problemCodes(es); c[CodeTooComplex] != 1 || !strings.Contains(es[0].Message, "ring 1 (lines 7–48009) has so many edges overlapping each other along X") {
		t.Fatalf("%v", es)
	}
	f, err = readTimed(t, "north–south comb, 5000 teeth", comb(5000, true), time.Second)
	if err != nil || len(f.Parcels) != 1 {
		t.Fatalf("%v", err)
	}
}
