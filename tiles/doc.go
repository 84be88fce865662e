// Package tiles builds Mapbox Vector Tiles (MVT 2.1) of landplan's layers —
// parcels, buildings and redevelopment zone outlines — on the XYZ Web
// Mercator grid (EPSG:3857, the grid of MapLibre, OSM and every web map).
//
// Coordinates: the stores keep CGCS2000 lon/lat (EPSG:4490). This package
// treats them as WGS84 lon/lat: the two datums differ by a few centimetres,
// far below a pixel even at zoom 20 (≈ 0.1 m/pixel at 512-pixel tiles), and
// tiles are for display, never for measuring.
//
// The parts:
//   - grid.go: tile ↔ lon/lat bounds, the tiles covering a box.
//   - layers.go: the layers, their zoom ranges and attributes, and which
//     attributes the viewer role never gets (owner names, the same rule as
//     the feature API).
//   - encode.go: the Go encoder (github.com/paulmach/orb/encoding/mvt):
//     project to tile units (extent 4096), clip to the tile plus a 64-unit
//     buffer, simplify below a pixel, drop features smaller than a pixel,
//     deterministic bytes.
//   - source.go: features from any parcels.Store through its List calls, so
//     the embedded GeoPackage store needs no tile code of its own.
//   - cache.go: an LRU of encoded tiles bounded by bytes, invalidated by the
//     bounding box of a change.
//   - service.go: source + encoder + cache, what the HTTP layer calls.
//   - tilejson.go, style.go: TileJSON 3.0 per layer and the MapLibre style.
package tiles
