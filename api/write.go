package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// OGC API – Features Part 4: create (one Feature, or a FeatureCollection as
// one transaction), replace, update (JSON merge patch, RFC 7396), delete.
// Versions travel as ETags; PUT, PATCH and DELETE need If-Match (428
// without, 412 when stale). Nothing of a refused request is stored: every
// check that can fail runs before the store's single transaction.

// inFeature is a GeoJSON Feature or FeatureCollection as received.
type inFeature struct {
	Type       string                     `json:"type"`
	ID         any                        `json:"id"`
	Geometry   json.RawMessage            `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
	Features   []json.RawMessage          `json:"features"`
}

// readBody reads a JSON request body of an accepted media type. A body over
// the limit gives *http.MaxBytesError (413); bad JSON a 400 saying where.
func readBody(r *http.Request, accepted ...string) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !contains(accepted, mt) {
			return nil, apiErr(codeUnsupportedMedia, "不支持的内容类型 %q；请使用 %s", "unsupported Content-Type %q; send %s", ct, strings.Join(accepted, ", "))
		}
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, mbe
		}
		return nil, apiErr(codeBadRequest, "读取请求体失败", "could not read the request body")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, apiErr(codeBadRequest, "请求体为空：需要 GeoJSON", "the request body is empty: GeoJSON is required")
	}
	if !json.Valid(b) {
		return nil, jsonSyntaxError(b)
	}
	return b, nil
}

// jsonSyntaxError locates the first JSON error as line and column.
func jsonSyntaxError(b []byte) error {
	var v any
	err := json.Unmarshal(b, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset)
		line := 1 + bytes.Count(b[:min(off, len(b))], []byte("\n"))
		col := off - bytes.LastIndexByte(b[:min(off, len(b))], '\n') - 1
		return apiErr(codeBadRequest, "JSON 格式错误（第 %d 行第 %d 列）：%s", "malformed JSON at line %d, column %d: %s", line, col, se.Error())
	}
	return apiErr(codeBadRequest, "JSON 格式错误", "malformed JSON")
}

// contentCRS reads the Content-Crs header of a write (CRS84 when absent).
func contentCRS(r *http.Request) (crsRef, error) {
	return queryCRS(r.Header.Get("Content-Crs"))
}

// decodeFeature turns one received feature into a row; name labels errors.
func decodeFeature(c *collection, raw []byte, ic crsRef, name string, makeValid bool) (any, error) {
	var f inFeature
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, &parcels.Error{Code: codeBadRequest, Feature: name, Message: "not a GeoJSON Feature object", MessageZH: "不是 GeoJSON Feature 对象"}
	}
	if f.Type != "Feature" {
		return nil, &parcels.Error{Code: codeBadRequest, Feature: name,
			Message: fmt.Sprintf("type is %q; a Feature is required", f.Type), MessageZH: fmt.Sprintf("type 为 %q；需要 Feature", f.Type)}
	}
	return decodeParts(c, f.Geometry, f.Properties, ic, name, makeValid)
}

// With makeValid (the request's make_valid=true) self-intersecting geometry
// is repaired by geo.MakeValid instead of refused.
func decodeParts(c *collection, geom json.RawMessage, props map[string]json.RawMessage, ic crsRef, name string, makeValid bool) (any, error) {
	var g orb.MultiPolygon
	if c.writableGeometry {
		var err error
		g, err = decodeGeometry(geom, ic, name)
		if err != nil {
			return nil, withFeature(err, name)
		}
		if g == nil {
			return nil, &parcels.Error{Code: parcels.EINVALID, Feature: name,
				Message: "geometry is missing: a Polygon or MultiPolygon is required", MessageZH: "缺少几何：需要 Polygon 或 MultiPolygon"}
		}
		if makeValid {
			if g, err = geo.MakeValid(g); err != nil {
				return nil, &parcels.Error{Code: parcels.EINVALID, Feature: name,
					Message:   "the geometry could not be made valid: " + err.Error(),
					MessageZH: "无法将该几何修复为有效几何：" + err.Error()}
			}
		}
		// The store checks again; checking here too lets a batch report
		// every bad feature at once, not only the first.
		if g, err = parcels.Normalize(c.Kind, name, g); err != nil {
			return nil, err
		}
	}
	row, err := c.decode(props, g, ic)
	return row, withFeature(err, name)
}

// withFeature names the feature in a domain error that does not yet.
func withFeature(err error, name string) error {
	var pe *parcels.Error
	if name != "" && errors.As(err, &pe) && pe.Feature == "" {
		cp := *pe
		cp.Feature = name
		return &cp
	}
	return err
}

// duplicateOnCreate reports a conflict on create (e.g. a parcel code already
// in use) as 409: there is no version the client could refresh.
func duplicateOnCreate(err error) error {
	var pe *parcels.Error
	if errors.As(err, &pe) && pe.Code == parcels.ECONFLICT {
		cp := *pe
		cp.Code = codeDuplicate
		return &cp
	}
	return err
}

func (s *Server) createItems(w http.ResponseWriter, r *http.Request, c *collection) {
	if err := allow(r, parcels.RoleEditor); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	ic, err := contentCRS(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	oc, err := queryCRS(r.URL.Query().Get("crs"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	body, err := readBody(r, mediaGeoJSON, mediaJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mv, err := makeValidParam(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var env inFeature
	if err := json.Unmarshal(body, &env); err != nil {
		s.writeProblem(w, r, apiErr(codeBadRequest, "请求体应为 GeoJSON Feature 或 FeatureCollection 对象", "the body must be a GeoJSON Feature or FeatureCollection object"))
		return
	}
	actor := principalFrom(r.Context()).actor()
	switch env.Type {
	case "Feature":
		row, err := decodeParts(c, env.Geometry, env.Properties, ic, "", mv)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		stored, err := c.create(r.Context(), s.cfg.Store, row, actor)
		if err != nil {
			s.writeProblem(w, r, duplicateOnCreate(err))
			return
		}
		s.extents.invalidate(c.Name)
		w.Header().Set("Location", fmt.Sprintf("%s/api/collections/%s/items/%d", baseURL(r), c.Name, c.meta(stored).ID))
		s.writeFeature(w, r, c, stored, oc, http.StatusCreated, mediaGeoJSON)
	case "FeatureCollection":
		if c.createMany == nil {
			s.writeProblem(w, r, apiErr(codeBadRequest, "%s 不支持批量创建：请逐个提交 Feature", "%s cannot be created in batches: POST one Feature at a time", c.Name))
			return
		}
		if len(env.Features) == 0 {
			s.writeProblem(w, r, apiErr(codeBadRequest, "FeatureCollection 中没有要素", "the FeatureCollection has no features"))
			return
		}
		rows := make([]any, len(env.Features))
		var probs []error
		for i, raw := range env.Features {
			row, err := decodeFeature(c, raw, ic, "#"+strconv.Itoa(i), mv)
			if err != nil {
				probs = append(probs, err)
				continue
			}
			rows[i] = row
		}
		if len(probs) > 0 {
			s.writeProblem(w, r, batchError(probs))
			return
		}
		stored, err := c.createMany(r.Context(), s.cfg.Store, rows, actor)
		if err != nil {
			s.writeProblem(w, r, duplicateOnCreate(err))
			return
		}
		s.extents.invalidate(c.Name)
		viewer := false // an editor wrote them
		feats := make([]outFeature, len(stored))
		for i, row := range stored {
			feats[i] = s.feature(c, row, oc, viewer)
		}
		w.Header().Set("Content-Crs", "<"+oc.URI()+">")
		writeJSON(w, http.StatusCreated, mediaGeoJSON, map[string]any{
			"type": "FeatureCollection", "features": feats, "numberReturned": len(feats),
		})
	default:
		s.writeProblem(w, r, apiErr(codeBadRequest, "type 为 %q；需要 Feature 或 FeatureCollection", "type is %q; a Feature or FeatureCollection is required", env.Type))
	}
}

// batchError folds the per-feature errors of a batch into one problem with
// every finding in errors[], so the client can fix them all at once. The
// status is the first error's.
func batchError(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	be := &batchErr{}
	for _, e := range errs {
		var pe *parcels.Error
		if !errors.As(e, &pe) {
			return e
		}
		be.items = append(be.items, pe)
	}
	return be
}

// batchErr is several refused features of one batch.
type batchErr struct{ items []*parcels.Error }

func (e *batchErr) Error() string {
	var b strings.Builder
	for i, it := range e.items {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(it.Error())
	}
	return b.String()
}

// ifMatchVersion reads the version the client holds from If-Match: 428
// without it; "*" means the current version.
func (s *Server) ifMatchVersion(r *http.Request, c *collection, id int64) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, apiErr(codePreconditionRequired,
			"修改或删除需要 If-Match 头，值为读取该要素时得到的 ETag（版本号），以免覆盖他人的修改",
			"changing or deleting needs an If-Match header with the ETag (version) you read, so that no one's change is overwritten")
	}
	if h == "*" {
		row, err := c.get(r.Context(), s.cfg.Store, id)
		if err != nil {
			return 0, err
		}
		return c.meta(row).Version, nil
	}
	// RFC 9110 §13.1.1: a list of entity tags, compared strongly (a weak
	// tag never matches).
	var versions []int64
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimSpace(tag)
		if strings.HasPrefix(tag, "W/") {
			continue
		}
		v, err := strconv.ParseInt(strings.Trim(tag, `"`), 10, 64)
		if err != nil || v <= 0 || len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
			return 0, apiErr(codePreconditionFailed, "If-Match %s 不是本服务给出的 ETag；请重新读取该要素", "If-Match %s is not an ETag this service issued; read the feature again", h)
		}
		versions = append(versions, v)
	}
	switch len(versions) {
	case 0:
		return 0, apiErr(codePreconditionFailed, "If-Match %s 只含弱 ETag，修改需要强比较；请使用读取时得到的 ETag（不带 W/）", "If-Match %s holds only weak ETags, and a write needs a strong match; send the ETag you read, without W/", h)
	case 1:
		return versions[0], nil // the store checks it inside the write
	}
	row, err := c.get(r.Context(), s.cfg.Store, id)
	if err != nil {
		return 0, err
	}
	cur := c.meta(row).Version
	for _, v := range versions {
		if v == cur {
			return cur, nil
		}
	}
	return 0, parcels.Conflict(c.Kind, id, versions[0], cur)
}

func (s *Server) replaceItem(w http.ResponseWriter, r *http.Request, c *collection) {
	s.writeItem(w, r, c, false)
}

func (s *Server) patchItem(w http.ResponseWriter, r *http.Request, c *collection) {
	s.writeItem(w, r, c, true)
}

// writeItem is PUT (patch = false) and PATCH.
func (s *Server) writeItem(w http.ResponseWriter, r *http.Request, c *collection, patch bool) {
	if err := allow(r, parcels.RoleEditor); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	id, err := featureID(r, c.Kind)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	ic, err := contentCRS(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	oc, err := queryCRS(r.URL.Query().Get("crs"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	version, err := s.ifMatchVersion(r, c, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	accepted := []string{mediaGeoJSON, mediaJSON}
	if patch {
		accepted = []string{mediaMergePat, mediaJSON, mediaGeoJSON}
	}
	body, err := readBody(r, accepted...)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mv, err := makeValidParam(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var row any
	if patch {
		row, err = s.applyPatch(r, c, id, version, body, ic, mv)
	} else {
		row, err = decodeFeature(c, body, ic, "", mv)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	m := c.meta(row)
	m.ID, m.Version = id, version
	stored, err := c.update(r.Context(), s.cfg.Store, row, principalFrom(r.Context()).actor())
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.extents.invalidate(c.Name)
	s.writeFeature(w, r, c, stored, oc, http.StatusOK, mediaGeoJSON)
}

// applyPatch merges an RFC 7396 patch into the stored feature. The
// properties merge member by member; a geometry in the patch replaces the
// stored one whole (it arrives in Content-Crs), and null cannot remove it.
func (s *Server) applyPatch(r *http.Request, c *collection, id, version int64, body []byte, ic crsRef, mv bool) (any, error) {
	cur, err := c.get(r.Context(), s.cfg.Store, id)
	if err != nil {
		return nil, err
	}
	if cv := c.meta(cur).Version; cv != version {
		return nil, parcels.Conflict(c.Kind, id, version, cv)
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, apiErr(codeBadRequest, "合并补丁应为 JSON 对象，如 {\"properties\": {\"status\": \"idle\"}}", "a merge patch must be a JSON object, e.g. {\"properties\": {\"status\": \"idle\"}}")
	}
	// A patch of a Feature has only these members; anything else is most
	// likely a property put at the top level by mistake, which would
	// otherwise be ignored while the row still got a new version.
	for k := range p {
		switch k {
		case "properties", "geometry", "type", "id":
		default:
			return nil, apiErr(codeBadRequest,
				"合并补丁中不认识的成员 %[1]q：要修改属性，请写在 \"properties\" 中，如 {\"properties\": {%[1]q: …}}",
				"unknown member %[1]q in the merge patch: properties go inside \"properties\", e.g. {\"properties\": {%[1]q: …}}", k)
		}
	}
	// The stored properties as the editor sees them, in the patch's CRS (for zone pieces).
	curProps, err := json.Marshal(c.properties(cur, ic, false))
	if err != nil {
		return nil, err
	}
	var target any
	_ = json.Unmarshal(curProps, &target)
	if pp, ok := p["properties"]; ok {
		var pv any
		if err := json.Unmarshal(pp, &pv); err != nil {
			return nil, jsonSyntaxError(pp)
		}
		if _, isObj := pv.(map[string]any); !isObj && pv != nil {
			return nil, apiErr(codeBadRequest, "补丁中的 properties 应为对象", "properties in the patch must be an object")
		}
		target = mergePatch(target, pv)
	}
	merged, _ := json.Marshal(target)
	var props map[string]json.RawMessage
	_ = json.Unmarshal(merged, &props)
	geom, hasGeom := p["geometry"]
	if !c.writableGeometry || !hasGeom {
		// Keep the stored geometry exactly (no round trip through a CRS).
		g := c.geometry(cur)
		row, err := c.decode(props, nil, ic)
		if err != nil {
			return nil, err
		}
		setGeometry(row, g)
		return row, nil
	}
	if string(bytes.TrimSpace(geom)) == "null" {
		return nil, &parcels.Error{Code: parcels.EINVALID, Message: "the geometry cannot be removed", MessageZH: "不能删除几何"}
	}
	return decodeParts(c, geom, props, ic, "", mv)
}

func setGeometry(row any, g orb.MultiPolygon) {
	switch x := row.(type) {
	case *parcels.Parcel:
		x.Geometry = g
	case *parcels.Building:
		x.Geometry = g
	case *parcels.Zone:
		x.Geometry = g
	}
}

// mergePatch applies an RFC 7396 merge patch to a decoded JSON value.
func mergePatch(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
		} else {
			tm[k] = mergePatch(tm[k], v)
		}
	}
	return tm
}

func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request, c *collection) {
	if err := allow(r, parcels.RoleEditor); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	id, err := featureID(r, c.Kind)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	version, err := s.ifMatchVersion(r, c, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if err := c.del(r.Context(), s.cfg.Store, id, version, principalFrom(r.Context()).actor()); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.extents.invalidate(c.Name)
	w.WriteHeader(http.StatusNoContent)
}

// makeValidParam reads make_valid: true asks for self-intersecting
// geometry to be repaired (the explicit choice the 422 message offers);
// without it, invalid geometry is refused.
func makeValidParam(r *http.Request) (bool, error) {
	switch v := r.URL.Query().Get("make_valid"); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, apiErr(codeBadRequest, "make_valid 应为 true 或 false，而不是 %q", "make_valid must be true or false, not %q", v)
	}
}
