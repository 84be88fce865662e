// Package realdata loads the real shapes of the project's shared/data folder
// (beside the repository, as in CI) for robustness tests: Cambridge MA
// cadastral parcels moved to Linhai by the same (Δlon, Δlat) for every
// coordinate, so shared edges, slivers and small overlaps are kept exactly.
// Missing data skips a test, except under CI, where it fails.
package realdata

import (
	"cmp"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// CambridgeShift is the translation of shared/data/README.md that puts the
// Cambridge parcels in Linhai.
const CambridgeLonShift, CambridgeLatShift = 192.24, -13.535

// Parcel is one real parcel: its id in the source file and its lon/lat
// geometry in Linhai.
type Parcel struct {
	ID       int64
	Geometry orb.MultiPolygon
}

// sharedDir is ../shared relative to the repository root.
func sharedDir() string {
	_, file, _, _ := runtime.Caller(0) // …/internal/realdata/realdata.go
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
}

// Cambridge returns the 655 Cambridge parcels, translated to Linhai, by id.
func Cambridge(tb testing.TB) []Parcel {
	tb.Helper()
	path := filepath.Join(sharedDir(), "data", "cambridge-parcels", "parcels_fp500_with_taxFY13.geojson")
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("real data missing in CI: %v", err)
		}
		tb.Skipf("real data not available: %v", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		tb.Fatal(err)
	}
	var out []Parcel
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			continue
		}
		out = append(out, Parcel{ID: int64(f.ID.(float64)), Geometry: Shift(mp, CambridgeLonShift, CambridgeLatShift)})
	}
	slices.SortFunc(out, func(a, b Parcel) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Shift moves every coordinate of g by (dLon, dLat).
func Shift(g orb.MultiPolygon, dLon, dLat float64) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(g))
	for i, p := range g {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, len(r))
			for k, pt := range r {
				nr[k] = orb.Point{pt[0] + dLon, pt[1] + dLat}
			}
			out[i][j] = nr
		}
	}
	return out
}
