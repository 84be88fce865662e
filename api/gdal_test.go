package api_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"landplan/api"
	"landplan/demo"
	"landplan/gpkg"
	"landplan/parcels"
)

// demoServer serves the seeded demo area over real HTTP on 127.0.0.1:0.
func demoServer(t testing.TB, cfg api.Config) (*httptest.Server, *gpkg.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "demo.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	cfg.Store = st
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv) // listens on 127.0.0.1:0
	t.Cleanup(ts.Close)
	return ts, st
}

// needTool finds a command-line oracle: missing is a failure in CI (where
// scripts/pg-up installs it) and a skip on a developer's machine.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (Debian gdal-bin; scripts/pg-up installs it)", name)
		}
		t.Skipf("%s is not installed (Debian gdal-bin)", name)
	}
	return p
}

func ogrinfo(t *testing.T, exe string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=OFF", "GDAL_HTTP_USE_CAPI_STORE=NO")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestGDALReadsTheAPI: GDAL's OGC API – Features driver, a client no one here
// wrote, lists the three collections with the store's feature counts and
// reads every parcel with its fields equal to the store's.
func TestGDALReadsTheAPI(t *testing.T) {
	t.Parallel()
	exe := needTool(t, "ogrinfo")
	ts, st := demoServer(t, api.Config{AnonymousRole: parcels.RoleViewer})
	ctx := context.Background()
	count := func(k string) int64 {
		var n int64
		var err error
		switch k {
		case "parcels":
			var p parcels.Page[*parcels.Parcel]
			p, err = st.ListParcels(ctx, parcels.Query{Limit: 1})
			n = p.NumberMatched
		case "buildings":
			var p parcels.Page[*parcels.Building]
			p, err = st.ListBuildings(ctx, parcels.Query{Limit: 1})
			n = p.NumberMatched
		case "zones":
			var p parcels.Page[*parcels.Zone]
			p, err = st.ListZones(ctx, parcels.Query{Limit: 1})
			n = p.NumberMatched
		}
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Summary of every layer: names, geometry type, counts.
	out := ogrinfo(t, exe, "-ro", "-al", "-so", "OAPIF:"+ts.URL+"/api/")
	layers := map[string]int64{}
	var cur string
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "Layer name: "); ok {
			cur = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Feature Count: "); ok && cur != "" {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			layers[cur] = n
		}
	}
	for _, k := range []string{"parcels", "buildings", "zones"} {
		want := count(k)
		if want == 0 {
			t.Fatalf("the demo has no %s", k)
		}
		if layers[k] != want {
			t.Errorf("GDAL counts %d %s, the store %d\n%s", layers[k], k, want, out)
		}
		t.Logf("GDAL lists %s with %d features (store: %d)", k, layers[k], want)
	}
	if !strings.Contains(out, "Multi Polygon") || !strings.Contains(out, "area_m2: Real") || !strings.Contains(out, "code: String") {
		t.Errorf("GDAL's schema of the layers:\n%s", out)
	}
	if strings.Contains(out, "owner:") {
		t.Errorf("an anonymous viewer's GDAL sees the owner field:\n%s", out)
	}

	// Every parcel, read through paging (GDAL follows our next links).
	out = ogrinfo(t, exe, "-ro", "-oo", "PAGE_SIZE=70", "OAPIF:"+ts.URL+"/api/", "parcels")
	got := map[int64]map[string]string{}
	var fields map[string]string
	featRE := regexp.MustCompile(`^OGRFeature\(parcels\):(\d+)$`)
	fieldRE := regexp.MustCompile(`^  (\w+) \((\w+)\) = (.*)$`)
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if m := featRE.FindStringSubmatch(line); m != nil {
			fid, _ := strconv.ParseInt(m[1], 10, 64)
			fields = map[string]string{}
			got[fid] = fields
			continue
		}
		if m := fieldRE.FindStringSubmatch(line); m != nil && fields != nil {
			fields[m[1]] = m[3]
		}
	}
	var all []*parcels.Parcel
	q := parcels.Query{Limit: parcels.MaxLimit}
	for {
		p, err := st.ListParcels(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Items...)
		if p.NextAfter == 0 {
			break
		}
		q.After = p.NextAfter
	}
	t.Logf("GDAL read %d parcels through pages of 70", len(got))
	if len(got) != len(all) {
		t.Fatalf("GDAL read %d parcels, the store has %d", len(got), len(all))
	}
	for _, p := range all {
		g, ok := got[p.ID]
		if !ok {
			t.Errorf("GDAL did not read parcel %d", p.ID)
			continue
		}
		if g["code"] != p.Code || g["status"] != string(p.Status) || g["land_use"] != p.LandUse || g["name"] != p.Name {
			t.Errorf("parcel %d: GDAL %v, store code %s status %s", p.ID, g, p.Code, p.Status)
		}
		for k, want := range map[string]float64{"area_m2": p.AreaM2, "plot_ratio": p.PlotRatio, "building_density": p.BuildingDensity,
			"ellipsoidal_area_m2": p.EllipsoidalAreaM2} {
			v, err := strconv.ParseFloat(g[k], 64)
			if err != nil || math.Abs(v-want) > 1e-9*math.Max(1, want) {
				t.Errorf("parcel %d %s: GDAL %q, store %v", p.ID, k, g[k], want)
			}
		}
		if g["building_count"] != strconv.Itoa(p.BuildingCount) {
			t.Errorf("parcel %d building_count: GDAL %q, store %d", p.ID, g["building_count"], p.BuildingCount)
		}
		if p.LeaseEnd.IsZero() != (g["lease_end"] == "(null)" || g["lease_end"] == "") ||
			(!p.LeaseEnd.IsZero() && strings.ReplaceAll(g["lease_end"], "/", "-") != p.LeaseEnd.String()) {
			t.Errorf("parcel %d lease_end: GDAL %q, store %s", p.ID, g["lease_end"], p.LeaseEnd)
		}
		if _, seen := g["owner"]; seen {
			t.Errorf("parcel %d: the viewer's GDAL sees owner", p.ID)
			break
		}
	}
}
