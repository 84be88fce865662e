package postgis_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
	"landplan/parcels/storetest"
)

func TestExtent(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if _, ok, err := db.Extent(ctx, parcels.KindParcel); err != nil || ok {
		t.Fatalf("empty table: ok %v err %v", ok, err)
	}
	var ps []*parcels.Parcel
	for _, g := range []orb.MultiPolygon{storetest.Rect(0, 0, 100, 80), storetest.Rect(150, -40, 60, 60), storetest.Rect(600, 30, 50, 200)} {
		p, err := db.CreateParcel(ctx, &parcels.Parcel{Geometry: g}, "t")
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
		b, ok, err := db.Extent(ctx, parcels.KindParcel)
		if err != nil || !ok {
			t.Fatalf("extent: ok %v err %v", ok, err)
		}
		if b != w {
			t.Fatalf("extent %v, want %v", b, w)
		}
	}
	check(want(ps))
	// Delete the row on the east edge: the extent shrinks to the others.
	if err := db.DeleteParcel(ctx, ps[2].ID, ps[2].Version, "t"); err != nil {
		t.Fatal(err)
	}
	check(want(ps[:2]))
	if _, ok, err := db.Extent(ctx, parcels.KindBuilding); err != nil || ok {
		t.Fatalf("no buildings: ok %v err %v", ok, err)
	}
}
