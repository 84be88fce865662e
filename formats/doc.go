// Package formats imports and exports parcels in the files a land bureau
// exchanges. So far: the MNR boundary-point coordinate TXT (界址点坐标交换格式,
// "报部格式") that surveyors hand in, read by ReadTXT and written by WriteTXT.
//
// Readers parse tolerantly and validate strictly: every problem in a file is
// collected as a *parcels.Error (EINVALID) naming the parcel, its line, the
// ring and the point, in Chinese and English, so an all-or-nothing import can
// list every rejected feature at once. Declared values (areas, point counts)
// are never trusted: areas are recomputed from the coordinates and any
// difference is reported as a warning on the parcel.
//
// Geometries leave the package in CGCS2000 lon/lat (EPSG:4490), unprojected
// through geo.Zone; plane coordinates follow the Chinese surveying convention
// X = northing, Y = easting.
package formats
