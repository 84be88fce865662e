package formats

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"landplan/parcels"
)

// FuzzReadTXT: ReadTXT never panics; a failure is always an Errors of
// EINVALID parcels.Error values with both messages; every parcel it returns
// has a finite positive area and a lon/lat geometry.
func FuzzReadTXT(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	files = append(files, samples+"synthetic_linhai_zone40.txt", samples+"synthetic_linhai_zone40.gbk.txt")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("[地块坐标]\n5,1,X,x,面,,,,@\nJ1,1,3193200,40607000\nJ2,1,3193200,40607000\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tf, err := ReadTXT(bytes.NewReader(b), TXTOptions{Zone: linhai, MaxBytes: 1 << 20})
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 || parcels.ErrorCode(err) != parcels.EINVALID {
				t.Fatalf("error %v (%T) is not Errors of EINVALID", err, err)
			}
			for _, e := range es {
				if e == nil || e.Code != parcels.EINVALID || e.Message == "" || e.MessageZH == "" {
					t.Fatalf("bad member %+v", e)
				}
			}
		}
		if tf == nil {
			return
		}
		for _, p := range tf.Parcels {
			if !(p.AreaM2 > 0) || math.IsInf(p.AreaM2, 0) || len(p.Geometry) == 0 || len(p.Geometry) != len(p.Plane) {
				t.Fatalf("parcel %s: area %v, %d polygons", p.Code, p.AreaM2, len(p.Geometry))
			}
			for _, poly := range p.Geometry {
				for _, r := range poly {
					for _, q := range r {
						if !(q[0] > 70 && q[0] < 140 && q[1] > 0 && q[1] < 60) {
							t.Fatalf("parcel %s: vertex %v is not lon/lat in China", p.Code, q)
						}
					}
				}
			}
		}
	})
}

// bigTXT is a file of n parcels in zone 40, each a 12-vertex shell with a
// 4-vertex hole, laid out on a grid (like a township's cadastral export).
func bigTXT(n int) []byte {
	var b bytes.Buffer
	b.WriteString("[属性描述]\r\n坐标系=2000国家大地坐标系\r\n几度分带=3\r\n带号=40\r\n[地块坐标]\r\n")
	for i := 0; i < n; i++ {
		x0 := 3180000 + float64(i/100)*120
		y0 := 40600000 + float64(i%100)*120
		// shell: 100 × 100 square with 2 extra points per side (12 vertices),
		// hole 10 × 10: 10000 − 100 = 9900 m² = 0.9900 ha.
		fmt.Fprintf(&b, "17,0.9900,P%d,地块%d,面,,工业用地,0601,@\r\n", i, i)
		k := 1
		pt := func(ring int, x, y float64) {
			fmt.Fprintf(&b, "J%d,%d,%.3f,%.3f\r\n", k, ring, x, y)
			k++
		}
		for _, d := range [][2]float64{{100, 0}, {100, 33}, {100, 66}, {100, 100}, {66, 100}, {33, 100}, {0, 100}, {0, 66}, {0, 33}, {0, 0}, {33, 0}, {66, 0}, {100, 0}} {
			pt(1, x0+d[0], y0+d[1])
		}
		for _, d := range [][2]float64{{60, 40}, {50, 40}, {50, 50}, {60, 50}, {60, 40}} {
			pt(2, x0+d[0], y0+d[1])
		}
	}
	return b.Bytes()
}

func TestBigTXT(t *testing.T) {
	f, err := ReadTXT(bytes.NewReader(bigTXT(300)), TXTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Parcels {
		if math.Abs(p.AreaM2-9900) > 1e-6 || len(p.Warnings) != 1 || p.Warnings[0].Code != WarnPointCount {
			t.Fatalf("%s: %.6f %v", p.Code, p.AreaM2, p.Warnings) // 17 declared, 18 rows
		}
	}
}

// BenchmarkReadTXT reports parcels/s for a 5000-parcel file (18 rows each).
func BenchmarkReadTXT(b *testing.B) {
	const n = 5000
	data := bigTXT(n)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		f, err := ReadTXT(bytes.NewReader(data), TXTOptions{})
		if err != nil || len(f.Parcels) != n {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "parcels/s")
}

// BenchmarkWriteTXT reports parcels/s writing the same 5000 parcels as GBK.
func BenchmarkWriteTXT(b *testing.B) {
	const n = 5000
	f, err := ReadTXT(bytes.NewReader(bigTXT(n)), TXTOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ps := domainParcels(f)
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := WriteTXT(&buf, ps, TXTWriteOptions{Zone: linhai, Encoding: GBK}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "parcels/s")
}

// A file of 1500 bad parcels lists 1000 and counts the other 500.
func TestReadTXTMaxErrors(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(head40)
	for i := 0; i < MaxErrors+500; i++ {
		fmt.Fprintf(&b, "5,1,P%d,坏,面,,,,@\nJ1,1,x,y\n", i)
	}
	_, err := ReadTXT(&b, TXTOptions{})
	var es Errors
	if !errors.As(err, &es) || len(es) != MaxErrors+1 || es[MaxErrors-1].Feature != fmt.Sprintf("P%d", MaxErrors-1) || !strings.Contains(es[MaxErrors].Message, "500 more parcels") {
		t.Fatalf("%d errors", len(es))
	}
}

// One parcel of 5000 small disjoint squares (the most rings allowed) is read
// in well under a few seconds; 5001 are refused.
func TestReadTXTManyRings(t *testing.T) {
	gen := func(n int) *bytes.Buffer {
		var b bytes.Buffer
		b.WriteString(head40)
		fmt.Fprintf(&b, "0,,MANY,多圈,面,,,,@\n")
		for i := 0; i < n; i++ {
			x, y := 3190000+float64(i/100)*20, 40600000+float64(i%100)*20
			for _, d := range [][2]float64{{10, 0}, {10, 10}, {0, 10}, {0, 0}, {10, 0}} {
				fmt.Fprintf(&b, "J,%d,%.3f,%.3f\n", i+1, x+d[0], y+d[1])
			}
		}
		return &b
	}
	start := time.Now()
	f, err := ReadTXT(gen(5000), TXTOptions{})
	if err != nil || len(f.Parcels[0].Geometry) != 5000 || math.Abs(f.Parcels[0].AreaM2-500000) > 1e-6 {
		t.Fatalf("%v", err)
	}
	t.Logf("5000 rings in %v", time.Since(start))
	_, err = ReadTXT(gen(5001), TXTOptions{})
	var es Errors
	if !errors.As(err, &es) || es[0].Problems[0].Code != CodeTooManyRings {
		t.Fatalf("%v", err)
	}
}
