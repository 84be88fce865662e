package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"landplan/parcels"
	"landplan/planning"
)

// The analysis endpoints: thin adapters that gather domain values (from the
// request or the store) and hand them to the planning engine. The JSON
// answer is the planning report verbatim; ?format=text or Accept:
// text/plain gives its readable text in the Accept-Language.

// analyzer holds the planning profile the analysis endpoints apply.
type analyzer struct {
	profile *planning.Profile
}

func newAnalyzer(cfg Config) (analyzer, error) {
	p, err := planning.LoadProfile(cfg.Profile)
	if err != nil {
		return analyzer{}, fmt.Errorf("api.New: %w", err)
	}
	if p.GeoZone() != cfg.Zone {
		cfg.Logger.Warn("the planning profile's zone differs from the configured zone; analysis uses the profile's",
			"profile", p.Name, "profile_zone", p.GeoZone().String(), "zone", cfg.Zone.String())
	}
	return analyzer{profile: p}, nil
}

func (s *Server) analysisRoutes(r chi.Router) {
	r.Post("/api/analysis/indicators", s.analysisIndicators)
	r.Post("/api/analysis/leftover", s.analysisLeftover)
	r.Post("/api/analysis/compliance", s.analysisCompliance)
	r.Get("/api/zones/{zoneId}/report", s.zoneReport)
}

// texter is a report with a readable form.
type texter interface{ Text(lang string) string }

// reportFormat picks JSON or text for a report: ?format= wins over Accept.
func reportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "text":
		return mediaText, nil
	case "json":
		return mediaJSON, nil
	case "":
	default:
		return "", apiErr(codeNotAcceptable, "format 应为 json 或 text，而不是 %q", "format must be json or text, not %q", f)
	}
	return negotiate(r, mediaJSON, mediaText)
}

func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, mt string, rep texter) {
	w.Header().Add("Vary", "Accept, Accept-Language")
	if mt == mediaText {
		l := lang(r)
		w.Header().Set("Content-Type", mediaText)
		w.Header().Set("Content-Language", map[string]string{"zh": "zh-CN", "en": "en"}[l])
		_, _ = io.WriteString(w, rep.Text(l))
		return
	}
	writeJSON(w, http.StatusOK, mediaJSON, rep)
}

// analysisStart does what every analysis request needs first: the planner
// role, the output format, the body and the CRS of its coordinates.
func (s *Server) analysisStart(w http.ResponseWriter, r *http.Request, dst any) (mt string, ic crsRef, ok bool) {
	if err := allow(r, parcels.RolePlanner); err != nil {
		s.writeProblem(w, r, err)
		return "", ic, false
	}
	mt, err := reportFormat(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return "", ic, false
	}
	if ic, err = contentCRS(r); err != nil {
		s.writeProblem(w, r, err)
		return "", ic, false
	}
	body, err := readBody(r, mediaJSON, mediaGeoJSON)
	if err != nil {
		s.writeProblem(w, r, err)
		return "", ic, false
	}
	if err := json.Unmarshal(body, dst); err != nil {
		s.writeProblem(w, r, jsonFieldError(err))
		return "", ic, false
	}
	return mt, ic, true
}

// jsonFieldError reports a well-formed body with a field of the wrong type.
func jsonFieldError(err error) error {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return propErr(te.Field, jsonTypeName(te.Type.Kind().String()), jsonTypeNameZH(te.Type.Kind().String()))
	}
	return &parcels.Error{Code: codeBadRequest, Message: "the request body does not have the expected shape: " + err.Error(),
		MessageZH: "请求体结构不符：" + err.Error()}
}

// featureCollection is a GeoJSON FeatureCollection as received.
type featureCollection struct {
	Type     string            `json:"type"`
	Features []json.RawMessage `json:"features"`
}

// siteFeature reads the "site" of an analysis: a Feature, or a bare geometry.
func siteFeature(raw json.RawMessage, ic crsRef) (orb.MultiPolygon, error) {
	var f inFeature
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, propErr("site", "a GeoJSON Feature", "GeoJSON Feature")
	}
	geom := raw
	if f.Type == "Feature" {
		geom = f.Geometry
	}
	g, err := decodeGeometry(geom, ic, "site")
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: "site", Message: "the site has no geometry", MessageZH: "场地缺少几何"}
	}
	return parcels.Normalize(parcels.KindParcel, "site", g)
}

// decodeAll decodes a FeatureCollection of ad-hoc rows of collection c for
// an analysis. decodeFeature already normalizes each geometry (a bad
// drawing is a 422 naming ring and vertex, as on save); every bad feature
// is reported, named what#i. each receives the i-th row and its raw feature.
func decodeAll(c *collection, raw json.RawMessage, ic crsRef, what string, each func(i int, row any, f json.RawMessage)) error {
	var fc featureCollection
	if err := json.Unmarshal(raw, &fc); err != nil || fc.Type != "FeatureCollection" {
		return propErr(what, "a GeoJSON FeatureCollection", "GeoJSON FeatureCollection")
	}
	var errs []error
	for i, f := range fc.Features {
		row, err := decodeFeature(c, f, ic, fmt.Sprintf("%s#%d", what, i), false)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		each(i, row, f)
	}
	if len(errs) > 0 {
		return batchError(errs)
	}
	return nil
}

// buildingsFrom decodes a FeatureCollection of buildings (floors, use, height, …).
func (s *Server) buildingsFrom(raw json.RawMessage, ic crsRef, what string) ([]*parcels.Building, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var out []*parcels.Building
	err := decodeAll(s.byName["buildings"], raw, ic, what, func(i int, row any, _ json.RawMessage) {
		b := row.(*parcels.Building)
		b.ID = int64(i + 1)
		out = append(out, b)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parcelsFrom decodes a FeatureCollection of ad-hoc parcels (members of a
// drawn zone). Their ids are the features' numeric ids, else 1, 2, ….
func (s *Server) parcelsFrom(raw json.RawMessage, ic crsRef, what string) ([]*parcels.Parcel, error) {
	var out []*parcels.Parcel
	err := decodeAll(s.byName["parcels"], raw, ic, what, func(i int, row any, f json.RawMessage) {
		p := row.(*parcels.Parcel)
		p.ID = int64(i + 1)
		var idf struct {
			ID any `json:"id"`
		}
		_ = json.Unmarshal(f, &idf)
		switch v := idf.ID.(type) {
		case float64:
			if v > 0 && v == float64(int64(v)) {
				p.ID = int64(v)
			}
		case string:
			if n, perr := strconv.ParseInt(v, 10, 64); perr == nil && n > 0 {
				p.ID = n
			}
		}
		out = append(out, p)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// storedParcels loads parcels by id; a missing one is a 422 naming it (the
// request is well-formed, its content is wrong).
func (s *Server) storedParcels(ctx context.Context, ids []int64, what string) ([]*parcels.Parcel, error) {
	out := make([]*parcels.Parcel, 0, len(ids))
	for _, id := range ids {
		p, err := s.cfg.Store.GetParcel(ctx, id)
		if parcels.ErrorCode(err) == parcels.ENOTFOUND {
			return nil, &parcels.Error{Code: parcels.EINVALID, Feature: what,
				Message: fmt.Sprintf("parcel %d does not exist or was deleted", id), MessageZH: fmt.Sprintf("宗地 %d 不存在或已删除", id)}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// neighbours are the stored parcels near a zone that are not its members:
// gap detection leaves out land they already hold. "Near" is the members'
// bounds widened by a quarter of their size each way (hull pockets lie
// within the members' bounds; the margin catches parcels that reach into
// them from outside).
func (s *Server) neighbours(ctx context.Context, members []*parcels.Parcel, stored bool) ([]*parcels.Parcel, error) {
	var b orb.Bound
	codes := map[string]bool{}
	ids := map[int64]bool{}
	for i, m := range members {
		if i == 0 {
			b = m.Geometry.Bound()
		} else {
			b = b.Union(m.Geometry.Bound())
		}
		if m.Code != "" {
			codes[m.Code] = true
		}
		ids[m.ID] = true
	}
	dx, dy := (b.Max[0]-b.Min[0])/4, (b.Max[1]-b.Min[1])/4
	b = orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
	var out []*parcels.Parcel
	q := parcels.Query{BBox: &b, Limit: parcels.MaxLimit}
	for {
		page, err := s.cfg.Store.ListParcels(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Items {
			// Drawn members that are stored parcels (same code) are not neighbours.
			if (stored && ids[p.ID]) || (!stored && p.Code != "" && codes[p.Code]) {
				continue
			}
			out = append(out, p)
		}
		if page.NextAfter == 0 {
			return out, nil
		}
		q.After = page.NextAfter
	}
}

// indicatorsRequest: a stored parcel, or a drawn site with its footprints.
type indicatorsRequest struct {
	ParcelID  int64             `json:"parcel_id"`
	Site      json.RawMessage   `json:"site"`
	Buildings json.RawMessage   `json:"buildings"`
	ParkType  planning.ParkType `json:"park_type"`
	Declared  planning.Declared `json:"declared"`
}

func (s *Server) analysisIndicators(w http.ResponseWriter, r *http.Request) {
	var req indicatorsRequest
	mt, ic, ok := s.analysisStart(w, r, &req)
	if !ok {
		return
	}
	in := planning.SiteInput{ParkType: req.ParkType, Declared: req.Declared}
	switch {
	case req.ParcelID != 0 && len(req.Site) > 0:
		s.writeProblem(w, r, apiErr(codeBadRequest, "parcel_id 与 site 只能给出其一", "give parcel_id or site, not both"))
		return
	case req.ParcelID != 0:
		p, err := s.cfg.Store.GetParcel(r.Context(), req.ParcelID)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		in.Site = p.Geometry
		if len(req.Buildings) > 0 && string(req.Buildings) != "null" {
			in.Buildings, err = s.buildingsFrom(req.Buildings, ic, "buildings")
		} else {
			in.Buildings, err = s.cfg.Store.BuildingsOnParcel(r.Context(), p.ID)
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
	case len(req.Site) > 0:
		var err error
		if in.Site, err = siteFeature(req.Site, ic); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		if in.Buildings, err = s.buildingsFrom(req.Buildings, ic, "buildings"); err != nil {
			s.writeProblem(w, r, err)
			return
		}
	default:
		s.writeProblem(w, r, apiErr(codeBadRequest, "需要 parcel_id（已登记宗地）或 site（绘制的场地 Feature）",
			"give parcel_id (a registered parcel) or site (a drawn site Feature)"))
		return
	}
	rep, err := planning.Indicators(s.ana.profile, in)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.writeReport(w, r, mt, rep)
}

// leftoverRequest: members by id (parcels) or drawn (members), pieces, detect.
type leftoverRequest struct {
	Parcels []int64         `json:"parcels"`
	Members json.RawMessage `json:"members"`
	Pieces  json.RawMessage `json:"pieces"`
	Detect  bool            `json:"detect"`
}

func (s *Server) analysisLeftover(w http.ResponseWriter, r *http.Request) {
	var req leftoverRequest
	mt, ic, ok := s.analysisStart(w, r, &req)
	if !ok {
		return
	}
	var in planning.LeftoverInput
	var err error
	stored := len(req.Parcels) > 0
	switch {
	case stored && len(req.Members) > 0:
		err = apiErr(codeBadRequest, "parcels 与 members 只能给出其一", "give parcels (ids) or members (features), not both")
	case stored:
		in.Members, err = s.storedParcels(r.Context(), req.Parcels, "parcels")
	case len(req.Members) > 0:
		in.Members, err = s.parcelsFrom(req.Members, ic, "members")
	default:
		err = apiErr(codeBadRequest, "需要成员宗地：parcels（编号数组）或 members（FeatureCollection）",
			"give the members: parcels (an array of ids) or members (a FeatureCollection)")
	}
	if err == nil && len(req.Pieces) > 0 && string(req.Pieces) != "null" {
		in.Pieces, err = decodePieces(req.Pieces, ic)
		for i := range in.Pieces {
			if err != nil {
				break
			}
			in.Pieces[i].Geometry, err = parcels.Normalize(parcels.KindZone, fmt.Sprintf("pieces#%d", i), in.Pieces[i].Geometry)
		}
	}
	if err == nil {
		in.Detect = req.Detect
		if in.Detect && len(in.Members) > 0 {
			in.Others, err = s.neighbours(r.Context(), in.Members, stored)
		}
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	rep, err := planning.Leftover(s.ana.profile, in)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.writeReport(w, r, mt, rep)
}

// complianceRequest: the park as planning.ParkInput's JSON, plus its site
// (a drawn Feature or stored parcel ids) and buildings (drawn, or the
// stored buildings on the site parcels).
type complianceRequest struct {
	planning.ParkInput
	Site      json.RawMessage `json:"site"`
	Parcels   []int64         `json:"parcels"`
	Buildings json.RawMessage `json:"buildings"`
}

func (s *Server) analysisCompliance(w http.ResponseWriter, r *http.Request) {
	var req complianceRequest
	mt, ic, ok := s.analysisStart(w, r, &req)
	if !ok {
		return
	}
	in := req.ParkInput
	var err error
	drawnBuildings := len(req.Buildings) > 0 && string(req.Buildings) != "null"
	switch {
	case len(req.Site) > 0 && len(req.Parcels) > 0:
		err = apiErr(codeBadRequest, "site 与 parcels 只能给出其一", "give site or parcels, not both")
	case len(req.Parcels) > 0:
		in.SiteParcels, err = s.storedParcels(r.Context(), req.Parcels, "parcels")
		if err == nil && !drawnBuildings {
			for _, p := range in.SiteParcels {
				bs, berr := s.cfg.Store.BuildingsOnParcel(r.Context(), p.ID)
				if berr != nil {
					err = berr
					break
				}
				in.Buildings = append(in.Buildings, bs...)
			}
		}
	case len(req.Site) > 0:
		in.Site, err = siteFeature(req.Site, ic)
	default:
		err = apiErr(codeBadRequest, "需要园区场地：site（绘制的 Feature）或 parcels（宗地编号数组）",
			"give the park's site: site (a drawn Feature) or parcels (an array of parcel ids)")
	}
	if err == nil && drawnBuildings {
		in.Buildings, err = s.buildingsFrom(req.Buildings, ic, "buildings")
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	rep, err := planning.Compliance(s.ana.profile, in)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.writeReport(w, r, mt, rep)
}

// zoneReport is the clause 17 report of a saved zone: its members from the
// store, its saved pieces, and ?detect=true to look for more.
func (s *Server) zoneReport(w http.ResponseWriter, r *http.Request) {
	if err := allow(r, parcels.RolePlanner); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	mt, err := reportFormat(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	raw := chi.URLParam(r, "zoneId")
	id, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil || id <= 0 {
		s.writeProblem(w, r, &parcels.Error{Code: parcels.ENOTFOUND,
			Message: fmt.Sprintf("zone %q not found: ids are positive integers", raw), MessageZH: fmt.Sprintf("改造片区 %q 不存在：编号应为正整数", raw)})
		return
	}
	detect := false
	switch v := r.URL.Query().Get("detect"); v {
	case "", "false", "0":
	case "true", "1":
		detect = true
	default:
		s.writeProblem(w, r, apiErr(codeBadRequest, "detect 应为 true 或 false，而不是 %q", "detect must be true or false, not %q", v))
		return
	}
	z, err := s.cfg.Store.GetZone(r.Context(), id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	in := planning.LeftoverInput{Pieces: z.Pieces, Detect: detect}
	if in.Members, err = s.storedParcels(r.Context(), z.Members, fmt.Sprintf("zone %d", id)); err == nil && detect {
		in.Others, err = s.neighbours(r.Context(), in.Members, true)
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	rep, err := planning.Leftover(s.ana.profile, in)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.writeReport(w, r, mt, rep)
}
