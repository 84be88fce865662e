package api

import (
	"encoding/json"
	"sort"

	"landplan/parcels"
	"landplan/tiles"
)

// The OpenAPI 3.1 document is built from the same tables the handlers use
// (collections, queryables, problem codes), so it cannot drift from them;
// a test walks chi's routes and checks that every one is described.

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func paramRef(name string) obj { return obj{"$ref": "#/components/parameters/" + name} }

func respRef(name string) obj { return obj{"$ref": "#/components/responses/" + name} }

// problems lists the problem responses of an operation by status.
func problems(statuses ...string) obj {
	out := obj{}
	for _, s := range statuses {
		out[s] = respRef("Problem")
	}
	out["500"] = respRef("Problem")
	return out
}

func withProblems(ok obj, statuses ...string) obj {
	out := problems(statuses...)
	for k, v := range ok {
		out[k] = v
	}
	return out
}

func jsonContent(schema obj, types ...string) obj {
	if len(types) == 0 {
		types = []string{mediaJSON}
	}
	c := obj{}
	for _, t := range types {
		c[t] = obj{"schema": schema}
	}
	return c
}

// propertySchemas describe each collection's feature properties.
func propertySchemas(c *collection) obj {
	props := obj{
		"version":    obj{"type": "integer", "readOnly": true, "description": "1 on create, +1 on every write; the ETag"},
		"created_at": obj{"type": "string", "format": "date-time", "readOnly": true},
		"updated_at": obj{"type": "string", "format": "date-time", "readOnly": true},
		"updated_by": obj{"type": "string", "readOnly": true, "description": "hidden from viewers"},
		"attrs":      obj{"type": "object", "description": "free attributes; unknown properties on input land here"},
	}
	for name, typ := range parcels.Queryables(c.Kind) {
		if name == "id" {
			continue
		}
		if _, ok := props[name]; ok {
			continue
		}
		p := obj{}
		switch typ {
		case parcels.TypeDate:
			p["type"], p["format"] = []string{"string", "null"}, "date"
		default:
			p["type"] = typ
		}
		if enum := queryableEnums[c.Kind][name]; enum != nil {
			if name == "land_source" {
				enum = append(append([]string{}, enum...), "") // "" = unknown
			}
			p["enum"] = enum
		}
		if contains(readOnlyOf(c.Kind), name) {
			p["readOnly"] = true
		}
		props[name] = p
	}
	switch c.Kind {
	case parcels.KindParcel:
		props["owner"] = obj{"type": "string", "description": "权利人; hidden from viewers"}
	case parcels.KindBuilding:
		props["parcel_id"] = obj{"type": []string{"integer", "null"}, "readOnly": true, "description": "the live parcel the building overlaps most"}
	case parcels.KindZone:
		props["members"] = obj{"type": "array", "items": obj{"type": "integer"}, "description": "member parcel ids"}
		props["pieces"] = obj{"type": "array", "items": ref("Piece"), "description": "leftover pieces (边角地、夹心地)"}
	}
	return obj{"type": "object", "properties": props}
}

func (s *Server) buildOpenAPI() ([]byte, error) {
	schemas := obj{
		"Problem": obj{
			"type":     "object",
			"required": []string{"type", "title", "status", "code"},
			"properties": obj{
				"type":       obj{"type": "string", "format": "uri-reference"},
				"title":      obj{"type": "string"},
				"status":     obj{"type": "integer"},
				"detail":     obj{"type": "string"},
				"instance":   obj{"type": "string"},
				"code":       obj{"type": "string", "enum": problemCodes()},
				"request_id": obj{"type": "string"},
				"errors": obj{"type": "array", "items": obj{
					"type": "object",
					"properties": obj{
						"feature": obj{"type": "string", "description": "the feature: its index in a batch (#0 …) or a name"},
						"code":    obj{"type": "string"},
						"polygon": obj{"type": "integer", "description": "0-based"},
						"ring":    obj{"type": "integer", "description": "0-based; 0 = shell"},
						"vertex":  obj{"type": "integer", "description": "0-based"},
						"point":   obj{"type": "array", "items": obj{"type": "number"}, "minItems": 2, "maxItems": 2},
						"fixable": obj{"type": "boolean"},
						"detail":  obj{"type": "string"},
					},
				}},
			},
		},
		"Link": obj{
			"type":     "object",
			"required": []string{"href", "rel"},
			"properties": obj{
				"href": obj{"type": "string"}, "rel": obj{"type": "string"}, "type": obj{"type": "string"},
				"title": obj{"type": "string"}, "hreflang": obj{"type": "string"},
			},
		},
		"Links": obj{"type": "array", "items": ref("Link")},
		"LandingPage": obj{"type": "object", "required": []string{"links"}, "properties": obj{
			"title": obj{"type": "string"}, "description": obj{"type": "string"}, "version": obj{"type": "string"}, "links": ref("Links"),
		}},
		"Conformance": obj{"type": "object", "required": []string{"conformsTo"}, "properties": obj{
			"conformsTo": obj{"type": "array", "items": obj{"type": "string"}},
		}},
		"Collection": obj{"type": "object", "required": []string{"id", "links"}, "properties": obj{
			"id": obj{"type": "string"}, "title": obj{"type": "string"}, "description": obj{"type": "string"},
			"itemType": obj{"type": "string"}, "links": ref("Links"),
			"crs": obj{"type": "array", "items": obj{"type": "string"}}, "storageCrs": obj{"type": "string"},
			"extent": obj{"type": "object"},
		}},
		"Collections": obj{"type": "object", "required": []string{"collections", "links"}, "properties": obj{
			"collections": obj{"type": "array", "items": ref("Collection")}, "links": ref("Links"),
			"crs": obj{"type": "array", "items": obj{"type": "string"}},
		}},
		"Geometry": obj{
			"description": "GeoJSON Polygon or MultiPolygon; CRS84 unless crs / Content-Crs says otherwise",
			"type":        "object",
			"required":    []string{"type", "coordinates"},
			"properties": obj{
				"type":        obj{"type": "string", "enum": []string{"Polygon", "MultiPolygon"}},
				"coordinates": obj{"type": "array"},
			},
		},
		"Piece": obj{"type": "object", "required": []string{"geometry"}, "properties": obj{
			"id": obj{"type": "string"}, "name": obj{"type": "string"}, "geometry": ref("Geometry"),
			"area_m2": obj{"type": "number", "readOnly": true}, "area_mu": obj{"type": "number", "readOnly": true},
			"detected": obj{"type": "boolean"},
		}},
		"Queryables": obj{"type": "object", "description": "a JSON Schema (2020-12) of the filterable properties"},
		"AnyFeatureCollection": obj{"type": "object", "required": []string{"type", "features"}, "properties": obj{
			"type": obj{"const": "FeatureCollection"}, "features": obj{"type": "array", "items": obj{"type": "object"}},
		}},
		"Report": obj{"type": "object", "description": "a planning report; field names as in the planning engine"},
		"IndicatorsRequest": obj{
			"type":        "object",
			"description": "either parcel_id, or site (a Feature) with optional buildings (a FeatureCollection)",
			"properties": obj{
				"parcel_id": obj{"type": "integer"},
				"site":      obj{"type": "object"},
				"buildings": ref("AnyFeatureCollection"),
				"park_type": obj{"type": "string", "enum": []string{"new_land", "redevelopment"}},
				"declared":  obj{"type": "object"},
			},
		},
		"LeftoverRequest": obj{
			"type":        "object",
			"description": "members as parcel ids (parcels) or as polygons (members); pieces drawn by the user; detect asks for gap detection",
			"properties": obj{
				"parcels": obj{"type": "array", "items": obj{"type": "integer"}},
				"members": ref("AnyFeatureCollection"),
				"pieces":  ref("AnyFeatureCollection"),
				"detect":  obj{"type": "boolean"},
			},
		},
		"ComplianceRequest": obj{"type": "object", "description": "a park: its site parcels (ids or features), buildings and declared figures"},
	}
	for _, c := range s.colls {
		f := titleCase(c.Name)
		schemas[f+"Feature"] = obj{
			"type":     "object",
			"required": []string{"type", "geometry", "properties"},
			"properties": obj{
				"type":       obj{"const": "Feature"},
				"id":         obj{"type": "integer", "readOnly": true},
				"geometry":   obj{"anyOf": []any{ref("Geometry"), obj{"type": "null"}}},
				"properties": propertySchemas(c),
				"links":      ref("Links"),
			},
		}
		schemas[f+"FeatureCollection"] = obj{
			"type":     "object",
			"required": []string{"type", "features"},
			"properties": obj{
				"type":           obj{"const": "FeatureCollection"},
				"features":       obj{"type": "array", "items": ref(f + "Feature")},
				"numberMatched":  obj{"type": "integer", "minimum": 0},
				"numberReturned": obj{"type": "integer", "minimum": 0},
				"timeStamp":      obj{"type": "string", "format": "date-time"},
				"links":          ref("Links"),
			},
		}
	}

	crsList := supportedCRS()
	params := obj{
		"f": obj{"name": "f", "in": "query", "description": "response format (json)", "schema": obj{"type": "string", "enum": []string{"json"}}},
		"limit": obj{"name": "limit", "in": "query", "description": "page size; larger values are capped at 10000",
			"schema": obj{"type": "integer", "minimum": 1, "maximum": parcels.MaxLimit, "default": parcels.DefaultLimit}},
		"bbox": obj{"name": "bbox", "in": "query", "style": "form", "explode": false,
			"description": "minx,miny,maxx,maxy (or 6 numbers) in bbox-crs, in that CRS's axis order",
			"schema":      obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}},
		"bbox-crs":    obj{"name": "bbox-crs", "in": "query", "schema": obj{"type": "string", "format": "uri", "enum": crsList}},
		"make_valid":  obj{"name": "make_valid", "in": "query", "description": "true: repair self-intersecting geometry (geo.MakeValid, PostGIS ST_MakeValid method=structure semantics) instead of refusing it with 422", "schema": obj{"type": "boolean"}},
		"crs":         obj{"name": "crs", "in": "query", "description": "output CRS; axis order as the CRS defines it", "schema": obj{"type": "string", "format": "uri", "enum": crsList}},
		"filter":      obj{"name": "filter", "in": "query", "description": "a CQL2 text filter over the queryables", "schema": obj{"type": "string"}},
		"filter-lang": obj{"name": "filter-lang", "in": "query", "schema": obj{"type": "string", "enum": []string{"cql2-text"}}},
		"filter-crs":  obj{"name": "filter-crs", "in": "query", "schema": obj{"type": "string", "format": "uri", "enum": crsList}},
		"after":       obj{"name": "after", "in": "query", "description": "keyset paging: ids greater than this (the next link)", "schema": obj{"type": "integer", "minimum": 0}},
		"before":      obj{"name": "before", "in": "query", "description": "keyset paging: ids less than this (the prev link)", "schema": obj{"type": "integer", "minimum": 0}},
		"featureId":   obj{"name": "featureId", "in": "path", "required": true, "schema": obj{"type": "integer", "minimum": 1}},
		"zoneId":      obj{"name": "zoneId", "in": "path", "required": true, "schema": obj{"type": "integer", "minimum": 1}},
		"If-Match": obj{"name": "If-Match", "in": "header", "required": true,
			"description": "the ETag (version) you read; 428 without it, 412 when stale", "schema": obj{"type": "string"}},
		"If-None-Match":   obj{"name": "If-None-Match", "in": "header", "schema": obj{"type": "string"}},
		"Content-Crs":     obj{"name": "Content-Crs", "in": "header", "description": "CRS of the coordinates in the body; CRS84 when absent", "schema": obj{"type": "string"}},
		"Accept-Language": obj{"name": "Accept-Language", "in": "header", "description": "zh (default) or en, for messages and text reports", "schema": obj{"type": "string"}},
		"format":          obj{"name": "format", "in": "query", "description": "text: the readable report (also with Accept: text/plain)", "schema": obj{"type": "string", "enum": []string{"json", "text"}}},
	}
	headers := obj{
		"ETag":        obj{"description": "the feature's version", "schema": obj{"type": "string"}},
		"Content-Crs": obj{"description": "CRS of the coordinates in the body", "schema": obj{"type": "string"}},
		"Location":    obj{"description": "URL of the new feature", "schema": obj{"type": "string"}},
	}
	responses := obj{
		"Problem": obj{"description": "RFC 9457 problem details, in Chinese or English by Accept-Language",
			"content": jsonContent(ref("Problem"), mediaProblem)},
	}
	report := obj{"description": "the report (JSON), or its readable text",
		"content": obj{mediaJSON: obj{"schema": ref("Report")}, "text/plain": obj{"schema": obj{"type": "string"}}}}
	secured := []any{obj{"bearerAuth": []string{}}, obj{}}

	paths := obj{
		"/": obj{"get": obj{"summary": "The map app (HTML; its data needs the same roles as the API)", "operationId": "getMapApp", "tags": []string{"map"},
			"responses": obj{"200": obj{"description": "index.html, Cache-Control: no-cache", "content": obj{"text/html": obj{"schema": obj{"type": "string"}}}}}}},
		"/assets/{asset}": obj{"get": obj{"summary": "A file of the map app under its content-hashed name", "operationId": "getMapAsset", "tags": []string{"map"},
			"parameters": []any{obj{"name": "asset", "in": "path", "required": true, "schema": obj{"type": "string"}, "example": "maplibre-gl.83a08f3db7.mjs"}},
			"responses": withProblems(obj{"200": obj{"description": "JavaScript or CSS, Cache-Control: public, max-age=31536000, immutable",
				"content": obj{"text/javascript": obj{"schema": obj{"type": "string"}}, "text/css": obj{"schema": obj{"type": "string"}}}}}, "404")}},
		"/healthz": obj{"get": obj{"summary": "The process is alive", "operationId": "healthz", "tags": []string{"operations"},
			"responses": obj{"200": obj{"description": "alive", "content": jsonContent(obj{"type": "object"})}}}},
		"/readyz": obj{"get": obj{"summary": "The store is reachable", "operationId": "readyz", "tags": []string{"operations"},
			"responses": withProblems(obj{"200": obj{"description": "ready", "content": jsonContent(obj{"type": "object"})}}, "503")}},
		"/metrics": obj{"get": obj{"summary": "Prometheus metrics", "operationId": "metrics", "tags": []string{"operations"},
			"responses": obj{"200": obj{"description": "metrics in the Prometheus text format", "content": obj{"text/plain": obj{"schema": obj{"type": "string"}}}}}}},
		"/api": obj{"get": obj{"summary": "Redirect to /api/", "operationId": "apiRedirect", "tags": []string{"capabilities"},
			"responses": obj{"301": obj{"description": "see /api/"}}}},
		"/api/": obj{"get": obj{"summary": "Landing page", "operationId": "getLandingPage", "tags": []string{"capabilities"},
			"parameters": []any{paramRef("f")},
			"responses":  withProblems(obj{"200": obj{"description": "links to the API's resources", "content": jsonContent(ref("LandingPage"))}}, "406")}},
		"/api/conformance": obj{"get": obj{"summary": "Conformance classes", "operationId": "getConformance", "tags": []string{"capabilities"},
			"parameters": []any{paramRef("f")},
			"responses":  withProblems(obj{"200": obj{"description": "the conformance classes implemented", "content": jsonContent(ref("Conformance"))}}, "406")}},
		"/api/openapi.json": obj{"get": obj{"summary": "This OpenAPI document", "operationId": "getOpenAPI", "tags": []string{"capabilities"},
			"responses": withProblems(obj{"200": obj{"description": "OpenAPI 3.1", "content": jsonContent(obj{"type": "object"}, mediaOpenAPI)}}, "406")}},
		"/api/collections": obj{"get": obj{"summary": "The collections", "operationId": "getCollections", "tags": []string{"capabilities"},
			"parameters": []any{paramRef("f")}, "security": secured,
			"responses": withProblems(obj{"200": obj{"description": "parcels, buildings and zones", "content": jsonContent(ref("Collections"))}}, "401", "403", "406")}},
		"/api/analysis/indicators": obj{"post": obj{"summary": "Site indicators (clauses 四, 五, 二十二)", "operationId": "analysisIndicators", "tags": []string{"analysis"},
			"parameters": []any{paramRef("format"), paramRef("Accept-Language"), paramRef("Content-Crs")}, "security": secured,
			"requestBody": obj{"required": true, "content": jsonContent(ref("IndicatorsRequest"))},
			"responses":   withProblems(obj{"200": report}, "400", "401", "403", "404", "406", "413", "415", "422")}},
		"/api/analysis/leftover": obj{"post": obj{"summary": "Clause 17 leftover-land report", "operationId": "analysisLeftover", "tags": []string{"analysis"},
			"parameters": []any{paramRef("format"), paramRef("Accept-Language"), paramRef("Content-Crs")}, "security": secured,
			"requestBody": obj{"required": true, "content": jsonContent(ref("LeftoverRequest"))},
			"responses":   withProblems(obj{"200": report}, "400", "401", "403", "404", "406", "413", "415", "422")}},
		"/api/analysis/compliance": obj{"post": obj{"summary": "Park compliance report", "operationId": "analysisCompliance", "tags": []string{"analysis"},
			"parameters": []any{paramRef("format"), paramRef("Accept-Language"), paramRef("Content-Crs")}, "security": secured,
			"requestBody": obj{"required": true, "content": jsonContent(ref("ComplianceRequest"))},
			"responses":   withProblems(obj{"200": report}, "400", "401", "403", "404", "406", "413", "415", "422")}},
		"/api/zones/{zoneId}/report": obj{"get": obj{"summary": "Clause 17 report of a saved zone", "operationId": "zoneReport", "tags": []string{"analysis"},
			"parameters": []any{paramRef("zoneId"), paramRef("format"), paramRef("Accept-Language")}, "security": secured,
			"responses": withProblems(obj{"200": report}, "401", "403", "404", "406", "422")}},
	}
	tileProblems := func(ok obj) obj { return withProblems(ok, "401", "403", "404") }
	intParam := func(name, desc string) obj {
		return obj{"name": name, "in": "path", "required": true, "description": desc, "schema": obj{"type": "integer", "minimum": 0}}
	}
	layerParam := obj{"name": "layer", "in": "path", "required": true, "description": "tile layer 图层",
		"schema": obj{"type": "string", "enum": tileLayerNames()}}
	etagHeader := obj{"ETag": obj{"description": "a hash of the tile's bytes (the gzipped representation has its own)", "schema": obj{"type": "string"}},
		"Cache-Control": obj{"description": "public (viewer) or private (owner names), no-cache unless a max age is configured", "schema": obj{"type": "string"}}}
	paths["/api/tiles/{layer}/{z}/{x}/{y}.mvt"] = obj{"get": obj{
		"summary":     "A vector tile (Mapbox Vector Tile 2.1, XYZ Web Mercator grid) 矢量瓦片",
		"description": "Viewers get tiles without owner names. 204 = an empty tile (valid coordinates, no features). gzip when Accept-Encoding allows. 304 on a matching If-None-Match. z outside the layer's zoom range (see its TileJSON) or x/y outside the grid is 404.",
		"operationId": "getTile", "tags": []string{"tiles"}, "security": secured,
		"parameters": []any{layerParam, intParam("z", "zoom level"), intParam("x", "column, 0 = west"), intParam("y", "row, 0 = north"),
			obj{"name": "If-None-Match", "in": "header", "schema": obj{"type": "string"}}},
		"responses": tileProblems(obj{
			"200": obj{"description": "the tile", "headers": etagHeader,
				"content": obj{mediaMVT: obj{"schema": obj{"type": "string", "contentMediaType": mediaMVT}}}},
			"204": obj{"description": "an empty tile: no features here"},
			"304": obj{"description": "not modified"},
		}),
	}}
	paths["/api/tiles/{layer}.json"] = obj{"get": obj{
		"summary": "TileJSON 3.0.0 of a tile layer", "operationId": "getTileJSON", "tags": []string{"tiles"}, "security": secured,
		"parameters": []any{layerParam},
		"responses": tileProblems(obj{"200": obj{"description": "TileJSON: tile URL, zoom range, bounds, fields", "content": jsonContent(obj{"type": "object",
			"required": []string{"tilejson", "tiles", "vector_layers"}})}, "304": obj{"description": "not modified"}}),
	}}
	paths["/api/styles/{name}.json"] = obj{"get": obj{
		"summary": "A MapLibre GL style (version 8) over the tile layers 地图样式", "operationId": "getStyle", "tags": []string{"tiles"}, "security": secured,
		"parameters": []any{obj{"name": "name", "in": "path", "required": true, "schema": obj{"type": "string", "enum": tiles.StyleNames}}},
		"responses": tileProblems(obj{"200": obj{"description": "the style", "content": jsonContent(obj{"type": "object", "required": []string{"version", "sources", "layers"}})},
			"304": obj{"description": "not modified"}}),
	}}
	for _, c := range s.colls {
		base := "/api/collections/" + c.Name
		f := titleCase(c.Name)
		fc := ref(f + "FeatureCollection")
		feat := ref(f + "Feature")
		itemParams := []any{paramRef("f"), paramRef("limit"), paramRef("bbox"), paramRef("bbox-crs"), paramRef("crs"),
			paramRef("filter"), paramRef("filter-lang"), paramRef("filter-crs"), paramRef("after"), paramRef("before")}
		var qnames []string
		for name := range parcels.Queryables(c.Kind) {
			qnames = append(qnames, name)
		}
		sort.Strings(qnames)
		for _, name := range qnames {
			itemParams = append(itemParams, obj{"name": name, "in": "query", "required": false,
				"description": "equality filter on " + name + " (a comma-separated list means any of them)", "schema": obj{"type": "string"}})
		}
		featResp := func(desc string) obj {
			return obj{"description": desc, "headers": obj{"ETag": headers["ETag"], "Content-Crs": headers["Content-Crs"]},
				"content": jsonContent(feat, mediaGeoJSON)}
		}
		body := obj{"required": true, "content": jsonContent(feat, mediaGeoJSON, mediaJSON)}
		postBody := obj{"required": true, "content": jsonContent(obj{"oneOf": []any{feat, fc}}, mediaGeoJSON, mediaJSON)}
		paths[base] = obj{"get": obj{"summary": c.Title + " (collection)", "operationId": "describe" + f, "tags": []string{c.Name},
			"parameters": []any{paramRef("f")}, "security": secured,
			"responses": withProblems(obj{"200": obj{"description": "the collection", "content": jsonContent(ref("Collection"))}}, "401", "403", "406")}}
		paths[base+"/queryables"] = obj{"get": obj{"summary": "Queryable properties of " + c.Name, "operationId": "queryables" + f, "tags": []string{c.Name},
			"parameters": []any{paramRef("f")}, "security": secured,
			"responses": withProblems(obj{"200": obj{"description": "JSON Schema", "content": jsonContent(ref("Queryables"), mediaSchema, mediaJSON)}}, "401", "403", "406")}}
		paths[base+"/items"] = obj{
			"get": obj{"summary": "Features of " + c.Name, "operationId": "items" + f, "tags": []string{c.Name},
				"parameters": itemParams, "security": secured,
				"responses": withProblems(obj{"200": obj{"description": "a page of features",
					"headers": obj{"Content-Crs": headers["Content-Crs"]}, "content": jsonContent(fc, mediaGeoJSON, mediaJSON)}},
					"400", "401", "403", "406")},
			"post": obj{"summary": "Create a feature, or a FeatureCollection in one transaction", "operationId": "create" + f, "tags": []string{c.Name},
				"parameters": []any{paramRef("Content-Crs"), paramRef("crs"), paramRef("make_valid")}, "security": secured, "requestBody": postBody,
				"responses": withProblems(obj{"201": obj{"description": "created: the stored feature (or collection)",
					"headers": obj{"Location": headers["Location"], "ETag": headers["ETag"], "Content-Crs": headers["Content-Crs"]},
					"content": jsonContent(obj{"oneOf": []any{feat, fc}}, mediaGeoJSON)}},
					"400", "401", "403", "409", "413", "415", "422")},
		}
		paths[base+"/items/{featureId}"] = obj{
			"parameters": []any{paramRef("featureId")},
			"get": obj{"summary": "One feature of " + c.Name, "operationId": "get" + f, "tags": []string{c.Name},
				"parameters": []any{paramRef("f"), paramRef("crs"), paramRef("If-None-Match")}, "security": secured,
				"responses": withProblems(obj{"200": featResp("the feature"), "304": obj{"description": "not modified"}}, "400", "401", "403", "404", "406")},
			"put": obj{"summary": "Replace a feature", "operationId": "replace" + f, "tags": []string{c.Name},
				"parameters": []any{paramRef("If-Match"), paramRef("Content-Crs"), paramRef("crs"), paramRef("make_valid")}, "security": secured, "requestBody": body,
				"responses": withProblems(obj{"200": featResp("the stored feature")}, "400", "401", "403", "404", "412", "413", "415", "422", "428")},
			"patch": obj{"summary": "Update a feature with a JSON merge patch (RFC 7396)", "operationId": "update" + f, "tags": []string{c.Name},
				"parameters": []any{paramRef("If-Match"), paramRef("Content-Crs"), paramRef("crs"), paramRef("make_valid")}, "security": secured,
				"requestBody": obj{"required": true, "content": jsonContent(obj{"type": "object"}, mediaMergePat, mediaJSON)},
				"responses":   withProblems(obj{"200": featResp("the stored feature")}, "400", "401", "403", "404", "412", "413", "415", "422", "428")},
			"delete": obj{"summary": "Delete a feature (soft: the history keeps it)", "operationId": "delete" + f, "tags": []string{c.Name},
				"parameters": []any{paramRef("If-Match")}, "security": secured,
				"responses": withProblems(obj{"204": obj{"description": "deleted"}}, "401", "403", "404", "409", "412", "428")},
		}
	}
	doc := obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":       "landplan",
			"version":     nonEmpty(s.cfg.Version, "dev"),
			"description": "OGC API – Features (parts 1–4) for land parcels, buildings and redevelopment zones, with planning analysis. 宗地、建筑与联合改造片区服务。",
			"license":     obj{"name": "proprietary", "identifier": "LicenseRef-landplan"},
		},
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"servers":           []any{obj{"url": "/"}},
		"tags": []any{
			obj{"name": "capabilities"}, obj{"name": "parcels"}, obj{"name": "buildings"}, obj{"name": "zones"},
			obj{"name": "analysis"}, obj{"name": "tiles"}, obj{"name": "operations"}, obj{"name": "map"},
		},
		"paths": paths,
		"components": obj{
			"schemas":         schemas,
			"parameters":      params,
			"responses":       responses,
			"securitySchemes": obj{"bearerAuth": obj{"type": "http", "scheme": "bearer", "description": "a token from `landplan token create`"}},
		},
	}
	return json.MarshalIndent(doc, "", " ")
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func readOnlyOf(k parcels.Kind) []string {
	switch k {
	case parcels.KindParcel:
		return parcelReadOnly
	case parcels.KindBuilding:
		return buildingReadOnly
	}
	return zoneReadOnly
}
