package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"landplan/parcels"
)

// OGC API – Features Part 1 (core, GeoJSON), Part 2 (CRS), Part 3
// (filtering with CQL2 text, queryables) read endpoints.

const (
	mediaJSON     = "application/json"
	mediaGeoJSON  = "application/geo+json"
	mediaOpenAPI  = "application/vnd.oai.openapi+json;version=3.1"
	mediaSchema   = "application/schema+json"
	mediaText     = "text/plain; charset=utf-8"
	mediaProblem  = "application/problem+json"
	mediaMergePat = "application/merge-patch+json"
)

var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
}

type link struct {
	Href     string `json:"href"`
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Hreflang string `json:"hreflang,omitempty"`
}

// baseURL is the scheme and host the client used (a reverse proxy's
// X-Forwarded-Proto is honoured for the scheme).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// negotiate checks the f parameter and the Accept header against what a
// resource offers (its first offer is the default) and returns the chosen
// media type.
func negotiate(r *http.Request, offers ...string) (string, error) {
	if f := r.URL.Query().Get("f"); f != "" {
		for _, o := range offers {
			if formatName(o) == strings.ToLower(f) || (f == "geojson" && o == mediaGeoJSON) {
				return o, nil
			}
		}
		names := make([]string, len(offers))
		for i, o := range offers {
			names[i] = formatName(o)
		}
		return "", apiErr(codeNotAcceptable, "不支持格式 f=%s；可选：%s", "format f=%s is not offered; choose one of: %s", f, strings.Join(names, ", "))
	}
	accept := r.Header.Get("Accept")
	if accept == "" {
		return offers[0], nil
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		if q <= 0 {
			continue
		}
		// An exact match first, then wildcards and JSON for its subtypes;
		// of equal q, an exact match wins.
		match := ""
		for _, o := range offers {
			if base, _, _ := strings.Cut(o, ";"); base == mt {
				match = o
				break
			}
		}
		if match == "" {
			for _, o := range offers {
				if base, _, _ := strings.Cut(o, ";"); mediaMatches(mt, base) {
					match = o
					q -= 0.0001
					break
				}
			}
		}
		if match != "" && q > bestQ {
			best, bestQ = match, q
		}
	}
	if best == "" {
		return "", apiErr(codeNotAcceptable, "无法提供 %s；可提供：%s", "cannot produce %s; available: %s", accept, strings.Join(offers, ", "))
	}
	return best, nil
}

func mediaMatches(pattern, mt string) bool {
	if pattern == "*/*" || pattern == mt {
		return true
	}
	if typ, ok := strings.CutSuffix(pattern, "/*"); ok {
		return strings.HasPrefix(mt, typ+"/")
	}
	// A client asking for JSON gets GeoJSON and problem documents: both are JSON.
	return pattern == mediaJSON && (mt == mediaGeoJSON || mt == mediaSchema || strings.HasPrefix(mt, "application/vnd.oai.openapi+json"))
}

func formatName(mt string) string {
	switch {
	case strings.HasPrefix(mt, mediaGeoJSON):
		return "json"
	case strings.HasPrefix(mt, "text/plain"):
		return "text"
	}
	return "json"
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func (s *Server) withColl(c *collection, h func(http.ResponseWriter, *http.Request, *collection)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h(w, r, c) }
}

func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	mt, err := negotiate(r, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	b := baseURL(r)
	l := lang(r)
	writeJSON(w, http.StatusOK, mt, map[string]any{
		"title":       pick(l, "landplan 宗地与联合改造片区服务", "landplan: parcels, buildings and redevelopment zones"),
		"description": pick(l, "宗地、建筑与联合改造片区的 OGC API – Features 服务（读写），以及容积率、建筑密度、边角地（第十七条）与园区合规分析。", "OGC API – Features (read and write) for land parcels, buildings and merged redevelopment zones, with plot ratio, density, leftover-land (clause 17) and park compliance analysis."),
		"version":     s.cfg.Version,
		"links": []link{
			{Href: b + "/api/", Rel: "self", Type: mediaJSON, Title: "This document"},
			{Href: b + "/api/openapi.json", Rel: "service-desc", Type: mediaOpenAPI, Title: "OpenAPI 3.1 definition"},
			{Href: b + "/api/conformance", Rel: "conformance", Type: mediaJSON, Title: "Conformance classes"},
			{Href: b + "/api/conformance", Rel: "http://www.opengis.net/def/rel/ogc/1.0/conformance", Type: mediaJSON},
			{Href: b + "/api/collections", Rel: "data", Type: mediaJSON, Title: "Collections"},
			{Href: b + "/api/collections", Rel: "http://www.opengis.net/def/rel/ogc/1.0/data", Type: mediaJSON},
		},
	})
}

func (s *Server) conformance(w http.ResponseWriter, r *http.Request) {
	mt, err := negotiate(r, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, mt, map[string]any{"conformsTo": conformanceClasses})
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	mt, err := negotiate(r, mediaOpenAPI, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Content-Type", mt)
	_, _ = w.Write(s.openapi)
}

func (s *Server) collectionDoc(ctx context.Context, r *http.Request, c *collection) (map[string]any, error) {
	b := baseURL(r) + "/api/collections/" + c.Name
	l := lang(r)
	ext, err := s.extent(ctx, c)
	if err != nil {
		return nil, err
	}
	spatial := map[string]any{"crs": crs84URI}
	if ext != nil {
		spatial["bbox"] = [][]float64{ext}
	}
	return map[string]any{
		"id":          c.Name,
		"title":       pick(l, c.TitleZH, c.Title),
		"description": pick(l, c.DescriptionZH, c.Description),
		"itemType":    "feature",
		"extent":      map[string]any{"spatial": spatial},
		"crs":         supportedCRS(),
		"storageCrs":  epsgURIBase + "4490",
		"links": []link{
			{Href: b, Rel: "self", Type: mediaJSON},
			{Href: b + "/items", Rel: "items", Type: mediaGeoJSON, Title: pick(l, c.TitleZH, c.Title)},
			{Href: b + "/queryables", Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: mediaSchema},
		},
	}, nil
}

func (s *Server) listCollections(w http.ResponseWriter, r *http.Request) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mt, err := negotiate(r, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var cs []map[string]any
	for _, c := range s.colls {
		d, err := s.collectionDoc(r.Context(), r, c)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		cs = append(cs, d)
	}
	b := baseURL(r)
	writeJSON(w, http.StatusOK, mt, map[string]any{
		"collections": cs,
		"crs":         supportedCRS(),
		"links":       []link{{Href: b + "/api/collections", Rel: "self", Type: mediaJSON}},
	})
}

func (s *Server) describeCollection(w http.ResponseWriter, r *http.Request, c *collection) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mt, err := negotiate(r, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	d, err := s.collectionDoc(r.Context(), r, c)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, mt, d)
}

// Extenter is an optional store capability: the lon/lat bounds of a kind's
// live rows (ok = false when there are none). Without it the API reads the
// rows once and caches the answer.
type Extenter interface {
	Extent(ctx context.Context, kind parcels.Kind) (b orb.Bound, ok bool, err error)
}

func (s *Server) extent(ctx context.Context, c *collection) ([]float64, error) {
	now := time.Now()
	s.extents.mu.Lock()
	e, ok := s.extents.m[c.Name]
	s.extents.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.bbox, nil
	}
	var bound orb.Bound
	found := false
	if ex, ok := s.cfg.Store.(Extenter); ok {
		b, ok, err := ex.Extent(ctx, c.Kind)
		if err != nil {
			return nil, err
		}
		bound, found = b, ok
	} else {
		q := parcels.Query{Limit: parcels.MaxLimit}
		for {
			rows, pi, err := c.list(ctx, s.cfg.Store, q)
			if err != nil {
				return nil, err
			}
			for _, row := range rows {
				g := c.geometry(row)
				if len(g) == 0 {
					continue
				}
				if !found {
					bound, found = g.Bound(), true
				} else {
					bound = bound.Union(g.Bound())
				}
			}
			if pi.next == 0 {
				break
			}
			q.After = pi.next
		}
	}
	var bbox []float64
	if found {
		bbox = []float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}
	}
	s.extents.mu.Lock()
	s.extents.m[c.Name] = extentEntry{bbox: bbox, expires: now.Add(time.Minute)}
	s.extents.mu.Unlock()
	return bbox, nil
}

// queryables answers the JSON Schema of the filterable properties (Part 3).
// Viewers do not see the personal ones.
func (s *Server) queryables(w http.ResponseWriter, r *http.Request, c *collection) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mt, err := negotiate(r, mediaSchema, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	viewer := principalFrom(r.Context()).Role == parcels.RoleViewer
	writeJSON(w, http.StatusOK, mt, queryablesSchema(c, baseURL(r), lang(r), viewer))
}

func queryablesSchema(c *collection, base, l string, viewer bool) map[string]any {
	props := map[string]any{
		"geometry": map[string]any{
			"title":      pick(l, "几何", "Geometry"),
			"format":     "geometry-multipolygon",
			"x-ogc-role": "primary-geometry",
		},
	}
	for name, typ := range parcels.Queryables(c.Kind) {
		if viewer && personalProps[name] {
			continue
		}
		p := map[string]any{"title": name}
		switch typ {
		case parcels.TypeDate:
			p["type"], p["format"] = "string", "date"
		default:
			p["type"] = typ
		}
		if name == "id" {
			p["x-ogc-role"] = "id"
		}
		if enum := queryableEnums[c.Kind][name]; enum != nil {
			p["enum"] = enum
		}
		props[name] = p
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  base + "/api/collections/" + c.Name + "/queryables",
		"type":                 "object",
		"title":                pick(l, c.TitleZH, c.Title),
		"properties":           props,
		"additionalProperties": false,
	}
}

var queryableEnums = map[parcels.Kind]map[string][]string{
	parcels.KindParcel: {
		"status":      {"in_use", "inefficient", "redeveloping", "idle"},
		"land_source": {"transferred", "allocated", "collective"},
	},
	parcels.KindBuilding: {"use": buildingUses},
	parcels.KindZone:     {"status": zoneStatuses},
}

// itemsParams are the fixed query parameters of /items; every queryable is
// accepted besides as an equality filter.
var itemsParams = map[string]bool{"f": true, "limit": true, "bbox": true, "bbox-crs": true, "crs": true,
	"filter": true, "filter-lang": true, "filter-crs": true, "after": true, "before": true, "datetime": true}

// buildQuery turns the /items query string into a store Query.
func (s *Server) buildQuery(r *http.Request, c *collection) (parcels.Query, error) {
	var q parcels.Query
	vals := r.URL.Query()
	viewer := principalFrom(r.Context()).Role == parcels.RoleViewer
	qables := parcels.Queryables(c.Kind)
	var where parcels.And
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	sort.Strings(names) // deterministic filters and messages
	for _, k := range names {
		if itemsParams[k] {
			continue
		}
		typ, ok := qables[k]
		if !ok {
			return q, apiErr(codeBadRequest, "未知的查询参数 %q；可用参数：limit、bbox、bbox-crs、crs、filter、filter-lang、filter-crs、after、before 以及 /queryables 中列出的属性",
				"unknown query parameter %q; use limit, bbox, bbox-crs, crs, filter, filter-lang, filter-crs, after, before or a property listed at /queryables", k)
		}
		if viewer && personalProps[k] {
			return q, apiErr(parcels.EFORBIDDEN, "访客角色不能按属性 %q 过滤", "the viewer role cannot filter on %q", k)
		}
		var vs []any
		for _, raw := range strings.Split(vals.Get(k), ",") {
			v, err := propValue(k, typ, raw)
			if err != nil {
				return q, err
			}
			vs = append(vs, v)
		}
		if len(vs) == 1 {
			where = append(where, parcels.Compare{Prop: k, Op: "=", Value: vs[0]})
		} else {
			where = append(where, parcels.In{Prop: k, Values: vs})
		}
	}
	if v := vals.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return q, apiErr(codeBadRequest, "limit 应为 1 到 %d 之间的整数，而不是 %q", "limit must be an integer from 1 to %d, not %q", parcels.MaxLimit, v)
		}
		q.Limit = min(n, parcels.MaxLimit) // OGC: a larger limit is capped, not refused
	} else {
		q.Limit = parcels.DefaultLimit
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"after", &q.After}, {"before", &q.Before}} {
		if v := vals.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return q, apiErr(codeBadRequest, "%s 应为要素编号（非负整数），而不是 %q", "%s must be a feature id (a non-negative integer), not %q", p.name, v)
			}
			*p.dst = n
		}
	}
	if q.After > 0 && q.Before > 0 {
		return q, apiErr(codeBadRequest, "after 与 before 不能同时使用", "after and before cannot be used together")
	}
	if v := vals.Get("bbox"); v != "" {
		bc, err := queryCRS(vals.Get("bbox-crs"))
		if err != nil {
			return q, err
		}
		b, poly, err := parseBBox(v, bc)
		if err != nil {
			return q, err
		}
		q.BBox = b
		if poly != nil {
			q.Intersects = poly
		}
	} else if vals.Get("bbox-crs") != "" {
		if _, err := queryCRS(vals.Get("bbox-crs")); err != nil {
			return q, err
		}
	}
	if f := vals.Get("filter"); f != "" {
		switch lang := vals.Get("filter-lang"); lang {
		case "", "cql2-text":
		default:
			return q, apiErr(codeBadRequest, "不支持 filter-lang=%s；请使用 cql2-text", "filter-lang=%s is not supported; use cql2-text", lang)
		}
		fc, err := queryCRS(vals.Get("filter-crs"))
		if err != nil {
			return q, err
		}
		e, err := ParseCQL2Text(f)
		if err != nil {
			return q, filterError(err)
		}
		e = mapGeometries(e, fc)
		if viewer {
			if p := personalPropIn(e); p != "" {
				return q, apiErr(parcels.EFORBIDDEN, "访客角色不能按属性 %q 过滤", "the viewer role cannot filter on %q", p)
			}
		}
		if err := parcels.CheckExpr(c.Kind, e); err != nil {
			return q, filterError(err)
		}
		where = append(where, e)
	}
	switch len(where) {
	case 0:
	case 1:
		q.Where = where[0]
	default:
		q.Where = where
	}
	if q.Where != nil {
		if err := parcels.CheckExpr(c.Kind, q.Where); err != nil {
			return q, filterError(err)
		}
	}
	return q, nil
}

// filterError reports a filter problem as a 400 (a bad request, not bad
// content), keeping the parser's or CheckExpr's message.
func filterError(err error) error {
	switch e := err.(type) {
	case *cqlError:
		return &parcels.Error{Code: codeBadRequest,
			Message:   fmt.Sprintf("filter: at character %d: %s", e.pos+1, e.msg),
			MessageZH: fmt.Sprintf("filter 有误（第 %d 个字符处）：%s", e.pos+1, e.zh)}
	case *parcels.Error:
		return &parcels.Error{Code: codeBadRequest, Message: "filter: " + e.Message, MessageZH: "filter 有误：" + e.MessageZH}
	}
	return err
}

// personalPropIn returns a personal property the expression names, if any.
func personalPropIn(e parcels.Expr) string {
	var found string
	walkExpr(e, func(prop string) {
		if personalProps[prop] && found == "" {
			found = prop
		}
	})
	return found
}

func walkExpr(e parcels.Expr, f func(string)) {
	switch e := e.(type) {
	case parcels.And:
		for _, x := range e {
			walkExpr(x, f)
		}
	case parcels.Or:
		for _, x := range e {
			walkExpr(x, f)
		}
	case parcels.Not:
		walkExpr(e.X, f)
	case parcels.Compare:
		f(e.Prop)
	case parcels.Like:
		f(e.Prop)
	case parcels.In:
		f(e.Prop)
	case parcels.Between:
		f(e.Prop)
	case parcels.IsNull:
		f(e.Prop)
	}
}

// mapGeometries converts the geometries of S_INTERSECTS from filter-crs to lon/lat.
func mapGeometries(e parcels.Expr, c crsRef) parcels.Expr {
	if c == crs84 {
		return e
	}
	switch x := e.(type) {
	case parcels.And:
		out := make(parcels.And, len(x))
		for i, y := range x {
			out[i] = mapGeometries(y, c)
		}
		return out
	case parcels.Or:
		out := make(parcels.Or, len(x))
		for i, y := range x {
			out[i] = mapGeometries(y, c)
		}
		return out
	case parcels.Not:
		return parcels.Not{X: mapGeometries(x.X, c)}
	case parcels.Intersects:
		return parcels.Intersects{Geometry: transform(x.Geometry, c.in)}
	}
	return e
}

// propValue converts a query-string value to the queryable's type.
func propValue(name, typ, raw string) (any, error) {
	switch typ {
	case parcels.TypeNumber, parcels.TypeInteger:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, apiErr(codeBadRequest, "属性 %s 是数值，%q 不是数字", "%s is numeric and %q is not a number", name, raw)
		}
		return f, nil
	case parcels.TypeDate:
		if _, err := parcels.ParseDate(raw); err != nil || raw == "" {
			return nil, apiErr(codeBadRequest, "属性 %s 是日期，%q 不是 YYYY-MM-DD", "%s is a date and %q is not YYYY-MM-DD", name, raw)
		}
	}
	return raw, nil
}

// outFeature is a GeoJSON Feature as we write it.
type outFeature struct {
	Type       string            `json:"type"`
	ID         int64             `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []link            `json:"links,omitempty"`
}

func (s *Server) feature(c *collection, row any, oc crsRef, viewer bool) outFeature {
	return outFeature{
		Type:       "Feature",
		ID:         c.meta(row).ID,
		Geometry:   geometryJSON(c.geometry(row), oc),
		Properties: c.properties(row, oc, viewer),
	}
}

func (s *Server) items(w http.ResponseWriter, r *http.Request, c *collection) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mt, err := negotiate(r, mediaGeoJSON, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	oc, err := queryCRS(r.URL.Query().Get("crs"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	q, err := s.buildQuery(r, c)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	rows, pi, err := c.list(r.Context(), s.cfg.Store, q)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	viewer := principalFrom(r.Context()).Role == parcels.RoleViewer
	feats := make([]outFeature, len(rows))
	for i, row := range rows {
		feats[i] = s.feature(c, row, oc, viewer)
	}
	self := baseURL(r) + r.URL.Path
	links := []link{{Href: self + "?" + r.URL.RawQuery, Rel: "self", Type: mt}}
	links[0].Href = strings.TrimSuffix(links[0].Href, "?")
	page := func(set, drop string, v int64) string {
		vals := r.URL.Query()
		vals.Del(drop)
		vals.Set(set, strconv.FormatInt(v, 10))
		return self + "?" + vals.Encode()
	}
	if pi.next != 0 {
		links = append(links, link{Href: page("after", "before", pi.next), Rel: "next", Type: mt})
	}
	if pi.prev != 0 {
		links = append(links, link{Href: page("before", "after", pi.prev), Rel: "prev", Type: mt})
	}
	links = append(links, link{Href: baseURL(r) + "/api/collections/" + c.Name, Rel: "collection", Type: mediaJSON})
	w.Header().Set("Content-Crs", "<"+oc.URI()+">")
	writeJSON(w, http.StatusOK, mt, map[string]any{
		"type":           "FeatureCollection",
		"features":       feats,
		"numberMatched":  pi.matched,
		"numberReturned": len(feats),
		"timeStamp":      time.Now().UTC().Format(time.RFC3339),
		"links":          links,
	})
}

// featureID reads {featureId}: a positive integer, else 404 (an id that
// cannot exist names no feature).
func featureID(r *http.Request, kind parcels.Kind) (int64, error) {
	raw := chi.URLParam(r, "featureId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, &parcels.Error{Code: parcels.ENOTFOUND,
			Message:   fmt.Sprintf("%s %q not found: ids are positive integers", kind, raw),
			MessageZH: fmt.Sprintf("%s %q 不存在：编号应为正整数", kind.ZH(), raw)}
	}
	return id, nil
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

func (s *Server) item(w http.ResponseWriter, r *http.Request, c *collection) {
	if err := allow(r, parcels.RoleViewer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mt, err := negotiate(r, mediaGeoJSON, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	for k := range r.URL.Query() {
		if k != "f" && k != "crs" {
			s.writeProblem(w, r, apiErr(codeBadRequest, "未知的查询参数 %q；单个要素只接受 crs 与 f", "unknown query parameter %q; a single feature takes only crs and f", k))
			return
		}
	}
	oc, err := queryCRS(r.URL.Query().Get("crs"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	id, err := featureID(r, c.Kind)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	row, err := c.get(r.Context(), s.cfg.Store, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.writeFeature(w, r, c, row, oc, http.StatusOK, mt)
}

// writeFeature answers one feature with its ETag (the version; weak
// validators from If-None-Match compare too).
func (s *Server) writeFeature(w http.ResponseWriter, r *http.Request, c *collection, row any, oc crsRef, status int, mt string) {
	m := c.meta(row)
	tag := etag(m.Version)
	w.Header().Set("ETag", tag)
	w.Header().Set("Content-Crs", "<"+oc.URI()+">")
	w.Header().Set("Last-Modified", m.UpdatedAt.UTC().Format(http.TimeFormat))
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagListMatches(inm, m.Version) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	viewer := principalFrom(r.Context()).Role == parcels.RoleViewer
	f := s.feature(c, row, oc, viewer)
	b := baseURL(r) + "/api/collections/" + c.Name
	f.Links = []link{
		{Href: fmt.Sprintf("%s/items/%d", b, m.ID), Rel: "self", Type: mediaGeoJSON},
		{Href: b, Rel: "collection", Type: mediaJSON},
	}
	writeJSON(w, status, mt, f)
}

// etagListMatches reports whether an If-Match / If-None-Match list names
// version (weak or strong) or is "*".
func etagListMatches(list string, version int64) bool {
	want := strconv.FormatInt(version, 10)
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		if strings.Trim(t, `"`) == want {
			return true
		}
	}
	return false
}
