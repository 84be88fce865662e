package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"landplan/api"
	"landplan/demo"
	"landplan/internal/testdb"
	"landplan/parcels"
	"landplan/postgis"
	"landplan/tiles"
)

// fixtureTile is the zoom-16 tile holding the fixture's first parcel
// (121.100…121.101, 28.850…28.851) and its building.
var fixtureTile = tiles.TileAt(orb.Point{121.1005, 28.8505}, 16)

func tileURL(layer string, t tiles.Tile) string {
	return fmt.Sprintf("/api/tiles/%s/%d/%d/%d.mvt", layer, t.Z, t.X, t.Y)
}

// tileProps decodes a 200 tile answer (gzipped or not) and returns the
// properties of the layer's features by id.
func tileProps(t *testing.T, w *httptest.ResponseRecorder, layer string) map[int64]map[string]any {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("tile: %d %s", w.Code, w.Body.String())
	}
	body := w.Body.Bytes()
	if w.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("tile does not decode: %v", err)
	}
	out := map[int64]map[string]any{}
	for _, l := range ls {
		if l.Name != layer {
			t.Errorf("tile has layer %q, want only %q", l.Name, layer)
			continue
		}
		for _, f := range l.Features {
			out[int64(f.ID.(float64))] = f.Properties
		}
	}
	return out
}

func TestTilesRolesAndHeaders(t *testing.T) {
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer})
	p1 := f.parcels[0]

	// Anonymous viewer: the parcel without its owner, a public response.
	w := f.do(t, req{url: tileURL("parcels", fixtureTile)})
	if ct := w.Header().Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("viewer Cache-Control %q", cc)
	}
	vary := strings.Join(w.Header().Values("Vary"), ",")
	if !strings.Contains(vary, "Accept-Encoding") || !strings.Contains(vary, "Authorization") {
		t.Errorf("Vary %q", vary)
	}
	etag := w.Header().Get("ETag")
	props := tileProps(t, w, "parcels")
	got, ok := props[p1.ID]
	if !ok || got["name"] != "甲厂" || got["status"] != "in_use" || got["code"] != p1.Code {
		t.Fatalf("viewer tile parcel %d: %v (all %v)", p1.ID, got, props)
	}
	for id, p := range props {
		if _, ok := p["owner"]; ok {
			t.Errorf("viewer tile: parcel %d carries owner %v", id, p["owner"])
		}
	}
	if bytes.Contains(w.Body.Bytes(), []byte("临海甲机械有限公司")) {
		t.Error("viewer tile bytes contain the owner's name")
	}
	if a := got["area_m2"].(float64); a < 10000 || a > 11000 || a != float64(int64(a*100+0.5))/100 && a != p1.AreaM2 {
		t.Errorf("area_m2 %v (stored %v)", a, p1.AreaM2)
	}

	// A viewer token gets the same; planner and editor get owners, privately.
	if w := f.do(t, req{url: tileURL("parcels", fixtureTile), role: parcels.RoleViewer}); w.Header().Get("ETag") != etag {
		t.Errorf("viewer token ETag %s, anonymous viewer %s", w.Header().Get("ETag"), etag)
	}
	for _, role := range []parcels.Role{parcels.RolePlanner, parcels.RoleEditor} {
		w := f.do(t, req{url: tileURL("parcels", fixtureTile), role: role})
		if cc := w.Header().Get("Cache-Control"); cc != "private, no-cache" {
			t.Errorf("%s Cache-Control %q", role, cc)
		}
		if w.Header().Get("ETag") == etag {
			t.Errorf("%s tile has the viewer's ETag", role)
		}
		if p := tileProps(t, w, "parcels")[p1.ID]; p["owner"] != "临海甲机械有限公司" {
			t.Errorf("%s: owner %v", role, p["owner"])
		}
	}

	// 304 on a matching If-None-Match, 200 on another.
	if w := f.do(t, req{url: tileURL("parcels", fixtureTile), header: map[string]string{"If-None-Match": etag}}); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match %s: %d, %d bytes", etag, w.Code, w.Body.Len())
	}
	if w := f.do(t, req{url: tileURL("parcels", fixtureTile), header: map[string]string{"If-None-Match": `"nope", ` + etag}}); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match list: %d", w.Code)
	}
	if w := f.do(t, req{url: tileURL("parcels", fixtureTile), header: map[string]string{"If-None-Match": `"nope"`}}); w.Code != http.StatusOK {
		t.Errorf("If-None-Match other: %d", w.Code)
	}

	// gzip: its own ETag, the same bytes once unzipped; 304 with either tag.
	plain := f.do(t, req{url: tileURL("parcels", fixtureTile)})
	gz := f.do(t, req{url: tileURL("parcels", fixtureTile), header: map[string]string{"Accept-Encoding": "gzip"}})
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag || !strings.HasSuffix(gz.Header().Get("ETag"), `-gzip"`) {
		t.Errorf("gzip answer: encoding %q ETag %q", gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"))
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if !bytes.Equal(unz, plain.Body.Bytes()) || plain.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip body unzips to %d bytes, plain is %d", len(unz), plain.Body.Len())
	}
	if w := f.do(t, req{url: tileURL("parcels", fixtureTile), header: map[string]string{"Accept-Encoding": "gzip;q=0"}}); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 was gzipped")
	}
	if w := f.do(t, req{url: tileURL("parcels", fixtureTile), header: map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.Header().Get("ETag")}}); w.Code != http.StatusNotModified {
		t.Errorf("gzip If-None-Match: %d", w.Code)
	}

	// Buildings and zones layers.
	if p := tileProps(t, f.do(t, req{url: tileURL("buildings", fixtureTile)}), "buildings")[f.build[0].ID]; p["use"] != "production" || p["floors"] == nil || p["parcel_id"] == nil {
		t.Errorf("building props %v", p)
	}
	// The cache's counters are on /metrics.
	m := f.do(t, req{url: "/metrics"}).Body.String()
	for _, name := range []string{"landplan_tile_cache_hits_total", "landplan_tile_cache_misses_total", "landplan_tile_cache_bytes", "landplan_tile_cache_entries"} {
		if !strings.Contains(m, "\n"+name+" ") {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if strings.Contains(m, "\nlandplan_tile_cache_hits_total 0\n") || strings.Contains(m, "\nlandplan_tile_cache_entries 0\n") {
		t.Error("tile cache metrics show no hits or no entries after cached requests")
	}
	// HEAD: headers, no body.
	if w := f.do(t, req{method: "HEAD", url: tileURL("parcels", fixtureTile)}); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
		t.Errorf("HEAD: %d, %d bytes, ETag %s", w.Code, w.Body.Len(), w.Header().Get("ETag"))
	}
}

func TestTilesEmptyAndNotFound(t *testing.T) {
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer})
	// Valid coordinates with nothing there: 204, no body.
	far := tiles.TileAt(orb.Point{100, 30}, 16)
	if w := f.do(t, req{url: tileURL("parcels", far)}); w.Code != http.StatusNoContent || w.Body.Len() != 0 || w.Header().Get("Cache-Control") == "" {
		t.Errorf("empty tile: %d, %d bytes, Cache-Control %q", w.Code, w.Body.Len(), w.Header().Get("Cache-Control"))
	}
	for _, c := range []struct{ url, zh, en string }{
		{"/api/tiles/roads/16/1/1.mvt", "没有图层", "there is no tile layer"},
		{"/api/tiles/parcels/5/1/1.mvt", "缩放级别为 12–18", "zoom levels 12–18"},
		{"/api/tiles/parcels/19/1/1.mvt", "缩放级别为 12–18", "zoom levels 12–18"},
		{"/api/tiles/parcels/12/4096/1.mvt", "0–4095", "0 to 4095"},
		{"/api/tiles/parcels/12/1/-1.mvt", "非负整数", "non-negative integer"},
		{"/api/tiles/parcels/12/a/1.mvt", "非负整数", "non-negative integer"},
		{"/api/tiles/roads.json", "没有图层", "there is no tile layer"},
		{"/api/styles/dark.json", "没有样式", "there is no style"},
	} {
		p := problem(t, f.do(t, req{url: c.url}), http.StatusNotFound)
		if !strings.Contains(p["detail"].(string), c.zh) {
			t.Errorf("%s: detail %q lacks %q", c.url, p["detail"], c.zh)
		}
		p = problem(t, f.do(t, req{url: c.url, header: map[string]string{"Accept-Language": "en"}}), http.StatusNotFound)
		if !strings.Contains(p["detail"].(string), c.en) {
			t.Errorf("%s: English detail %q lacks %q", c.url, p["detail"], c.en)
		}
	}
	// Without anonymous access a token is needed.
	g := newFixture(t, api.Config{})
	problem(t, g.do(t, req{url: tileURL("parcels", fixtureTile)}), http.StatusUnauthorized)
	problem(t, g.do(t, req{url: "/api/tiles/parcels.json"}), http.StatusUnauthorized)
	problem(t, g.do(t, req{url: "/api/styles/landplan.json"}), http.StatusUnauthorized)
	if w := g.do(t, req{url: tileURL("parcels", fixtureTile), role: parcels.RoleViewer}); w.Code != 200 {
		t.Errorf("viewer token: %d", w.Code)
	}
}

// A write through the API shows on the next tile request: the tile was
// cached before the write, and the write drops it (old and new geometry).
func TestTilesFollowAPIWrites(t *testing.T) {
	f := newFixture(t, api.Config{})
	ed := parcels.RoleEditor
	p2 := f.parcels[1] // 乙厂 at 121.102…121.103, idle, no buildings
	t2 := tiles.TileAt(orb.Point{121.1025, 28.8505}, 16)
	w := f.do(t, req{url: tileURL("parcels", t2), role: ed})
	etag := w.Header().Get("ETag")
	before := tileProps(t, w, "parcels")[p2.ID]
	if before["status"] != "idle" || before["building_density"] != nil && before["building_density"] != 0.0 {
		t.Fatalf("before: %v", before)
	}
	// Served from the cache until something changes.
	if w := f.do(t, req{url: tileURL("parcels", t2), role: ed, header: map[string]string{"If-None-Match": etag}}); w.Code != http.StatusNotModified {
		t.Fatalf("unchanged tile: %d", w.Code)
	}

	u := fmt.Sprintf("/api/collections/parcels/items/%d", p2.ID)
	w = f.do(t, req{method: "PATCH", url: u, body: `{"properties":{"status":"redeveloping"}}`, role: ed,
		header: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, p2.Version), "Content-Type": "application/merge-patch+json"}})
	if w.Code != 200 {
		t.Fatalf("PATCH: %d %s", w.Code, w.Body.String())
	}
	w = f.do(t, req{url: tileURL("parcels", t2), role: ed, header: map[string]string{"If-None-Match": etag}})
	if w.Code != http.StatusOK || w.Header().Get("ETag") == etag {
		t.Fatalf("after PATCH: %d, ETag %s (was %s)", w.Code, w.Header().Get("ETag"), etag)
	}
	if got := tileProps(t, w, "parcels")[p2.ID]; got["status"] != "redeveloping" {
		t.Errorf("after PATCH the tile says status %v", got["status"])
	}

	// A new building on 乙厂: the parcels layer's density changes (a
	// derived value of another row), and the buildings layer shows it.
	f.do(t, req{url: tileURL("buildings", t2), role: ed}) // cache the empty buildings tile
	body := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.1022,28.8502],[121.1027,28.8502],[121.1027,28.8507],[121.1022,28.8507],[121.1022,28.8502]]]},"properties":{"name":"新厂房","use":"production","floors":2}}`
	if w := f.do(t, req{method: "POST", url: "/api/collections/buildings/items", body: body, role: ed}); w.Code != http.StatusCreated {
		t.Fatalf("POST building: %d %s", w.Code, w.Body.String())
	}
	if d, _ := tileProps(t, f.do(t, req{url: tileURL("parcels", t2), role: ed}), "parcels")[p2.ID]["building_density"].(float64); d < 0.2 || d > 0.3 {
		t.Errorf("after a building: density %v, want 0.25", d)
	}
	if bs := tileProps(t, f.do(t, req{url: tileURL("buildings", t2), role: ed}), "buildings"); len(bs) != 1 {
		t.Errorf("buildings tile after POST: %v", bs)
	}

	// A building changes its parcel's density over the whole parcel: a
	// zoom-18 tile with part of a long parcel but not the building is
	// refreshed too.
	long := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.120,28.870],[121.124,28.870],[121.124,28.871],[121.120,28.871],[121.120,28.870]]]},"properties":{"name":"长厂","status":"in_use"}}`
	w = f.do(t, req{method: "POST", url: "/api/collections/parcels/items", body: long, role: ed})
	if w.Code != http.StatusCreated {
		t.Fatalf("POST parcel: %d %s", w.Code, w.Body.String())
	}
	longID := int64(decode(t, w)["id"].(float64))
	east := tiles.TileAt(orb.Point{121.1235, 28.8705}, 18)
	if west := tiles.TileAt(orb.Point{121.1203, 28.8705}, 18); west == east || east.BufferedBound(4096, 64).Intersects(orb.Bound{Min: orb.Point{121.1201, 28.8701}, Max: orb.Point{121.1206, 28.8706}}) {
		t.Fatal("test geometry: the east tile must not meet the building")
	}
	if d := tileProps(t, f.do(t, req{url: tileURL("parcels", east), role: ed}), "parcels")[longID]["building_density"]; d != nil && d != 0.0 {
		t.Fatalf("density before %v", d)
	}
	body = `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.1201,28.8701],[121.1206,28.8701],[121.1206,28.8706],[121.1201,28.8706],[121.1201,28.8701]]]},"properties":{"use":"production","floors":1}}`
	if w := f.do(t, req{method: "POST", url: "/api/collections/buildings/items", body: body, role: ed}); w.Code != http.StatusCreated {
		t.Fatalf("POST building: %d %s", w.Code, w.Body.String())
	}
	if d, _ := tileProps(t, f.do(t, req{url: tileURL("parcels", east), role: ed}), "parcels")[longID]["building_density"].(float64); d < 0.05 || d > 0.07 {
		t.Errorf("east tile after a building in the west: density %v, want 0.0625", d)
	}

	// Moving a parcel far away: it leaves its old tile (old geometry
	// invalidated) and appears in the new one (new geometry invalidated).
	p5 := f.parcels[4] // 戊厂 at 121.110, 28.860
	oldT := tiles.TileAt(orb.Point{121.1105, 28.8605}, 16)
	newT := tiles.TileAt(orb.Point{121.1505, 28.8805}, 16)
	if _, ok := tileProps(t, f.do(t, req{url: tileURL("parcels", oldT), role: ed}), "parcels")[p5.ID]; !ok {
		t.Fatal("戊厂 not in its tile")
	}
	if w := f.do(t, req{url: tileURL("parcels", newT), role: ed}); w.Code != http.StatusNoContent {
		t.Fatalf("new place not empty: %d", w.Code)
	}
	put := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.150,28.880],[121.151,28.880],[121.151,28.881],[121.150,28.881],[121.150,28.880]]]},"properties":{"name":"戊厂","status":"idle"}}`
	if w := f.do(t, req{method: "PUT", url: fmt.Sprintf("/api/collections/parcels/items/%d", p5.ID), body: put, role: ed,
		header: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, p5.Version)}}); w.Code != 200 {
		t.Fatalf("PUT: %d %s", w.Code, w.Body.String())
	}
	if w := f.do(t, req{url: tileURL("parcels", oldT), role: ed}); w.Code == http.StatusOK {
		if _, ok := tileProps(t, w, "parcels")[p5.ID]; ok {
			t.Error("moved parcel still in its old tile")
		}
	}
	if _, ok := tileProps(t, f.do(t, req{url: tileURL("parcels", newT), role: ed}), "parcels")[p5.ID]; !ok {
		t.Error("moved parcel not in its new tile")
	}

	// Deleting it empties the new tile again.
	cur := decode(t, f.do(t, req{url: fmt.Sprintf("/api/collections/parcels/items/%d", p5.ID), role: ed}))
	v := int64(cur["properties"].(map[string]any)["version"].(float64))
	if w := f.do(t, req{method: "DELETE", url: fmt.Sprintf("/api/collections/parcels/items/%d", p5.ID), role: ed,
		header: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, v)}}); w.Code != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", w.Code, w.Body.String())
	}
	if w := f.do(t, req{url: tileURL("parcels", newT), role: ed}); w.Code != http.StatusNoContent {
		t.Errorf("after DELETE the tile is %d", w.Code)
	}
}

func TestTileJSONAndStyle(t *testing.T) {
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer})
	tj := decode(t, f.do(t, req{url: "/api/tiles/parcels.json"}))
	if tj["tilejson"] != "3.0.0" || tj["minzoom"] != 12.0 || tj["maxzoom"] != 18.0 {
		t.Errorf("tilejson %v", tj)
	}
	if u := tj["tiles"].([]any)[0]; u != "http://example.com/api/tiles/parcels/{z}/{x}/{y}.mvt" {
		t.Errorf("tiles URL %v", u)
	}
	// No bounds (MapLibre would never ask beyond them); the centre on a
	// parcel (the middle of the fixture's extent, 121.1055,28.8555, lies
	// between parcels, where a map opened there would be empty).
	c := tj["center"].([]any)
	centre := orb.Point{c[0].(float64), c[1].(float64)}
	onParcel := false
	for _, p := range f.parcels {
		if p.Geometry.Bound().Contains(centre) {
			onParcel = true
		}
	}
	if tj["bounds"] != nil || !onParcel || c[2].(float64) != 14 {
		t.Errorf("bounds %v, centre %v: want no bounds and a centre on a parcel at zoom 14", tj["bounds"], c)
	}
	fields := tj["vector_layers"].([]any)[0].(map[string]any)["fields"].(map[string]any)
	if _, ok := fields["owner"]; ok || fields["status"] == nil {
		t.Errorf("viewer TileJSON fields %v", fields)
	}
	ed := decode(t, f.do(t, req{url: "/api/tiles/parcels.json", role: parcels.RoleEditor}))
	if _, ok := ed["vector_layers"].([]any)[0].(map[string]any)["fields"].(map[string]any)["owner"]; !ok {
		t.Error("editor TileJSON lacks owner")
	}
	w := f.do(t, req{url: "/api/styles/landplan.json"})
	st := decode(t, w)
	src := st["sources"].(map[string]any)
	for _, l := range []string{"parcels", "buildings", "zones"} {
		if u := src[l].(map[string]any)["url"]; u != "http://example.com/api/tiles/"+l+".json" {
			t.Errorf("style source %s: %v", l, u)
		}
		// The referenced TileJSON exists.
		if w := f.do(t, req{url: "/api/tiles/" + l + ".json"}); w.Code != 200 {
			t.Errorf("%s.json: %d", l, w.Code)
		}
	}
	if w2 := f.do(t, req{url: "/api/styles/landplan.json", header: map[string]string{"If-None-Match": w.Header().Get("ETag")}}); w2.Code != http.StatusNotModified {
		t.Errorf("style revalidation: %d", w2.Code)
	}
}

// BenchmarkTileHTTP serves demo tiles over real HTTP on 127.0.0.1 (one
// client goroutine, gzip accepted, anonymous viewer): "hit" repeats the
// densest zoom-15 tile from the cache; "miss" walks the zoom-16 tiles of
// the demo area that have features, with the cache emptied before each
// request (store bbox read + encode + gzip).
func BenchmarkTileHTTP(b *testing.B) {
	ts, _ := demoServer(b, api.Config{AnonymousRole: parcels.RoleViewer})
	srv := ts.Config.Handler.(*api.Server)
	client := ts.Client()
	get := func(b *testing.B, url string) (int, int) {
		rq, _ := http.NewRequest(http.MethodGet, ts.URL+url, nil)
		rq.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(rq)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 204 {
			b.Fatalf("%s: %d", url, resp.StatusCode)
		}
		return resp.StatusCode, int(n)
	}
	b.Run("hit", func(b *testing.B) {
		u := tileURL("parcels", tiles.Tile{Z: 15, X: 27407, Y: 13639})
		get(b, u)
		n := 0
		for b.Loop() {
			_, n = get(b, u)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tiles/s")
		b.ReportMetric(float64(n), "gzip-bytes")
	})
	demoArea := orb.Bound{Min: orb.Point{121.0836, 28.7562}, Max: orb.Point{121.3843, 28.8599}}
	for _, layer := range []string{"parcels", "buildings"} {
		var ts16 []tiles.Tile
		for _, t := range tiles.Cover(demoArea, 16) {
			if code, _ := get(b, tileURL(layer, t)); code == 200 {
				ts16 = append(ts16, t)
			}
		}
		b.Run("miss-"+layer, func(b *testing.B) {
			i := 0
			for b.Loop() {
				srv.InvalidateAllTiles()
				get(b, tileURL(layer, ts16[i%len(ts16)]))
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tiles/s")
			b.ReportMetric(float64(len(ts16)), "distinct-tiles")
		})
	}
}

// FuzzTilePath sends arbitrary layer and coordinate strings: the answer is
// a tile, an empty tile or a 404 problem, never a server error.
func FuzzTilePath(f *testing.F) {
	for _, s := range [][4]string{{"parcels", "16", "54818", "27278"}, {"zones", "10", "856", "426"}, {"roads", "1", "0", "0"},
		{"parcels", "99", "1", "1"}, {"buildings", "14", "-1", "0"}, {"parcels", "12", "99999999999999999999", "0"}, {"parcels.json", "", "", ""}} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	ts, _ := demoServer(f, api.Config{AnonymousRole: parcels.RoleViewer})
	srv := ts.Config.Handler.(*api.Server)
	f.Fuzz(func(t *testing.T, layer, z, x, y string) {
		u := "/api/tiles/" + url.PathEscape(layer) + "/" + url.PathEscape(z) + "/" + url.PathEscape(x) + "/" + url.PathEscape(y) + ".mvt"
		pu, err := url.Parse(u)
		if err != nil {
			return
		}
		hr := httptest.NewRequest(http.MethodGet, "/", nil)
		hr.URL = pu
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, hr)
		switch w.Code {
		case http.StatusOK, http.StatusNoContent, http.StatusNotFound:
		default:
			t.Fatalf("%s: %d %s", u, w.Code, w.Body.String())
		}
	})
}

// The demo area served from GeoPackage and from PostGIS gives the same
// tiles: the store source reads both through the Store contract.
func TestTilesSameOnBothStores(t *testing.T) {
	gts, _ := demoServer(t, api.Config{AnonymousRole: parcels.RoleViewer})
	db, err := postgis.Open(context.Background(), testdb.Fresh(t), postgis.Options{MigrateOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	psrv, err := api.New(api.Config{Store: db, AnonymousRole: parcels.RoleViewer, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	dense := tiles.Tile{Z: 15, X: 27407, Y: 13639}
	c := dense.Bound().Center()
	for _, tc := range []struct {
		layer string
		t     tiles.Tile
	}{{"parcels", dense}, {"buildings", dense}, {"zones", tiles.TileAt(c, 12)}, {"buildings", tiles.TileAt(c, 17)}} {
		u := tileURL(tc.layer, tc.t)
		resp, err := gts.Client().Get(gts.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		w := httptest.NewRecorder()
		psrv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, u, nil))
		if resp.StatusCode != w.Code {
			t.Errorf("%s: GeoPackage %d, PostGIS %d", u, resp.StatusCode, w.Code)
			continue
		}
		if w.Code != 200 {
			t.Errorf("%s: %d, want a tile with features", u, w.Code)
			continue
		}
		if !bytes.Equal(gb, w.Body.Bytes()) {
			gl, _ := mvt.Unmarshal(gb)
			pl, _ := mvt.Unmarshal(w.Body.Bytes())
			t.Errorf("%s: GeoPackage %d bytes (%d features), PostGIS %d bytes (%d features)", u, len(gb), len(gl[0].Features), w.Body.Len(), len(pl[0].Features))
		}
	}
}

// Editing a member parcel changes its zone's area everywhere the zone is
// drawn, also in tiles far from the parcel.
func TestTilesZoneFollowsMemberEdit(t *testing.T) {
	f := newFixture(t, api.Config{})
	ed := parcels.RoleEditor
	p1, p4 := f.parcels[0], f.parcels[3] // 121.100, 28.850 and 121.100, 28.853, 0.001° squares
	body := fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"name":"甲丁联合改造片区","status":"draft","members":[%d,%d]}}`, p1.ID, p4.ID)
	w := f.do(t, req{method: "POST", url: "/api/collections/zones/items", body: body, role: ed})
	if w.Code != http.StatusCreated {
		t.Fatalf("POST zone: %d %s", w.Code, w.Body.String())
	}
	zid := int64(decode(t, w)["id"].(float64))
	// The zoom-18 tile of p1's middle does not meet p4's box, old or new.
	tA := tiles.TileAt(orb.Point{121.1005, 28.8505}, 18)
	if tA.BufferedBound(4096, 64).Intersects(p4.Geometry.Bound()) {
		t.Fatal("test geometry: tile A meets p4")
	}
	before := tileProps(t, f.do(t, req{url: tileURL("zones", tA), role: ed}), "zones")[zid]
	a0, _ := before["area_m2"].(float64)
	if a0 < 20000 || a0 > 23000 || before["member_count"] != 2.0 {
		t.Fatalf("zone before: %v", before)
	}
	// Halve p4.
	cur := decode(t, f.do(t, req{url: fmt.Sprintf("/api/collections/parcels/items/%d", p4.ID), role: ed}))
	v := int64(cur["properties"].(map[string]any)["version"].(float64))
	patch := `{"geometry":{"type":"Polygon","coordinates":[[[121.100,28.853],[121.1005,28.853],[121.1005,28.854],[121.100,28.854],[121.100,28.853]]]}}`
	if w := f.do(t, req{method: "PATCH", url: fmt.Sprintf("/api/collections/parcels/items/%d", p4.ID), body: patch, role: ed,
		header: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, v), "Content-Type": "application/merge-patch+json"}}); w.Code != 200 {
		t.Fatalf("PATCH p4: %d %s", w.Code, w.Body.String())
	}
	after := tileProps(t, f.do(t, req{url: tileURL("zones", tA), role: ed}), "zones")[zid]
	if a1, _ := after["area_m2"].(float64); a1 > a0-4500 || a1 < a0-6500 {
		t.Errorf("zone area in tile A: %v → %v, want about 5,400 m² less", a0, a1)
	}
}

// One URL per tile: a sign or leading zeros are a 404, not the same tile.
func TestTileCoordsCanonical(t *testing.T) {
	f := newFixture(t, api.Config{AnonymousRole: parcels.RoleViewer})
	for _, u := range []string{"/api/tiles/parcels/16/+54818/27278.mvt", "/api/tiles/parcels/016/54818/27278.mvt", "/api/tiles/parcels/16/54818/027278.mvt"} {
		problem(t, f.do(t, req{url: u}), 404)
	}
	if w := f.do(t, req{url: "/api/tiles/parcels/16/54818/27278.mvt"}); w.Code != 200 && w.Code != 204 {
		t.Errorf("canonical URL: %d", w.Code)
	}
}
