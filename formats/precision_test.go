package formats

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// The recomputed area is the exact shoelace area of the decimal coordinates
// in the file to 1e-5 m², although Y carries the zone prefix (≈ 4×10⁷):
// the sum is taken relative to a local origin. The exact value comes from
// integer arithmetic in millimetres (math/big). A shoelace on the raw
// prefixed coordinates is logged for comparison (reference/boundary-point-txt.md:
// "float64 loses ~0.03 m² on a 5 ha parcel").
func TestAreaIsExactShoelace(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var worstNaive float64
	for trial := 0; trial < 50; trial++ {
		n := 5 + rng.IntN(40)
		// Star polygon around X 3193123.456, Y 40607654.321 of radius ≤ 250 m,
		// vertices in whole millimetres, clockwise as surveyors write them.
		cx, cy := int64(3193123456), int64(40607654321)
		xs, ys := make([]int64, n), make([]int64, n)
		for i := range n {
			a := -2 * math.Pi * (float64(i) + 0.7*rng.Float64()) / float64(n)
			r := 80000 + rng.Float64()*170000
			xs[i] = cx + int64(r*math.Sin(a))
			ys[i] = cy + int64(r*math.Cos(a))
		}
		var b strings.Builder
		b.WriteString(head40)
		fmt.Fprintf(&b, "%d,,T,精度,面,,工业用地,0601,@\n", n+1)
		for i := 0; i <= n; i++ {
			k := i % n
			fmt.Fprintf(&b, "J%d,1,%d.%03d,%d.%03d\n", k+1, xs[k]/1000, xs[k]%1000, ys[k]/1000, ys[k]%1000)
		}
		f, err := ReadTXT(strings.NewReader(b.String()), TXTOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Exact: 2A = |Σ x_i y_{i+1} − x_{i+1} y_i| in mm², then / 2e6 → m².
		sum := new(big.Int)
		var naive float64
		for i := range n {
			j := (i + 1) % n
			sum.Add(sum, new(big.Int).Mul(big.NewInt(xs[i]), big.NewInt(ys[j])))
			sum.Sub(sum, new(big.Int).Mul(big.NewInt(xs[j]), big.NewInt(ys[i])))
			xi, yi, xj, yj := float64(xs[i])/1000, float64(ys[i])/1000, float64(xs[j])/1000, float64(ys[j])/1000
			naive += xi*yj - xj*yi
		}
		exact, _ := new(big.Rat).SetFrac(new(big.Int).Abs(sum), big.NewInt(2000000)).Float64()
		// What remains is float64 holding Y ≈ 4×10⁷ itself (ulp 7e-9 m): ~1e-6 m².
		if got := f.Parcels[0].AreaM2; math.Abs(got-exact) > 1e-5 {
			t.Errorf("trial %d: AreaM2 %.9f, exact %.9f", trial, got, exact)
		}
		worstNaive = math.Max(worstNaive, math.Abs(math.Abs(naive)/2-exact))
	}
	t.Logf("a shoelace on raw prefixed coordinates is off by up to %.4f m²", worstNaive)
}
