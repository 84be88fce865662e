package planning

import (
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// Test geometries are drawn in plane metres relative to an origin in Linhai
// (zone 40, X 3193141.369 N, Y 40607340.725 E: 28.85°N 121.10°E) and
// unprojected to lon/lat, so their cadastral areas are the hand-computed ones.
const originE, originN = 40607340.725, 3193141.369

func mustProfile(tb testing.TB) *Profile {
	tb.Helper()
	p, err := LoadProfile("linhai")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// poly unprojects a plane polygon given as (east, north) offsets in metres.
func poly(rings ...[]orb.Point) orb.MultiPolygon {
	pl := orb.Polygon{}
	for _, r := range rings {
		ring := orb.Ring{}
		for _, p := range r {
			ring = append(ring, orb.Point{originE + p[0], originN + p[1]})
		}
		ring = append(ring, ring[0])
		pl = append(pl, ring)
	}
	return parcels.LinhaiZone.Unproject(orb.MultiPolygon{pl})
}

// rect is the rectangle [x0,x1]×[y0,y1] in metres, counter-clockwise.
func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return poly([]orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}})
}

func rectRing(x0, y0, x1, y1 float64) []orb.Point {
	return []orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

func member(id int64, g orb.MultiPolygon) *parcels.Parcel {
	return &parcels.Parcel{Meta: parcels.Meta{ID: id}, Geometry: g, LandSource: parcels.SourceTransferred}
}

func piece(id string, g orb.MultiPolygon) parcels.Piece { return parcels.Piece{ID: id, Geometry: g} }

func approx(tb testing.TB, name string, got, want, tol float64) {
	tb.Helper()
	if d := got - want; d > tol || d < -tol {
		tb.Errorf("%s = %.6f, want %.6f (±%g)", name, got, want, tol)
	}
}

func findPiece(tb testing.TB, r *LeftoverReport, id string) PieceReport {
	tb.Helper()
	for _, p := range r.Pieces {
		if p.ID == id {
			return p
		}
	}
	tb.Fatalf("no piece %q in report", id)
	return PieceReport{}
}
