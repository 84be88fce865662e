// Package postgis is landplan's production store: parcels.Store on
// PostgreSQL with PostGIS, through a pgx v5 pool. It is the one place that
// knows SQL.
//
// How it keeps the Store's promises:
//   - Every write is one transaction. Writes that change geometry or derived
//     values first take one transaction-level advisory lock (writeLock), then
//     lock the rows they change with SELECT … FOR UPDATE and compare versions
//     (a stale version is parcels.Conflict). The advisory lock is there
//     because derived values span rows found by spatial queries (the
//     buildings on a parcel, the parcels under a building): under READ
//     COMMITTED two concurrent writers could each miss the other's new row,
//     and SERIALIZABLE would turn that into retries. Land-bureau write rates
//     are low, so one writer at a time costs nothing and makes every
//     recomputation see a settled world.
//   - Derived values are computed in Go with parcels.Deriver inside the
//     transaction — never in SQL — so this store and the GeoPackage store
//     agree to the last bit. A write reassigns buildings to the parcel they
//     overlap most and recomputes every affected parcel; a recomputed row
//     gets a new version and a history record like any other change.
//   - Geometry travels as EWKB (orb/encoding/ewkb): ST_AsEWKB out,
//     ST_GeomFromEWKB in, and the binary COPY protocol for bulk inserts
//     (geometry_recv reads EWKB). Coordinates come back bit for bit.
//   - Driver errors are translated once (translate): unique and check
//     violations become EINVALID with a message a person can act on, lock
//     conflicts ECONFLICT; SQL text never reaches a domain error.
//   - CreateParcels is the import path: a pipeline in which goroutines
//     check and derive chunks of parcels while a binary COPY streams the
//     finished rows in input order; ids come from the sequence in one round
//     trip, the history follows by COPY, and the buildings the batch covers
//     are found through the GiST index. Its figure and the command that
//     measures it are in TestBulkInsert and BenchmarkBulkInsert.
//   - After each committed write, NOTIFY landplan_changes carries the kind,
//     id and bbox of every changed row (Changes listens), so tile caches on
//     every replica can drop what a write made stale.
package postgis
