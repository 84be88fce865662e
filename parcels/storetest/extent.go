package storetest

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// Extenter is the optional capability the API uses for cheap collection
// extents (api.Extenter): the exact lon/lat bound of a kind's live rows,
// ok = false when there are none. Both stores have it, so the suite
// requires it.
type Extenter interface {
	Extent(ctx context.Context, kind parcels.Kind) (orb.Bound, bool, error)
}

func testExtent(t *testing.T, newStore Factory) {
	t.Run("ExactAndShrinksOnDelete", func(t *testing.T) {
		ctx := context.Background()
		st := newStore(t)
		s, ok := st.(Extenter)
		if !ok {
			t.Fatalf("%T has no Extent method", st)
		}
		if _, ok, err := s.Extent(ctx, parcels.KindParcel); err != nil || ok {
			t.Fatalf("empty layer: ok %v err %v", ok, err)
		}
		var ps []*parcels.Parcel
		for _, g := range []orb.MultiPolygon{Rect(0, 0, 100, 80), Rect(150, -40, 60, 60), Rect(600, 30, 50, 200)} {
			ps = append(ps, MustCreateParcel(t, st, &parcels.Parcel{Geometry: g}))
		}
		want := func(ps []*parcels.Parcel) orb.Bound {
			b := ps[0].Geometry.Bound()
			for _, p := range ps[1:] {
				b = b.Union(p.Geometry.Bound())
			}
			return b
		}
		check := func(w orb.Bound) {
			t.Helper()
			b, ok, err := s.Extent(ctx, parcels.KindParcel)
			if err != nil || !ok {
				t.Fatalf("extent: ok %v err %v", ok, err)
			}
			if b != w {
				t.Fatalf("extent %v, want %v", b, w)
			}
		}
		check(want(ps))
		// Deleting the row on the east edge shrinks the extent to the others.
		MustDeleteParcel(t, st, ps[2].ID, "t")
		check(want(ps[:2]))
		if _, ok, err := s.Extent(ctx, parcels.KindBuilding); err != nil || ok {
			t.Fatalf("no buildings: ok %v err %v", ok, err)
		}
	})
}
