package tiles

import (
	"math"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// View is the attribute set a tile carries, chosen from the role. Editors and
// planners see the same attributes, so they share one view (and one cache
// entry); viewers get tiles without personal fields.
type View string

const (
	ViewFull   View = "full"   // editor, planner
	ViewViewer View = "viewer" // no owner names
)

// ViewFor returns the view of a role. Anything but editor or planner gets
// the viewer's view: an unknown role must never see owner names.
func ViewFor(r parcels.Role) View {
	if r == parcels.RoleEditor || r == parcels.RolePlanner {
		return ViewFull
	}
	return ViewViewer
}

// Field is one attribute of a layer's features.
type Field struct {
	Name string
	// Type is the TileJSON/MVT value kind: "String", "Number" or "Boolean".
	Type          string
	Description   string
	DescriptionZH string
	// Personal fields are withheld from the viewer role: the same rule as the
	// feature API (api/collection.go: owner and updated_by are personal; the
	// tiles carry no updated_by and no free attributes, so owner is the one).
	Personal bool
}

// Layer is one vector tile layer: its name in the tile and in the URL, its
// zoom range and the attributes of its features.
type Layer struct {
	Name          string
	Kind          parcels.Kind
	Title         string
	TitleZH       string
	Description   string
	DescriptionZH string
	// MinZoom and MaxZoom bound the tiles served. Below MinZoom features are
	// a pixel or two; above MaxZoom clients overzoom MaxZoom's tiles, which
	// already place vertices within a few centimetres.
	MinZoom, MaxZoom int
	Fields           []Field
	// props gives a row's attributes (every field, personal ones included).
	props func(row any) map[string]any
	geom  func(row any) orb.MultiPolygon
	id    func(row any) int64
}

// Field returns the named field and whether the layer has it.
func (l *Layer) Field(name string) (Field, bool) {
	for _, f := range l.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldsFor returns the fields view v may see, in the layer's order.
func (l *Layer) FieldsFor(v View) []Field {
	out := make([]Field, 0, len(l.Fields))
	for _, f := range l.Fields {
		if f.Personal && v != ViewFull {
			continue
		}
		out = append(out, f)
	}
	return out
}

// HasZoom reports whether z is within the layer's zoom range.
func (l *Layer) HasZoom(z int) bool { return z >= l.MinZoom && z <= l.MaxZoom }

// Feature is a row as a tile sees it: id, lon/lat geometry and every
// attribute of the layer's fields (personal ones included; the encoder
// drops them for the viewer).
type Feature struct {
	ID       int64
	Geometry orb.MultiPolygon
	Props    map[string]any
}

// FeatureOf converts a store row (*parcels.Parcel, *parcels.Building or
// *parcels.Zone, matching the layer) into a Feature.
func (l *Layer) FeatureOf(row any) Feature {
	return Feature{ID: l.id(row), Geometry: l.geom(row), Props: l.props(row)}
}

// round keeps d decimals: tiles are for display, and fewer distinct values
// make smaller tiles (MVT stores each distinct value once per layer).
func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// The layers. Zoom ranges from the demo area's sizes at 28.85°N, where a
// 512-pixel tile at zoom z spans 35,100 km·2^-z: a 100 m parcel is ~6 px at
// z 12, a 30 m building ~7 px at z 14, a 500 m zone ~7 px at z 10.
var (
	parcelLayer = &Layer{
		Name: "parcels", Kind: parcels.KindParcel, Title: "Land parcels", TitleZH: "宗地",
		Description:   "Land parcels coloured by status, with area, building density and plot ratio.",
		DescriptionZH: "宗地（按状态着色），含面积、建筑密度与容积率。",
		MinZoom:       12, MaxZoom: 18,
		Fields: []Field{
			{Name: "id", Type: "Number", Description: "parcel id", DescriptionZH: "宗地编号"},
			{Name: "code", Type: "String", Description: "unified parcel code", DescriptionZH: "宗地代码"},
			{Name: "name", Type: "String", Description: "parcel or project name", DescriptionZH: "宗地名称"},
			{Name: "owner", Type: "String", Description: "right holder (not for viewers)", DescriptionZH: "权利人（查看者不可见）", Personal: true},
			{Name: "status", Type: "String", Description: "in_use, inefficient, redeveloping or idle", DescriptionZH: "状态：在用、低效、改造中、闲置"},
			{Name: "land_use", Type: "String", Description: "GB/T 21010 land use code", DescriptionZH: "土地用途（GB/T 21010）"},
			{Name: "town", Type: "String", Description: "town", DescriptionZH: "镇街"},
			{Name: "area_m2", Type: "Number", Description: "cadastral area, m² (2 decimals)", DescriptionZH: "面积（平方米）"},
			{Name: "area_mu", Type: "Number", Description: "area in mu (3 decimals)", DescriptionZH: "面积（亩）"},
			{Name: "building_density", Type: "Number", Description: "building density (4 decimals)", DescriptionZH: "建筑密度"},
			{Name: "plot_ratio", Type: "Number", Description: "plot ratio (4 decimals)", DescriptionZH: "容积率"},
		},
		id:   func(row any) int64 { return row.(*parcels.Parcel).ID },
		geom: func(row any) orb.MultiPolygon { return row.(*parcels.Parcel).Geometry },
		props: func(row any) map[string]any {
			p := row.(*parcels.Parcel)
			return map[string]any{
				"id": p.ID, "code": p.Code, "name": p.Name, "owner": p.Owner, "status": string(p.Status),
				"land_use": p.LandUse, "town": p.Town,
				"area_m2": round(p.AreaM2, 2), "area_mu": round(p.AreaMu, 3),
				"building_density": round(p.BuildingDensity, 4), "plot_ratio": round(p.PlotRatio, 4),
			}
		},
	}
	buildingLayer = &Layer{
		Name: "buildings", Kind: parcels.KindBuilding, Title: "Buildings", TitleZH: "建筑",
		Description:   "Building footprints with use, floors and height.",
		DescriptionZH: "建筑轮廓，含用途、层数与高度。",
		MinZoom:       14, MaxZoom: 18,
		Fields: []Field{
			{Name: "id", Type: "Number", Description: "building id", DescriptionZH: "建筑编号"},
			{Name: "parcel_id", Type: "Number", Description: "parcel it stands on (0 = none)", DescriptionZH: "所在宗地编号（0 为无）"},
			{Name: "name", Type: "String", Description: "building name", DescriptionZH: "建筑名称"},
			{Name: "use", Type: "String", Description: "production, office, dormitory, canteen, service or other", DescriptionZH: "用途：生产、办公、宿舍、食堂、配套服务、其他"},
			{Name: "floors", Type: "Number", Description: "above-ground floors (0 = unknown)", DescriptionZH: "地上层数（0 为未知）"},
			{Name: "height_m", Type: "Number", Description: "height, m (0 = unknown)", DescriptionZH: "高度（米，0 为未知）"},
		},
		id:   func(row any) int64 { return row.(*parcels.Building).ID },
		geom: func(row any) orb.MultiPolygon { return row.(*parcels.Building).Geometry },
		props: func(row any) map[string]any {
			b := row.(*parcels.Building)
			return map[string]any{
				"id": b.ID, "parcel_id": b.ParcelID, "name": b.Name, "use": string(b.Use),
				"floors": int64(b.Floors), "height_m": round(b.HeightM, 2),
			}
		},
	}
	zoneLayer = &Layer{
		Name: "zones", Kind: parcels.KindZone, Title: "Redevelopment zones", TitleZH: "联合改造片区",
		Description:   "Outlines of merged redevelopment zones (members and leftover pieces) with their areas.",
		DescriptionZH: "联合改造片区轮廓（成员宗地与边角地、夹心地），含面积。",
		MinZoom:       10, MaxZoom: 18,
		Fields: []Field{
			{Name: "id", Type: "Number", Description: "zone id", DescriptionZH: "片区编号"},
			{Name: "name", Type: "String", Description: "zone name", DescriptionZH: "片区名称"},
			{Name: "status", Type: "String", Description: "draft, submitted, approved or rejected", DescriptionZH: "状态：草拟、已报批、已批准、未通过"},
			{Name: "area_m2", Type: "Number", Description: "merged area, m²", DescriptionZH: "合并面积（平方米）"},
			{Name: "area_mu", Type: "Number", Description: "merged area, mu", DescriptionZH: "合并面积（亩）"},
			{Name: "members_area_m2", Type: "Number", Description: "area of the member parcels, m²", DescriptionZH: "成员宗地面积（平方米）"},
			{Name: "pieces_area_m2", Type: "Number", Description: "area of the leftover pieces, m²", DescriptionZH: "边角地、夹心地面积（平方米）"},
			{Name: "member_count", Type: "Number", Description: "number of member parcels", DescriptionZH: "成员宗地数"},
			{Name: "piece_count", Type: "Number", Description: "number of leftover pieces", DescriptionZH: "边角地、夹心地块数"},
		},
		id:   func(row any) int64 { return row.(*parcels.Zone).ID },
		geom: func(row any) orb.MultiPolygon { return row.(*parcels.Zone).Geometry },
		props: func(row any) map[string]any {
			z := row.(*parcels.Zone)
			return map[string]any{
				"id": z.ID, "name": z.Name, "status": string(z.Status),
				"area_m2": round(z.AreaM2, 2), "area_mu": round(geo.MuFromM2(z.AreaM2), 3),
				"members_area_m2": round(z.MembersAreaM2, 2), "pieces_area_m2": round(z.PiecesAreaM2, 2),
				"member_count": int64(len(z.Members)), "piece_count": int64(len(z.Pieces)),
			}
		},
	}
	allLayers = []*Layer{parcelLayer, buildingLayer, zoneLayer}
)

// Layers returns the layers in drawing order (bottom first).
func Layers() []*Layer { return allLayers }

// LayerByName returns the layer called name, or nil.
func LayerByName(name string) *Layer {
	for _, l := range allLayers {
		if l.Name == name {
			return l
		}
	}
	return nil
}
