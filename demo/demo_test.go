package demo

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/gpkg"
	"landplan/parcels"
)

var zone = parcels.LinhaiZone

func TestCounts(t *testing.T) {
	d := Generate()
	if len(d.Parcels) < 300 || len(d.Buildings) < 1500 {
		t.Fatalf("%d parcels, %d buildings; want ≥ 300 and ≥ 1500", len(d.Parcels), len(d.Buildings))
	}
	saved := 0
	for _, c := range d.Cases {
		if c.Zone != nil {
			saved++
		}
	}
	if len(d.Cases) < 3 || saved < 2 || saved > 3 {
		t.Fatalf("%d cases, %d saved as zones; want ≥ 3 cases, 2–3 zones", len(d.Cases), saved)
	}
	count := func(f func(p *parcels.Parcel) bool) int {
		n := 0
		for _, p := range d.Parcels {
			if f(p) {
				n++
			}
		}
		return n
	}
	share := func(n int) float64 { return float64(n) / float64(len(d.Parcels)) }
	if s := share(count(func(p *parcels.Parcel) bool { return p.LandUse == "0601" })); s < 0.8 {
		t.Errorf("industrial land (0601) is %.0f%% of parcels, want most", 100*s)
	}
	for _, use := range []string{"0602", "0508"} {
		if count(func(p *parcels.Parcel) bool { return p.LandUse == use }) == 0 {
			t.Errorf("no parcel with land use %s", use)
		}
	}
	if s := share(count(func(p *parcels.Parcel) bool { return p.LandSource == parcels.SourceTransferred })); s < 0.7 {
		t.Errorf("出让 land is %.0f%%, want most", 100*s)
	}
	for _, src := range []parcels.LandSource{parcels.SourceAllocated, parcels.SourceCollective} {
		if count(func(p *parcels.Parcel) bool { return p.LandSource == src }) == 0 {
			t.Errorf("no parcel with land source %s", src)
		}
	}
	for _, town := range []string{"大洋街道", "古城街道", "江南街道", "杜桥镇"} {
		if count(func(p *parcels.Parcel) bool { return p.Town == town }) < 10 {
			t.Errorf("fewer than 10 parcels in %s", town)
		}
	}
	ineff := count(func(p *parcels.Parcel) bool { return p.Status == parcels.StatusInefficient })
	if s := share(ineff); s < 0.08 || s > 0.35 {
		t.Errorf("%d inefficient parcels (%.0f%%), want some", ineff, 100*s)
	}
	uses := map[parcels.BuildingUse]int{}
	for _, b := range d.Buildings {
		uses[b.Use]++
		if b.Floors < 1 || b.HeightM < 2.5*float64(b.Floors) || b.HeightM > 6.5*float64(b.Floors)+6 {
			t.Errorf("building %q: %d floors, %.1f m", b.Name, b.Floors, b.HeightM)
		}
	}
	if float64(uses[parcels.UseProduction]) < 0.5*float64(len(d.Buildings)) || uses[parcels.UseOffice] == 0 || uses[parcels.UseDormitory] == 0 || uses[parcels.UseCanteen] == 0 {
		t.Errorf("building uses %v: want production mostly, some office, dormitory, canteen", uses)
	}
}

var codeRE = regexp.MustCompile(`^331082\d{6}(GB|JB)\d{5}$`)

func TestParcelFields(t *testing.T) {
	d := Generate()
	codes, owners := map[string]bool{}, map[string]bool{}
	for i, p := range d.Parcels {
		if !codeRE.MatchString(p.Code) || len(p.Code) != 19 {
			t.Errorf("parcel %d: code %q is not a 19-character Linhai 宗地代码", i, p.Code)
		}
		if codes[p.Code] || owners[p.Owner] {
			t.Errorf("parcel %d: code %q or owner %q repeats", i, p.Code, p.Owner)
		}
		codes[p.Code], owners[p.Owner] = true, true
		if (p.LandSource == parcels.SourceCollective) != (p.Code[12:14] == "JB") {
			t.Errorf("parcel %d: source %s with code %s", i, p.LandSource, p.Code)
		}
		mu := geo.MuFromM2(geo.CadastralArea(p.Geometry, zone))
		if mu < 5 || mu > 120 {
			t.Errorf("parcel %d: %.2f 亩, want 5–120", i, mu)
		}
		switch p.LandSource {
		case parcels.SourceTransferred:
			if p.LeaseStart.Year() < 1995 || p.LeaseStart.Year() > 2020 || p.LeaseEnd.Time != p.LeaseStart.AddDate(50, 0, -1) {
				t.Errorf("parcel %d: lease %s–%s, want 50 years from 1995–2020", i, p.LeaseStart, p.LeaseEnd)
			}
		case parcels.SourceAllocated:
			if !p.LeaseStart.IsZero() || !p.LeaseEnd.IsZero() {
				t.Errorf("parcel %d: allocated land has a lease %s–%s", i, p.LeaseStart, p.LeaseEnd)
			}
		}
		if d := p.RegisteredAreaM2/geo.CadastralArea(p.Geometry, zone) - 1; d > 0.004 || d < -0.004 {
			t.Errorf("parcel %d: registered area off by %.2f%%", i, 100*d)
		}
	}
}

func TestDeterministic(t *testing.T) {
	enc := func(d Data) string {
		var rows []json.RawMessage
		for _, p := range d.Parcels {
			b, _ := parcels.EncodeRow(p)
			rows = append(rows, b)
		}
		for _, b := range d.Buildings {
			e, _ := parcels.EncodeRow(b)
			rows = append(rows, e)
		}
		out, _ := json.Marshal(struct {
			Rows  []json.RawMessage
			Cases []Case
		}{rows, d.Cases})
		return string(out)
	}
	a, b := enc(Generate()), enc(Generate())
	if a != b {
		t.Fatal("two calls of Generate differ")
	}
	if len(a) < 100000 {
		t.Fatalf("encoded demo is only %d bytes", len(a))
	}
}

func TestGeometriesNormalizeUnchanged(t *testing.T) {
	d := Generate()
	check := func(kind parcels.Kind, what string, g orb.MultiPolygon) {
		n, err := parcels.Normalize(kind, what, g)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		if !orb.Equal(n, g) {
			t.Errorf("%s: Normalize changed the geometry", what)
		}
	}
	for i, p := range d.Parcels {
		check(parcels.KindParcel, "parcel "+p.Code, p.Geometry)
		_ = i
	}
	for i, b := range d.Buildings {
		check(parcels.KindBuilding, "building "+b.Name+string(rune('0'+i%10)), b.Geometry)
	}
	for _, c := range d.Cases {
		for _, pc := range c.Pieces {
			check(parcels.KindZone, "piece "+pc.ID, pc.Geometry)
		}
	}
}

// plane returns the parcels and pieces projected into Linhai's plane.
func plane(gs []orb.MultiPolygon) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(gs))
	for i, g := range gs {
		out[i] = zone.Project(g)
	}
	return out
}

func TestNoOverlaps(t *testing.T) {
	d := Generate()
	var gs []orb.MultiPolygon
	var names []string
	for _, p := range d.Parcels {
		gs, names = append(gs, p.Geometry), append(names, "parcel "+p.Code)
	}
	for _, c := range d.Cases {
		for _, pc := range c.Pieces {
			gs, names = append(gs, pc.Geometry), append(names, "piece "+pc.ID)
		}
	}
	pl := plane(gs)
	touching := 0
	for i := range pl {
		bi := pl[i].Bound()
		for j := i + 1; j < len(pl); j++ {
			if !bi.Intersects(pl[j].Bound()) {
				continue
			}
			a, err := geo.IntersectionArea(pl[i], pl[j])
			if err != nil {
				t.Fatalf("%s ∩ %s: %v", names[i], names[j], err)
			}
			if a >= 0.01 {
				t.Errorf("%s and %s overlap by %.4f m²", names[i], names[j], a)
			}
			touching++
		}
	}
	if touching < len(d.Parcels) {
		t.Errorf("only %d touching pairs: the lots are not neighbours", touching)
	}
}

// TestBuildingsInsideTheirParcel: every footprint lies inside one parcel
// (and no two footprints overlap), so the stores assign it unambiguously.
func TestBuildingsInsideTheirParcel(t *testing.T) {
	d := Generate()
	pp := plane(func() []orb.MultiPolygon {
		var gs []orb.MultiPolygon
		for _, p := range d.Parcels {
			gs = append(gs, p.Geometry)
		}
		return gs
	}())
	for i, b := range d.Buildings {
		fp := zone.Project(b.Geometry)
		area := geo.PlaneArea(fp)
		inside := 0
		for _, p := range pp {
			if !fp.Bound().Intersects(p.Bound()) {
				continue
			}
			a, err := geo.IntersectionArea(fp, p)
			if err != nil {
				t.Fatal(err)
			}
			if a > 0 {
				if a < area*(1-1e-9) {
					t.Errorf("building %d (%s) straddles a parcel boundary", i, b.Name)
				}
				inside++
			}
		}
		if inside != 1 {
			t.Errorf("building %d (%s) lies in %d parcels", i, b.Name, inside)
		}
	}
}

func TestPiecesTouchMembers(t *testing.T) {
	d := Generate()
	small, large := 0, 0
	for _, c := range d.Cases {
		if len(c.Members) < 2 || len(c.Pieces) == 0 {
			t.Errorf("%s: %d members, %d pieces", c.Name, len(c.Members), len(c.Pieces))
		}
		for _, m := range c.Members {
			if d.Parcels[m].Status != parcels.StatusInefficient {
				t.Errorf("%s: member %s is %s, want inefficient", c.Name, d.Parcels[m].Code, d.Parcels[m].Status)
			}
		}
		for _, pc := range c.Pieces {
			pp := zone.Project(pc.Geometry)
			mu := geo.MuFromM2(geo.PlaneArea(pp))
			if mu <= 3 {
				small++
			} else {
				large++
			}
			touched := 0
			for _, m := range c.Members {
				l, err := geo.SharedBoundaryLength(pp, zone.Project(d.Parcels[m].Geometry), 0.001)
				if err != nil {
					t.Fatal(err)
				}
				if l >= 10 {
					touched++
				}
			}
			if touched == 0 {
				t.Errorf("%s: piece %s (%.2f 亩) shares no edge with a member", c.Name, pc.ID, mu)
			}
		}
	}
	if small < 2 || large < 1 {
		t.Errorf("%d pieces ≤ 3 亩 and %d larger; want some small and one larger", small, large)
	}
}

// TestSeed seeds a GeoPackage store, checks what it holds, and seeds again
// (nothing happens the second time).
func TestSeed(t *testing.T) {
	ctx := context.Background()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "demo.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	d := Generate()
	ps, err := s.ListParcels(ctx, parcels.Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := s.ListBuildings(ctx, parcels.Query{Where: parcels.Compare{Prop: "parcel_id", Op: ">", Value: 0.0}, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	zs, err := s.ListZones(ctx, parcels.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if ps.NumberMatched != int64(len(d.Parcels)) || bs.NumberMatched != int64(len(d.Buildings)) {
		t.Fatalf("store has %d parcels and %d assigned buildings, want %d and %d", ps.NumberMatched, bs.NumberMatched, len(d.Parcels), len(d.Buildings))
	}
	if len(zs.Items) < 2 {
		t.Fatalf("%d zones", len(zs.Items))
	}
	for _, z := range zs.Items {
		if z.PiecesAreaM2 <= 0 || z.AreaM2 <= z.MembersAreaM2 {
			t.Errorf("zone %s: areas %+v", z.Name, z.ZoneDerived)
		}
	}
	// Inefficient parcels are inefficient by the numbers too.
	low, err := s.ListParcels(ctx, parcels.Query{Where: parcels.Compare{Prop: "status", Op: "=", Value: "inefficient"}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range low.Items {
		if p.PlotRatio >= 1.0 || p.BuildingDensity >= 0.3 {
			t.Errorf("inefficient parcel %s: density %.2f, plot ratio %.2f", p.Code, p.BuildingDensity, p.PlotRatio)
		}
	}
	inUse, err := s.ListParcels(ctx, parcels.Query{Where: parcels.Compare{Prop: "status", Op: "=", Value: "in_use"}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, p := range inUse.Items {
		sum += p.PlotRatio
	}
	if avg := sum / float64(len(inUse.Items)); avg < 1.0 || avg > 2.6 {
		t.Errorf("parcels in use have a mean plot ratio of %.2f", avg)
	}
	if err := Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	again, _ := s.ListParcels(ctx, parcels.Query{Limit: 1})
	if again.NumberMatched != ps.NumberMatched {
		t.Errorf("second Seed changed the parcel count from %d to %d", ps.NumberMatched, again.NumberMatched)
	}
}
