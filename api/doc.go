// Package api is landplan's HTTP interface, built on chi:
//
//   - OGC API – Features at /api/: Part 1 (landing page, conformance,
//     collections parcels, buildings and zones, items with bbox, limit,
//     keyset next/prev links, numberMatched, property filters), Part 2
//     (crs, bbox-crs, Content-Crs for CRS84, EPSG:4490, EPSG:4326 and the
//     CGCS2000 Gauss–Krüger zones), Part 3 (CQL2 text filters, queryables)
//     and Part 4 (POST, PUT, PATCH as JSON merge patch, DELETE with
//     If-Match; a FeatureCollection POST is one transaction);
//   - the planning analyses: /api/analysis/{indicators,leftover,compliance}
//     and /api/zones/{id}/report, as JSON or readable text;
//   - vector tiles /api/tiles/{layer}/{z}/{x}/{y}.mvt (cached, ETag, gzip,
//     invalidated by every write through the API and, on PostGIS, by the
//     change feed), TileJSON /api/tiles/{layer}.json and the MapLibre
//     style /api/styles/{name}.json;
//   - bearer tokens stored as hashes, roles editor > planner > viewer, an
//     anonymous role from configuration;
//   - errors as RFC 9457 problem details in Chinese or English, with every
//     geometry finding (feature, ring, vertex);
//   - /healthz, /readyz, /metrics (Prometheus), request logs with a request
//     id, gzip, CORS, timeouts and /api/openapi.json (OpenAPI 3.1).
//
// api depends on the parcels.Store interface, the planning engine and tiles;
// cmd/landplan chooses and wires the store.
package api
