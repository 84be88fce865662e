package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/prometheus/client_golang/prometheus"

	"landplan/parcels"
	"landplan/tiles"
)

// Vector tiles, TileJSON and the MapLibre style.
//
//	GET /api/tiles/{layer}/{z}/{x}/{y}.mvt   a tile (application/vnd.mapbox-vector-tile)
//	GET /api/tiles/{layer}.json              TileJSON 3.0 of a layer
//	GET /api/styles/{name}.json              a MapLibre style (name: landplan)
//
// Any role from viewer up reads them (anonymous when Config.AnonymousRole
// allows); viewers get tiles without owner names. An empty tile — valid
// coordinates, no features — is 204 No Content: MapLibre, OpenLayers and
// GDAL all read 204 as an empty tile, and it costs no body. Tiles carry a
// strong ETag (a hash of their bytes; the gzipped representation has its
// own) and are revalidated (Cache-Control no-cache unless
// Config.TileMaxAge is set), so an edit shows on the next request while an
// unchanged tile costs a 304.

const mediaMVT = "application/vnd.mapbox-vector-tile"

func (s *Server) tileRoutes(r chi.Router) {
	r.Get("/api/tiles/{layer}/{z}/{x}/{y}.mvt", s.tile)
	r.Get("/api/tiles/{layer}.json", s.tileJSON)
	r.Get("/api/styles/{name}.json", s.style)
}

func tileLayerNames() []string {
	var names []string
	for _, l := range tiles.Layers() {
		names = append(names, l.Name)
	}
	return names
}

func layerNames() string { return strings.Join(tileLayerNames(), ", ") }

func (s *Server) tileLayer(r *http.Request) (*tiles.Layer, error) {
	name := chi.URLParam(r, "layer")
	l := tiles.LayerByName(name)
	if l == nil {
		return nil, apiErr(parcels.ENOTFOUND, "没有图层 %q；可用图层：%s", "there is no tile layer %q; the layers are %s", name, layerNames())
	}
	return l, nil
}

// tileCoords parses and checks z/x/y against the grid and the layer's zoom
// range; anything outside is 404 (the tile does not exist), with the range
// in the message.
func tileCoords(r *http.Request, l *tiles.Layer) (tiles.Tile, error) {
	var v [3]int
	for i, name := range []string{"z", "x", "y"} {
		p := chi.URLParam(r, name)
		n, err := strconv.Atoi(p)
		// One URL per tile: no sign, no leading zeros (a CDN would keep
		// 0342 and 342 apart).
		if err != nil || n < 0 || p != strconv.Itoa(n) {
			return tiles.Tile{}, apiErr(parcels.ENOTFOUND, "瓦片坐标 %s=%q 应为不带正负号和前导零的非负整数", "tile coordinate %s=%q must be a non-negative integer without sign or leading zeros", name, p)
		}
		v[i] = n
	}
	t := tiles.Tile{Z: v[0], X: v[1], Y: v[2]}
	if !l.HasZoom(t.Z) {
		return t, apiErr(parcels.ENOTFOUND, "图层 %s 的缩放级别为 %d–%d，没有第 %d 级瓦片（更高级别请放大第 %d 级瓦片）",
			"layer %s has zoom levels %d–%d, not %d (overzoom level %d beyond it)", l.Name, l.MinZoom, l.MaxZoom, t.Z, l.MaxZoom)
	}
	if !t.Valid() {
		n := 1<<t.Z - 1
		return t, apiErr(parcels.ENOTFOUND, "第 %d 级瓦片的 x、y 应在 0–%d 之间，请求为 %d/%d", "at zoom %d, x and y run from 0 to %d; got %d/%d", t.Z, n, t.X, t.Y)
	}
	return t, nil
}

// acceptsGzip reports whether Accept-Encoding allows gzip (q > 0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		enc = strings.ToLower(strings.TrimSpace(enc))
		if enc != "gzip" && enc != "x-gzip" && enc != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				continue
			}
		}
		return true
	}
	return false
}

// gzipETag is the validator of a tile's gzipped representation: a strong
// ETag must differ between encodings of the same resource (RFC 9110 8.8.3).
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gzip"` }

// noneMatch reports whether If-None-Match names any of the tags (or *).
func noneMatch(r *http.Request, tags ...string) bool {
	h := r.Header.Get("If-None-Match")
	if h == "" {
		return false
	}
	for _, part := range strings.Split(h, ",") {
		p := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if p == "*" {
			return true
		}
		for _, t := range tags {
			if p == t {
				return true
			}
		}
	}
	return false
}

// cacheControl: tiles with owner names are private to the token's holder;
// viewer tiles may sit in any shared cache. Both revalidate unless a max
// age is configured.
func (s *Server) cacheControl(view tiles.View) string {
	scope := "public"
	if view == tiles.ViewFull {
		scope = "private"
	}
	if s.cfg.TileMaxAge > 0 {
		return scope + ", max-age=" + strconv.Itoa(int(s.cfg.TileMaxAge.Seconds()))
	}
	return scope + ", no-cache"
}

func (s *Server) tile(w http.ResponseWriter, r *http.Request) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	l, err := s.tileLayer(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	t, err := tileCoords(r, l)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	view := tiles.ViewFor(principalFrom(r.Context()).Role)
	e, err := s.tiles.Tile(r.Context(), l, t, view)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	h.Add("Vary", "Authorization")
	h.Set("Cache-Control", s.cacheControl(view))
	gz := e.Data != nil && acceptsGzip(r)
	etag := e.ETag
	if gz {
		etag = gzipETag(e.ETag)
	}
	h.Set("ETag", etag)
	if noneMatch(r, e.ETag, gzipETag(e.ETag)) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if e.Data == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	body := e.Data
	if gz {
		body = e.Gzip
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", mediaMVT)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// writeJSONDoc serves a small generated JSON document with an ETag of its
// bytes (so clients revalidate for a 304) and the given Cache-Control.
func writeJSONDoc(w http.ResponseWriter, r *http.Request, v any, cacheControl string) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", cacheControl)
	w.Header().Add("Vary", "Authorization")
	if noneMatch(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", mediaJSON)
	_, _ = w.Write(append(b, '\n'))
}

// tileJSON describes a layer. Its centre is on a feature near the middle of
// the collection's extent (the same cached extent as the collection
// document): the middle itself may lie between two areas, where a map
// opened there shows nothing.
// dataCentre returns, as a point box, the centre of a row of kind near the
// middle of extent b (looked for in boxes of 1%, 10% and 100% of it), or
// b itself when none is found.
func (s *Server) dataCentre(ctx context.Context, kind parcels.Kind, b orb.Bound) *orb.Bound {
	c := b.Center()
	for _, f := range []float64{0.01, 0.1, 1} {
		dx, dy := (b.Max[0]-b.Min[0])*f/2, (b.Max[1]-b.Min[1])*f/2
		q := parcels.Query{BBox: &orb.Bound{Min: orb.Point{c[0] - dx, c[1] - dy}, Max: orb.Point{c[0] + dx, c[1] + dy}}, Limit: 1}
		var g orb.MultiPolygon
		switch kind {
		case parcels.KindParcel:
			if p, err := s.cfg.Store.ListParcels(ctx, q); err == nil && len(p.Items) > 0 {
				g = p.Items[0].Geometry
			}
		case parcels.KindBuilding:
			if p, err := s.cfg.Store.ListBuildings(ctx, q); err == nil && len(p.Items) > 0 {
				g = p.Items[0].Geometry
			}
		case parcels.KindZone:
			if p, err := s.cfg.Store.ListZones(ctx, q); err == nil && len(p.Items) > 0 {
				g = p.Items[0].Geometry
			}
		}
		if len(g) > 0 {
			p := g.Bound().Center()
			return &orb.Bound{Min: p, Max: p}
		}
	}
	return &b
}

func (s *Server) tileJSON(w http.ResponseWriter, r *http.Request) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	l, err := s.tileLayer(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var bounds *orb.Bound
	if c := s.byName[l.Name]; c != nil {
		bbox, err := s.extent(r.Context(), c)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		if bbox != nil {
			b := orb.Bound{Min: orb.Point{bbox[0], bbox[1]}, Max: orb.Point{bbox[2], bbox[3]}}
			bounds = s.dataCentre(r.Context(), l.Kind, b)
		}
	}
	view := tiles.ViewFor(principalFrom(r.Context()).Role)
	writeJSONDoc(w, r, tiles.NewTileJSON(l, baseURL(r), view, bounds), s.cacheControl(view))
}

func (s *Server) style(w http.ResponseWriter, r *http.Request) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	name := chi.URLParam(r, "name")
	st := tiles.Style(name, baseURL(r), tiles.StyleOptions{Glyphs: s.cfg.StyleGlyphs})
	if st == nil {
		s.writeProblem(w, r, apiErr(parcels.ENOTFOUND, "没有样式 %q；可用样式：%s", "there is no style %q; the styles are %s",
			name, strings.Join(tiles.StyleNames, ", ")))
		return
	}
	writeJSONDoc(w, r, st, "public, no-cache")
}

// InvalidateTiles drops the cached tiles a change within b (lon/lat) makes
// stale. Writes through this server call it themselves; cmd/landplan calls
// it for changes made elsewhere (another replica, an import), e.g. from
// PostGIS's LISTEN/NOTIFY feed.
func (s *Server) InvalidateTiles(b orb.Bound) { s.tiles.Invalidate(b) }

// InvalidateAllTiles drops every cached tile: when a change feed was
// interrupted and changes may have been missed.
func (s *Server) InvalidateAllTiles() { s.tiles.InvalidateAll() }

// tileStore wraps the store so every write through the API drops the tiles
// it makes stale, once it has committed: the row's box before and after,
// and for derived values shown in other layers, the boxes of the rows they
// belong to (a building changes its parcel's density and plot ratio; a
// parcel changes the zones it is a member of). Reading the old geometry
// costs one Get per update or delete.
//
// It wraps the store only for the handlers: optional capabilities of the
// store (Extenter) are forwarded by tileExtentStore. Code in this package
// that looks for another optional capability on s.cfg.Store must forward
// it here too, or assert on Unwrap().
type tileStore struct {
	parcels.Store
	svc *tiles.Service
}

// Unwrap returns the store as given to New.
func (t *tileStore) Unwrap() parcels.Store { return t.Store }

type tileExtentStore struct {
	*tileStore
	ex Extenter
}

func (t tileExtentStore) Extent(ctx context.Context, kind parcels.Kind) (orb.Bound, bool, error) {
	return t.ex.Extent(ctx, kind)
}

func wrapTileStore(st parcels.Store, svc *tiles.Service) parcels.Store {
	ts := &tileStore{Store: st, svc: svc}
	if ex, ok := st.(Extenter); ok {
		return tileExtentStore{tileStore: ts, ex: ex}
	}
	return ts
}

// boundsOf is the union of the geometries' boxes; ok is false when none has a geometry.
func boundsOf(gs ...orb.MultiPolygon) (b orb.Bound, ok bool) {
	for _, g := range gs {
		if len(g) == 0 {
			continue
		}
		if !ok {
			b, ok = g.Bound(), true
		} else {
			b = b.Union(g.Bound())
		}
	}
	return b, ok
}

// invalidate drops tiles meeting b and, for the kind's derived values shown
// elsewhere, the tiles of the rows they belong to. The write has committed,
// so a failed lookup must not fail it: it drops every tile instead.
func (t *tileStore) invalidate(ctx context.Context, kind parcels.Kind, gs ...orb.MultiPolygon) {
	b, ok := boundsOf(gs...)
	if !ok {
		return
	}
	ctx = context.WithoutCancel(ctx)
	grow := b
	switch kind {
	case parcels.KindBuilding:
		// The parcels under the building: their density, plot ratio and
		// building count changed over their whole area.
		page, err := t.Store.ListParcels(ctx, parcels.Query{BBox: &b, Limit: parcels.MaxLimit})
		if err != nil || page.NextAfter != 0 {
			t.svc.InvalidateAll()
			return
		}
		for _, p := range page.Items {
			if pb, ok := boundsOf(p.Geometry); ok {
				grow = grow.Union(pb)
			}
		}
	case parcels.KindParcel:
		// Buildings near the parcel may have moved to or from a neighbour
		// (their parcel_id, and the neighbours' density and plot ratio over
		// their whole area): the buildings' boxes and the parcels under them.
		bpage, err := t.Store.ListBuildings(ctx, parcels.Query{BBox: &b, Limit: parcels.MaxLimit})
		if err != nil || bpage.NextAfter != 0 {
			t.svc.InvalidateAll()
			return
		}
		var bgs []orb.MultiPolygon
		for _, x := range bpage.Items {
			bgs = append(bgs, x.Geometry)
		}
		if bb, ok := boundsOf(bgs...); ok {
			grow = grow.Union(bb)
			ppage, err := t.Store.ListParcels(ctx, parcels.Query{BBox: &bb, Limit: parcels.MaxLimit})
			if err != nil || ppage.NextAfter != 0 {
				t.svc.InvalidateAll()
				return
			}
			for _, p := range ppage.Items {
				if pb, ok := boundsOf(p.Geometry); ok {
					grow = grow.Union(pb)
				}
			}
		}
		// Zones with the parcel as a member: their outline and areas.
		page, err := t.Store.ListZones(ctx, parcels.Query{BBox: &b, Limit: parcels.MaxLimit})
		if err != nil || page.NextAfter != 0 {
			t.svc.InvalidateAll()
			return
		}
		for _, z := range page.Items {
			if zb, ok := boundsOf(z.Geometry); ok {
				grow = grow.Union(zb)
			}
		}
	}
	t.svc.Invalidate(grow)
}

func (t *tileStore) CreateParcel(ctx context.Context, p *parcels.Parcel, actor string) (*parcels.Parcel, error) {
	out, err := t.Store.CreateParcel(ctx, p, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindParcel, out.Geometry)
	}
	return out, err
}

// batchEach is the largest batch invalidated row by row; a larger one (an
// import) is invalidated as one box, one lookup instead of thousands.
const batchEach = 16

func (t *tileStore) CreateParcels(ctx context.Context, ps []*parcels.Parcel, actor string) ([]*parcels.Parcel, error) {
	out, err := t.Store.CreateParcels(ctx, ps, actor)
	if err == nil {
		gs := make([]orb.MultiPolygon, len(out))
		for i, p := range out {
			gs[i] = p.Geometry
		}
		t.invalidateBatch(ctx, parcels.KindParcel, gs)
	}
	return out, err
}

func (t *tileStore) invalidateBatch(ctx context.Context, kind parcels.Kind, gs []orb.MultiPolygon) {
	if len(gs) > batchEach {
		t.invalidate(ctx, kind, gs...)
		return
	}
	for _, g := range gs {
		t.invalidate(ctx, kind, g)
	}
}

func (t *tileStore) UpdateParcel(ctx context.Context, p *parcels.Parcel, actor string) (*parcels.Parcel, error) {
	old := t.geometryOf(ctx, parcels.KindParcel, p.ID)
	out, err := t.Store.UpdateParcel(ctx, p, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindParcel, old, out.Geometry)
	}
	return out, err
}

func (t *tileStore) DeleteParcel(ctx context.Context, id, version int64, actor string) error {
	old := t.geometryOf(ctx, parcels.KindParcel, id)
	err := t.Store.DeleteParcel(ctx, id, version, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindParcel, old)
	}
	return err
}

func (t *tileStore) CreateBuilding(ctx context.Context, b *parcels.Building, actor string) (*parcels.Building, error) {
	out, err := t.Store.CreateBuilding(ctx, b, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindBuilding, out.Geometry)
	}
	return out, err
}

func (t *tileStore) CreateBuildings(ctx context.Context, bs []*parcels.Building, actor string) ([]*parcels.Building, error) {
	out, err := t.Store.CreateBuildings(ctx, bs, actor)
	if err == nil {
		gs := make([]orb.MultiPolygon, len(out))
		for i, b := range out {
			gs[i] = b.Geometry
		}
		t.invalidateBatch(ctx, parcels.KindBuilding, gs)
	}
	return out, err
}

func (t *tileStore) UpdateBuilding(ctx context.Context, b *parcels.Building, actor string) (*parcels.Building, error) {
	old := t.geometryOf(ctx, parcels.KindBuilding, b.ID)
	out, err := t.Store.UpdateBuilding(ctx, b, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindBuilding, old, out.Geometry)
	}
	return out, err
}

func (t *tileStore) DeleteBuilding(ctx context.Context, id, version int64, actor string) error {
	old := t.geometryOf(ctx, parcels.KindBuilding, id)
	err := t.Store.DeleteBuilding(ctx, id, version, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindBuilding, old)
	}
	return err
}

func (t *tileStore) CreateZone(ctx context.Context, z *parcels.Zone, actor string) (*parcels.Zone, error) {
	out, err := t.Store.CreateZone(ctx, z, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindZone, out.Geometry)
	}
	return out, err
}

func (t *tileStore) UpdateZone(ctx context.Context, z *parcels.Zone, actor string) (*parcels.Zone, error) {
	old := t.geometryOf(ctx, parcels.KindZone, z.ID)
	out, err := t.Store.UpdateZone(ctx, z, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindZone, old, out.Geometry)
	}
	return out, err
}

func (t *tileStore) DeleteZone(ctx context.Context, id, version int64, actor string) error {
	old := t.geometryOf(ctx, parcels.KindZone, id)
	err := t.Store.DeleteZone(ctx, id, version, actor)
	if err == nil {
		t.invalidate(ctx, parcels.KindZone, old)
	}
	return err
}

// geometryOf reads a row's current geometry (nil when it is missing or deleted).
func (t *tileStore) geometryOf(ctx context.Context, kind parcels.Kind, id int64) orb.MultiPolygon {
	switch kind {
	case parcels.KindParcel:
		if p, err := t.Store.GetParcel(ctx, id); err == nil {
			return p.Geometry
		}
	case parcels.KindBuilding:
		if b, err := t.Store.GetBuilding(ctx, id); err == nil {
			return b.Geometry
		}
	case parcels.KindZone:
		if z, err := t.Store.GetZone(ctx, id); err == nil {
			return z.Geometry
		}
	}
	return nil
}

func (t *tileStore) Restore(ctx context.Context, kind parcels.Kind, id, version, current int64, actor string) error {
	old := t.geometryOf(ctx, kind, id)
	err := t.Store.Restore(ctx, kind, id, version, current, actor)
	if err == nil {
		t.invalidate(ctx, kind, old, t.geometryOf(context.WithoutCancel(ctx), kind, id))
	}
	return err
}

// tileCacheMetrics exports the tile cache's counters to /metrics.
func tileCacheMetrics(svc *tiles.Service) []prometheus.Collector {
	stat := func(f func(tiles.CacheStats) float64) func() float64 {
		return func() float64 { return f(svc.Cache().Stats()) }
	}
	counter := func(name, help string, f func(tiles.CacheStats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, stat(f))
	}
	gauge := func(name, help string, f func(tiles.CacheStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, stat(f))
	}
	return []prometheus.Collector{
		counter("landplan_tile_cache_hits_total", "Tile requests answered from the cache.", func(s tiles.CacheStats) float64 { return float64(s.Hits) }),
		counter("landplan_tile_cache_misses_total", "Tile requests that had to render (or wait for a render).", func(s tiles.CacheStats) float64 { return float64(s.Misses) }),
		counter("landplan_tile_cache_evictions_total", "Tiles dropped to stay within the byte limit.", func(s tiles.CacheStats) float64 { return float64(s.Evicted) }),
		counter("landplan_tile_cache_rejected_total", "Renders not cached because a change met the tile while it rendered.", func(s tiles.CacheStats) float64 { return float64(s.Rejected) }),
		gauge("landplan_tile_cache_bytes", "Bytes held by the tile cache.", func(s tiles.CacheStats) float64 { return float64(s.Bytes) }),
		gauge("landplan_tile_cache_entries", "Tiles held by the tile cache.", func(s tiles.CacheStats) float64 { return float64(s.Entries) }),
	}
}
