package gpkg

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"landplan/parcels"
)

// needTool returns the path of an oracle tool; without it the test skips,
// except under CI, where a missing oracle is a failure (scripts/pg-up
// installs gdal-bin).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found and CI is set: install gdal-bin (scripts/pg-up does)", name)
		}
		t.Skipf("%s not found; install gdal-bin", name)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// ogrLayer is what `ogrinfo -so -al` says about one layer.
type ogrLayer struct {
	geometry string
	count    int
	epsg     string
	extent   [4]float64 // minx, miny, maxx, maxy
	hasExt   bool
	fields   map[string]string // name → type
}

var (
	reLayer  = regexp.MustCompile(`(?m)^Layer name: (\S+)`)
	reGeom   = regexp.MustCompile(`(?m)^Geometry: (.+)$`)
	reCount  = regexp.MustCompile(`(?m)^Feature Count: (\d+)$`)
	reExtent = regexp.MustCompile(`(?m)^Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)$`)
	reEPSG   = regexp.MustCompile(`ID\["EPSG",(\d+)\]\]\s*$`)
	reField  = regexp.MustCompile(`(?m)^(\w+): (\w+) \(`)
)

// parseOgrinfo parses `ogrinfo -so -al` output into layers by name.
func parseOgrinfo(t *testing.T, out string) map[string]ogrLayer {
	t.Helper()
	layers := map[string]ogrLayer{}
	locs := reLayer.FindAllStringSubmatchIndex(out, -1)
	for i, loc := range locs {
		end := len(out)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		name := out[loc[2]:loc[3]]
		sec := out[loc[0]:end]
		var l ogrLayer
		if m := reGeom.FindStringSubmatch(sec); m != nil {
			l.geometry = m[1]
		}
		if m := reCount.FindStringSubmatch(sec); m != nil {
			l.count, _ = strconv.Atoi(m[1])
		}
		if m := reExtent.FindStringSubmatch(sec); m != nil {
			for j := range 4 {
				l.extent[j], _ = strconv.ParseFloat(m[j+1], 64)
			}
			l.hasExt = true
		}
		// The layer SRS WKT ends with the CRS's own ID before the axis mapping.
		if wktEnd := strings.Index(sec, "Data axis to CRS axis mapping"); wktEnd > 0 {
			if m := reEPSG.FindStringSubmatch(sec[:wktEnd]); m != nil {
				l.epsg = m[1]
			}
		}
		l.fields = map[string]string{}
		for _, m := range reField.FindAllStringSubmatch(sec, -1) {
			l.fields[m[1]] = m[2]
		}
		layers[name] = l
	}
	return layers
}

// writeSample writes parcels, buildings and a zone with pieces, deletes some
// rows, and returns the live rows.
func writeSample(t *testing.T, s *Store) ([]*parcels.Parcel, []*parcels.Building, *parcels.Zone) {
	t.Helper()
	ctx := context.Background()
	var ps []*parcels.Parcel
	for i := range 6 {
		ps = append(ps, &parcels.Parcel{
			Code: fmt.Sprintf("331082001001GB%05d", i+1), Name: fmt.Sprintf("宗地%d", i+1), Owner: "临海市某某机械有限公司",
			LandUse: "0601", LandSource: parcels.SourceTransferred, Status: parcels.StatusInUse, Town: "江南街道",
			LeaseStart: parcels.NewDate(2001, 3, 15), LeaseEnd: parcels.NewDate(2051, 3, 14), RegisteredAreaM2: 8000,
			Geometry: rect(float64(110*i), 0, 100, 80),
		})
	}
	ps, err := s.CreateParcels(ctx, ps, "test")
	if err != nil {
		t.Fatal(err)
	}
	var bs []*parcels.Building
	for i := range 9 {
		bs = append(bs, &parcels.Building{Name: fmt.Sprintf("厂房%d", i+1), Use: parcels.UseProduction, Floors: 1 + i%3,
			Geometry: rect(float64(70*i)+5, 5, 40, 30)})
	}
	bs, err = s.CreateBuildings(ctx, bs, "test")
	if err != nil {
		t.Fatal(err)
	}
	// Delete the last parcel (the layer's east edge) and one building.
	last, _ := s.GetParcel(ctx, ps[5].ID)
	if err := s.DeleteParcel(ctx, last.ID, last.Version, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBuilding(ctx, bs[0].ID, bs[0].Version, "test"); err != nil {
		t.Fatal(err)
	}
	z, err := s.CreateZone(ctx, &parcels.Zone{Name: "联合改造一号", Status: parcels.ZoneDraft, Members: []int64{ps[0].ID, ps[1].ID},
		Pieces: []parcels.Piece{{ID: "p1", Name: "夹心地", Geometry: rect(100, 0, 10, 80)}, {ID: "p2", Geometry: rect(0, 80, 210, 10)}}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	lp, err := s.ListParcels(ctx, parcels.Query{})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := s.ListBuildings(ctx, parcels.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return lp.Items, lb.Items, z
}

func extentOf[T any](rows []T, geom func(T) orb.MultiPolygon) orb.Bound {
	b := geom(rows[0]).Bound()
	for _, r := range rows[1:] {
		b = b.Union(geom(r).Bound())
	}
	return b
}

// TestOgrinfoLayers opens the file with GDAL while the store has it open and
// again after Close, and compares layers, feature counts, geometry type, SRS
// and extents with what was written; GDAL's GeoPackage validator must accept
// the file.
func TestOgrinfoLayers(t *testing.T) {
	needTool(t, "ogrinfo")
	s, path := MustOpen(t)
	ps, bs, z := writeSample(t, s)
	want := map[string]struct {
		count int
		ext   orb.Bound
	}{
		"parcels":     {len(ps), extentOf(ps, func(p *parcels.Parcel) orb.MultiPolygon { return p.Geometry })},
		"buildings":   {len(bs), extentOf(bs, func(b *parcels.Building) orb.MultiPolygon { return b.Geometry })},
		"zones":       {1, z.Geometry.Bound()},
		"zone_pieces": {2, z.Pieces[0].Geometry.Bound().Union(z.Pieces[1].Geometry.Bound())},
	}
	// The change log is an attributes table: no geometry, one record per change.
	var changes int
	if err := s.r.QueryRow("SELECT count(*) FROM landplan_history").Scan(&changes); err != nil {
		t.Fatal(err)
	}
	if changes < 6+9+2+1 {
		t.Fatalf("%d history records, want at least one per write", changes)
	}
	if len(ps) != 5 || len(bs) != 8 {
		t.Fatalf("sample has %d parcels and %d buildings, want 5 and 8", len(ps), len(bs))
	}
	check := func(stage string) {
		layers := parseOgrinfo(t, run(t, "ogrinfo", "-so", "-al", "-ro", path))
		for name, w := range want {
			l, ok := layers[name]
			if !ok {
				t.Errorf("%s: ogrinfo lists no layer %s (has %v)", stage, name, layers)
				continue
			}
			if l.geometry != "Multi Polygon" || l.epsg != "4490" || l.count != w.count {
				t.Errorf("%s: layer %s: geometry %q, EPSG %q, %d features; want Multi Polygon, 4490, %d", stage, name, l.geometry, l.epsg, l.count, w.count)
			}
			// ogrinfo prints 6 decimals.
			got := l.extent
			exp := [4]float64{w.ext.Min[0], w.ext.Min[1], w.ext.Max[0], w.ext.Max[1]}
			for i := range got {
				if !l.hasExt || math.Abs(got[i]-exp[i]) > 6e-7 {
					t.Errorf("%s: layer %s extent %v, want %v", stage, name, got, exp)
					break
				}
			}
		}
		if h := layers["landplan_history"]; h.geometry != "None" || h.count != changes {
			t.Errorf("%s: landplan_history: geometry %q, %d records; want None, %d", stage, h.geometry, h.count, changes)
		}
		if len(layers) != len(want)+1 {
			t.Errorf("%s: ogrinfo lists %d layers, want %d", stage, len(layers), len(want)+1)
		}
		for _, f := range []string{"code", "owner", "lease_start", "area_m2", "plot_ratio"} {
			if layers["parcels"].fields[f] == "" {
				t.Errorf("%s: parcels has no field %s: %v", stage, f, layers["parcels"].fields)
			}
		}
		if typ := layers["parcels"].fields["lease_start"]; typ != "Date" {
			t.Errorf("%s: lease_start is %s, want Date", stage, typ)
		}
		if typ := layers["parcels"].fields["updated_at"]; typ != "DateTime" {
			t.Errorf("%s: updated_at is %s, want DateTime", stage, typ)
		}
		out := run(t, "ogrinfo", "-q", "-ro", path, "-sql", "SELECT HasSpatialIndex('parcels','geom')")
		if !strings.Contains(out, "HasSpatialIndex (Integer) = 1") || strings.Contains(out, "Warning") {
			t.Errorf("%s: GDAL sees no spatial index on parcels:\n%s", stage, out)
		}
		// A spatial filter through GDAL (which uses the R-tree) finds
		// exactly the parcels whose boxes meet the window.
		win := ps[1].Geometry.Bound()
		out = run(t, "ogrinfo", "-q", "-ro", path, "parcels", "-spat",
			fmt.Sprint(win.Min[0]+1e-6), fmt.Sprint(win.Min[1]+1e-6), fmt.Sprint(win.Max[0]-1e-6), fmt.Sprint(win.Max[1]-1e-6))
		if n := strings.Count(out, "OGRFeature(parcels)"); n != 1 || !strings.Contains(out, fmt.Sprintf("OGRFeature(parcels):%d\n", ps[1].ID)) {
			t.Errorf("%s: -spat inside parcel %d found %d features:\n%.500s", stage, ps[1].ID, n, out)
		}
	}
	check("open")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check("closed")
	if _, err := exec.LookPath("python3"); err == nil {
		v := "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
		if _, err := os.Stat(v); err == nil {
			out := run(t, "python3", v, "--extra", "--warning-as-error", path)
			if strings.TrimSpace(out) != "" {
				t.Errorf("validate_gpkg.py: %s", out)
			}
		}
	}
}

// TestOgrinfoReadsParcel reads one parcel's fields and geometry back through
// GDAL and compares them with the stored row.
func TestOgrinfoReadsParcel(t *testing.T) {
	needTool(t, "ogrinfo")
	s, path := MustOpen(t)
	ps, _, _ := writeSample(t, s)
	p := ps[2]
	out := run(t, "ogrinfo", "-q", "-ro", path, "parcels", "-fid", fmt.Sprint(p.ID))
	fields := map[string]string{}
	var geom string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "MULTIPOLYGON") {
			geom = line
			continue
		}
		if name, rest, ok := strings.Cut(line, " ("); ok {
			if _, val, ok := strings.Cut(rest, ") = "); ok {
				fields[name] = val
			}
		}
	}
	text := map[string]string{
		"code": p.Code, "name": p.Name, "owner": p.Owner, "land_use": p.LandUse, "land_source": string(p.LandSource),
		"status": string(p.Status), "town": p.Town, "lease_start": "2001/03/15", "lease_end": "2051/03/14",
		"version": fmt.Sprint(p.Version), "building_count": fmt.Sprint(p.BuildingCount), "updated_by": p.UpdatedBy,
		"updated_at": p.UpdatedAt.Format("2006/01/02 15:04:05.000") + "+00",
	}
	for k, v := range text {
		if fields[k] != v {
			t.Errorf("ogrinfo %s = %q, want %q", k, fields[k], v)
		}
	}
	nums := map[string]float64{"area_m2": p.AreaM2, "area_mu": p.AreaMu, "ellipsoidal_area_m2": p.EllipsoidalAreaM2,
		"registered_area_m2": p.RegisteredAreaM2, "floor_area_m2": p.FloorAreaM2, "building_density": p.BuildingDensity,
		"plot_ratio": p.PlotRatio, "footprint_area_m2": p.FootprintAreaM2}
	for k, v := range nums {
		got, err := strconv.ParseFloat(fields[k], 64)
		// GDAL prints 15 significant digits.
		if err != nil || math.Abs(got-v) > 1e-13*math.Max(1, math.Abs(v)) {
			t.Errorf("ogrinfo %s = %q, want %v", k, fields[k], v)
		}
	}
	if p.BuildingCount == 0 || p.PlotRatio == 0 {
		t.Errorf("sample parcel has no buildings: %+v", p.ParcelDerived)
	}
	g, err := wkt.Unmarshal(geom)
	if err != nil {
		t.Fatalf("ogrinfo geometry %q: %v", geom, err)
	}
	mp, ok := g.(orb.MultiPolygon)
	if !ok || len(mp) != 1 || len(mp[0]) != 1 || len(mp[0][0]) != len(p.Geometry[0][0]) {
		t.Fatalf("ogrinfo geometry %v, want %v", g, p.Geometry)
	}
	for i, pt := range mp[0][0] {
		w := p.Geometry[0][0][i]
		if math.Abs(pt[0]-w[0]) > 1e-12 || math.Abs(pt[1]-w[1]) > 1e-12 {
			t.Errorf("vertex %d: %v, want %v", i, pt, w)
		}
	}
}
