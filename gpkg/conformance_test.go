package gpkg

import (
	"path/filepath"
	"testing"

	"landplan/parcels"
	"landplan/parcels/storetest"
)

// TestConformance runs the stores' conformance suite, each subtest on a
// fresh file.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) parcels.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "conformance.gpkg"), Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
