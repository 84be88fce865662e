package gpkg

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

func TestExtent(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t)
	if _, ok, err := s.Extent(ctx, parcels.KindParcel); err != nil || ok {
		t.Fatalf("empty layer: ok %v err %v", ok, err)
	}
	var ps []*parcels.Parcel
	for _, g := range []orb.MultiPolygon{rect(0, 0, 100, 80), rect(150, -40, 60, 60), rect(600, 30, 50, 200)} {
		p, err := s.CreateParcel(ctx, &parcels.Parcel{Geometry: g}, "t")
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
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
	if err := s.DeleteParcel(ctx, ps[2].ID, ps[2].Version, "t"); err != nil {
		t.Fatal(err)
	}
	check(want(ps[:2]))
	if _, ok, err := s.Extent(ctx, parcels.KindBuilding); err != nil || ok {
		t.Fatalf("no buildings: ok %v err %v", ok, err)
	}
}
