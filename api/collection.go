package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"landplan/parcels"
)

// collection binds one OGC collection to its kind of row. Rows travel as
// `any` (*parcels.Parcel, *parcels.Building, *parcels.Zone) between the
// generic handlers and these per-kind functions.
type collection struct {
	Name             string
	Kind             parcels.Kind
	Title, TitleZH   string
	Description      string
	DescriptionZH    string
	list             func(context.Context, parcels.Store, parcels.Query) (rows []any, p pageInfo, err error)
	get              func(context.Context, parcels.Store, int64) (any, error)
	create           func(context.Context, parcels.Store, any, string) (any, error)
	createMany       func(context.Context, parcels.Store, []any, string) ([]any, error) // nil: no batch
	update           func(context.Context, parcels.Store, any, string) (any, error)
	del              func(context.Context, parcels.Store, int64, int64, string) error
	meta             func(any) *parcels.Meta
	geometry         func(any) orb.MultiPolygon
	properties       func(any, crsRef, bool) map[string]any // row, output CRS, viewer
	decode           func(props map[string]json.RawMessage, g orb.MultiPolygon, crs crsRef) (any, error)
	writableGeometry bool // false for zones: their geometry is derived
}

type pageInfo struct {
	matched, next, prev int64
}

func listOf[T any](p parcels.Page[T], err error) ([]any, pageInfo, error) {
	if err != nil {
		return nil, pageInfo{}, err
	}
	rows := make([]any, len(p.Items))
	for i, x := range p.Items {
		rows[i] = x
	}
	return rows, pageInfo{matched: p.NumberMatched, next: p.NextAfter, prev: p.PrevBefore}, nil
}

func anySlice[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func typedSlice[T any](xs []any) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = x.(T)
	}
	return out
}

// Personal fields: hidden from viewers (the owner is a person or a company's
// registered name; updated_by names staff). Free attributes with these keys
// are hidden too.
var personalAttrKeys = []string{"owner", "contact", "phone", "tel", "mobile", "email", "id_card", "id_number",
	"legal_person", "legal_representative", "person", "name_of_owner", "company", "enterprise", "tenant",
	"权利人", "使用权人", "土地使用者", "使用者", "所有者", "单位", "企业", "公司", "承租", "联系人", "电话", "手机", "身份证", "法人", "法定代表人", "住址", "地址"}

func isPersonalKey(k string) bool {
	lk := strings.ToLower(k)
	for _, p := range personalAttrKeys {
		if strings.Contains(lk, p) {
			return true
		}
	}
	return false
}

// personalProps are the queryables a viewer may neither see nor filter on.
var personalProps = map[string]bool{"owner": true, "updated_by": true}

func attrsFor(a map[string]any, viewer bool) map[string]any {
	if len(a) == 0 {
		return nil
	}
	if !viewer {
		return a
	}
	out := map[string]any{}
	for k, v := range a {
		if !isPersonalKey(k) {
			out[k] = v
		}
	}
	return out
}

func dateValue(d parcels.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func metaProps(m *parcels.Meta, viewer bool, out map[string]any) {
	out["version"] = m.Version
	out["created_at"] = m.CreatedAt.UTC().Format(time.RFC3339)
	out["updated_at"] = m.UpdatedAt.UTC().Format(time.RFC3339)
	if !viewer {
		out["updated_by"] = m.UpdatedBy
	}
}

func collections() []*collection {
	parcelsC := &collection{
		Name: "parcels", Kind: parcels.KindParcel, Title: "Land parcels", TitleZH: "宗地",
		Description:      "Land parcels (宗地) with their registered fields and computed areas, building density and plot ratio.",
		DescriptionZH:    "宗地及其登记信息，附计算的面积、建筑密度与容积率。",
		writableGeometry: true,
		list: func(ctx context.Context, st parcels.Store, q parcels.Query) ([]any, pageInfo, error) {
			return listOf(st.ListParcels(ctx, q))
		},
		get: func(ctx context.Context, st parcels.Store, id int64) (any, error) { return st.GetParcel(ctx, id) },
		create: func(ctx context.Context, st parcels.Store, row any, actor string) (any, error) {
			return st.CreateParcel(ctx, row.(*parcels.Parcel), actor)
		},
		createMany: func(ctx context.Context, st parcels.Store, rows []any, actor string) ([]any, error) {
			out, err := st.CreateParcels(ctx, typedSlice[*parcels.Parcel](rows), actor)
			return anySlice(out), err
		},
		update: func(ctx context.Context, st parcels.Store, row any, actor string) (any, error) {
			return st.UpdateParcel(ctx, row.(*parcels.Parcel), actor)
		},
		del: func(ctx context.Context, st parcels.Store, id, v int64, actor string) error {
			return st.DeleteParcel(ctx, id, v, actor)
		},
		meta:     func(row any) *parcels.Meta { return &row.(*parcels.Parcel).Meta },
		geometry: func(row any) orb.MultiPolygon { return row.(*parcels.Parcel).Geometry },
		properties: func(row any, _ crsRef, viewer bool) map[string]any {
			p := row.(*parcels.Parcel)
			m := map[string]any{
				"code": p.Code, "name": p.Name, "land_use": p.LandUse, "land_source": string(p.LandSource),
				"lease_start": dateValue(p.LeaseStart), "lease_end": dateValue(p.LeaseEnd),
				"registered_area_m2": p.RegisteredAreaM2, "status": string(p.Status), "town": p.Town,
				"area_m2": p.AreaM2, "area_mu": p.AreaMu, "ellipsoidal_area_m2": p.EllipsoidalAreaM2,
				"footprint_area_m2": p.FootprintAreaM2, "floor_area_m2": p.FloorAreaM2,
				"building_density": p.BuildingDensity, "plot_ratio": p.PlotRatio, "building_count": p.BuildingCount,
			}
			if !viewer {
				m["owner"] = p.Owner
			}
			if a := attrsFor(p.Attrs, viewer); a != nil {
				m["attrs"] = a
			}
			metaProps(&p.Meta, viewer, m)
			return m
		},
		decode: func(props map[string]json.RawMessage, g orb.MultiPolygon, _ crsRef) (any, error) {
			p := &parcels.Parcel{}
			attrs, err := decodeProps(props, p, parcelReadOnly)
			if err != nil {
				return nil, err
			}
			p.Attrs, p.Geometry = attrs, g
			p.ParcelDerived = parcels.ParcelDerived{}
			p.Meta = parcels.Meta{}
			if p.Status == "" {
				p.Status = parcels.StatusInUse
			}
			return p, checkParcel(p)
		},
	}
	buildingsC := &collection{
		Name: "buildings", Kind: parcels.KindBuilding, Title: "Buildings", TitleZH: "建筑",
		Description:      "Building footprints with floors and use; parcel_id is the parcel each stands on (computed).",
		DescriptionZH:    "建筑轮廓，含层数与用途；parcel_id 为其所在宗地（计算得出）。",
		writableGeometry: true,
		list: func(ctx context.Context, st parcels.Store, q parcels.Query) ([]any, pageInfo, error) {
			return listOf(st.ListBuildings(ctx, q))
		},
		get: func(ctx context.Context, st parcels.Store, id int64) (any, error) { return st.GetBuilding(ctx, id) },
		create: func(ctx context.Context, st parcels.Store, row any, actor string) (any, error) {
			return st.CreateBuilding(ctx, row.(*parcels.Building), actor)
		},
		createMany: func(ctx context.Context, st parcels.Store, rows []any, actor string) ([]any, error) {
			out, err := st.CreateBuildings(ctx, typedSlice[*parcels.Building](rows), actor)
			return anySlice(out), err
		},
		update: func(ctx context.Context, st parcels.Store, row any, actor string) (any, error) {
			return st.UpdateBuilding(ctx, row.(*parcels.Building), actor)
		},
		del: func(ctx context.Context, st parcels.Store, id, v int64, actor string) error {
			return st.DeleteBuilding(ctx, id, v, actor)
		},
		meta:     func(row any) *parcels.Meta { return &row.(*parcels.Building).Meta },
		geometry: func(row any) orb.MultiPolygon { return row.(*parcels.Building).Geometry },
		properties: func(row any, _ crsRef, viewer bool) map[string]any {
			b := row.(*parcels.Building)
			m := map[string]any{
				"parcel_id": b.ParcelID, "name": b.Name, "use": string(b.Use), "floors": b.Floors,
				"height_m": b.HeightM, "declared_floor_area_m2": b.DeclaredFloorAreaM2,
				"footprint_area_m2": b.FootprintAreaM2, "floor_area_m2": b.FloorAreaM2,
			}
			if b.ParcelID == 0 {
				m["parcel_id"] = nil
			}
			if a := attrsFor(b.Attrs, viewer); a != nil {
				m["attrs"] = a
			}
			metaProps(&b.Meta, viewer, m)
			return m
		},
		decode: func(props map[string]json.RawMessage, g orb.MultiPolygon, _ crsRef) (any, error) {
			b := &parcels.Building{}
			attrs, err := decodeProps(props, b, buildingReadOnly)
			if err != nil {
				return nil, err
			}
			b.Attrs, b.Geometry = attrs, g
			b.BuildingDerived = parcels.BuildingDerived{}
			b.Meta, b.ParcelID = parcels.Meta{}, 0
			if b.Use == "" {
				b.Use = parcels.UseOther
			}
			return b, checkBuilding(b)
		},
	}
	zonesC := &collection{
		Name: "zones", Kind: parcels.KindZone, Title: "Redevelopment zones", TitleZH: "联合改造片区",
		Description:   "Merged redevelopment zones: member parcel ids and leftover pieces; the geometry is the union of both (computed).",
		DescriptionZH: "联合改造片区：成员宗地编号与边角地、夹心地；几何为二者的并集（计算得出）。",
		list: func(ctx context.Context, st parcels.Store, q parcels.Query) ([]any, pageInfo, error) {
			return listOf(st.ListZones(ctx, q))
		},
		get: func(ctx context.Context, st parcels.Store, id int64) (any, error) { return st.GetZone(ctx, id) },
		create: func(ctx context.Context, st parcels.Store, row any, actor string) (any, error) {
			return st.CreateZone(ctx, row.(*parcels.Zone), actor)
		},
		update: func(ctx context.Context, st parcels.Store, row any, actor string) (any, error) {
			return st.UpdateZone(ctx, row.(*parcels.Zone), actor)
		},
		del: func(ctx context.Context, st parcels.Store, id, v int64, actor string) error {
			return st.DeleteZone(ctx, id, v, actor)
		},
		meta:     func(row any) *parcels.Meta { return &row.(*parcels.Zone).Meta },
		geometry: func(row any) orb.MultiPolygon { return row.(*parcels.Zone).Geometry },
		properties: func(row any, c crsRef, viewer bool) map[string]any {
			z := row.(*parcels.Zone)
			members := z.Members
			if members == nil {
				members = []int64{}
			}
			pieces := make([]map[string]any, len(z.Pieces))
			for i, pc := range z.Pieces {
				pieces[i] = map[string]any{
					"id": pc.ID, "name": pc.Name, "area_m2": pc.AreaM2, "area_mu": pc.AreaMu, "detected": pc.Detected,
					"geometry": geometryJSON(pc.Geometry, c),
				}
			}
			m := map[string]any{
				"name": z.Name, "status": string(z.Status), "note": z.Note, "members": members, "pieces": pieces,
				"area_m2": z.AreaM2, "members_area_m2": z.MembersAreaM2, "pieces_area_m2": z.PiecesAreaM2,
			}
			if a := attrsFor(z.Attrs, viewer); a != nil {
				m["attrs"] = a
			}
			metaProps(&z.Meta, viewer, m)
			return m
		},
		decode: decodeZone,
	}
	return []*collection{parcelsC, buildingsC, zonesC}
}

// Read-only properties: computed or managed by the store. They are ignored
// on input, so a client may send back a feature it read.
var (
	metaReadOnly     = []string{"id", "version", "created_at", "updated_at", "updated_by"}
	parcelReadOnly   = append([]string{"area_m2", "area_mu", "ellipsoidal_area_m2", "footprint_area_m2", "floor_area_m2", "building_density", "plot_ratio", "building_count"}, metaReadOnly...)
	buildingReadOnly = append([]string{"parcel_id", "footprint_area_m2", "floor_area_m2"}, metaReadOnly...)
	zoneReadOnly     = append([]string{"area_m2", "members_area_m2", "pieces_area_m2"}, metaReadOnly...)
)

// jsonFieldNames are the JSON names of a struct's fields (embedded structs included).
func jsonFieldNames(v any) map[string]bool {
	b, _ := json.Marshal(v)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	out := map[string]bool{"attrs": true}
	for k := range m {
		out[k] = true
	}
	return out
}

var (
	parcelFields   = jsonFieldNames(&parcels.Parcel{})
	buildingFields = jsonFieldNames(&parcels.Building{})
)

// decodeProps fills dst from the known properties (read-only ones dropped)
// and returns the unknown ones as free attributes, merged over an explicit
// "attrs" object. A property of the wrong type is an EINVALID naming it.
func decodeProps(props map[string]json.RawMessage, dst any, readOnly []string) (map[string]any, error) {
	known := parcelFields
	if _, ok := dst.(*parcels.Building); ok {
		known = buildingFields
	}
	in := map[string]json.RawMessage{}
	attrs := map[string]any{}
	for k, v := range props {
		switch {
		case contains(readOnly, k):
		case k == "attrs":
			if string(v) == "null" {
				continue
			}
			var a map[string]any
			if err := json.Unmarshal(v, &a); err != nil {
				return nil, propErr("attrs", "an object", "对象")
			}
			for ak, av := range a {
				if _, dup := attrs[ak]; !dup {
					attrs[ak] = av
				}
			}
		case known[k]:
			if string(v) != "null" { // null = unset, as on output
				in[k] = v
			}
		default:
			var av any
			_ = json.Unmarshal(v, &av)
			attrs[k] = av
		}
	}
	b, _ := json.Marshal(in)
	if err := json.Unmarshal(b, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, propErr(te.Field, jsonTypeName(te.Type.Kind().String()), jsonTypeNameZH(te.Type.Kind().String()))
		}
		// parcels.Date reports its own message ("date … is not YYYY-MM-DD").
		return nil, &parcels.Error{Code: parcels.EINVALID, Message: err.Error(), MessageZH: "属性值无效：" + err.Error()}
	}
	if len(attrs) == 0 {
		attrs = nil
	}
	return attrs, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "an integer"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "slice":
		return "an array"
	}
	return "a " + kind
}

func jsonTypeNameZH(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "整数"
	case strings.HasPrefix(kind, "float"):
		return "数字"
	case kind == "string":
		return "文本"
	case kind == "slice":
		return "数组"
	}
	return kind
}

func propErr(prop, want, wantZH string) *parcels.Error {
	return &parcels.Error{Code: parcels.EINVALID,
		Message:   fmt.Sprintf("property %q must be %s", prop, want),
		MessageZH: fmt.Sprintf("属性 %q 应为%s", prop, wantZH)}
}

func enumErr(prop, v string, allowed []string) *parcels.Error {
	return &parcels.Error{Code: parcels.EINVALID,
		Message:   fmt.Sprintf("property %q is %q; allowed: %s", prop, v, strings.Join(allowed, ", ")),
		MessageZH: fmt.Sprintf("属性 %q 的值 %q 无效；可选：%s", prop, v, strings.Join(allowed, "、"))}
}

func checkParcel(p *parcels.Parcel) error {
	switch p.LandSource {
	case "", parcels.SourceTransferred, parcels.SourceAllocated, parcels.SourceCollective:
	default:
		return enumErr("land_source", string(p.LandSource), []string{"transferred", "allocated", "collective"})
	}
	switch p.Status {
	case parcels.StatusInUse, parcels.StatusInefficient, parcels.StatusRedeveloping, parcels.StatusIdle:
	default:
		return enumErr("status", string(p.Status), []string{"in_use", "inefficient", "redeveloping", "idle"})
	}
	if p.RegisteredAreaM2 < 0 {
		return &parcels.Error{Code: parcels.EINVALID, Message: "registered_area_m2 must not be negative", MessageZH: "registered_area_m2 不能为负"}
	}
	if !p.LeaseStart.IsZero() && !p.LeaseEnd.IsZero() && p.LeaseEnd.Before(p.LeaseStart.Time) {
		return &parcels.Error{Code: parcels.EINVALID,
			Message:   fmt.Sprintf("lease_end %s is before lease_start %s", p.LeaseEnd, p.LeaseStart),
			MessageZH: fmt.Sprintf("出让终止日期 %s 早于起始日期 %s", p.LeaseEnd, p.LeaseStart)}
	}
	return nil
}

var buildingUses = []string{"production", "office", "dormitory", "canteen", "service", "other"}

func checkBuilding(b *parcels.Building) error {
	if !contains(buildingUses, string(b.Use)) {
		return enumErr("use", string(b.Use), buildingUses)
	}
	if b.Floors < 0 || b.HeightM < 0 || b.DeclaredFloorAreaM2 < 0 {
		return &parcels.Error{Code: parcels.EINVALID, Message: "floors, height_m and declared_floor_area_m2 must not be negative", MessageZH: "层数、高度与申报建筑面积不能为负"}
	}
	return nil
}

var zoneStatuses = []string{"draft", "submitted", "approved", "rejected"}

// decodeZone reads a zone feature: its geometry is derived (ignored on
// input); members are parcel ids; pieces are objects {id, name, geometry}
// or GeoJSON Features with those in properties.
func decodeZone(props map[string]json.RawMessage, _ orb.MultiPolygon, c crsRef) (any, error) {
	z := &parcels.Zone{Status: parcels.ZoneDraft}
	attrs := map[string]any{}
	for k, v := range props {
		if string(v) == "null" || contains(zoneReadOnly, k) {
			continue
		}
		var err error
		switch k {
		case "name":
			err = unmarshalProp(v, &z.Name, "name", "a string", "文本")
		case "note":
			err = unmarshalProp(v, &z.Note, "note", "a string", "文本")
		case "status":
			err = unmarshalProp(v, &z.Status, "status", "a string", "文本")
		case "members":
			err = unmarshalProp(v, &z.Members, "members", "an array of parcel ids", "宗地编号数组")
		case "pieces":
			z.Pieces, err = decodePieces(v, c)
		case "attrs":
			var a map[string]any
			if json.Unmarshal(v, &a) != nil {
				return nil, propErr("attrs", "an object", "对象")
			}
			for ak, av := range a {
				attrs[ak] = av
			}
		default:
			var av any
			_ = json.Unmarshal(v, &av)
			attrs[k] = av
		}
		if err != nil {
			return nil, err
		}
	}
	if len(attrs) > 0 {
		z.Attrs = attrs
	}
	if !contains(zoneStatuses, string(z.Status)) {
		return nil, enumErr("status", string(z.Status), zoneStatuses)
	}
	return z, nil
}

func unmarshalProp(v json.RawMessage, dst any, prop, want, wantZH string) error {
	if err := json.Unmarshal(v, dst); err != nil {
		return propErr(prop, want, wantZH)
	}
	return nil
}

func decodePieces(v json.RawMessage, c crsRef) ([]parcels.Piece, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(v, &raw); err != nil {
		// A FeatureCollection of pieces is welcome too.
		var fc struct {
			Type     string            `json:"type"`
			Features []json.RawMessage `json:"features"`
		}
		if json.Unmarshal(v, &fc) != nil || fc.Type != "FeatureCollection" {
			return nil, propErr("pieces", "an array of pieces {id, name, geometry}", "边角地数组 {id, name, geometry}")
		}
		raw = fc.Features
	}
	out := make([]parcels.Piece, 0, len(raw))
	for i, r := range raw {
		var pc struct {
			Type       string          `json:"type"`
			ID         any             `json:"id"`
			Name       string          `json:"name"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties struct {
				ID   any    `json:"id"`
				Name string `json:"name"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(r, &pc); err != nil {
			return nil, propErr(fmt.Sprintf("pieces[%d]", i), "an object {id, name, geometry}", "对象 {id, name, geometry}")
		}
		id, name := pc.ID, pc.Name
		if pc.Type == "Feature" {
			if pc.Properties.ID != nil {
				id = pc.Properties.ID
			}
			if pc.Properties.Name != "" {
				name = pc.Properties.Name
			}
		}
		idStr := ""
		switch x := id.(type) {
		case string:
			idStr = x
		case float64:
			idStr = fmt.Sprint(x)
		case nil:
			idStr = fmt.Sprintf("p%d", i+1)
		}
		g, err := decodeGeometry(pc.Geometry, c, fmt.Sprintf("pieces[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, parcels.Piece{ID: idStr, Name: name, Geometry: g})
	}
	return out, nil
}

// decodeGeometry reads a GeoJSON Polygon or MultiPolygon written in CRS c
// and returns it in lon/lat. Null or absent gives nil.
func decodeGeometry(raw json.RawMessage, c crsRef, what string) (orb.MultiPolygon, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: what,
			Message:   "geometry is not valid GeoJSON: " + strings.TrimPrefix(err.Error(), "geojson: "),
			MessageZH: "几何不是有效的 GeoJSON：" + strings.TrimPrefix(err.Error(), "geojson: ")}
	}
	var mp orb.MultiPolygon
	switch v := g.Geometry().(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{v}
	case orb.MultiPolygon:
		mp = v
	default:
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: what,
			Message:   fmt.Sprintf("geometry is a %s; a Polygon or MultiPolygon is required", g.Type),
			MessageZH: fmt.Sprintf("几何类型为 %s；需要 Polygon 或 MultiPolygon", g.Type)}
	}
	if c != crs84 {
		mp = transformMulti(mp, c.in)
	}
	if err := checkLonLat(mp, what); err != nil {
		return nil, err
	}
	return mp, nil
}

// geometryJSON is a geometry in the output CRS, as GeoJSON; nil for none.
func geometryJSON(g orb.MultiPolygon, c crsRef) *geojson.Geometry {
	if len(g) == 0 {
		return nil
	}
	if c != crs84 {
		g = transformMulti(g, c.out)
	}
	return geojson.NewGeometry(g)
}
