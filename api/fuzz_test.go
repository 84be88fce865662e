package api

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// FuzzParseBBox: no panic; an accepted bbox is a proper lon/lat box.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"121,28.5,121.5,29", "28.5,121,29,121.5", "1,2,0,3,4,5", "3193000,607000,3194000,608000", "a,b", "1e308,1e308,1e308,1e308"} {
		f.Add(s, "")
		f.Add(s, "EPSG:4490")
		f.Add(s, "EPSG:4549")
	}
	f.Fuzz(func(t *testing.T, s, crs string) {
		c, err := queryCRS(crs)
		if err != nil {
			return
		}
		b, poly, err := parseBBox(s, c)
		if err != nil {
			return
		}
		if b == nil || b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
			t.Fatalf("parseBBox(%q, %q) = %v", s, crs, b)
		}
		if poly != nil {
			if _, ok := poly.(orb.Polygon); !ok {
				t.Fatalf("outline is a %T", poly)
			}
		}
		if !c.projected() && (math.IsNaN(b.Min[0]) || math.IsNaN(b.Max[1])) {
			t.Fatalf("NaN in %v", b)
		}
	})
}

// FuzzDecodeFeature: arbitrary bodies never panic the feature decoder, and
// an accepted parcel has a lon/lat geometry.
func FuzzDecodeFeature(f *testing.F) {
	for _, s := range []string{
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121,28],[121.001,28],[121.001,28.001],[121,28]]]},"properties":{"name":"x","floors":2}}`,
		`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":null}`,
		`{"type":"Feature","geometry":null,"properties":{"members":[1,2],"pieces":[{"id":"a","geometry":{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]}}]}}`,
		`{"type":"Feature","properties":{"lease_end":"2020-02-30","attrs":{"a":1}}}`,
		`[]`, `null`, `{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}`,
	} {
		f.Add([]byte(s))
	}
	colls := collections()
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range colls {
			row, err := decodeFeature(c, b, crs84, "#0", false)
			if err != nil || !c.writableGeometry {
				continue
			}
			if g := c.geometry(row); len(g) == 0 || checkLonLat(g, "x") != nil {
				t.Fatalf("%s accepted without a lon/lat geometry: %s", c.Name, b)
			}
		}
	})
}
