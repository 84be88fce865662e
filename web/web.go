// Package web serves landplan's map front end: the built app in dist/
// (MapLibre GL JS and the sources in src/, named by content hash by
// build.mjs), embedded so the binary needs no npm.
//
// index.html is served at / with no-cache and an ETag, so a new build shows
// at the next load; the hashed assets under /assets/ never change under
// their name and are cached for a year (immutable). Text assets are
// gzipped once, on first request, and served so to clients that accept it.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed dist
var dist embed.FS

// contentTypes are the types of what build.mjs writes; anything else in
// dist is not served.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".woff2": "font/woff2",
}

// asset is one file ready to serve.
type asset struct {
	body  []byte
	ctype string
	etag  string
	cache string
	// compress: gzip pays (text); images and fonts are compressed already.
	compress bool

	// headers are extra response headers (index.html's security policy).
	headers map[string]string

	gzOnce sync.Once
	gz     []byte // nil when gzip does not make it smaller
}

// importMap is index.html's one inline script; the policy allows it by hash.
var importMap = regexp.MustCompile(`(?s)<script type="importmap">(.*?)</script>`)

// pageHeaders are index.html's security headers. Scripts, styles, images
// and workers come from this origin only, the inline import map by its
// hash. MapLibre 6 starts a same-origin worker URL as it is (blob: only
// wraps a cross-origin one, web_worker.ts), so workers need no blob:;
// images may be blob: and data: (the icon, MapLibre's sprites). The
// style's glyph server is another origin, so fetches may go to any https
// origin (the token never does: auth.js). No framing (clickjacking), and
// no page URL leaks to other origins as a Referer.
func pageHeaders(html []byte) (map[string]string, error) {
	m := importMap.FindSubmatch(html)
	if m == nil {
		return nil, errors.New("web: dist/index.html has no import map")
	}
	sum := sha256.Sum256(m[1])
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
		"worker-src 'self'",
		"img-src 'self' data: blob:",
		"style-src 'self'",
		"connect-src 'self' https:",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
	return map[string]string{
		"Content-Security-Policy": csp,
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY", // for browsers without frame-ancestors
	}, nil
}

// Handler serves the app: GET / (index.html) and GET /assets/{name}.
// Other paths are the caller's; Handler answers them 404.
type Handler struct {
	files map[string]*asset // by URL path
}

// New loads the embedded build. It fails when dist has no index.html (the
// build was not run).
func New() (*Handler, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, err
	}
	return newHandler(sub)
}

func newHandler(fsys fs.FS) (*Handler, error) {
	h := &Handler{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a := &asset{body: b, ctype: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`,
			cache: "public, max-age=31536000, immutable", compress: !strings.HasPrefix(ct, "image/png") && !strings.HasPrefix(ct, "font/")}
		url := "/" + p
		if p == "index.html" {
			// The page names the hashed assets, so it must be fresh:
			// revalidated every time (a 304 when unchanged).
			url, a.cache = "/", "no-cache"
			if a.headers, err = pageHeaders(b); err != nil {
				return err
			}
		} else if !strings.HasPrefix(p, "assets/") {
			return nil
		}
		h.files[url] = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	if h.files["/"] == nil {
		return nil, fs.ErrNotExist
	}
	return h, nil
}

// Has reports whether the handler serves the URL path p, so a router can
// answer other paths under /assets/ with its own 404.
func (h *Handler) Has(p string) bool { return h.files[p] != nil }

// ServeHTTP serves GET and HEAD of the app's files.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := h.files[r.URL.Path]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ctype)
	hd.Set("Cache-Control", a.cache)
	hd.Set("X-Content-Type-Options", "nosniff")
	for k, v := range a.headers {
		hd.Set(k, v)
	}
	body, etag := a.body, a.etag
	if a.compress {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			if gz := a.gzipped(); gz != nil {
				body, etag = gz, strings.TrimSuffix(a.etag, `"`)+`-gzip"`
				hd.Set("Content-Encoding", "gzip")
			}
		}
	}
	hd.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304 and serves ranges; the
	// zero time leaves Last-Modified out (the ETag is the validator).
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		if buf.Len() < len(a.body) {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

// acceptsGzip reads Accept-Encoding: gzip listed without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}
