// Package storetest is the conformance suite of parcels.Store: one set of
// tests that every storage adapter (PostGIS, GeoPackage) must pass, so the
// stores behave the same and the promises written in parcels/store.go hold.
//
// An adapter calls it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) parcels.Store {
//			s := open(t) // a fresh, empty store
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Every leaf subtest asks for its own fresh store, so subtests are independent
// and a failure names exactly one broken promise. A behaviour a store lacks is
// a failing test, never a skip.
//
// The groups: CRUD (round trips of every field, Meta), Derived (areas,
// building assignment, footprint clipped to the parcel, floor area, density,
// plot ratio, recomputed on every write), Versions (stale versions, racing
// writers), Geometry (EINVALID with Problems, repairs), Batch (order,
// all-or-nothing with the failing "#index"), List (every Expr form, bbox,
// intersects, keyset paging), Queryables, Zones, History (and Restore),
// Tokens, Cancel (cancelled contexts), Edges and Consistency (what readers
// see while writers work).
//
// Test geometry is drawn as rectangles in plane metres in parcels.LinhaiZone
// (CGCS2000 3° zone 40) around Linhai (121.1°E, 28.85°N) and unprojected to
// lon/lat, so every expected area, density and plot ratio is a hand
// computation on round numbers (see fixtures.go).
package storetest

import (
	"testing"

	"landplan/parcels"
)

// Factory returns a fresh, empty store for one subtest; the factory arranges
// (with t.Cleanup) for it to be closed.
type Factory func(t *testing.T) parcels.Store

// Run runs the whole conformance suite against stores made by newStore.
func Run(t *testing.T, newStore Factory) {
	t.Helper()
	groups := []struct {
		name string
		run  func(*testing.T, Factory)
	}{
		{"CRUD", testCRUD},
		{"Derived", testDerived},
		{"Versions", testVersions},
		{"Geometry", testGeometry},
		{"Batch", testBatch},
		{"List", testList},
		{"Queryables", testQueryables},
		{"Zones", testZones},
		{"History", testHistory},
		{"Tokens", testTokens},
		{"Cancel", testCancel},
		{"CancelMidWrite", testCancelMidWrite},
		{"Edges", testEdges},
		{"Consistency", testConsistency},
		{"Extent", testExtent},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, newStore) })
	}
}
