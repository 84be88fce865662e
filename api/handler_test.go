package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"landplan/api"
	"landplan/geo"
	"landplan/gpkg"
	"landplan/parcels"
)

// fixture is a server over a fresh GeoPackage store with a few rows and one
// token per role.
type fixture struct {
	srv     *api.Server
	store   *gpkg.Store
	tokens  map[parcels.Role]string
	parcels []*parcels.Parcel
	build   []*parcels.Building
}

func square(lon, lat, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}
}

var zone40 = geo.Zone3(40)

// newFixture seeds five parcels (two idle, one inefficient, one in another
// town) and one building on the first.
func newFixture(t *testing.T, cfg api.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "t.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{store: st, tokens: map[parcels.Role]string{}}
	for _, role := range []parcels.Role{parcels.RoleEditor, parcels.RolePlanner, parcels.RoleViewer} {
		secret, err := api.NewTokenSecret()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateToken(ctx, parcels.Token{Name: "test-" + string(role), Role: role, Hash: api.HashToken(secret)}); err != nil {
			t.Fatal(err)
		}
		f.tokens[role] = secret
	}
	in := []*parcels.Parcel{
		{Code: "331082001001JA00001", Name: "甲厂", Owner: "临海甲机械有限公司", LandUse: "0601", LandSource: parcels.SourceTransferred,
			LeaseStart: parcels.NewDate(2005, 3, 1), LeaseEnd: parcels.NewDate(2055, 2, 28), Status: parcels.StatusInUse, Town: "杜桥镇",
			Attrs: map[string]any{"phone": "0576-1234567", "note": "east gate"}, Geometry: square(121.100, 28.850, 0.001)},
		{Code: "331082001001JA00002", Name: "乙厂", Owner: "张三", LandUse: "0601", Status: parcels.StatusIdle, Town: "杜桥镇", Geometry: square(121.102, 28.850, 0.001)},
		{Code: "331082001001JA00003", Name: "丙厂", Owner: "李四", LandUse: "0602", Status: parcels.StatusInefficient, Town: "杜桥镇", Geometry: square(121.104, 28.850, 0.001)},
		{Code: "331082001001JA00004", Name: "丁厂", Owner: "王五", LandUse: "0601", Status: parcels.StatusInUse, Town: "杜桥镇", Geometry: square(121.100, 28.853, 0.001)},
		{Code: "331082002001JB00001", Name: "戊厂", Owner: "赵六", LandUse: "0601", Status: parcels.StatusIdle, Town: "汛桥镇", Geometry: square(121.110, 28.860, 0.001)},
	}
	f.parcels, err = st.CreateParcels(ctx, in, "fixture")
	if err != nil {
		t.Fatal(err)
	}
	f.build, err = st.CreateBuildings(ctx, []*parcels.Building{
		{Name: "1号厂房", Use: parcels.UseProduction, Floors: 3, HeightM: 15, Geometry: square(121.1002, 28.8502, 0.0003)},
	}, "fixture")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range f.parcels { // the building bumped its parcel's version
		if f.parcels[i], err = st.GetParcel(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Store = st
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f.srv, err = api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type req struct {
	method, url, body string
	role              parcels.Role // "" = anonymous
	header            map[string]string
}

func (f *fixture) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	hr := httptest.NewRequest(method, r.url, body)
	if r.role != "" {
		hr.Header.Set("Authorization", "Bearer "+f.tokens[r.role])
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/geo+json")
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, hr)
	return w
}

func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not JSON (%d %s): %v: %s", w.Code, w.Header().Get("Content-Type"), err, w.Body.String())
	}
	return m
}

// problem checks a problem+json answer and returns it.
func problem(t *testing.T, w *httptest.ResponseRecorder, status int) map[string]any {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	p := decode(t, w)
	for _, k := range []string{"type", "title", "status", "detail", "code"} {
		if p[k] == nil || p[k] == "" {
			t.Errorf("problem has no %s: %v", k, p)
		}
	}
	if int(p["status"].(float64)) != status {
		t.Errorf("problem status %v, want %d", p["status"], status)
	}
	return p
}

func features(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	fs, ok := m["features"].([]any)
	if !ok {
		t.Fatalf("no features in %v", m)
	}
	out := make([]map[string]any, len(fs))
	for i, f := range fs {
		out[i] = f.(map[string]any)
	}
	return out
}

func ids(t *testing.T, m map[string]any) []int64 {
	var out []int64
	for _, f := range features(t, m) {
		out = append(out, int64(f["id"].(float64)))
	}
	return out
}

func linkHref(m map[string]any, rel string) string {
	links, _ := m["links"].([]any)
	for _, l := range links {
		lm := l.(map[string]any)
		if lm["rel"] == rel {
			return lm["href"].(string)
		}
	}
	return ""
}

func pathOf(t *testing.T, href string) string {
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

func TestReadEndpoints(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer, Version: "v-test"})
	p1 := f.parcels[0]
	tests := []struct {
		name   string
		req    req
		status int
		ctype  string
		check  func(t *testing.T, w *httptest.ResponseRecorder)
	}{
		{"landing", req{url: "/api/"}, 200, "application/json", func(t *testing.T, w *httptest.ResponseRecorder) {
			m := decode(t, w)
			for _, rel := range []string{"self", "service-desc", "conformance", "data"} {
				if linkHref(m, rel) == "" {
					t.Errorf("landing page has no %s link", rel)
				}
			}
			if m["version"] != "v-test" || !strings.HasPrefix(linkHref(m, "data"), "http://example.com/api/collections") {
				t.Errorf("landing = %v", m)
			}
		}},
		{"landing redirect", req{url: "/api"}, 301, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if w.Header().Get("Location") != "/api/" {
				t.Errorf("Location %q", w.Header().Get("Location"))
			}
		}},
		{"conformance", req{url: "/api/conformance"}, 200, "application/json", func(t *testing.T, w *httptest.ResponseRecorder) {
			cs := fmt.Sprint(decode(t, w)["conformsTo"])
			for _, c := range []string{"ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson", "ogcapi-features-2/1.0/conf/crs",
				"ogcapi-features-3/1.0/conf/filter", "ogcapi-features-4/1.0/conf/create-replace-delete", "cql2/1.0/conf/cql2-text"} {
				if !strings.Contains(cs, c) {
					t.Errorf("conformance lacks %s", c)
				}
			}
		}},
		{"openapi", req{url: "/api/openapi.json"}, 200, "application/vnd.oai.openapi+json;version=3.1", func(t *testing.T, w *httptest.ResponseRecorder) {
			if decode(t, w)["openapi"] != "3.1.0" {
				t.Error("not OpenAPI 3.1")
			}
		}},
		{"collections", req{url: "/api/collections"}, 200, "application/json", func(t *testing.T, w *httptest.ResponseRecorder) {
			m := decode(t, w)
			cs := m["collections"].([]any)
			if len(cs) != 3 {
				t.Fatalf("%d collections", len(cs))
			}
			c0 := cs[0].(map[string]any)
			bbox := c0["extent"].(map[string]any)["spatial"].(map[string]any)["bbox"].([]any)[0].([]any)
			want := []float64{121.100, 28.850, 121.111, 28.861}
			for i := range want {
				if math.Abs(bbox[i].(float64)-want[i]) > 1e-9 {
					t.Errorf("parcels extent %v, want %v", bbox, want)
					break
				}
			}
			if c0["id"] != "parcels" || c0["storageCrs"] != "http://www.opengis.net/def/crs/EPSG/0/4490" || len(c0["crs"].([]any)) != 67 {
				t.Errorf("parcels collection = %v", c0)
			}
			if z := cs[2].(map[string]any); z["extent"].(map[string]any)["spatial"].(map[string]any)["bbox"] != nil {
				t.Errorf("empty zones collection has a bbox: %v", z["extent"])
			}
		}},
		{"collection", req{url: "/api/collections/buildings", header: map[string]string{"Accept-Language": "en"}}, 200, "application/json", func(t *testing.T, w *httptest.ResponseRecorder) {
			m := decode(t, w)
			if m["id"] != "buildings" || m["title"] != "Buildings" || !strings.HasSuffix(linkHref(m, "items"), "/api/collections/buildings/items") {
				t.Errorf("buildings = %v", m)
			}
		}},
		{"queryables (viewer: no personal fields)", req{url: "/api/collections/parcels/queryables"}, 200, "application/schema+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			m := decode(t, w)
			props := m["properties"].(map[string]any)
			if _, ok := props["owner"]; ok {
				t.Error("viewer sees owner in queryables")
			}
			if props["lease_end"].(map[string]any)["format"] != "date" || props["area_mu"].(map[string]any)["type"] != "number" ||
				props["geometry"] == nil || m["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
				t.Errorf("queryables = %v", m)
			}
		}},
		{"queryables (planner)", req{url: "/api/collections/parcels/queryables", role: parcels.RolePlanner}, 200, "application/schema+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			if _, ok := decode(t, w)["properties"].(map[string]any)["owner"]; !ok {
				t.Error("planner does not see owner")
			}
		}},
		{"items", req{url: "/api/collections/parcels/items"}, 200, "application/geo+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			m := decode(t, w)
			if m["type"] != "FeatureCollection" || m["numberMatched"] != 5.0 || m["numberReturned"] != 5.0 || linkHref(m, "next") != "" {
				t.Errorf("items = %v", m["numberMatched"])
			}
			if w.Header().Get("Content-Crs") != "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>" {
				t.Errorf("Content-Crs %q", w.Header().Get("Content-Crs"))
			}
			f0 := features(t, m)[0]
			props := f0["properties"].(map[string]any)
			// Computed values on every feature, equal to geo's.
			area := geo.CadastralArea(p1.Geometry, zone40)
			if math.Abs(props["area_m2"].(float64)-area) > 1e-6 || math.Abs(props["area_mu"].(float64)-geo.MuFromM2(area)) > 1e-9 ||
				math.Abs(props["ellipsoidal_area_m2"].(float64)-geo.EllipsoidalArea(p1.Geometry)) > 1e-6 {
				t.Errorf("areas %v %v %v, want %v", props["area_m2"], props["area_mu"], props["ellipsoidal_area_m2"], area)
			}
			fp := geo.CadastralArea(f.build[0].Geometry, zone40)
			if math.Abs(props["footprint_area_m2"].(float64)-fp) > 1e-6 || math.Abs(props["floor_area_m2"].(float64)-3*fp) > 1e-6 ||
				math.Abs(props["building_density"].(float64)-fp/area) > 1e-9 || math.Abs(props["plot_ratio"].(float64)-3*fp/area) > 1e-9 ||
				props["building_count"] != 1.0 {
				t.Errorf("site values %v", props)
			}
			// Viewer: no owner, no updated_by, no personal attributes.
			if _, ok := props["owner"]; ok {
				t.Error("viewer sees owner")
			}
			if _, ok := props["updated_by"]; ok {
				t.Error("viewer sees updated_by")
			}
			if a := props["attrs"].(map[string]any); a["phone"] != nil || a["note"] != "east gate" {
				t.Errorf("viewer attrs %v", a)
			}
			if props["lease_start"] != "2005-03-01" || props["code"] != "331082001001JA00001" || props["version"] != 2.0 && props["version"] != 1.0 {
				t.Errorf("fields %v", props)
			}
		}},
		{"items as planner show owner", req{url: "/api/collections/parcels/items?limit=1", role: parcels.RolePlanner}, 200, "application/geo+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			props := features(t, decode(t, w))[0]["properties"].(map[string]any)
			if props["owner"] != "临海甲机械有限公司" || props["updated_by"] != "fixture" || props["attrs"].(map[string]any)["phone"] != "0576-1234567" {
				t.Errorf("planner props %v", props)
			}
		}},
		{"items Accept json", req{url: "/api/collections/parcels/items", header: map[string]string{"Accept": "application/json"}}, 200, "application/json", nil},
		{"building parcel_id", req{url: "/api/collections/buildings/items"}, 200, "application/geo+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			props := features(t, decode(t, w))[0]["properties"].(map[string]any)
			if int64(props["parcel_id"].(float64)) != p1.ID || props["floors"] != 3.0 || props["use"] != "production" {
				t.Errorf("building %v", props)
			}
		}},
		{"property filter", req{url: "/api/collections/parcels/items?status=idle"}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[1].ID, f.parcels[4].ID}) {
				t.Errorf("status=idle → %v", got)
			}
		}},
		{"property filter list", req{url: "/api/collections/parcels/items?status=idle,inefficient&town=杜桥镇"}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[1].ID, f.parcels[2].ID}) {
				t.Errorf("status in (idle,inefficient), town → %v", got)
			}
		}},
		{"numeric property filter", req{url: "/api/collections/buildings/items?floors=3"}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if decode(t, w)["numberMatched"] != 1.0 {
				t.Error("floors=3 matched nothing")
			}
		}},
		{"bbox", req{url: "/api/collections/parcels/items?bbox=121.1015,28.8495,121.1045,28.8505"}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[1].ID, f.parcels[2].ID}) {
				t.Errorf("bbox → %v", got)
			}
		}},
		{"bbox in EPSG:4490 (lat first)", req{url: "/api/collections/parcels/items?bbox=28.8495,121.1015,28.8505,121.1045&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490"}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[1].ID, f.parcels[2].ID}) {
				t.Errorf("bbox 4490 → %v", got)
			}
		}},
		{"bbox in EPSG:4549 (northing, easting)", req{url: func() string {
			// A 20 m box around the centre of parcel 5.
			x, y := geo.Zone{Width: 3, Number: 40}.Forward(121.1105, 28.8605)
			return fmt.Sprintf("/api/collections/parcels/items?bbox=%f,%f,%f,%f&bbox-crs=EPSG:4549", x-10, y-10, x+10, y+10)
		}()}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[4].ID}) {
				t.Errorf("bbox 4549 → %v", got)
			}
		}},
		{"cql2 filter", req{url: "/api/collections/parcels/items?filter=" + url.QueryEscape("(status = 'idle' OR land_use = '0602') AND town LIKE '杜%'")}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[1].ID, f.parcels[2].ID}) {
				t.Errorf("filter → %v", got)
			}
		}},
		{"cql2 spatial filter", req{url: "/api/collections/parcels/items?filter-lang=cql2-text&filter=" + url.QueryEscape("S_INTERSECTS(geometry, POINT(121.1005 28.8535))")}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[3].ID}) {
				t.Errorf("S_INTERSECTS → %v", got)
			}
		}},
		{"cql2 spatial filter in EPSG:4549", req{url: func() string {
			x, y := geo.Zone{Width: 3, Number: 40}.Forward(121.1005, 28.8535)
			return "/api/collections/parcels/items?filter-crs=EPSG:4549&filter=" + url.QueryEscape(fmt.Sprintf("S_INTERSECTS(geometry, POINT(%f %f))", x, y))
		}()}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[3].ID}) {
				t.Errorf("S_INTERSECTS in 4549 → %v", got)
			}
		}},
		{"cql2 between and in", req{url: "/api/collections/parcels/items?filter=" + url.QueryEscape("area_mu BETWEEN 10 AND 20 AND id IN (1, 3, 5) AND lease_end IS NULL")}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			// Every fixture parcel is ~0.001° square: 97.6 m × 110.9 m ≈ 16.2 亩; only #1 has a lease.
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != "[3 5]" {
				t.Errorf("filter → %v", got)
			}
		}},
		{"crs EPSG:4549 output", req{url: fmt.Sprintf("/api/collections/parcels/items/%d?crs=http://www.opengis.net/def/crs/EPSG/0/4549", p1.ID)}, 200, "application/geo+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			if w.Header().Get("Content-Crs") != "<http://www.opengis.net/def/crs/EPSG/0/4549>" {
				t.Errorf("Content-Crs %q", w.Header().Get("Content-Crs"))
			}
			c := decode(t, w)["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)[0].([]any)
			// cs2cs EPSG:4490 EPSG:4549 on "28.85 121.1" prints 3192033.5927 609655.7180 … the first
			// vertex (121.100, 28.850) is checked against geo's own forward, which its tests tie to PROJ.
			x, y := geo.Zone{Width: 3, Number: 40}.Forward(121.100, 28.850)
			if math.Abs(c[0].(float64)-x) > 1e-6 || math.Abs(c[1].(float64)-y) > 1e-6 {
				t.Errorf("first vertex %v, want northing %f, easting %f", c, x, y)
			}
		}},
		{"item", req{url: fmt.Sprintf("/api/collections/parcels/items/%d", p1.ID)}, 200, "application/geo+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			m := decode(t, w)
			if w.Header().Get("ETag") != fmt.Sprintf(`"%d"`, p1.Version) || int64(m["id"].(float64)) != p1.ID || m["type"] != "Feature" {
				t.Errorf("ETag %q, feature %v", w.Header().Get("ETag"), m["id"])
			}
			if m["geometry"].(map[string]any)["type"] != "MultiPolygon" || linkHref(m, "self") == "" {
				t.Errorf("feature %v", m)
			}
		}},
		{"item not modified", req{url: fmt.Sprintf("/api/collections/parcels/items/%d", p1.ID), header: map[string]string{"If-None-Match": fmt.Sprintf(`W/"%d"`, p1.Version)}}, 304, "", nil},
		{"item 404", req{url: "/api/collections/parcels/items/99999"}, 404, "application/problem+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			if p := problem(t, w, 404); !strings.Contains(p["detail"].(string), "99999") || p["code"] != "not_found" {
				t.Errorf("problem %v", p)
			}
		}},
		{"item bad id", req{url: "/api/collections/parcels/items/abc"}, 404, "application/problem+json", nil},
		{"unknown path", req{url: "/api/nothing"}, 404, "application/problem+json", nil},
		{"unknown collection", req{url: "/api/collections/roads/items"}, 404, "application/problem+json", nil},
		{"405 with Allow", req{method: "DELETE", url: "/api/collections/parcels/items"}, 405, "application/problem+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			if a := w.Header().Get("Allow"); a != "GET, HEAD, POST" && a != "GET, POST" {
				t.Errorf("Allow %q", a)
			}
		}},
		{"unknown parameter", req{url: "/api/collections/parcels/items?colour=red"}, 400, "application/problem+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			if p := problem(t, w, 400); !strings.Contains(p["detail"].(string), "colour") {
				t.Errorf("problem %v", p)
			}
		}},
		{"bad limit", req{url: "/api/collections/parcels/items?limit=0"}, 400, "application/problem+json", nil},
		{"bad bbox", req{url: "/api/collections/parcels/items?bbox=1,2,3"}, 400, "application/problem+json", nil},
		{"infinite bbox", req{url: "/api/collections/parcels/items?bbox=-inf,28,inf,29"}, 400, "application/problem+json", nil},
		{"bad crs", req{url: "/api/collections/parcels/items?crs=EPSG:3857"}, 400, "application/problem+json", nil},
		{"bad bbox-crs", req{url: "/api/collections/parcels/items?bbox=1,2,3,4&bbox-crs=EPSG:900913"}, 400, "application/problem+json", nil},
		{"numeric filter with text", req{url: "/api/collections/parcels/items?area_mu=big"}, 400, "application/problem+json", nil},
		{"bad filter (English)", req{url: "/api/collections/parcels/items?filter=" + url.QueryEscape("status = "), header: map[string]string{"Accept-Language": "en"}}, 400, "application/problem+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			p := problem(t, w, 400)
			if p["detail"] != "filter: at character 10: expected a value (a 'quoted string', a number, TRUE, FALSE or DATE('…')), found the end of the filter" || p["title"] != "Bad request" {
				t.Errorf("problem %v", p)
			}
			if w.Header().Get("Content-Language") != "en" {
				t.Errorf("Content-Language %q", w.Header().Get("Content-Language"))
			}
		}},
		{"bad filter (Chinese)", req{url: "/api/collections/parcels/items?filter=" + url.QueryEscape("status = ")}, 400, "application/problem+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			if p := problem(t, w, 400); !strings.HasPrefix(p["detail"].(string), "filter 有误（第 10 个字符处）") || p["title"] != "请求有误" {
				t.Errorf("problem %v", p)
			}
		}},
		{"filter on unknown property", req{url: "/api/collections/parcels/items?filter=" + url.QueryEscape("colour = 'red'")}, 400, "application/problem+json", nil},
		{"filter type mismatch", req{url: "/api/collections/parcels/items?filter=" + url.QueryEscape("area_mu = 'big'")}, 400, "application/problem+json", nil},
		{"filter-lang cql2-json", req{url: "/api/collections/parcels/items?filter-lang=cql2-json&filter=x"}, 400, "application/problem+json", nil},
		{"viewer filters on owner", req{url: "/api/collections/parcels/items?owner=" + url.QueryEscape("张三")}, 403, "application/problem+json", nil},
		{"viewer cql2 on owner", req{url: "/api/collections/parcels/items?filter=" + url.QueryEscape("owner LIKE '张%'")}, 403, "application/problem+json", nil},
		{"planner filters on owner", req{url: "/api/collections/parcels/items?owner=" + url.QueryEscape("张三"), role: parcels.RolePlanner}, 200, "", func(t *testing.T, w *httptest.ResponseRecorder) {
			if got := ids(t, decode(t, w)); fmt.Sprint(got) != fmt.Sprint([]int64{f.parcels[1].ID}) {
				t.Errorf("owner=张三 → %v", got)
			}
		}},
		{"not acceptable", req{url: "/api/collections/parcels/items", header: map[string]string{"Accept": "text/html"}}, 406, "application/problem+json", nil},
		{"f=json", req{url: "/api/collections/parcels/items?f=json&limit=1", header: map[string]string{"Accept": "text/html"}}, 200, "application/geo+json", nil},
		{"bad token", req{url: "/api/collections", header: map[string]string{"Authorization": "Bearer lp_nope"}}, 401, "application/problem+json", func(t *testing.T, w *httptest.ResponseRecorder) {
			if h := w.Header().Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) {
				t.Errorf("WWW-Authenticate %q", h)
			}
		}},
		{"basic auth is refused", req{url: "/api/collections", header: map[string]string{"Authorization": "Basic dTpw"}}, 401, "application/problem+json", nil},
		{"healthz", req{url: "/healthz"}, 200, "application/json", nil},
		{"readyz", req{url: "/readyz"}, 200, "application/json", nil},
		{"HEAD item", req{method: "HEAD", url: fmt.Sprintf("/api/collections/parcels/items/%d", p1.ID)}, 200, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := f.do(t, tc.req)
			if w.Code != tc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", tc.req.method, tc.req.url, w.Code, tc.status, w.Body.String())
			}
			if tc.ctype != "" && w.Header().Get("Content-Type") != tc.ctype {
				t.Errorf("Content-Type %q, want %q", w.Header().Get("Content-Type"), tc.ctype)
			}
			if w.Code >= 400 {
				problem(t, w, tc.status)
			}
			if w.Header().Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if tc.check != nil {
				tc.check(t, w)
			}
		})
	}
}

// TestPaging walks next links to the end and prev links back: every
// feature once, in id order, with numberMatched constant.
func TestPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer})
	var seen []int64
	u := "/api/collections/parcels/items?limit=2&town=" + url.QueryEscape("杜桥镇")
	var last map[string]any
	for pages := 0; u != ""; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		w := f.do(t, req{url: u})
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", u, w.Code, w.Body.String())
		}
		m := decode(t, w)
		if m["numberMatched"] != 4.0 {
			t.Errorf("numberMatched %v, want 4", m["numberMatched"])
		}
		seen = append(seen, ids(t, m)...)
		last = m
		u = ""
		if n := linkHref(m, "next"); n != "" {
			u = pathOf(t, n)
			if !strings.Contains(u, "town=") || !strings.Contains(u, "limit=2") {
				t.Errorf("next link %s lost the query", u)
			}
		}
	}
	want := []int64{f.parcels[0].ID, f.parcels[1].ID, f.parcels[2].ID, f.parcels[3].ID}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("pages gave %v, want %v", seen, want)
	}
	prev := linkHref(last, "prev")
	if prev == "" {
		t.Fatal("last page has no prev link")
	}
	m := decode(t, f.do(t, req{url: pathOf(t, prev)}))
	if got := ids(t, m); fmt.Sprint(got) != fmt.Sprint(want[:2]) {
		t.Errorf("prev page %v, want %v", got, want[:2])
	}
	if linkHref(m, "prev") != "" {
		t.Errorf("first page has a prev link")
	}
	// The limit is capped, not refused.
	if w := f.do(t, req{url: "/api/collections/parcels/items?limit=50000"}); w.Code != 200 {
		t.Errorf("limit=50000: %d", w.Code)
	}
}

func TestAuthRoles(t *testing.T) {
	t.Parallel()
	none := newFixture(t, api.Config{}) // anonymous: nothing
	parcelBody := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.12,28.87],[121.121,28.87],[121.121,28.871],[121.12,28.871],[121.12,28.87]]]},"properties":{"name":"新地块"}}`
	tests := []struct {
		name   string
		req    req
		status int
	}{
		{"anonymous read, no anonymous role", req{url: "/api/collections/parcels/items"}, 401},
		{"anonymous landing is public", req{url: "/api/"}, 200},
		{"anonymous health is public", req{url: "/healthz"}, 200},
		{"viewer reads", req{url: "/api/collections/parcels/items", role: parcels.RoleViewer}, 200},
		{"viewer cannot analyse", req{method: "POST", url: "/api/analysis/indicators", body: `{"parcel_id":1}`, role: parcels.RoleViewer}, 403},
		{"anonymous cannot analyse", req{method: "POST", url: "/api/analysis/indicators", body: `{"parcel_id":1}`}, 401},
		{"planner analyses", req{method: "POST", url: "/api/analysis/indicators", body: `{"parcel_id":1}`, role: parcels.RolePlanner}, 200},
		{"anonymous write", req{method: "POST", url: "/api/collections/parcels/items", body: parcelBody}, 401},
		{"viewer write", req{method: "POST", url: "/api/collections/parcels/items", body: parcelBody, role: parcels.RoleViewer}, 403},
		{"planner write", req{method: "POST", url: "/api/collections/parcels/items", body: parcelBody, role: parcels.RolePlanner}, 403},
		{"planner delete", req{method: "DELETE", url: "/api/collections/parcels/items/1", role: parcels.RolePlanner, header: map[string]string{"If-Match": `"1"`}}, 403},
		{"editor write", req{method: "POST", url: "/api/collections/parcels/items", body: parcelBody, role: parcels.RoleEditor}, 201},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := none.do(t, tc.req)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body.String())
			}
			if tc.status == 401 && w.Header().Get("WWW-Authenticate") != `Bearer realm="landplan"` {
				t.Errorf("WWW-Authenticate %q", w.Header().Get("WWW-Authenticate"))
			}
			if tc.status >= 400 {
				problem(t, w, tc.status)
			}
		})
	}
	// With an anonymous viewer, a write without a token is still 401.
	v := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer})
	if w := v.do(t, req{method: "POST", url: "/api/collections/parcels/items", body: parcelBody}); w.Code != 401 {
		t.Errorf("anonymous viewer write: %d", w.Code)
	}
	// A revoked token stops working (after the cache's TTL; here the cache is off).
	nc := newFixture(t, api.Config{TokenCacheTTL: -1})
	toks, _ := nc.store.ListTokens(context.Background())
	if w := nc.do(t, req{url: "/api/collections", role: parcels.RoleEditor}); w.Code != 200 {
		t.Fatalf("editor: %d", w.Code)
	}
	for _, tk := range toks {
		if tk.Role == parcels.RoleEditor {
			if err := nc.store.RevokeToken(context.Background(), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if w := nc.do(t, req{url: "/api/collections", role: parcels.RoleEditor}); w.Code != 401 {
		t.Errorf("revoked token: %d", w.Code)
	}
}

const polyFmt = `{"type":"Polygon","coordinates":[[[%[1]g,%[2]g],[%[3]g,%[2]g],[%[3]g,%[4]g],[%[1]g,%[4]g],[%[1]g,%[2]g]]]}`

func poly(lon, lat, d float64) string { return fmt.Sprintf(polyFmt, lon, lat, lon+d, lat+d) }

func TestWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{})
	ed := parcels.RoleEditor
	count := func() float64 {
		return decode(t, f.do(t, req{url: "/api/collections/parcels/items?limit=1", role: ed}))["numberMatched"].(float64)
	}

	// POST one parcel: 201, Location, ETag, the stored feature with computed values.
	body := fmt.Sprintf(`{"type":"Feature","id":"ignored","geometry":%s,"properties":{"code":"331082009009JC00001","name":"新地块","owner":"孙七",
		"land_use":"0601","status":"inefficient","lease_start":"2010-01-01","lease_end":"2060-01-01","area_m2":1,"district_code":"A7"}}`, poly(121.12, 28.87, 0.001))
	w := f.do(t, req{method: "POST", url: "/api/collections/parcels/items", body: body, role: ed})
	if w.Code != 201 {
		t.Fatalf("POST: %d %s", w.Code, w.Body.String())
	}
	created := decode(t, w)
	id := int64(created["id"].(float64))
	if loc := w.Header().Get("Location"); loc != fmt.Sprintf("http://example.com/api/collections/parcels/items/%d", id) || w.Header().Get("ETag") != `"1"` {
		t.Errorf("Location %q ETag %q", loc, w.Header().Get("ETag"))
	}
	props := created["properties"].(map[string]any)
	want := geo.CadastralArea(square(121.12, 28.87, 0.001), zone40)
	if math.Abs(props["area_m2"].(float64)-want) > 1e-6 || props["owner"] != "孙七" || props["updated_by"] != "test-editor" ||
		props["attrs"].(map[string]any)["district_code"] != "A7" || props["lease_end"] != "2060-01-01" {
		t.Errorf("created %v (area want %v)", props, want)
	}

	// GET it back equal.
	if got := decode(t, f.do(t, req{url: fmt.Sprintf("/api/collections/parcels/items/%d", id), role: ed})); got["properties"].(map[string]any)["name"] != "新地块" {
		t.Errorf("GET after POST: %v", got)
	}

	// PUT without If-Match: 428; stale: 412; right: 200 with version 2.
	put := fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"code":"331082009009JC00001","name":"新地块（扩）","status":"redeveloping"}}`, poly(121.12, 28.87, 0.002))
	u := fmt.Sprintf("/api/collections/parcels/items/%d", id)
	problem(t, f.do(t, req{method: "PUT", url: u, body: put, role: ed}), 428)
	problem(t, f.do(t, req{method: "PUT", url: u, body: put, role: ed, header: map[string]string{"If-Match": `"7"`}}), 412)
	w = f.do(t, req{method: "PUT", url: u, body: put, role: ed, header: map[string]string{"If-Match": `"1"`}})
	if w.Code != 200 || w.Header().Get("ETag") != `"2"` {
		t.Fatalf("PUT: %d %s %s", w.Code, w.Header().Get("ETag"), w.Body.String())
	}
	props = decode(t, w)["properties"].(map[string]any)
	if want := geo.CadastralArea(square(121.12, 28.87, 0.002), zone40); math.Abs(props["area_m2"].(float64)-want) > 1e-6 || props["owner"] != "" || props["status"] != "redeveloping" {
		t.Errorf("PUT result %v", props)
	}

	// PATCH: merge patch changes one field, null removes one, geometry untouched.
	w = f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"status":"idle","name":null,"town":"杜桥镇"}}`, role: ed,
		header: map[string]string{"If-Match": `"2"`, "Content-Type": "application/merge-patch+json"}})
	if w.Code != 200 || w.Header().Get("ETag") != `"3"` {
		t.Fatalf("PATCH: %d %s", w.Code, w.Body.String())
	}
	props = decode(t, w)["properties"].(map[string]any)
	if props["status"] != "idle" || props["name"] != "" || props["town"] != "杜桥镇" || props["code"] != "331082009009JC00001" ||
		math.Abs(props["area_m2"].(float64)-geo.CadastralArea(square(121.12, 28.87, 0.002), zone40)) > 1e-6 {
		t.Errorf("PATCH result %v", props)
	}
	problem(t, f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"status":"idle"}}`, role: ed, header: map[string]string{"If-Match": `"2"`}}), 412)
	problem(t, f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"status":"idle"}}`, role: ed}), 428)
	problem(t, f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"status":"gone"}}`, role: ed, header: map[string]string{"If-Match": `"3"`}}), 422)
	problem(t, f.do(t, req{method: "PATCH", url: u, body: `{"geometry":null}`, role: ed, header: map[string]string{"If-Match": `"3"`}}), 422)
	// Weak tags never match for a write; a list matches when any tag is current.
	problem(t, f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"town":"x"}}`, role: ed, header: map[string]string{"If-Match": `W/"3"`}}), 412)
	problem(t, f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"town":"x"}}`, role: ed, header: map[string]string{"If-Match": `"1", "2"`}}), 412)
	// A property at the top level is refused, not ignored with a new version.
	problem(t, f.do(t, req{method: "PATCH", url: u, body: `{"status":"in_use"}`, role: ed, header: map[string]string{"If-Match": `"3"`}}), 400)
	// A geometry in the patch replaces the stored one.
	w = f.do(t, req{method: "PATCH", url: u, body: `{"geometry":` + poly(121.12, 28.87, 0.0005) + `}`, role: ed, header: map[string]string{"If-Match": `"3"`}})
	if w.Code != 200 || math.Abs(decode(t, w)["properties"].(map[string]any)["area_m2"].(float64)-geo.CadastralArea(square(121.12, 28.87, 0.0005), zone40)) > 1e-6 {
		t.Errorf("PATCH geometry: %d %s", w.Code, w.Body.String())
	}
	// If-Match: * means the current version.
	w = f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"note":"x"}}`, role: ed, header: map[string]string{"If-Match": "*"}})
	if w.Code != 200 || w.Header().Get("ETag") != `"5"` {
		t.Errorf("PATCH If-Match *: %d %s", w.Code, w.Header().Get("ETag"))
	}

	// DELETE: 428, 412, 204, then 404.
	problem(t, f.do(t, req{method: "DELETE", url: u, role: ed}), 428)
	problem(t, f.do(t, req{method: "DELETE", url: u, role: ed, header: map[string]string{"If-Match": `"1"`}}), 412)
	if w := f.do(t, req{method: "DELETE", url: u, role: ed, header: map[string]string{"If-Match": `"5"`}}); w.Code != 204 {
		t.Fatalf("DELETE: %d %s", w.Code, w.Body.String())
	}
	problem(t, f.do(t, req{url: u, role: ed}), 404)
	problem(t, f.do(t, req{method: "PUT", url: u, body: put, role: ed, header: map[string]string{"If-Match": `"5"`}}), 404)
	if c := count(); c != 5 {
		t.Errorf("%v parcels after create+delete, want 5", c)
	}
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{BodyLimit: 4096})
	ed := parcels.RoleEditor
	// A bow tie: ring 1 crosses itself between vertices 2 and 3.
	bowtie := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.13,28.87],[121.131,28.871],[121.131,28.87],[121.13,28.871],[121.13,28.87]]]},"properties":{}}`
	tests := []struct {
		name   string
		req    req
		status int
		check  func(t *testing.T, p map[string]any)
	}{
		{"malformed JSON", req{body: `{"type":"Feature",`}, 400, func(t *testing.T, p map[string]any) {
			if !strings.Contains(p["detail"].(string), "第 1 行") {
				t.Errorf("detail %v", p["detail"])
			}
		}},
		{"not a feature", req{body: `{"type":"Point","coordinates":[1,2]}`}, 400, nil},
		{"over the body limit", req{body: `{"type":"Feature","properties":{"name":"` + strings.Repeat("长", 2000) + `"}}`}, 413, nil},
		{"wrong content type", req{body: bowtie, header: map[string]string{"Content-Type": "text/csv"}}, 415, nil},
		{"self-intersection", req{body: bowtie, header: map[string]string{"Accept-Language": "en"}}, 422, func(t *testing.T, p map[string]any) {
			errs, _ := p["errors"].([]any)
			if len(errs) == 0 {
				t.Fatalf("no errors[] in %v", p)
			}
			e := errs[0].(map[string]any)
			if e["code"] != "self_intersection" || e["ring"] != 0.0 || e["detail"] == "" {
				t.Errorf("errors[0] = %v", e)
			}
		}},
		{"a point geometry", req{body: `{"type":"Feature","geometry":{"type":"Point","coordinates":[121.1,28.8]},"properties":{}}`}, 422, nil},
		{"no geometry", req{body: `{"type":"Feature","geometry":null,"properties":{}}`}, 422, nil},
		{"projected coordinates without Content-Crs", req{body: `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[607000,3193000],[607100,3193000],[607100,3193100],[607000,3193000]]]},"properties":{}}`}, 422, func(t *testing.T, p map[string]any) {
			if !strings.Contains(p["detail"].(string), "Content-Crs") {
				t.Errorf("detail %v", p["detail"])
			}
		}},
		{"wrong property type", req{body: `{"type":"Feature","geometry":` + poly(121.13, 28.87, 0.001) + `,"properties":{"registered_area_m2":"big"}}`, header: map[string]string{"Accept-Language": "en"}}, 422, func(t *testing.T, p map[string]any) {
			if p["detail"] != `property "registered_area_m2" must be a number` {
				t.Errorf("detail %v", p["detail"])
			}
		}},
		{"bad date", req{body: `{"type":"Feature","geometry":` + poly(121.13, 28.87, 0.001) + `,"properties":{"lease_end":"2060-13-01"}}`}, 422, nil},
		{"bad enum", req{body: `{"type":"Feature","geometry":` + poly(121.13, 28.87, 0.001) + `,"properties":{"land_source":"stolen"}}`}, 422, nil},
		{"batch with two bad features", req{body: `{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","geometry":` + poly(121.13, 28.87, 0.001) + `,"properties":{}},` + bowtie + `,` +
			`{"type":"Feature","geometry":` + poly(121.14, 28.87, 0.001) + `,"properties":{"status":"x"}}]}`}, 422, func(t *testing.T, p map[string]any) {
			errs := fmt.Sprint(p["errors"])
			if !strings.Contains(errs, "#1") || !strings.Contains(errs, "#2") || strings.Contains(errs, "#0") {
				t.Errorf("errors %v", errs)
			}
		}},
		{"empty batch", req{body: `{"type":"FeatureCollection","features":[]}`}, 400, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.req
			r.method, r.url, r.role = "POST", "/api/collections/parcels/items", ed
			p := problem(t, f.do(t, r), tc.status)
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
	// After every parallel subtest: nothing of a refused request was stored.
	t.Cleanup(func() {
		m := decode(t, f.do(t, req{url: "/api/collections/parcels/items?limit=1", role: ed}))
		if m["numberMatched"] != 5.0 {
			t.Errorf("%v parcels after refused writes, want 5", m["numberMatched"])
		}
	})
}

func TestBatchCreateAndCRS(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{})
	ed := parcels.RoleEditor
	// Two buildings in one transaction.
	body := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","geometry":` + poly(121.1025, 28.8505, 0.0002) + `,"properties":{"name":"A","use":"office","floors":4}},` +
		`{"type":"Feature","geometry":` + poly(121.1045, 28.8505, 0.0002) + `,"properties":{"name":"B","use":"dormitory","declared_floor_area_m2":1234.5}}]}`
	w := f.do(t, req{method: "POST", url: "/api/collections/buildings/items", body: body, role: ed})
	if w.Code != 201 {
		t.Fatalf("batch: %d %s", w.Code, w.Body.String())
	}
	fs := features(t, decode(t, w))
	if len(fs) != 2 {
		t.Fatalf("%d features", len(fs))
	}
	a, b := fs[0]["properties"].(map[string]any), fs[1]["properties"].(map[string]any)
	fpA := geo.CadastralArea(square(121.1025, 28.8505, 0.0002), zone40)
	if int64(a["parcel_id"].(float64)) != f.parcels[1].ID || int64(b["parcel_id"].(float64)) != f.parcels[2].ID ||
		math.Abs(a["floor_area_m2"].(float64)-4*fpA) > 1e-6 || b["floor_area_m2"] != 1234.5 {
		t.Errorf("batch buildings %v %v", a, b)
	}
	// The parcel under A now has its density.
	p := decode(t, f.do(t, req{url: fmt.Sprintf("/api/collections/parcels/items/%d", f.parcels[1].ID), role: ed}))["properties"].(map[string]any)
	if p["building_count"] != 1.0 || math.Abs(p["floor_area_m2"].(float64)-4*fpA) > 1e-6 {
		t.Errorf("parcel after batch %v", p)
	}

	// A parcel written in EPSG:4549 (northing, easting) is stored in lon/lat.
	z := geo.Zone{Width: 3, Number: 40}
	var ring []string
	for _, ll := range [][2]float64{{121.13, 28.87}, {121.131, 28.87}, {121.131, 28.871}, {121.13, 28.871}, {121.13, 28.87}} {
		x, y := z.Forward(ll[0], ll[1])
		ring = append(ring, fmt.Sprintf("[%.6f,%.6f]", x, y))
	}
	body = `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[` + strings.Join(ring, ",") + `]]},"properties":{"name":"投影坐标地块"}}`
	w = f.do(t, req{method: "POST", url: "/api/collections/parcels/items", body: body, role: ed,
		header: map[string]string{"Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/4549>"}})
	if w.Code != 201 {
		t.Fatalf("POST in 4549: %d %s", w.Code, w.Body.String())
	}
	m := decode(t, w)
	c := m["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)[0].([]any)
	if math.Abs(c[0].(float64)-121.13) > 1e-9 || math.Abs(c[1].(float64)-28.87) > 1e-9 {
		t.Errorf("stored first vertex %v, want 121.13 28.87", c)
	}
	if math.Abs(m["properties"].(map[string]any)["area_m2"].(float64)-geo.CadastralArea(square(121.13, 28.87, 0.001), zone40)) > 1e-3 {
		t.Errorf("area %v", m["properties"].(map[string]any)["area_m2"])
	}
}

func TestZones(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{})
	ed := parcels.RoleEditor
	// Parcels 1 (121.100–121.101) and 2 (121.102–121.103) with the strip between them as a piece.
	body := fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"name":"甲乙联合改造","members":[%d,%d],
		"pieces":[{"id":"gap","name":"夹心地","geometry":%s}]}}`, f.parcels[0].ID, f.parcels[1].ID,
		fmt.Sprintf(polyFmt, 121.101, 28.850, 121.1011, 28.851))
	w := f.do(t, req{method: "POST", url: "/api/collections/zones/items", body: body, role: ed})
	if w.Code != 201 {
		t.Fatalf("POST zone: %d %s", w.Code, w.Body.String())
	}
	m := decode(t, w)
	props := m["properties"].(map[string]any)
	// A 0.0001° strip along parcel 1's east edge: ≈ 1082 m² ≈ 1.62 亩, under 3 亩.
	strip := geo.CadastralArea(orb.MultiPolygon{{{{121.101, 28.850}, {121.1011, 28.850}, {121.1011, 28.851}, {121.101, 28.851}, {121.101, 28.850}}}}, zone40)
	pieces := props["pieces"].([]any)
	if len(pieces) != 1 || math.Abs(props["pieces_area_m2"].(float64)-strip) > 1e-3 || fmt.Sprint(props["members"]) != fmt.Sprintf("[%d %d]", f.parcels[0].ID, f.parcels[1].ID) ||
		props["status"] != "draft" || m["geometry"] == nil {
		t.Errorf("zone %v", props)
	}
	if pc := pieces[0].(map[string]any); pc["id"] != "gap" || pc["geometry"].(map[string]any)["type"] != "MultiPolygon" {
		t.Errorf("piece %v", pc)
	}
	zid := int64(m["id"].(float64))

	// A zone with a member that does not exist is refused, naming it.
	w = f.do(t, req{method: "POST", url: "/api/collections/zones/items", role: ed, body: `{"type":"Feature","geometry":null,"properties":{"members":[424242]}}`})
	if p := problem(t, w, 422); !strings.Contains(p["detail"].(string), "424242") {
		t.Errorf("bad member %v", p)
	}
	// Batches of zones are not supported: one transaction per zone.
	problem(t, f.do(t, req{method: "POST", url: "/api/collections/zones/items", role: ed, body: `{"type":"FeatureCollection","features":[` + body + `]}`}), 400)

	// The saved zone's clause 17 report, JSON and text.
	w = f.do(t, req{url: fmt.Sprintf("/api/zones/%d/report", zid), role: parcels.RolePlanner})
	if w.Code != 200 {
		t.Fatalf("report: %d %s", w.Code, w.Body.String())
	}
	rep := decode(t, w)
	if rep["verdict"] != "eligible" || len(rep["pieces"].([]any)) != 1 {
		t.Errorf("report verdict %v pieces %v", rep["verdict"], rep["pieces"])
	}
	piece := rep["pieces"].([]any)[0].(map[string]any)
	if math.Abs(piece["area_m2"].(float64)-strip) > 0.01 || piece["eligible"] != true {
		t.Errorf("report piece %v (want area %v)", piece, strip)
	}
	w = f.do(t, req{url: fmt.Sprintf("/api/zones/%d/report?format=text", zid), role: parcels.RolePlanner})
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") || !strings.Contains(w.Body.String(), "第十七条") && !strings.Contains(w.Body.String(), "十七") {
		t.Errorf("text report: %d %q", w.Code, w.Body.String())
	}
	w = f.do(t, req{url: fmt.Sprintf("/api/zones/%d/report", zid), role: parcels.RolePlanner, header: map[string]string{"Accept": "text/plain", "Accept-Language": "en"}})
	if w.Code != 200 || w.Header().Get("Content-Language") != "en" || !strings.Contains(strings.ToLower(w.Body.String()), "clause") {
		t.Errorf("English text report: %d %q", w.Code, w.Body.String())
	}
	problem(t, f.do(t, req{url: "/api/zones/999/report", role: parcels.RolePlanner}), 404)
	problem(t, f.do(t, req{url: fmt.Sprintf("/api/zones/%d/report?format=pdf", zid), role: parcels.RolePlanner}), 406)

	// A member parcel cannot be deleted while the zone lists it: 409, naming
	// the zone, in Chinese by default and in English on request.
	del := req{method: "DELETE", url: fmt.Sprintf("/api/collections/parcels/items/%d", f.parcels[0].ID), role: ed,
		header: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, f.parcels[0].Version)}}
	p := problem(t, f.do(t, del), 409)
	if d := p["detail"].(string); p["code"] != "in_use" || !strings.Contains(d, fmt.Sprint(zid)) || !strings.Contains(d, "甲乙联合改造") || !strings.Contains(d, "移出片区") {
		t.Errorf("deleting a member: %v", p)
	}
	del.header["Accept-Language"] = "en"
	if p := problem(t, f.do(t, del), 409); !strings.Contains(p["detail"].(string), "remove it from the zone") {
		t.Errorf("deleting a member, in English: %v", p)
	}
}

func TestAnalysis(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{})
	pl := parcels.RolePlanner
	p1 := f.parcels[0]
	area := geo.CadastralArea(p1.Geometry, zone40)
	fp := geo.CadastralArea(f.build[0].Geometry, zone40)

	// Indicators of a stored parcel use its stored buildings.
	w := f.do(t, req{method: "POST", url: "/api/analysis/indicators", role: pl, body: fmt.Sprintf(`{"parcel_id":%d}`, p1.ID)})
	if w.Code != 200 {
		t.Fatalf("indicators: %d %s", w.Code, w.Body.String())
	}
	rep := decode(t, w)
	if math.Abs(rep["site_area_m2"].(float64)-area) > 1e-6 || math.Abs(rep["footprint_area_m2"].(float64)-fp) > 1e-6 ||
		math.Abs(rep["floor_area_m2"].(float64)-3*fp) > 1e-6 || rep["checks"] == nil {
		t.Errorf("indicators %v (area %v, footprint %v)", rep, area, fp)
	}
	// The same site drawn ad hoc, with the footprint as a feature, gives the same numbers.
	body := fmt.Sprintf(`{"site":{"type":"Feature","geometry":%s,"properties":{}},"buildings":{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":%s,"properties":{"floors":3,"use":"production"}}]}}`, poly(121.100, 28.850, 0.001), poly(121.1002, 28.8502, 0.0003))
	w = f.do(t, req{method: "POST", url: "/api/analysis/indicators", role: pl, body: body})
	if w.Code != 200 {
		t.Fatalf("ad-hoc indicators: %d %s", w.Code, w.Body.String())
	}
	adhoc := decode(t, w)
	for _, k := range []string{"site_area_m2", "footprint_area_m2", "floor_area_m2", "plot_ratio", "building_density"} {
		if math.Abs(adhoc[k].(float64)-rep[k].(float64)) > 1e-9 {
			t.Errorf("%s: ad hoc %v, stored %v", k, adhoc[k], rep[k])
		}
	}
	// Text, in Chinese by default.
	w = f.do(t, req{method: "POST", url: "/api/analysis/indicators?format=text", role: pl, body: fmt.Sprintf(`{"parcel_id":%d}`, p1.ID)})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "容积率") {
		t.Errorf("indicators text: %d %s", w.Code, w.Body.String())
	}

	// Leftover by ids, with the strip between parcels 1 and 2 as a drawn piece.
	body = fmt.Sprintf(`{"parcels":[%d,%d],"pieces":{"type":"FeatureCollection","features":[{"type":"Feature","id":"strip","geometry":%s,"properties":{"name":"边角地"}}]}}`,
		p1.ID, f.parcels[1].ID, fmt.Sprintf(polyFmt, 121.101, 28.850, 121.1011, 28.851))
	w = f.do(t, req{method: "POST", url: "/api/analysis/leftover", role: pl, body: body})
	if w.Code != 200 {
		t.Fatalf("leftover: %d %s", w.Code, w.Body.String())
	}
	lo := decode(t, w)
	// A 0.0001° strip along parcel 1's east edge: ≈ 1.62 亩, eligible on its own.
	strip := geo.CadastralArea(orb.MultiPolygon{{{{121.101, 28.850}, {121.1011, 28.850}, {121.1011, 28.851}, {121.101, 28.851}, {121.101, 28.850}}}}, zone40)
	if lo["verdict"] != "eligible" || math.Abs(lo["leftover_area_m2"].(float64)-strip) > 0.01 {
		t.Errorf("leftover %v %v (strip %v)", lo["verdict"], lo["leftover_area_m2"], strip)
	}
	// The same members drawn as features.
	body = fmt.Sprintf(`{"members":{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"geometry":%s,"properties":{}},{"type":"Feature","id":2,"geometry":%s,"properties":{}}]},
		"pieces":{"type":"FeatureCollection","features":[{"type":"Feature","id":"strip","geometry":%s,"properties":{}}]}}`,
		poly(121.100, 28.850, 0.001), poly(121.102, 28.850, 0.001), fmt.Sprintf(polyFmt, 121.101, 28.850, 121.1011, 28.851))
	w = f.do(t, req{method: "POST", url: "/api/analysis/leftover", role: pl, body: body})
	if w.Code != 200 || math.Abs(decode(t, w)["leftover_area_m2"].(float64)-strip) > 0.01 {
		t.Errorf("leftover with drawn members: %d %s", w.Code, w.Body.String())
	}
	// Detection finds the strip as a hull pocket by itself.
	w = f.do(t, req{method: "POST", url: "/api/analysis/leftover", role: pl, body: fmt.Sprintf(`{"parcels":[%d,%d],"detect":true}`, p1.ID, f.parcels[1].ID)})
	if w.Code != 200 {
		t.Fatalf("detect: %d %s", w.Code, w.Body.String())
	}
	det := decode(t, w)
	gap := geo.CadastralArea(square(121.101, 28.850, 0.001), zone40)
	if ps := det["pieces"].([]any); len(ps) != 1 || ps[0].(map[string]any)["detected"] != true || math.Abs(ps[0].(map[string]any)["area_m2"].(float64)-gap) > 0.5 {
		t.Errorf("detected pieces %v", det["pieces"])
	}

	// Compliance of a park made of stored parcels 1 and 2.
	w = f.do(t, req{method: "POST", url: "/api/analysis/compliance", role: pl, body: fmt.Sprintf(`{"parcels":[%d,%d],"park_type":"redevelopment","units":[{"id":"A-101","floor_area_m2":380}]}`, p1.ID, f.parcels[1].ID)})
	if w.Code != 200 {
		t.Fatalf("compliance: %d %s", w.Code, w.Body.String())
	}
	cr := decode(t, w)
	if cr["checks"] == nil || cr["indicators"] == nil {
		t.Errorf("compliance %v", cr)
	}
	if !strings.Contains(fmt.Sprint(cr["checks"]), "A-101") {
		t.Errorf("compliance does not judge unit A-101 (380 m² < 400 m²): %v", cr["checks"])
	}

	// Errors.
	for _, tc := range []struct {
		url, body string
		status    int
	}{
		{"/api/analysis/indicators", `{}`, 400},
		{"/api/analysis/indicators", `{"parcel_id":99999}`, 404},
		{"/api/analysis/indicators", `{"parcel_id":"one"}`, 422},
		{"/api/analysis/indicators", `{"parcel_id":1,`, 400},
		{"/api/analysis/indicators", `{"site":{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.13,28.87],[121.131,28.871],[121.131,28.87],[121.13,28.871],[121.13,28.87]]]}}}`, 422},
		{"/api/analysis/indicators", `{"parcel_id":1,"park_type":"castle"}`, 422},
		{"/api/analysis/leftover", `{}`, 400},
		{"/api/analysis/leftover", `{"parcels":[1,99999]}`, 422},
		{"/api/analysis/leftover", `{"parcels":[1],"members":{"type":"FeatureCollection","features":[]}}`, 400},
		{"/api/analysis/compliance", `{}`, 400},
		{"/api/analysis/indicators?format=xml", `{"parcel_id":1}`, 406},
	} {
		w := f.do(t, req{method: "POST", url: tc.url, role: pl, body: tc.body})
		if w.Code != tc.status {
			t.Errorf("POST %s %s: %d, want %d: %s", tc.url, tc.body, w.Code, tc.status, w.Body.String())
			continue
		}
		problem(t, w, tc.status)
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	logs := &syncWriter{w: &bytes.Buffer{}}
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer, CORSOrigins: []string{"https://map.example.cn"},
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	// Some traffic, then the metrics.
	f.do(t, req{url: "/api/collections/parcels/items"})
	f.do(t, req{url: "/api/collections/parcels/items/99999"})
	w := f.do(t, req{url: "/metrics"})
	if w.Code != 200 {
		t.Fatalf("metrics: %d", w.Code)
	}
	for _, want := range []string{
		`landplan_http_requests_total{method="GET",route="/api/collections/parcels/items",status="200"} 1`,
		`landplan_http_requests_total{method="GET",route="/api/collections/parcels/items/{featureId}",status="404"} 1`,
		`landplan_http_request_duration_seconds_bucket{method="GET",route="/api/collections/parcels/items",le="+Inf"} 1`,
		`landplan_http_requests_in_flight 1`, // the /metrics request itself
		`go_goroutines`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// Request logs carry the request id, route and status.
	w = f.do(t, req{url: "/api/conformance", header: map[string]string{"X-Request-Id": "trace-42"}})
	if w.Header().Get("X-Request-Id") != "trace-42" {
		t.Errorf("X-Request-Id %q", w.Header().Get("X-Request-Id"))
	}
	f.do(t, req{url: "/api/collections", role: parcels.RolePlanner})
	if !strings.Contains(logs.String(), `"user":"test-planner"`) || !strings.Contains(logs.String(), `"user":"anonymous"`) {
		t.Errorf("logs do not name the user: %s", logs.String())
	}
	if !strings.Contains(logs.String(), `"request_id":"trace-42"`) || !strings.Contains(logs.String(), `"route":"/api/conformance"`) {
		t.Errorf("logs: %s", logs.String())
	}
	// A forged id is replaced.
	if w := f.do(t, req{url: "/healthz", header: map[string]string{"X-Request-Id": "a\nb"}}); w.Header().Get("X-Request-Id") == "a\nb" || w.Header().Get("X-Request-Id") == "" {
		t.Errorf("forged id kept: %q", w.Header().Get("X-Request-Id"))
	}
	// gzip.
	w = f.do(t, req{url: "/api/collections/parcels/items", header: map[string]string{"Accept-Encoding": "gzip"}})
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", w.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.NewDecoder(zr).Decode(&m); err != nil || m["numberMatched"] != 5.0 {
		t.Errorf("gzipped items: %v %v", err, m["numberMatched"])
	}
	// CORS: allowed origin, preflight, other origin.
	w = f.do(t, req{method: "OPTIONS", url: "/api/collections/parcels/items/1", header: map[string]string{
		"Origin": "https://map.example.cn", "Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "authorization,if-match"}})
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "https://map.example.cn" || !strings.Contains(w.Header().Get("Access-Control-Allow-Methods"), "PATCH") ||
		!strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "If-Match") {
		t.Errorf("preflight: %d %v", w.Code, w.Header())
	}
	w = f.do(t, req{url: "/api/collections", header: map[string]string{"Origin": "https://map.example.cn"}})
	if w.Header().Get("Access-Control-Allow-Origin") != "https://map.example.cn" || !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("CORS headers %v", w.Header())
	}
	w = f.do(t, req{url: "/api/collections", header: map[string]string{"Origin": "https://evil.example.com"}})
	if w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed")
	}
}

// TestReadyzStoreDown: /readyz is 503 when the store is gone; /healthz stays 200.
func TestReadyzStoreDown(t *testing.T) {
	t.Parallel()
	logs := &syncWriter{w: &bytes.Buffer{}}
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	f.store.Close()
	w := f.do(t, req{url: "/readyz"})
	p := problem(t, w, 503)
	if strings.Contains(strings.ToLower(fmt.Sprint(p)), "sql") || w.Header().Get("Retry-After") == "" {
		t.Errorf("problem %v, Retry-After %q", p, w.Header().Get("Retry-After"))
	}
	if w := f.do(t, req{url: "/healthz"}); w.Code != 200 {
		t.Errorf("healthz %d", w.Code)
	}
	// A read on a closed store is a 500 that says nothing of the cause; the
	// log has the cause with the request id.
	w = f.do(t, req{url: "/api/collections/parcels/items"})
	p = problem(t, w, 500)
	if strings.Contains(strings.ToLower(fmt.Sprint(p)), "sql") || strings.Contains(fmt.Sprint(p), "closed") {
		t.Errorf("500 leaks its cause: %v", p)
	}
	id := w.Header().Get("X-Request-Id")
	if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) || !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("no error log line for request %s: %s", id, logs.String())
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

// TestResponsesMatchOpenAPI validates real responses (bodies, statuses,
// content types) against the served OpenAPI document.
func TestResponsesMatchOpenAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer})
	doc := f.do(t, req{url: "/api/openapi.json"}).Body.Bytes()
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(d)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p1 := f.parcels[0]
	for _, r := range []req{
		{url: "/api/"},
		{url: "/api/conformance"},
		{url: "/api/collections"},
		{url: "/api/collections/parcels"},
		{url: "/api/collections/parcels/items?limit=2"},
		{url: "/api/collections/buildings/items"},
		{url: "/api/collections/zones/items"},
		{url: fmt.Sprintf("/api/collections/parcels/items/%d", p1.ID)},
		{url: "/api/collections/parcels/items/424242"},
		{url: "/api/collections/parcels/items?colour=red"},
		{url: "/healthz"},
		{method: "POST", url: "/api/collections/parcels/items", role: parcels.RoleEditor, body: `{"type":"Feature","geometry":` + poly(121.15, 28.87, 0.001) + `,"properties":{"name":"x"}}`},
		{method: "POST", url: "/api/collections/parcels/items", role: parcels.RoleEditor, body: `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.13,28.87],[121.131,28.871],[121.131,28.87],[121.13,28.871],[121.13,28.87]]]},"properties":{}}`},
		{method: "PATCH", url: fmt.Sprintf("/api/collections/parcels/items/%d", p1.ID), role: parcels.RoleEditor, body: `{"properties":{"town":"x"}}`,
			header: map[string]string{"Content-Type": "application/merge-patch+json"}},
		{method: "POST", url: "/api/analysis/indicators", role: parcels.RolePlanner, body: fmt.Sprintf(`{"parcel_id":%d}`, p1.ID), header: map[string]string{"Content-Type": "application/json"}},
	} {
		w := f.do(t, r)
		method := r.method
		if method == "" {
			method = "GET"
		}
		var body io.Reader
		if r.body != "" {
			body = strings.NewReader(r.body)
		}
		hr := httptest.NewRequest(method, r.url, body)
		for k, val := range r.header {
			hr.Header.Set(k, val)
		}
		if r.body != "" && hr.Header.Get("Content-Type") == "" {
			hr.Header.Set("Content-Type", "application/geo+json")
		}
		ok, verrs := v.ValidateHttpResponse(hr, w.Result())
		if !ok {
			for _, e := range verrs {
				t.Errorf("%s %s → %d: %s: %s", method, r.url, w.Code, e.Message, e.Reason)
				for _, se := range e.SchemaValidationErrors {
					t.Errorf("    %s at %s", se.Reason, se.FieldPath)
				}
			}
		}
	}
}

// TestTimeout: a request whose deadline passes is a 503 with Retry-After.
func TestTimeout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer, RequestTimeout: time.Nanosecond})
	w := f.do(t, req{url: "/api/collections/parcels/items"})
	p := problem(t, w, 503)
	if w.Header().Get("Retry-After") == "" || p["code"] != "unavailable" {
		t.Errorf("timeout problem %v %v", p, w.Header())
	}
}

// TestZoneUpdate: a zone's members and pieces change by PATCH; its derived
// areas follow.
func TestZoneUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{})
	ed := parcels.RoleEditor
	w := f.do(t, req{method: "POST", url: "/api/collections/zones/items", role: ed,
		body: fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"name":"z","members":[%d]}}`, f.parcels[0].ID)})
	if w.Code != 201 {
		t.Fatalf("POST zone: %d %s", w.Code, w.Body.String())
	}
	u := w.Header().Get("Location")
	a1 := decode(t, w)["properties"].(map[string]any)["members_area_m2"].(float64)
	w = f.do(t, req{method: "PATCH", url: pathOf(t, u), role: ed, header: map[string]string{"If-Match": `"1"`},
		body: fmt.Sprintf(`{"properties":{"members":[%d,%d],"status":"submitted"}}`, f.parcels[0].ID, f.parcels[3].ID)})
	if w.Code != 200 {
		t.Fatalf("PATCH zone: %d %s", w.Code, w.Body.String())
	}
	props := decode(t, w)["properties"].(map[string]any)
	want := geo.CadastralArea(f.parcels[0].Geometry, zone40) + geo.CadastralArea(f.parcels[3].Geometry, zone40)
	if math.Abs(props["members_area_m2"].(float64)-want) > 0.01 || props["members_area_m2"].(float64) <= a1 || props["status"] != "submitted" || props["name"] != "z" {
		t.Errorf("patched zone %v (members area want %v)", props, want)
	}
}

// TestBodyLimitWithoutLength: a chunked body (no Content-Length) over the
// limit is cut off while reading and answered 413; nothing is stored.
func TestBodyLimitWithoutLength(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{BodyLimit: 1024})
	body := `{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","geometry":`+poly(121.2, 28.9, 0.001)+`,"properties":{}},`, 20) + `]}`
	hr := httptest.NewRequest("POST", "/api/collections/parcels/items", io.MultiReader(strings.NewReader(body)))
	hr.ContentLength = -1
	hr.Header.Set("Authorization", "Bearer "+f.tokens[parcels.RoleEditor])
	hr.Header.Set("Accept-Language", "en")
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, hr)
	if p := problem(t, w, 413); !strings.Contains(p["detail"].(string), "1024 bytes") {
		t.Errorf("problem %v", p)
	}
	if m := decode(t, f.do(t, req{url: "/api/collections/parcels/items?limit=1", role: parcels.RoleViewer})); m["numberMatched"] != 5.0 {
		t.Errorf("%v parcels after a refused batch", m["numberMatched"])
	}
}

// TestMakeValidOnRequest: the 422 for a self-intersection offers make-valid;
// ?make_valid=true takes it up, storing the bow tie as its two triangles
// (each a quarter of the square, so half the square's area in all).
func TestMakeValidOnRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, api.Config{})
	ed := parcels.RoleEditor
	bowtie := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.13,28.87],[121.131,28.871],[121.131,28.87],[121.13,28.871],[121.13,28.87]]]},"properties":{}}`
	problem(t, f.do(t, req{method: "POST", url: "/api/collections/parcels/items?make_valid=maybe", body: bowtie, role: ed}), 400)
	w := f.do(t, req{method: "POST", url: "/api/collections/parcels/items?make_valid=true", body: bowtie, role: ed})
	if w.Code != 201 {
		t.Fatalf("POST ?make_valid=true: %d %s", w.Code, w.Body.String())
	}
	got := decode(t, w)
	geom := got["geometry"].(map[string]any)
	if geom["type"] != "MultiPolygon" || len(geom["coordinates"].([]any)) != 2 {
		t.Fatalf("stored geometry %v, want a MultiPolygon of two triangles", geom)
	}
	square := orb.MultiPolygon{{{{121.13, 28.87}, {121.131, 28.87}, {121.131, 28.871}, {121.13, 28.871}, {121.13, 28.87}}}}
	want := geo.CadastralArea(square, parcels.LinhaiZone) / 2
	area := got["properties"].(map[string]any)["area_m2"].(float64)
	if math.Abs(area-want) > 0.01 {
		t.Fatalf("area_m2 %.4f, want half the square %.4f", area, want)
	}
}
