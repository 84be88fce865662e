package gpkg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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

// TestListWhereIntersects: S_INTERSECTS in Where narrows the R-tree search
// when it must hold (alone or in a top-level AND) and not when it sits in an
// OR; the answers are exact either way.
func TestListWhereIntersects(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t)
	var ps []*parcels.Parcel
	for i := range 10 {
		ps = append(ps, &parcels.Parcel{Name: fmt.Sprint(i), Town: []string{"大洋街道", "古城街道"}[i%2], Geometry: rect(float64(100*i), 0, 90, 90)})
	}
	ps, err := s.CreateParcels(ctx, ps, "t")
	if err != nil {
		t.Fatal(err)
	}
	// A line through parcels 2, 3 and 4 (and the streets between them).
	a, b := rect(250, 45, 1, 1)[0][0][0], rect(450, 45, 1, 1)[0][0][0]
	seg := orb.LineString{a, b}
	ids := func(q parcels.Query) []int64 {
		t.Helper()
		page, err := s.ListParcels(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, p := range page.Items {
			out = append(out, p.ID)
		}
		if int64(len(out)) != page.NumberMatched {
			t.Fatalf("NumberMatched %d for %d items", page.NumberMatched, len(out))
		}
		return out
	}
	want := func(got []int64, idx ...int) {
		t.Helper()
		if len(got) != len(idx) {
			t.Fatalf("got %v, want parcels %v", got, idx)
		}
		for i, k := range idx {
			if got[i] != ps[k].ID {
				t.Fatalf("got %v, want parcels %v", got, idx)
			}
		}
	}
	want(ids(parcels.Query{Where: parcels.Intersects{Geometry: seg}}), 2, 3, 4)
	want(ids(parcels.Query{Where: parcels.And{parcels.Intersects{Geometry: seg}, parcels.Compare{Prop: "town", Op: "=", Value: "大洋街道"}}}), 2, 4)
	want(ids(parcels.Query{Where: parcels.Or{parcels.Intersects{Geometry: seg}, parcels.Compare{Prop: "name", Op: "=", Value: "9"}}}), 2, 3, 4, 9)
	far := rect(5000, 5000, 10, 10).Bound()
	want(ids(parcels.Query{BBox: &far, Where: parcels.Intersects{Geometry: seg}}))
}

// TestOpenRefusesForeignFiles: a file that is not a landplan GeoPackage is
// never taken over.
func TestOpenRefusesForeignFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.gpkg")
	if err := os.WriteFile(text, []byte("这不是数据库 not a database at all, just text that is long enough"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, text, Options{}); err == nil {
		t.Error("Open of a text file succeeded")
	}
	// A GeoPackage made by GDAL is a GeoPackage, but not ours.
	if _, err := exec.LookPath("ogr2ogr"); err == nil {
		src := filepath.Join(dir, "in.geojson")
		os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[121.1,28.85]}}]}`), 0o644)
		gp := filepath.Join(dir, "gdal.gpkg")
		if out, err := exec.Command("ogr2ogr", "-f", "GPKG", gp, src).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr: %v %s", err, out)
		}
		_, err := Open(ctx, gp, Options{})
		if parcels.ErrorCode(err) != parcels.EINVALID {
			t.Errorf("Open of GDAL's GeoPackage: %v, want EINVALID", err)
		}
	}
	// A landplan file opens again with its rows.
	s, path := MustOpen(t)
	if _, err := s.CreateParcel(ctx, &parcels.Parcel{Name: "x", Geometry: rect(0, 0, 10, 10)}, "t"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if p, err := s2.GetParcel(ctx, 1); err != nil || p.Name != "x" || s2.idx[parcels.KindParcel].tr.Len() != 1 {
		t.Fatalf("reopened: %v %v", p, err)
	}
}

// TestOpenCreatesDirectory: a new file in a missing directory (./data on a
// fresh checkout) is created with its directory.
func TestOpenCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "sub", "landplan.gpkg")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestReadersDuringWrites: spatial and plain Lists running while a writer
// adds parcels always see one commit: the page agrees with NumberMatched,
// and counts never go down.
func TestReadersDuringWrites(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t)
	const n = 60
	box := rect(-10, -10, 100*20+20, 160).Bound() // rows 0 and 1 (the lon/lat box is a little skewed)
	done := make(chan error, 1)
	go func() {
		for i := range n {
			if _, err := s.CreateParcel(ctx, &parcels.Parcel{Name: fmt.Sprint(i), Geometry: rect(float64(100*(i%20)), float64(100*(i/20)), 90, 90)}, "w"); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	var last [2]int64
	check := func(k int, q parcels.Query) {
		page, err := s.ListParcels(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(page.Items)) != page.NumberMatched {
			t.Fatalf("page of %d items, NumberMatched %d", len(page.Items), page.NumberMatched)
		}
		if page.NumberMatched < last[k] {
			t.Fatalf("count went down from %d to %d", last[k], page.NumberMatched)
		}
		last[k] = page.NumberMatched
	}
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			check(0, parcels.Query{Limit: 1000})
			check(1, parcels.Query{BBox: &box, Limit: 1000})
			if last[0] != n || last[1] != 40 {
				t.Fatalf("after the writes: %d parcels, %d in the box; want %d and 40", last[0], last[1], n)
			}
			return
		default:
			check(0, parcels.Query{Limit: 1000})
			check(1, parcels.Query{BBox: &box, Limit: 1000})
		}
	}
}
