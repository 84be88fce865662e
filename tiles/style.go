package tiles

// StyleNames are the styles Style knows.
var StyleNames = []string{"landplan"}

// DefaultGlyphs is the glyph (font PBF) URL template of the style. MapLibre
// needs one for any text; Chinese characters are drawn from the browser's
// own fonts (MapLibre's localIdeographFontFamily, on by default), so only
// Latin digits and letters come from here. Serve your own copy on an
// intranet (StyleOptions.Glyphs).
const DefaultGlyphs = "https://demotiles.maplibre.org/font/{fontstack}/{range}.pbf"

// StyleOptions tune Style.
type StyleOptions struct {
	Glyphs string // "" = DefaultGlyphs
	// Center and Zoom are the initial view; zero = Linhai's industrial area.
	Center [2]float64
	Zoom   float64
}

// statusColours are the parcel fill colours by status: a traffic-light
// reading for the command centre (idle and inefficient land stand out).
var statusColours = []any{
	"in_use", "#8fbf88", // 在用: green
	"inefficient", "#f2b134", // 低效: amber
	"redeveloping", "#5b8fd9", // 改造中: blue
	"idle", "#e0584b", // 闲置: red
}

// Style returns the MapLibre style (version 8) called name, or nil when
// there is no such style. Sources reference the layers' TileJSON under base,
// so a client picks up zoom ranges and bounds from there.
//
// "landplan": parcels filled by status with grey outlines, buildings by
// use, zones outlined dashed, labels in Chinese (parcel name, else code;
// zone name with its area in 亩).
func Style(name, base string, opt StyleOptions) map[string]any {
	if name != "landplan" {
		return nil
	}
	glyphs := opt.Glyphs
	if glyphs == "" {
		glyphs = DefaultGlyphs
	}
	center, zoom := opt.Center, opt.Zoom
	if center == ([2]float64{}) {
		center = [2]float64{121.16, 28.85}
	}
	if zoom == 0 {
		zoom = 14
	}
	sources := map[string]any{}
	for _, l := range allLayers {
		sources[l.Name] = map[string]any{"type": "vector", "url": TileJSONURL(base, l), "promoteId": "id"}
	}
	font := []string{"Noto Sans Regular"}
	fill := append(append([]any{"match", []any{"get", "status"}}, statusColours...), "#cccccc")
	layers := []any{
		map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": "#f4f1ea"}},
		map[string]any{
			"id": "parcels-fill", "type": "fill", "source": "parcels", "source-layer": "parcels",
			"metadata": map[string]any{"zh": "宗地（按状态着色）"},
			"paint":    map[string]any{"fill-color": fill, "fill-opacity": 0.55},
		},
		map[string]any{
			"id": "parcels-outline", "type": "line", "source": "parcels", "source-layer": "parcels",
			"paint": map[string]any{"line-color": "#6b6b6b", "line-width": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 12, 0.3, 18, 1.5}},
		},
		map[string]any{
			"id": "buildings-fill", "type": "fill", "source": "buildings", "source-layer": "buildings",
			"metadata": map[string]any{"zh": "建筑（按用途着色）"},
			"paint": map[string]any{
				"fill-color": []any{"match", []any{"get", "use"},
					"production", "#9a8c7a", "office", "#7a8fa6", "dormitory", "#b58aa5", "canteen", "#c9a26b", "service", "#8aa69a", "#a0a0a0"},
				"fill-outline-color": "#555555", "fill-opacity": 0.85,
			},
		},
		map[string]any{
			"id": "zones-outline", "type": "line", "source": "zones", "source-layer": "zones",
			"metadata": map[string]any{"zh": "联合改造片区轮廓"},
			"paint": map[string]any{"line-color": "#c2185b", "line-width": 2.5, "line-dasharray": []any{3, 1.5},
				"line-opacity": []any{"match", []any{"get", "status"}, "rejected", 0.4, 1}},
		},
		map[string]any{
			"id": "parcels-label", "type": "symbol", "source": "parcels", "source-layer": "parcels", "minzoom": 16,
			"layout": map[string]any{
				"text-field": []any{"coalesce", []any{"get", "name"}, []any{"get", "code"}},
				"text-font":  font, "text-size": 12, "text-max-width": 8,
			},
			"paint": map[string]any{"text-color": "#333333", "text-halo-color": "#ffffff", "text-halo-width": 1.2},
		},
		map[string]any{
			"id": "zones-label", "type": "symbol", "source": "zones", "source-layer": "zones", "minzoom": 13,
			"layout": map[string]any{
				"text-field": []any{"concat", []any{"coalesce", []any{"get", "name"}, "改造片区"}, "\n",
					[]any{"number-format", []any{"get", "area_mu"}, map[string]any{"max-fraction-digits": 1}}, " 亩"},
				"text-font": font, "text-size": 13,
			},
			"paint": map[string]any{"text-color": "#880e4f", "text-halo-color": "#ffffff", "text-halo-width": 1.5},
		},
	}
	return map[string]any{
		"version": 8,
		"name":    "landplan 用地图 (land plan)",
		"metadata": map[string]any{
			"landplan:legend": map[string]any{"in_use": "在用", "inefficient": "低效用地", "redeveloping": "改造中", "idle": "闲置"},
		},
		"center":  []float64{center[0], center[1]},
		"zoom":    zoom,
		"glyphs":  glyphs,
		"sources": sources,
		"layers":  layers,
	}
}
