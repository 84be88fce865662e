package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"landplan/geo"
	"landplan/parcels"
	"landplan/tiles"
	"landplan/web"
)

// Config configures a Server. Store is required; the rest have defaults.
type Config struct {
	Store parcels.Store
	// Zone is the city's Gauss–Krüger zone (Linhai: geo.Zone3(40)), used by
	// the analysis endpoints for areas of ad-hoc polygons.
	Zone geo.Zone
	// Profile is the planning profile name; default "linhai".
	Profile string
	// AnonymousRole is the role of a request without a token; "" = none
	// (every read then needs a token).
	AnonymousRole parcels.Role
	// BodyLimit caps request bodies in bytes; default 32 MiB.
	BodyLimit int64
	// CORSOrigins are the browser origins allowed to call the API; "*" = any.
	CORSOrigins []string
	// Logger receives one line per request and every internal error; default
	// slog.Default().
	Logger *slog.Logger
	// Version is the build version shown on the landing page.
	Version string
	// RequestTimeout bounds each request's work; default 60 s.
	RequestTimeout time.Duration
	// TokenCacheTTL is how long a token lookup is reused (so a revoked token
	// may work this long); default 10 s, negative = no cache.
	TokenCacheTTL time.Duration
	// TileCacheBytes bounds the vector tile cache; default 64 MiB, negative
	// = no cache.
	TileCacheBytes int64
	// TileMaxAge lets clients and shared caches reuse a tile this long
	// without asking; default 0: they revalidate every time (a 304 when
	// unchanged), so an edit shows on the next request.
	TileMaxAge time.Duration
	// StyleGlyphs is the glyph URL template of the MapLibre style; default
	// tiles.DefaultGlyphs.
	StyleGlyphs string
}

// Server is the HTTP API. It is an http.Handler; cmd/landplan wraps it in an
// http.Server (see NewHTTPServer) and shuts that down gracefully.
type Server struct {
	cfg     Config
	log     *slog.Logger
	router  *chi.Mux
	handler http.Handler
	metrics *metrics
	tokens  *tokenCache
	colls   []*collection
	byName  map[string]*collection
	extents extentCache
	openapi []byte
	ana     analyzer
	tiles   *tiles.Service
	app     *web.Handler
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("api.New: Config.Store is required")
	}
	if cfg.Profile == "" {
		cfg.Profile = "linhai"
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 32 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 60 * time.Second
	}
	if cfg.TokenCacheTTL == 0 {
		cfg.TokenCacheTTL = 10 * time.Second
	}
	if cfg.Zone == (geo.Zone{}) {
		cfg.Zone = parcels.LinhaiZone
	}
	if !cfg.Zone.Valid() {
		return nil, errors.New("api.New: Config.Zone is not a CGCS2000 Gauss–Krüger zone: " + cfg.Zone.String())
	}
	if cfg.AnonymousRole != "" && !cfg.AnonymousRole.Valid() {
		return nil, errors.New("api.New: Config.AnonymousRole must be editor, planner, viewer or empty, not " + string(cfg.AnonymousRole))
	}
	// The tile source reads the store as given; the handlers write through
	// a wrapper that drops the tiles each write makes stale. Metrics see
	// the store as given too (its optional prometheus.Collector).
	tileSvc := tiles.NewService(tiles.StoreSource{Store: cfg.Store}, cfg.TileCacheBytes)
	st := cfg.Store
	cfg.Store = wrapTileStore(st, tileSvc)
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		tiles:   tileSvc,
		metrics: newMetrics(st),
		tokens:  &tokenCache{ttl: cfg.TokenCacheTTL, m: map[string]tokenEntry{}},
		colls:   collections(),
	}
	if cfg.TokenCacheTTL < 0 {
		s.tokens.ttl = 0
	}
	s.metrics.reg.MustRegister(tileCacheMetrics(tileSvc)...)
	s.byName = map[string]*collection{}
	for _, c := range s.colls {
		s.byName[c.Name] = c
	}
	s.extents.m = map[string]extentEntry{}
	ana, err := newAnalyzer(cfg)
	if err != nil {
		return nil, err
	}
	s.ana = ana
	if s.app, err = web.New(); err != nil {
		return nil, errors.New("api.New: the embedded map app is missing (run web/build.sh): " + err.Error())
	}
	s.routes()
	doc, err := s.buildOpenAPI()
	if err != nil {
		return nil, err
	}
	s.openapi = doc
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close releases what the server holds. The store belongs to the caller.
func (s *Server) Close() error { return nil }

// NewHTTPServer wraps the server in an http.Server with the timeouts a
// public service needs (slow-loris headers, stuck bodies, idle keep-alives).
// WriteTimeout exceeds RequestTimeout so a timed-out request can still send
// its problem document.
func (s *Server) NewHTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large uploads on slow links
		WriteTimeout:      s.cfg.RequestTimeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// compressTypes are the response types gzip applies to. Level 1 (best
// speed), as usual for dynamic responses: with level 5 a CPU profile of
// TestLoadDemo showed a fifth of the server's time in deflate.
var compressTypes = []string{"application/json", "application/geo+json", "application/problem+json",
	"application/schema+json", "application/vnd.oai.openapi+json", "text/plain"}

func (s *Server) routes() {
	r := chi.NewRouter()
	s.router = r
	r.Use(withRequestID, s.observe, s.recoverer, s.cors, s.timeout, s.limitBody,
		middleware.Compress(1, compressTypes...), s.authenticate, middleware.GetHead)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	// The map app (package web): index.html at /, its content-hashed
	// files under /assets/ (a flat directory); an unknown asset gets the
	// API's 404 problem.
	r.Get("/", s.app.ServeHTTP)
	r.Get("/assets/{asset}", func(w http.ResponseWriter, r *http.Request) {
		if !s.app.Has(r.URL.Path) {
			s.notFound(w, r)
			return
		}
		s.app.ServeHTTP(w, r)
	})

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))

	r.Get("/api", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/api/", http.StatusMovedPermanently)
	})
	r.Get("/api/", s.landing)
	r.Get("/api/conformance", s.conformance)
	r.Get("/api/openapi.json", s.serveOpenAPI)
	r.Get("/api/collections", s.listCollections)
	for _, c := range s.colls {
		base := "/api/collections/" + c.Name
		r.Get(base, s.withColl(c, s.describeCollection))
		r.Get(base+"/queryables", s.withColl(c, s.queryables))
		r.Get(base+"/items", s.withColl(c, s.items))
		r.Post(base+"/items", s.withColl(c, s.createItems))
		r.Get(base+"/items/{featureId}", s.withColl(c, s.item))
		r.Put(base+"/items/{featureId}", s.withColl(c, s.replaceItem))
		r.Patch(base+"/items/{featureId}", s.withColl(c, s.patchItem))
		r.Delete(base+"/items/{featureId}", s.withColl(c, s.deleteItem))
	}
	s.analysisRoutes(r)
	s.tileRoutes(r)
	s.handler = r
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
}

// readyz pings the store with a short deadline: a load balancer should stop
// sending traffic to a replica whose database is gone.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.log.WarnContext(r.Context(), "store not ready", "request_id", requestID(r.Context()), "err", err)
		s.writeProblem(w, r, apiErr(codeUnavailable, "数据存储暂不可用", "the data store is not reachable"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, `{"status":"ready"}`+"\n")
}

// extentCache keeps each collection's extent: computing it reads every row,
// so it is recomputed only after a write through this server, or after a
// minute for writes made elsewhere (another replica, an import).
type extentCache struct {
	mu sync.Mutex
	m  map[string]extentEntry
}

type extentEntry struct {
	bbox    []float64 // nil when the collection is empty
	expires time.Time
}

func (c *extentCache) invalidate(name string) {
	c.mu.Lock()
	delete(c.m, name)
	c.mu.Unlock()
}
