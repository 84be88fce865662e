package formats

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

func domainParcels(f *TXTFile) []parcels.Parcel { return f.DomainParcels() }

// Reading a sample and writing it back gives the sample byte for byte, in
// UTF-8 and in GBK: CRLF, 界址点数 with closing rows, 公顷 with 4 decimals,
// X/Y with 3, shells clockwise from the north-west corner, holes
// counter-clockwise, rings and points numbered as the surveyors do.
func TestWriteTXTReproducesSamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		enc  Encoding
	}{
		{"synthetic_linhai_zone40.txt", UTF8},
		{"synthetic_linhai_zone40.gbk.txt", GBK},
	} {
		want := mustOpen(t, samples+tc.file)
		f := MustReadTXT(t, samples+tc.file, TXTOptions{})
		var b bytes.Buffer
		err := WriteTXT(&b, domainParcels(f), TXTWriteOptions{Zone: linhai, Encoding: tc.enc, Producer: "SYNTHETIC-TEST(非真实数据)", Date: "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s: written file differs from the sample:\n%s", tc.file, b.String())
		}
	}
}

// randomParcel is a star-shaped ring of n vertices around (lon, lat) with
// radius up to r metres, and optionally a hole and a second part.
func randomParcel(rng *rand.Rand, lon, lat, r float64, n int, hole, part bool) orb.MultiPolygon {
	ring := func(cx, cy, rad float64, k int, ccw bool) orb.Ring {
		var out orb.Ring
		for i := 0; i < k; i++ {
			a := 2 * math.Pi * (float64(i) + 0.8*rng.Float64()) / float64(k)
			if !ccw {
				a = -a
			}
			d := rad * (0.6 + 0.4*rng.Float64())
			out = append(out, orb.Point{cx + d*math.Cos(a)/(111320*math.Cos(cy*math.Pi/180)), cy + d*math.Sin(a)/110574})
		}
		return append(out, out[0])
	}
	p := orb.Polygon{ring(lon, lat, r, n, true)}
	if hole {
		p = append(p, ring(lon, lat, 0.3*r, 5, false))
	}
	g := orb.MultiPolygon{p}
	if part {
		g = append(g, orb.Polygon{ring(lon+3*r/97500, lat, 0.5*r, 6, true)})
	}
	return g
}

// WriteTXT then ReadTXT gives back the geometry to 1 mm and the same area
// (the area of the written coordinates, within what rounding X/Y to 1 mm
// can change), with no warning: the written 地块面积 and 界址点数 agree.
func TestWriteTXTRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ps []parcels.Parcel
	for i := 0; i < 200; i++ {
		g := randomParcel(rng, 120.9+0.7*rng.Float64(), 28.7+0.35*rng.Float64(), 20+300*rng.Float64(), 4+rng.IntN(30), i%3 == 0, i%7 == 0)
		if len(geo.ValidateLonLat(g)) > 0 {
			continue
		}
		ps = append(ps, parcels.Parcel{Code: "R" + string(rune('A'+i%26)) + strings.Repeat("x", i/26), Name: "随机，地块,@" + string(rune('甲'+i%10)), LandUse: "0601", Geometry: g})
	}
	for _, z := range []geo.Zone{linhai, {Width: 3, Number: 40}} {
		for _, enc := range []Encoding{UTF8, GBK} {
			var b bytes.Buffer
			if err := WriteTXT(&b, ps, TXTWriteOptions{Zone: z, Encoding: enc}); err != nil {
				t.Fatal(err)
			}
			if strings.Count(b.String(), "\r\n") != strings.Count(b.String(), "\n") {
				t.Fatal("line ends are not all CRLF")
			}
			f, err := ReadTXT(&b, TXTOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Zone != z || len(f.Parcels) != len(ps) {
				t.Fatalf("zone %v, %d parcels", f.Zone, len(f.Parcels))
			}
			for i, p := range f.Parcels {
				orig := ps[i]
				// The name is written as it is; its ASCII comma is the one
				// thing the reader warns about.
				if p.Code != orig.Code || p.Name != orig.Name || len(p.Warnings) != 1 || p.Warnings[0].Code != WarnNameCommas {
					t.Fatalf("%s: %q, warnings %v", p.Code, p.Name, p.Warnings)
				}
				want := z.Project(orig.Geometry) // (easting, northing)
				if len(p.Plane) != len(want) {
					t.Fatalf("%s: %d polygons, want %d", p.Code, len(p.Plane), len(want))
				}
				var perim float64
				for k := range want {
					for j := range want[k] {
						if !sameRing(p.Plane[k][j], want[k][j], 0.001) {
							t.Fatalf("%s polygon %d ring %d: not the same within 1 mm:\n%v\n%v", p.Code, k, j, p.Plane[k][j], want[k][j])
						}
						bd := want[k][j].Bound()
						perim += 2 * (bd.Max[0] - bd.Min[0] + bd.Max[1] - bd.Min[1])
					}
				}
				// Moving each vertex by ≤ 0.5 mm changes the area by at most
				// half the perimeter × 1 mm (bounded here by the boxes).
				if a := geo.CadastralArea(orig.Geometry, z); math.Abs(p.AreaM2-a) > perim*0.001 {
					t.Errorf("%s: area %.4f after round trip, %.4f before", p.Code, p.AreaM2, a)
				}
				if math.Abs(p.DeclaredAreaM2-p.AreaM2) > 0.5 { // 4 decimals of 公顷 = 1 m² steps
					t.Errorf("%s: declared %.4f computed %.4f", p.Code, p.DeclaredAreaM2, p.AreaM2)
				}
			}
		}
	}
}

// sameRing: equal up to the starting vertex and direction, within tol.
func sameRing(a, b orb.Ring, tol float64) bool {
	n := len(a) - 1
	if len(b)-1 != n || n < 3 {
		return false
	}
	for _, dir := range []int{1, -1} {
		for s := 0; s < n; s++ {
			ok := true
			for k := 0; k < n && ok; k++ {
				q := b[((s+dir*k)%n+n)%n]
				ok = math.Abs(a[k][0]-q[0]) <= tol && math.Abs(a[k][1]-q[1]) <= tol
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func TestWriteTXTEncodings(t *testing.T) {
	f := MustReadTXT(t, "testdata/gb18030.txt", TXTOptions{})
	ps := domainParcels(f)
	var b bytes.Buffer
	err := WriteTXT(&b, ps, TXTWriteOptions{Zone: linhai, Encoding: GBK})
	if parcels.ErrorCode(err) != parcels.EINVALID || !strings.Contains(err.Error(), "U+20BB7") {
		t.Fatalf("GBK cannot hold 𠮷: got %v", err)
	}
	for i := range ps {
		ps[i].Attrs[AttrTownshipCode] = "331082001" // the Zhejiang variant needs one
	}
	for _, enc := range []Encoding{GB18030, UTF8, UTF8BOM} {
		b.Reset()
		if err := WriteTXT(&b, ps, TXTWriteOptions{Zone: linhai, Encoding: enc, Zhejiang: true}); err != nil {
			t.Fatal(err)
		}
		g := MustReadTXT(t, "testdata/gb18030.txt", TXTOptions{})
		back, err := ReadTXT(&b, TXTOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if back.Parcels[0].Name != "𠮷祥厂区" || back.Parcels[0].AreaM2 != g.Parcels[0].AreaM2 {
			t.Errorf("%s: %+v", enc, back.Parcels[0])
		}
	}
	if err := WriteTXT(&b, ps, TXTWriteOptions{}); parcels.ErrorCode(err) != parcels.EINVALID {
		t.Errorf("no zone: %v", err)
	}
	if err := WriteTXT(&b, []parcels.Parcel{{Code: "X"}}, TXTWriteOptions{Zone: linhai}); parcels.ErrorCode(err) != parcels.EINVALID || !strings.Contains(err.Error(), "X") {
		t.Errorf("empty geometry: %v", err)
	}
}

// The Zhejiang variant writes 乡镇代码 and 村名 and reads back.
func TestWriteTXTZhejiang(t *testing.T) {
	f := MustReadTXT(t, "testdata/zhejiang10.txt", TXTOptions{})
	var b bytes.Buffer
	if err := WriteTXT(&b, domainParcels(f), TXTWriteOptions{Zone: linhai, Zhejiang: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\r\n5,3.0000,331082001,大洋村,B,低效工业用地B,面,,工业用地,0601,@\r\n") {
		t.Errorf("parcel line missing:\n%s", b.String())
	}
	back, err := ReadTXT(&b, TXTOptions{})
	if err != nil || back.Parcels[0].Village != "大洋村" || back.Parcels[0].TownshipCode != "331082001" {
		t.Fatalf("%v %+v", err, back)
	}
}
