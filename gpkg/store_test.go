package gpkg

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// rect is a lon/lat rectangle built in Linhai's plane: w×h metres with its
// south-west corner e metres east and n metres north of a point near
// 121.1°E 28.85°N.
func rect(e, n, w, h float64) orb.MultiPolygon {
	x0, y0 := parcels.LinhaiZone.Forward(121.1, 28.85) // x northing, y easting
	ox, oy := y0+e, x0+n
	ring := orb.Ring{{ox, oy}, {ox + w, oy}, {ox + w, oy + h}, {ox, oy + h}, {ox, oy}}
	return parcels.LinhaiZone.Unproject(orb.MultiPolygon{{ring}})
}

// MustOpen opens a store in a fresh file of the test's temp dir.
func MustOpen(tb testing.TB) (*Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "t.gpkg")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, path
}

func TestCRUDAndDerived(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t)
	p, err := s.CreateParcel(ctx, &parcels.Parcel{Code: "331082001001GB00001", Name: "A", Geometry: rect(0, 0, 100, 50)}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.Version != 1 || p.UpdatedBy != "alice" {
		t.Fatalf("meta %+v", p.Meta)
	}
	if d := p.AreaM2 - 5000; d > 1e-6 || d < -1e-6 {
		t.Fatalf("area %v, want 5000", p.AreaM2)
	}
	g, err := s.GetParcel(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g.AreaM2 != p.AreaM2 || !g.CreatedAt.Equal(p.CreatedAt) || g.Code != p.Code {
		t.Fatalf("get %+v != %+v", g, p)
	}
	b, err := s.CreateBuilding(ctx, &parcels.Building{Name: "B", Use: parcels.UseProduction, Floors: 2, Geometry: rect(10, 10, 20, 20)}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if b.ParcelID != p.ID {
		t.Fatalf("building parcel %d, want %d", b.ParcelID, p.ID)
	}
	g, _ = s.GetParcel(ctx, p.ID)
	if g.Version != 2 || g.BuildingCount != 1 || g.FloorAreaM2 < 799.99 || g.FloorAreaM2 > 800.01 {
		t.Fatalf("parcel after building: v%d count %d floor %v", g.Version, g.BuildingCount, g.FloorAreaM2)
	}
	page, err := s.ListParcels(ctx, parcels.Query{})
	if err != nil || page.NumberMatched != 1 || len(page.Items) != 1 {
		t.Fatalf("list %+v %v", page, err)
	}
	bb := rect(-10, -10, 5, 5).Bound()
	page, err = s.ListParcels(ctx, parcels.Query{BBox: &bb})
	if err != nil || page.NumberMatched != 0 {
		t.Fatalf("list far bbox %+v %v", page, err)
	}
	if err := s.DeleteParcel(ctx, p.ID, g.Version, "alice"); err != nil {
		t.Fatal(err)
	}
	b2, _ := s.GetBuilding(ctx, b.ID)
	if b2.ParcelID != 0 || b2.Version != 2 {
		t.Fatalf("building after parcel delete: %+v", b2)
	}
	h, err := s.History(ctx, parcels.KindParcel, p.ID)
	if err != nil || len(h) != 3 {
		t.Fatalf("history %v %v", h, err)
	}
	if err := s.Restore(ctx, parcels.KindParcel, p.ID, 1, 3, "carol"); err != nil {
		t.Fatal(err)
	}
	g, err = s.GetParcel(ctx, p.ID)
	if err != nil || g.Version != 4 || g.BuildingCount != 1 {
		t.Fatalf("restored %+v %v", g, err)
	}
}
