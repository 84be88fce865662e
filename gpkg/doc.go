// Package gpkg is landplan's embedded store: parcels.Store in one GeoPackage
// file (OGC 12-128r18, version 1.3) written with pure-Go SQLite
// (modernc.org/sqlite), so `landplan serve` needs no database server and the
// same file opens in QGIS and GDAL.
//
// The file holds the layers parcels, buildings, zones and zone_pieces
// (MULTIPOLYGON, EPSG:4490, standard GeoPackage geometry blobs, layer extents
// kept current in gpkg_contents, the gpkg_rtree_index spatial index with its
// triggers) and the tables landplan_history, landplan_tokens,
// landplan_zone_members and landplan_meta, which GIS clients ignore.
//
// Durability: WAL journal with synchronous=FULL, one transaction per write; a
// write returns only after its commit is on disk, so a crash loses nothing
// acknowledged. Concurrency: one writer at a time (a mutex and a single
// writer connection), any number of readers on their own connections, which
// WAL lets read while the writer writes. Spatial queries use an in-memory
// R-tree (tidwall/rtree) of every row's bounding box, built at Open and
// updated right after each commit; candidates are then tested exactly with
// geo.Intersects. Inside a write transaction, candidate lookups use the
// file's own R-tree, which the triggers keep current within the transaction.
//
// Filters (Query.Where) are evaluated in Go with parcels.Match over the
// queryable columns; a filter without a spatial condition therefore reads
// the whole layer (about 1 s for 100,000 parcels), while BBox, Intersects
// and a top-level S_INTERSECTS go through the R-tree.
//
// The store assumes it is the only writer of its file while it is open: a
// GIS client may read the file at any time, but rows it writes meanwhile
// are not in the in-memory R-tree until the store is opened again.
package gpkg
