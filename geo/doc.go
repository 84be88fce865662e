// Package geo is the geometry math of landplan, with no I/O: the CGCS2000
// ellipsoid, Gauss–Krüger projection (3° and 6° zones, forward and inverse),
// cadastral plane area and ellipsoidal area, area units (m², 亩, 公顷),
// geometry validation with precise messages, and overlay (union, difference,
// holes, pockets, shared boundaries).
//
// Geometries are orb types. Lon/lat geometries hold (lon, lat) in degrees on
// CGCS2000 (EPSG:4490). Plane geometries hold (easting, northing) in metres in
// a Gauss–Krüger zone, i.e. orb.Point{Y, X} in Chinese surveying terms, so that
// orb's x/y order and the right-hand rule keep their usual meaning.
package geo
