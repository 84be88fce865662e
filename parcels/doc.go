// Package parcels holds landplan's domain: land parcels (宗地), building
// footprints, merged redevelopment zones with their leftover pieces, the
// change history, API tokens, the Store contract every storage adapter
// implements, the derived values (areas, density, plot ratio) the stores keep
// with each row, and the domain errors.
//
// Geometries are orb.MultiPolygon in CGCS2000 lon/lat (SRID 4490). Derived
// values are computed here, never in an adapter, so both stores agree to the
// last bit; adapters only persist them in the same transaction as the write.
package parcels
