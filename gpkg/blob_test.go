package gpkg

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

func TestBlobRoundTrip(t *testing.T) {
	hole := orb.Ring{{121.101, 28.851}, {121.101, 28.852}, {121.102, 28.852}, {121.102, 28.851}, {121.101, 28.851}}
	cases := []orb.Geometry{
		orb.Point{121.1, 28.85},
		orb.LineString{{121.1, 28.85}, {121.2, 28.9}},
		orb.Polygon{{{121, 28}, {121.1, 28}, {121.1, 28.1}, {121, 28}}},
		orb.MultiPolygon{
			{{{121.1, 28.85}, {121.11, 28.85}, {121.11, 28.86}, {121.1, 28.86}, {121.1, 28.85}}, hole},
			{{{121.2, 28.9}, {121.21, 28.9}, {121.21, 28.91}, {121.2, 28.9}}},
		},
		orb.MultiPolygon{},
		orb.Collection{orb.Point{1, 2}, orb.LineString{{3, 4}, {5, 6}}},
	}
	for _, g := range cases {
		b, err := EncodeBlob(g, 4490)
		if err != nil {
			t.Fatalf("%s: encode: %v", g.GeoJSONType(), err)
		}
		got, srs, err := DecodeBlob(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", g.GeoJSONType(), err)
		}
		if srs != 4490 {
			t.Errorf("%s: srs %d", g.GeoJSONType(), srs)
		}
		if !orb.Equal(got, g) {
			t.Errorf("%s: round trip gave %v, want %v", g.GeoJSONType(), got, g)
		}
		h, _, _ := DecodeHeader(b)
		if isEmpty(g) {
			if !h.Empty || len(h.Envelope) != 0 {
				t.Errorf("%s: empty geometry header %+v", g.GeoJSONType(), h)
			}
			continue
		}
		bd := g.Bound()
		want := []float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]}
		for i := range want {
			if h.Envelope[i] != want[i] {
				t.Errorf("%s: envelope %v, want %v", g.GeoJSONType(), h.Envelope, want)
				break
			}
		}
	}
}

// TestBlobLayout checks the exact bytes against the layout of the standard
// (OGC 12-128r18 §2.1.3.1.1), written out by hand.
func TestBlobLayout(t *testing.T) {
	g := orb.Point{1, 2}
	b, err := EncodeBlob(g, 4490)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	want.WriteString("GP")
	want.WriteByte(0)          // version 1
	want.WriteByte(0b00000011) // little endian, xy envelope
	binary.Write(&want, binary.LittleEndian, int32(4490))
	binary.Write(&want, binary.LittleEndian, []float64{1, 1, 2, 2})
	want.WriteByte(1) // WKB little endian
	binary.Write(&want, binary.LittleEndian, uint32(1))
	binary.Write(&want, binary.LittleEndian, []float64{1, 2})
	if !bytes.Equal(b, want.Bytes()) {
		t.Fatalf("blob\n%s\nwant\n%s", hex.Dump(b), hex.Dump(want.Bytes()))
	}
}

// TestDecodeForeignBlobs decodes blobs as other writers make them: big-endian
// headers, no envelope, xyz envelopes, and the blob GDAL wrote for a polygon.
func TestDecodeForeignBlobs(t *testing.T) {
	poly := orb.Polygon{{{121, 28}, {121.1, 28}, {121.1, 28.1}, {121, 28}}}
	body := wkb.MustMarshal(poly, binary.BigEndian)
	mk := func(flags byte, order binary.ByteOrder, env []float64) []byte {
		var b bytes.Buffer
		b.WriteString("GP")
		b.WriteByte(0)
		b.WriteByte(flags)
		binary.Write(&b, order, int32(4326))
		binary.Write(&b, order, env)
		b.Write(body)
		return b.Bytes()
	}
	for name, blob := range map[string][]byte{
		"big endian, xy":    mk(0b0010, binary.BigEndian, []float64{121, 121.1, 28, 28.1}),
		"no envelope":       mk(0b0001, binary.LittleEndian, nil),
		"xyz envelope":      mk(0b0101, binary.LittleEndian, []float64{121, 121.1, 28, 28.1, 0, 0}),
		"xyzm envelope, BE": mk(0b1000, binary.BigEndian, []float64{121, 121.1, 28, 28.1, 0, 0, 0, 0}),
	} {
		g, srs, err := DecodeBlob(blob)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if srs != 4326 || !orb.Equal(g, poly) {
			t.Errorf("%s: got %v srs %d", name, g, srs)
		}
		if b, ok := blobBound(blob); !ok || b != poly.Bound() {
			t.Errorf("%s: bound %v %t", name, b, ok)
		}
	}
	// GDAL 3.6 (ogr2ogr from GeoJSON, -a_srs EPSG:4490) wrote this blob
	// for MULTIPOLYGON(((121 28,121.1 28,121.1 28.1,121 28))).
	gdal, _ := hex.DecodeString("475000038A1100000000000000405E406666666666465E400000000000003C409A99999999193C40" +
		"010600000001000000010300000001000000040000000000000000405E400000000000003C40" +
		"6666666666465E400000000000003C406666666666465E409A99999999193C400000000000405E400000000000003C40")
	g, srs, err := DecodeBlob(gdal)
	if err != nil {
		t.Fatalf("GDAL blob: %v", err)
	}
	want := orb.MultiPolygon{{{{121, 28}, {121.1, 28}, {121.1, 28.1}, {121, 28}}}}
	if srs != 4490 || !orb.Equal(g, want) {
		t.Fatalf("GDAL blob: %v srs %d", g, srs)
	}
}

func TestDecodeBadBlobs(t *testing.T) {
	good, _ := EncodeBlob(orb.Point{1, 2}, 4490)
	bad := map[string][]byte{
		"short":              good[:5],
		"magic":              append([]byte("XP"), good[2:]...),
		"version":            append([]byte{'G', 'P', 1}, good[3:]...),
		"extended":           append([]byte{'G', 'P', 0, good[3] | flagExtended}, good[4:]...),
		"envelope indicator": append([]byte{'G', 'P', 0, 0b1011}, good[4:]...),
		"truncated envelope": good[:20],
		"truncated wkb":      good[:len(good)-3],
		"empty flag lies":    append([]byte{'G', 'P', 0, good[3] | flagEmpty}, good[4:]...),
	}
	for name, b := range bad {
		if _, _, err := DecodeBlob(b); !errors.Is(err, ErrBlob) {
			t.Errorf("%s: err = %v, want ErrBlob", name, err)
		}
	}
	if g, _, err := DecodeBlob(nil); g != nil || err != nil {
		t.Errorf("nil blob: %v %v", g, err)
	}
}

// FuzzDecodeBlob: the decoder never panics, and whatever it accepts
// re-encodes to a blob that decodes to the same geometry.
func FuzzDecodeBlob(f *testing.F) {
	for _, g := range []orb.Geometry{
		orb.Point{1, 2},
		orb.MultiPolygon{{{{121, 28}, {121.1, 28}, {121.1, 28.1}, {121, 28}}}},
		orb.MultiPolygon{},
		orb.Collection{orb.LineString{{0, 0}, {1, 1}}},
	} {
		b, _ := EncodeBlob(g, 4490)
		f.Add(b)
	}
	f.Add([]byte("GP\x00\x00"))
	f.Add([]byte("GP\x00\x01\x00\x00\x00\x00\x01\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, srs, err := DecodeBlob(b)
		_, _ = blobBound(b)
		if err != nil || g == nil {
			return
		}
		again, err := EncodeBlob(g, srs)
		if err != nil {
			return // e.g. NaN coordinates orb cannot write back
		}
		g2, srs2, err := DecodeBlob(again)
		if err != nil {
			t.Fatalf("re-encoded blob does not decode: %v", err)
		}
		if srs2 != srs || !sameGeometry(g, g2) {
			t.Fatalf("round trip changed %v (srs %d) into %v (srs %d)", g, srs, g2, srs2)
		}
	})
}

// sameGeometry compares by WKB bytes, so NaN coordinates compare equal.
func sameGeometry(a, b orb.Geometry) bool {
	wa, _ := wkb.Marshal(a, binary.LittleEndian)
	wb, _ := wkb.Marshal(b, binary.LittleEndian)
	return bytes.Equal(wa, wb)
}
