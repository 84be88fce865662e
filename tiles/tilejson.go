package tiles

import (
	"strings"

	"github.com/paulmach/orb"
)

// TileJSON is a TileJSON 3.0.0 document (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0).
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds,omitempty"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one layer of the tiles (TileJSON 3.0 vector_layers).
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// SchemaVersion is the TileJSON version of the tiles' layers and fields
// (semver, as TileJSON 3.0 wants): bump the minor on a new field, the
// major on a removed or renamed one.
const SchemaVersion = "1.0.0"

// TileURL is the tile URL template of layer l under base (the API's
// absolute URL without a trailing slash, e.g. "https://gis.example.cn").
func TileURL(base string, l *Layer) string {
	return strings.TrimRight(base, "/") + "/api/tiles/" + l.Name + "/{z}/{x}/{y}.mvt"
}

// TileJSONURL is the URL of layer l's TileJSON under base.
func TileJSONURL(base string, l *Layer) string {
	return strings.TrimRight(base, "/") + "/api/tiles/" + l.Name + ".json"
}

// NewTileJSON describes layer l's tiles under base for view v (a viewer's
// document does not list the fields it will not get). bounds is the data's
// lon/lat extent, nil when unknown; it sets only the centre (its middle, at
// a zoom where the layer shows). The document declares no bounds: MapLibre
// never asks for tiles outside a source's bounds and never reloads its
// TileJSON, so a parcel drawn beyond the extent of the moment would stay
// invisible until the page reloads.
func NewTileJSON(l *Layer, base string, v View, bounds *orb.Bound) TileJSON {
	fields := map[string]string{}
	for _, f := range l.FieldsFor(v) {
		fields[f.Name] = f.Type + ": " + f.DescriptionZH + " / " + f.Description
	}
	tj := TileJSON{
		TileJSON: "3.0.0", Name: l.TitleZH + " " + l.Title,
		Description: l.DescriptionZH + " " + l.Description,
		Version:     SchemaVersion, Scheme: "xyz",
		Attribution: "临海市自然资源和规划局 landplan",
		Tiles:       []string{TileURL(base, l)},
		MinZoom:     l.MinZoom, MaxZoom: l.MaxZoom,
		VectorLayers: []VectorLayer{{ID: l.Name, Description: l.DescriptionZH + " " + l.Description,
			MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: fields}},
	}
	if bounds != nil {
		c := bounds.Center()
		tj.Center = []float64{c[0], c[1], float64(max(l.MinZoom, 14))}
	}
	return tj
}
