package api_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"landplan/api"
)

// The map app is public (the page holds no data; tiles and features keep
// their roles), answers HEAD, and an unknown asset is the API's 404 problem.
func TestMapApp(t *testing.T) {
	f := newFixture(t, api.Config{}) // no anonymous access
	w := f.do(t, req{url: "/"})
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || w.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /: %d %v", w.Code, w.Header())
	}
	asset := regexp.MustCompile(`/assets/maplibre-gl\.[0-9a-f]{10}\.mjs`).FindString(w.Body.String())
	if asset == "" {
		t.Fatalf("index.html names no MapLibre module: %s", w.Body.String())
	}
	a := f.do(t, req{method: http.MethodHead, url: asset, header: map[string]string{"Accept-Encoding": "gzip"}})
	if a.Code != 200 || a.Header().Get("Content-Encoding") != "gzip" || a.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || a.Body.Len() != 0 {
		t.Errorf("HEAD %s: %d %v (%d bytes)", asset, a.Code, a.Header(), a.Body.Len())
	}
	problem(t, f.do(t, req{url: "/assets/app.js"}), http.StatusNotFound)
	// The data behind the page still needs a token here.
	problem(t, f.do(t, req{url: "/api/styles/landplan.json"}), http.StatusUnauthorized)
}
