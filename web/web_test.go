package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func mustNew(tb testing.TB) *Handler {
	tb.Helper()
	h, err := New()
	if err != nil {
		tb.Fatalf("web.New: %v (run web/build.sh)", err)
	}
	return h
}

func get(h http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var assetRef = regexp.MustCompile(`/assets/[A-Za-z0-9_.-]+`)

func TestIndex(t *testing.T) {
	h := mustNew(t)
	w := get(h, "/")
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || w.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /: %d %v", w.Code, w.Header())
	}
	body := w.Body.String()
	for _, s := range []string{`<html lang="zh-CN">`, `<script type="importmap">`, `"maplibre-gl":`, `data-lang="en"`} {
		if !strings.Contains(body, s) {
			t.Errorf("index.html lacks %s", s)
		}
	}
	// The security policy admits the import map by its hash, and nothing
	// else inline; no framing; no Referer to other origins.
	csp := w.Header().Get("Content-Security-Policy")
	m := importMap.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("index.html has no import map")
	}
	sum := sha256.Sum256([]byte(m[1]))
	for _, d := range []string{"default-src 'self'", "script-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
		"frame-ancestors 'none'", "object-src 'none'", "worker-src 'self'"} {
		if !strings.Contains(csp, d+";") && !strings.HasSuffix(csp, d) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q allows inline or eval", csp)
	}
	if w.Header().Get("Referrer-Policy") != "same-origin" || w.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("Referrer-Policy %q, X-Frame-Options %q", w.Header().Get("Referrer-Policy"), w.Header().Get("X-Frame-Options"))
	}
	if a := get(h, mustAsset(t, h, "app")); a.Header().Get("Content-Security-Policy") != "" {
		t.Error("assets need no page policy")
	}
	etag := w.Header().Get("ETag")
	if w2 := get(h, "/", "If-None-Match", etag); w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
		t.Errorf("revalidation with %s: %d, %d bytes", etag, w2.Code, w2.Body.Len())
	}
	// gzip: a different representation, so a different tag, same bytes inside.
	gz := get(h, "/", "Accept-Encoding", "br, gzip;q=0.8")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag || gz.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip response headers %v", gz.Header())
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || string(plain) != body {
		t.Errorf("gunzipped index differs (%v)", err)
	}
	if w := get(h, "/", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got %q", w.Header().Get("Content-Encoding"))
	}
}

// mustAsset is the URL of the hashed asset whose name starts with name.
func mustAsset(tb testing.TB, h *Handler, name string) string {
	tb.Helper()
	for p := range h.files {
		if strings.HasPrefix(p, "/assets/"+name+".") {
			return p
		}
	}
	tb.Fatalf("no asset %s", name)
	return ""
}

// Every asset index.html names is served under that name with the right
// type and a year's immutable cache; the import map resolves to them.
func TestAssets(t *testing.T) {
	h := mustNew(t)
	index := get(h, "/").Body.String()
	refs := assetRef.FindAllString(index, -1)
	if len(refs) < 7 { // 2 CSS, maplibre + worker, app, i18n, panel, auth (keys and values)
		t.Fatalf("index.html names only %v", refs)
	}
	wantType := map[string]string{".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	hashed := regexp.MustCompile(`^/assets/[a-z0-9-]+\.[0-9a-f]{10}\.(js|mjs|css)$`)
	for _, ref := range refs {
		if !hashed.MatchString(ref) {
			// the import map's keys are the unhashed module URLs
			if strings.Contains(index, `"`+ref+`": "/assets/`) {
				continue
			}
			t.Errorf("%s is neither hashed nor an import map key", ref)
			continue
		}
		w := get(h, ref)
		if w.Code != 200 || w.Header().Get("Content-Type") != wantType[path.Ext(ref)] ||
			w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %v", ref, w.Code, w.Header())
		}
		sum := sha256.Sum256(w.Body.Bytes())
		if hash := strings.Split(path.Base(ref), ".")[1]; hex.EncodeToString(sum[:])[:10] != hash {
			t.Errorf("%s: content hash %x does not match its name", ref, sum[:5])
		}
	}
	var im struct {
		Imports map[string]string `json:"imports"`
	}
	m := regexp.MustCompile(`(?s)<script type="importmap">(.*?)</script>`).FindStringSubmatch(index)
	if m == nil || json.Unmarshal([]byte(m[1]), &im) != nil {
		t.Fatalf("no import map in index.html")
	}
	for _, k := range []string{"maplibre-gl", "maplibre-gl-worker", "/assets/app.js", "/assets/i18n.js", "/assets/panel.js", "/assets/auth.js"} {
		if !h.Has(im.Imports[k]) {
			t.Errorf("import map %s → %q, which is not served", k, im.Imports[k])
		}
	}
	if h.Has("/assets/app.js") || h.Has("/index.html") {
		t.Error("unhashed names must not be served (they could be cached for a year)")
	}
	if w := get(h, "/assets/nope.js"); w.Code != 404 {
		t.Errorf("unknown asset: %d", w.Code)
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: %d %v", w.Code, w.Header())
	}
}

// The committed dist/ is the build of today's sources and of the pinned
// maplibre-gl: a source edited without web/build.sh fails here. build.mjs
// writes dist/manifest.json with the SHA-256 of every file in src/ (so
// index.html, which no hashed asset name covers, counts too) and of itself.
func TestDistIsBuiltFromSources(t *testing.T) {
	h := mustNew(t)
	b, err := dist.ReadFile("dist/manifest.json")
	if err != nil {
		t.Fatalf("dist/manifest.json: %v (run web/build.sh)", err)
	}
	var man struct {
		MapLibre string            `json:"maplibre"`
		Sources  map[string]string `json:"sources"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatalf("dist/manifest.json: %v", err)
	}
	ents, err := os.ReadDir("src")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"build.mjs": true}
	for _, e := range ents {
		want["src/"+e.Name()] = true
	}
	for name := range want {
		src, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(src)
		if got, ok := man.Sources[name]; !ok {
			t.Errorf("%s is not in dist/manifest.json: run web/build.sh", name)
		} else if got != hex.EncodeToString(sum[:]) {
			t.Errorf("%s changed since dist/ was built: run web/build.sh", name)
		}
	}
	for name := range man.Sources {
		if !want[name] {
			t.Errorf("dist/ was built from %s, which is gone: run web/build.sh", name)
		}
	}
	// The hashed names agree with the manifest (a dist/ edited by hand).
	for _, e := range ents {
		ext := path.Ext(e.Name())
		if ext != ".js" && ext != ".css" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("src", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		name := "/assets/" + strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		if !h.Has(name) {
			t.Errorf("dist/ has no %s for src/%s: run web/build.sh", name, e.Name())
		}
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err = os.ReadFile("package.json")
	if err != nil || json.Unmarshal(b, &pkg) != nil {
		t.Fatalf("package.json: %v", err)
	}
	version := pkg.Dependencies["maplibre-gl"]
	if man.MapLibre != version {
		t.Errorf("dist/ was built with maplibre-gl %q, package.json pins %q: run web/build.sh", man.MapLibre, version)
	}
	var ml []byte
	for p, a := range h.files {
		if regexp.MustCompile(`^/assets/maplibre-gl\.[0-9a-f]{10}\.mjs$`).MatchString(p) {
			ml = a.body
		}
	}
	if !bytes.Contains(ml[:min(len(ml), 400)], []byte("maplibre-gl-js/blob/v"+version+"/")) {
		t.Errorf("dist's maplibre-gl is not the pinned %s: run web/build.sh", version)
	}
	if h.Has("/manifest.json") || h.Has("/assets/manifest.json") {
		t.Error("the build manifest is served")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "br, gzip": true, "gzip;q=0": false, "gzip; q=0.5": true,
		"deflate": false, "x-gzip": false, "identity, gzip;q=1.0": true,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", h, got, want)
		}
	}
}
