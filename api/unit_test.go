package api

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// Oracle values from PROJ 9 (Debian proj-bin), input lat lon, output in the
// authority axis order (northing, easting):
//
//	printf '28.85 121.1\n28.9 121.2\n' | cs2cs -f %.4f EPSG:4490 EPSG:4549
//	printf '28.85 121.1\n' | cs2cs -f %.4f EPSG:4490 EPSG:4528
//	printf '28.85 121.1\n' | cs2cs -f %.4f EPSG:4490 EPSG:4499
func TestCRSOutAgainstCS2CS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		crs      string
		lon, lat float64
		want     orb.Point
	}{
		{"http://www.opengis.net/def/crs/EPSG/0/4549", 121.1, 28.85, orb.Point{3193141.3690, 607340.7248}},
		{"EPSG:4549", 121.2, 28.9, orb.Point{3198778.2339, 617043.6459}},
		{"[EPSG:4528]", 121.1, 28.85, orb.Point{3193141.3690, 40607340.7248}},
		{"urn:ogc:def:crs:EPSG::4499", 121.1, 28.85, orb.Point{3194127.9282, 21314581.1330}},
		{"http://www.opengis.net/def/crs/EPSG/0/4490", 121.1, 28.85, orb.Point{28.85, 121.1}},
		{"https://www.opengis.net/def/crs/EPSG/0/4326", 121.1, 28.85, orb.Point{28.85, 121.1}},
		{"http://www.opengis.net/def/crs/OGC/1.3/CRS84", 121.1, 28.85, orb.Point{121.1, 28.85}},
		{"OGC:CRS84", 121.1, 28.85, orb.Point{121.1, 28.85}},
	}
	for _, tc := range tests {
		t.Run(tc.crs, func(t *testing.T) {
			t.Parallel()
			c, err := parseCRS(tc.crs)
			if err != nil {
				t.Fatal(err)
			}
			got := c.out(orb.Point{tc.lon, tc.lat})
			if math.Abs(got[0]-tc.want[0]) > 1e-4 || math.Abs(got[1]-tc.want[1]) > 1e-4 {
				t.Errorf("out(%v, %v) = %.4f, want %.4f (cs2cs)", tc.lon, tc.lat, got, tc.want)
			}
			back := c.in(got)
			if math.Abs(back[0]-tc.lon) > 1e-9 || math.Abs(back[1]-tc.lat) > 1e-9 {
				t.Errorf("in(out(p)) = %v, want %v", back, orb.Point{tc.lon, tc.lat})
			}
		})
	}
	for _, bad := range []string{"EPSG:3857", "EPSG:4490x", "", "http://example.com/crs", "EPSG:4555"} {
		if bad == "" {
			continue
		}
		if _, err := parseCRS(bad); parcels.ErrorCode(err) != codeBadRequest {
			t.Errorf("parseCRS(%q) = %v, want a bad request", bad, err)
		}
	}
}

func TestParseBBox(t *testing.T) {
	t.Parallel()
	b, poly, err := parseBBox("121,28.5,121.5,29", crs84)
	if err != nil || poly != nil || *b != (orb.Bound{Min: orb.Point{121, 28.5}, Max: orb.Point{121.5, 29}}) {
		t.Errorf("CRS84 bbox = %v %v %v", b, poly, err)
	}
	c4490, _ := parseCRS("EPSG:4490")
	b, _, err = parseBBox("28.5,121,29,121.5", c4490) // lat first
	if err != nil || *b != (orb.Bound{Min: orb.Point{121, 28.5}, Max: orb.Point{121.5, 29}}) {
		t.Errorf("EPSG:4490 bbox = %v %v", b, err)
	}
	b, _, err = parseBBox("121,28.5,0,121.5,29,100", crs84)
	if err != nil || *b != (orb.Bound{Min: orb.Point{121, 28.5}, Max: orb.Point{121.5, 29}}) {
		t.Errorf("6-number bbox = %v %v", b, err)
	}
	// A projected box: its lon/lat outline holds the corners' images.
	c4549, _ := parseCRS("EPSG:4549")
	b, poly, err = parseBBox("3193000,607000,3194000,608000", c4549)
	if err != nil || poly == nil {
		t.Fatalf("EPSG:4549 bbox: %v", err)
	}
	z := geo.Zone{Width: 3, Number: 40}
	for _, ne := range [][2]float64{{3193000, 607000}, {3194000, 608000}, {3193000, 608000}} {
		lon, lat := z.Inverse(ne[0], ne[1])
		if !b.Contains(orb.Point{lon, lat}) {
			t.Errorf("corner %v → (%v, %v) outside %v", ne, lon, lat, b)
		}
	}
	if a := geo.CadastralArea(orb.MultiPolygon{poly.(orb.Polygon)}, z); math.Abs(a-1e6) > 1 {
		t.Errorf("area of the 1 km × 1 km projected box = %v m², want 1e6", a)
	}
	for _, bad := range []string{"1,2,3", "a,b,c,d", "121,29,121.5,28.5", "122,28,121,29", "1,2,3,4,5", "0,-91,1,0"} {
		if _, _, err := parseBBox(bad, crs84); parcels.ErrorCode(err) != codeBadRequest {
			t.Errorf("parseBBox(%q) = %v, want a bad request", bad, err)
		}
	}
}

func TestLang(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]string{
		"":                            "zh",
		"en":                          "en",
		"en-US,en;q=0.9":              "en",
		"zh-CN,zh;q=0.9,en;q=0.8":     "zh",
		"fr, en;q=0.5":                "en",
		"en;q=0.4, zh-Hans;q=0.6":     "zh",
		"de":                          "zh",
		"EN-gb":                       "en",
		"en;q=notanumber, zh;q=0.001": "en",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if h != "" {
			r.Header.Set("Accept-Language", h)
		}
		if got := lang(r); got != want {
			t.Errorf("lang(%q) = %s, want %s", h, got, want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		accept, f string
		offers    []string
		want      string // "" = 406
	}{
		{"", "", []string{mediaGeoJSON, mediaJSON}, mediaGeoJSON},
		{"application/json", "", []string{mediaGeoJSON, mediaJSON}, mediaJSON},
		{"application/geo+json", "", []string{mediaGeoJSON, mediaJSON}, mediaGeoJSON},
		{"text/html,application/xhtml+xml,*/*;q=0.8", "", []string{mediaGeoJSON, mediaJSON}, mediaGeoJSON},
		{"text/html", "", []string{mediaGeoJSON, mediaJSON}, ""},
		{"application/json;q=0.5, application/geo+json", "", []string{mediaGeoJSON, mediaJSON}, mediaGeoJSON},
		{"application/json", "", []string{mediaSchema, mediaJSON}, mediaJSON},
		{"text/plain", "", []string{mediaJSON, mediaText}, mediaText},
		{"application/*", "", []string{mediaJSON}, mediaJSON},
		{"text/html", "json", []string{mediaGeoJSON, mediaJSON}, mediaGeoJSON},
		{"", "html", []string{mediaGeoJSON, mediaJSON}, ""},
		{"application/json;q=0", "", []string{mediaJSON}, ""},
	}
	for _, tc := range tests {
		u := "/x"
		if tc.f != "" {
			u += "?f=" + tc.f
		}
		r := httptest.NewRequest("GET", u, nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		got, err := negotiate(r, tc.offers...)
		if tc.want == "" {
			if parcels.ErrorCode(err) != codeNotAcceptable {
				t.Errorf("negotiate(Accept %q, f=%q) = %q, %v; want 406", tc.accept, tc.f, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("negotiate(Accept %q, f=%q) = %q, %v; want %q", tc.accept, tc.f, got, err, tc.want)
		}
	}
}

func TestProblemFor(t *testing.T) {
	t.Parallel()
	gp := geo.Problem{Code: "self_intersection", Polygon: 0, Ring: 1, Vertex: 3, Point: orb.Point{121.1, 28.8},
		Message: "ring 2 crosses itself near vertex 4", MessageZH: "第 2 个环在第 4 个顶点附近自相交"}
	dom := &parcels.Error{Code: parcels.EINVALID, Feature: "#2", Message: "geometry is invalid", MessageZH: "几何无效", Problems: []geo.Problem{gp}}
	p := problemFor(dom, "zh")
	if p.Status != 422 || p.Detail != "要素 #2：几何无效" || p.Title != "输入无效" || p.Type != problemTypeBase+"invalid" {
		t.Errorf("zh problem = %+v", p)
	}
	if len(p.Errors) != 1 || *p.Errors[0].Ring != 1 || *p.Errors[0].Vertex != 3 || p.Errors[0].Feature != "#2" ||
		p.Errors[0].Detail != gp.MessageZH || *p.Errors[0].Point != [2]float64{121.1, 28.8} {
		t.Errorf("zh problem errors = %+v", p.Errors)
	}
	p = problemFor(dom, "en")
	if p.Detail != "feature #2: geometry is invalid" || p.Errors[0].Detail != gp.Message || p.Title != "Invalid input" {
		t.Errorf("en problem = %+v", p)
	}
	// Internal errors never leak their text.
	p = problemFor(errors.New("pq: relation \"parcels\" does not exist"), "en")
	if p.Status != 500 || strings.Contains(p.Detail, "pq") || strings.Contains(p.Detail, "relation") {
		t.Errorf("internal problem = %+v", p)
	}
	p = problemFor(&parcels.Error{Code: parcels.EINTERNAL, Message: "disk full at /var/lib/x"}, "en")
	if p.Status != 500 || strings.Contains(p.Detail, "disk") {
		t.Errorf("EINTERNAL problem = %+v", p)
	}
	p = problemFor(&http.MaxBytesError{Limit: 100}, "en")
	if p.Status != 413 || !strings.Contains(p.Detail, "100 bytes") {
		t.Errorf("413 problem = %+v", p)
	}
	// Every code of the table has a status and both titles.
	for code, k := range problemKinds {
		if k.status < 400 || k.title == "" || k.zh == "" {
			t.Errorf("problem kind %s = %+v", code, k)
		}
	}
	// Batches list every refused feature.
	be := batchError([]error{
		&parcels.Error{Code: parcels.EINVALID, Feature: "#0", Message: "a", MessageZH: "甲", Problems: []geo.Problem{gp, gp}},
		&parcels.Error{Code: codeBadRequest, Feature: "#3", Message: "b", MessageZH: "乙"},
	})
	p = problemFor(be, "en")
	if p.Status != 422 || len(p.Errors) != 3 || p.Errors[2].Feature != "#3" || p.Errors[2].Detail != "b" {
		t.Errorf("batch problem = %+v", p)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	// sha256("abc"), FIPS 180-2 appendix B.1.
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashToken(abc) = %s", got)
	}
	a, err := NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewTokenSecret()
	if a == b || !strings.HasPrefix(a, "lp_") || len(a) != 3+43 {
		t.Errorf("NewTokenSecret = %q, %q", a, b)
	}
	if roleRank(parcels.RoleEditor) <= roleRank(parcels.RolePlanner) || roleRank(parcels.RolePlanner) <= roleRank(parcels.RoleViewer) || roleRank("") != 0 {
		t.Error("roles are not ordered editor > planner > viewer > none")
	}
}

func TestMergePatch(t *testing.T) {
	t.Parallel()
	// RFC 7396 appendix A examples.
	tests := []struct{ target, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	}
	for _, tc := range tests {
		var target, patch, want any
		_ = json.Unmarshal([]byte(tc.target), &target)
		_ = json.Unmarshal([]byte(tc.patch), &patch)
		_ = json.Unmarshal([]byte(tc.want), &want)
		if got := mergePatch(target, patch); !reflect.DeepEqual(got, want) {
			t.Errorf("mergePatch(%s, %s) = %v, want %s", tc.target, tc.patch, got, tc.want)
		}
	}
}

func TestEtagListMatches(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]bool{`"3"`: true, `W/"3"`: true, `"2", "3"`: true, `*`: true, `"4"`: false, `"33"`: false} {
		if got := etagListMatches(h, 3); got != want {
			t.Errorf("etagListMatches(%s, 3) = %v", h, got)
		}
	}
}

func TestViewerAttrsHidePersonalKeys(t *testing.T) {
	in := map[string]any{
		"industry": "泵业", "使用权人": "临海市远东泵业有限公司", "企业名称": "远东泵业", "联系电话": "0576-1",
		"Owner_Name": "x", "legal_representative": "y", "floors_note": "ok",
	}
	got := attrsFor(in, true)
	want := map[string]any{"industry": "泵业", "floors_note": "ok"}
	if len(got) != len(want) || got["industry"] != "泵业" || got["floors_note"] != "ok" {
		t.Fatalf("viewer attrs = %v, want %v", got, want)
	}
	if full := attrsFor(in, false); len(full) != len(in) {
		t.Fatalf("non-viewer attrs lost keys: %v", full)
	}
}
