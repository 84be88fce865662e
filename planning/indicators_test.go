package planning

import (
	"errors"
	"math"
	"strings"
	"testing"

	"landplan/geo"
	"landplan/parcels"
)

func bld(id int64, use parcels.BuildingUse, floors int, height float64, g []float64) *parcels.Building {
	return &parcels.Building{Meta: parcels.Meta{ID: id}, Use: use, Floors: floors, HeightM: height, Geometry: rect(g[0], g[1], g[2], g[3])}
}

func checkOf(tb testing.TB, cs []Check, rule string) Check {
	tb.Helper()
	for _, c := range cs {
		if c.Rule == rule {
			return c
		}
	}
	tb.Fatalf("no check %q", rule)
	return Check{}
}

func num(tb testing.TB, v any) float64 {
	tb.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case *float64:
		if x != nil {
			return *x
		}
	}
	tb.Fatalf("value %v (%T) is not a number", v, v)
	return 0
}

// A 300×300 m site (90000 m² = 135 亩) with a production hall, an office and
// a dormitory; every figure below is by hand.
func workedSite() SiteInput {
	return SiteInput{
		Site:     rect(0, 0, 300, 300),
		ParkType: ParkNewLand,
		Buildings: []*parcels.Building{
			bld(1, parcels.UseProduction, 3, 12, []float64{10, 10, 210, 160}), // 30000 m² × 3 = 90000
			bld(2, parcels.UseOffice, 5, 20, []float64{220, 10, 260, 50}),     // 1600 × 5 = 8000
			bld(3, parcels.UseDormitory, 6, 0, []float64{220, 60, 260, 100}),  // 1600 × 6 = 9600
		},
	}
}

func TestIndicatorsWorkedSite(t *testing.T) {
	p := mustProfile(t)
	r, err := Indicators(p, workedSite())
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "site_area_m2", r.SiteAreaM2, 90000, 1e-3)
	approx(t, "site_area_mu", r.SiteAreaMu, 135, 1e-5)
	approx(t, "footprint", r.FootprintAreaM2, 33200, 1e-3)
	approx(t, "density", *r.BuildingDensity, 33200.0/90000, 1e-9)
	approx(t, "floor", *r.FloorAreaM2, 107600, 1e-2)
	approx(t, "plot ratio", *r.PlotRatio, 107600.0/90000, 1e-7)
	approx(t, "np land share", *r.NonProductionLandShare, 3200.0/90000, 1e-9)
	approx(t, "np floor share", *r.NonProductionFloorShare, 17600.0/107600, 1e-9)
	approx(t, "property rooms", *r.PropertyRoomsRequiredM2, 322.8, 1e-4)
	approx(t, "office", *r.PropertyOfficeRequiredM2, 161.4, 1e-4)
	approx(t, "business", *r.PropertyBusinessRequiredM2, 161.4, 1e-4)
	approx(t, "maintenance fund", *r.MaintenanceFundYuan, 1291200, 1e-2)
	approx(t, "warranty deposit", *r.WarrantyDepositYuan, 645600, 1e-2)
	if r.NonProductionLandMethod != "footprint" || r.NonProductionFloorMethod != "buildings" {
		t.Errorf("methods %s %s", r.NonProductionLandMethod, r.NonProductionFloorMethod)
	}
	want := map[string]Status{"site_area": StatusPass, "plot_ratio": StatusFail, "building_density": StatusPass,
		"non_production_land_share": StatusPass, "non_production_floor_share": StatusPass}
	for rule, st := range want {
		c := checkOf(t, r.Checks, rule)
		if c.Status != st || c.Clause != "（四）" || c.Message == "" || c.MessageZH == "" {
			t.Errorf("%s: %s %s, want %s: %s", rule, c.Status, c.Clause, st, c.MessageZH)
		}
	}
	if len(r.Checks) != 5 {
		t.Errorf("checks without declared figures: %d", len(r.Checks))
	}
	if c := checkOf(t, r.Checks, "plot_ratio"); !strings.Contains(c.MessageZH, "107600.00 ÷ 90000.00 = 1.1956") {
		t.Errorf("plot ratio arithmetic: %s", c.MessageZH)
	}
	txt := r.Text("zh")
	for _, s := range []string{"90000.00 平方米（135.000 亩", "（四）", "建筑密度", "物业专项维修资金 1291200.00 元"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text lacks %q:\n%s", s, txt)
		}
	}
}

func TestIndicatorsDensityWarnsAndClipping(t *testing.T) {
	p := mustProfile(t)
	// Site 100×100; building [50,150]×[0,20] half outside: 1000 m² inside.
	// A second building overlapping the first by [50,60]×[0,20] (200 m²) counts once.
	in := SiteInput{Site: rect(0, 0, 100, 100), ParkType: ParkRedevelopment, Buildings: []*parcels.Building{
		bld(1, parcels.UseProduction, 1, 6, []float64{50, 0, 150, 20}),
		bld(2, parcels.UseProduction, 1, 6, []float64{40, 0, 60, 20}),
	}}
	r, err := Indicators(p, in)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "footprint clipped, union", r.FootprintAreaM2, 1200, 1e-3) // [40,100]×[0,20]
	c := checkOf(t, r.Checks, "building_density")
	if c.Status != StatusWarn { // 12% < 35%, "一般" → warn
		t.Errorf("density: %s", c.Status)
	}
	if s := checkOf(t, r.Checks, "site_area"); s.Status != StatusFail || num(t, s.Limit) != 50 {
		t.Errorf("site area 15 亩 vs 50: %+v", s)
	}
}

func TestIndicatorsTallStoreyCountsTwice(t *testing.T) {
	p := mustProfile(t)
	// 100×100 site; a 2-storey 18 m hall (9 m storeys) of 50×100 = 5000 m²
	// footprint: floor area 10000, counted 20000 → plot ratio 2.0 exactly.
	in := SiteInput{Site: rect(0, 0, 100, 100), ParkType: ParkRedevelopment,
		Buildings: []*parcels.Building{bld(1, parcels.UseProduction, 2, 18, []float64{0, 0, 50, 100})}}
	r, err := Indicators(p, in)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "floor", *r.FloorAreaM2, 10000, 1e-3)
	approx(t, "far floor", *r.FARFloorAreaM2, 20000, 1e-3)
	c := checkOf(t, r.Checks, "plot_ratio")
	if c.Status != StatusPass || !c.Near || c.EllipsoidalValue == nil || *c.EllipsoidalValue <= 2 {
		t.Errorf("plot ratio 2.0 by the >8 m rule: %+v", c)
	}
	pf := *p
	pf.FARTallStorey.Enabled = false
	r, _ = Indicators(&pf, in)
	if c := checkOf(t, r.Checks, "plot_ratio"); c.Status != StatusFail {
		t.Errorf("switch off: %s", c.Status)
	}
}

func TestIndicatorsMissingInputsAreUnknown(t *testing.T) {
	p := mustProfile(t)
	r, err := Indicators(p, SiteInput{Site: rect(0, 0, 100, 100)})
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{"site_area", "plot_ratio", "building_density", "non_production_land_share", "non_production_floor_share"} {
		c := checkOf(t, r.Checks, rule)
		if c.Status != StatusUnknown || len(c.Missing) == 0 {
			t.Errorf("%s: %s missing %v", rule, c.Status, c.Missing)
		}
	}
	if _, err := Indicators(p, SiteInput{}); parcels.ErrorCode(err) != parcels.EINVALID {
		t.Errorf("no site: %v", err)
	}
	if _, err := Indicators(p, SiteInput{Site: rect(0, 0, 1, 1), ParkType: "mall"}); parcels.ErrorCode(err) != parcels.EINVALID {
		t.Errorf("bad park type: %v", err)
	}
}

func TestIndicatorsPartialFloorsLowerBound(t *testing.T) {
	p := mustProfile(t)
	in := SiteInput{Site: rect(0, 0, 100, 100), ParkType: ParkRedevelopment, Buildings: []*parcels.Building{
		bld(1, parcels.UseProduction, 5, 20, []float64{0, 0, 50, 100}), // 25000 m²: 2.5 alone
		bld(2, parcels.UseProduction, 0, 0, []float64{60, 0, 80, 100}),
	}}
	r, _ := Indicators(p, in)
	if c := checkOf(t, r.Checks, "plot_ratio"); c.Status != StatusPass || len(c.Subjects) != 1 {
		t.Errorf("a lower bound above 2.0 passes: %+v", c)
	}
	in.Buildings[0].Floors = 3 // 15000: 1.5, unknown rest → unknown
	r, _ = Indicators(p, in)
	if c := checkOf(t, r.Checks, "plot_ratio"); c.Status != StatusUnknown || !strings.Contains(c.Message, "2") {
		t.Errorf("a lower bound below 2.0 is unknown: %+v", c)
	}
}

func TestIndicatorsApportionedNonProductionLand(t *testing.T) {
	p := mustProfile(t)
	// Uses unknown; declared 20000 m² total, 3000 m² non-production: floor share 15%;
	// apportioned land = 15% × 10000 = 1500 m² → land share 15% > 7% → fail.
	np, tot := 3000.0, 20000.0
	in := SiteInput{Site: rect(0, 0, 100, 100), ParkType: ParkRedevelopment,
		Buildings: []*parcels.Building{{Meta: parcels.Meta{ID: 1}, Floors: 4, Geometry: rect(0, 0, 50, 100)}},
		Declared:  Declared{FloorAreaM2: &tot, NonProductionFloorAreaM2: &np}}
	r, _ := Indicators(p, in)
	if r.NonProductionLandMethod != "floor_area_apportioned" {
		t.Fatalf("method %s", r.NonProductionLandMethod)
	}
	approx(t, "apportioned land", *r.NonProductionLandAreaM2, 1500, 1e-3)
	c := checkOf(t, r.Checks, "non_production_land_share")
	if c.Status != StatusFail || !strings.Contains(c.MessageZH, "分摊") {
		t.Errorf("%+v", c)
	}
	if f := checkOf(t, r.Checks, "non_production_floor_share"); f.Status != StatusPass { // exactly 15%
		t.Errorf("15%% exactly is within 15–25%%: %+v", f)
	}
	approx(t, "floor from permit", *r.FloorAreaM2, 20000, 0)
}

func TestIndicatorsSiteAreaNearThreshold(t *testing.T) {
	p := mustProfile(t)
	side := math.Sqrt(geo.M2FromMu(100)) // 258.199 m: exactly 100 亩 on the plane
	r, err := Indicators(p, SiteInput{Site: rect(0, 0, side, side), ParkType: ParkNewLand})
	if err != nil {
		t.Fatal(err)
	}
	c := checkOf(t, r.Checks, "site_area")
	if c.Status != StatusPass || !c.Near || c.EllipsoidalValue == nil {
		t.Fatalf("%+v", c)
	}
	// The land survey's ellipsoidal area is ≈0.028% smaller here: below 100 亩.
	approx(t, "ellipsoidal mu", *c.EllipsoidalValue, 100*(1-0.000285), 0.0005)
	if !strings.Contains(c.MessageZH, "椭球面积") {
		t.Errorf("message must show both areas: %s", c.MessageZH)
	}
}

func TestIndicatorsDensityNearThresholdShowsEllipsoidal(t *testing.T) {
	p := mustProfile(t)
	// 100×100 site, footprint 70×50 = 3500 m²: density exactly 35%.
	r, err := Indicators(p, SiteInput{Site: rect(0, 0, 100, 100), ParkType: ParkRedevelopment,
		Buildings: []*parcels.Building{bld(1, parcels.UseProduction, 1, 6, []float64{10, 10, 80, 60})}})
	if err != nil {
		t.Fatal(err)
	}
	c := checkOf(t, r.Checks, "building_density")
	if c.Status != StatusPass || !c.Near || c.EllipsoidalValue == nil {
		t.Fatalf("%+v", c)
	}
	// Both areas shrink by the same factor to within 1e-6 here: the share stays 35%.
	approx(t, "ellipsoidal density", *c.EllipsoidalValue, 0.35, 1e-5)
}

// A use outside the vocabulary ("dorm") is an input error naming the building,
// never silently counted as production.
func TestIndicatorsUnknownBuildingUse(t *testing.T) {
	p := mustProfile(t)
	in := SiteInput{Site: rect(0, 0, 100, 100), Buildings: []*parcels.Building{
		bld(1, parcels.UseProduction, 2, 10, []float64{0, 0, 50, 50}),
		{Name: "宿舍楼", Use: "dorm", Floors: 4, Geometry: rect(60, 60, 80, 80)},
	}}
	_, err := Indicators(p, in)
	if parcels.ErrorCode(err) != parcels.EINVALID || !strings.Contains(err.Error(), "宿舍楼") || !strings.Contains(err.Error(), "dorm") {
		t.Fatalf("unknown use: %v", err)
	}
	var pe *parcels.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.MessageZH, "宿舍楼") {
		t.Errorf("the Chinese message must name the building: %+v", pe)
	}
	if _, err := Compliance(p, ParkInput{SiteInput: in}); parcels.ErrorCode(err) != parcels.EINVALID {
		t.Errorf("compliance with an unknown use: %v", err)
	}
}

// Every area ratio divides areas on the basis it names: with an ellipsoidal
// profile the density, plot ratio and non-production land share use the
// ellipsoidal site and footprint areas, and the density comes from one place.
func TestIndicatorsBasisUsedEverywhere(t *testing.T) {
	pe := *mustProfile(t)
	pe.AreaBasis = "ellipsoidal"
	in := workedSite()
	siteE := geo.EllipsoidalArea(in.Site)
	var fpE, npE float64
	for _, b := range in.Buildings {
		a := geo.EllipsoidalArea(b.Geometry) // all inside the site, none overlap
		fpE += a
		if b.Use.NonProduction() {
			npE += a
		}
	}
	r, err := Indicators(&pe, in)
	if err != nil {
		t.Fatal(err)
	}
	round := func(v float64) float64 { return roundTo(v, pe.AreaPrecisionM2) }
	approx(t, "density (ellipsoidal)", *r.BuildingDensity, round(fpE)/round(siteE), 1e-12)
	approx(t, "plot ratio (ellipsoidal)", *r.PlotRatio, 107600/round(siteE), 1e-9) // floor area = plane footprints × floors
	approx(t, "np land share (ellipsoidal)", *r.NonProductionLandShare, round(npE)/round(siteE), 1e-12)
	for _, rule := range []string{"building_density", "plot_ratio", "non_production_land_share"} {
		c := checkOf(t, r.Checks, rule)
		if c.Basis != "ellipsoidal" {
			t.Errorf("%s: basis %q", rule, c.Basis)
		}
		want := map[string]float64{"building_density": *r.BuildingDensity, "plot_ratio": *r.PlotRatio, "non_production_land_share": *r.NonProductionLandShare}[rule]
		approx(t, rule+" check value = report figure", num(t, c.Value), want, 0)
	}
	// The plane profile keeps the plane figures (33200/90000 etc.).
	r, _ = Indicators(mustProfile(t), in)
	approx(t, "density (plane)", num(t, checkOf(t, r.Checks, "building_density").Value), 33200.0/90000, 1e-12)
	if math.Abs(33200.0/90000-round(fpE)/round(siteE)) < 1e-9 {
		t.Fatalf("the two bases must differ for this test to mean anything")
	}
}

// Near a limit an ellipsoidal profile shows the plane figure as the other basis.
func TestIndicatorsEllipsoidalNearShowsPlane(t *testing.T) {
	pe := *mustProfile(t)
	pe.AreaBasis = "ellipsoidal"
	// 100×100 site, one 60×58.3 footprint: density ≈ 35% (the limit).
	in := SiteInput{Site: rect(0, 0, 100, 100), Buildings: []*parcels.Building{bld(1, parcels.UseProduction, 1, 5, []float64{10, 10, 70, 68.3333})}}
	r, err := Indicators(&pe, in)
	if err != nil {
		t.Fatal(err)
	}
	c := checkOf(t, r.Checks, "building_density")
	if !c.Near || !strings.Contains(c.Message, "on plane areas 3500.00 / 10000.00") || !strings.Contains(c.MessageZH, "按平面面积") {
		t.Errorf("near, ellipsoidal basis: %+v", c)
	}
}

// A site registered at exactly 50 亩 (33 333.33 m²: [0,100]×[0,333.3333])
// meets the 50 亩 minimum: the limit is rounded to 0.01 m² like the area.
func TestIndicatorsSiteAreaAtTheLimit(t *testing.T) {
	p := mustProfile(t)
	r, err := Indicators(p, SiteInput{Site: rect(0, 0, 100, 333.3333), ParkType: ParkRedevelopment})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "site area", r.SiteAreaM2, 33333.33, 1e-3)
	if c := checkOf(t, r.Checks, "site_area"); c.Status != StatusPass {
		t.Errorf("site of 33333.33 m² = 50 亩: %s, want pass: %s", c.Status, c.MessageZH)
	}
}

// A building standing wholly off the site adds nothing to its floor area:
// site [0,100]², a 1-storey hall [10,60]² (2500 m²) on it and a 10-storey
// block [500,600]×[0,100] away: plot ratio 2500 / 10000 = 0.25 (fail), and
// the block is listed with on_site false.
func TestIndicatorsBuildingsOffSiteNotCounted(t *testing.T) {
	p := mustProfile(t)
	r, err := Indicators(p, SiteInput{Site: rect(0, 0, 100, 100), ParkType: ParkRedevelopment, Buildings: []*parcels.Building{
		bld(1, parcels.UseProduction, 1, 6, []float64{10, 10, 60, 60}),
		bld(2, parcels.UseDormitory, 10, 30, []float64{500, 0, 600, 100}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "floor area", num(t, r.FloorAreaM2), 2500, 1e-6)
	approx(t, "plot ratio", num(t, r.PlotRatio), 0.25, 1e-9)
	approx(t, "non-production floor share", num(t, r.NonProductionFloorShare), 0, 1e-12)
	if c := checkOf(t, r.Checks, "plot_ratio"); c.Status != StatusFail {
		t.Errorf("plot ratio 0.25: %s, want fail", c.Status)
	}
	if b := r.Buildings[1]; b.OnSite || b.OnSiteShare != 0 || !r.Buildings[0].OnSite || r.Buildings[0].OnSiteShare != 1 {
		t.Errorf("on site: %+v / %+v", r.Buildings[0], b)
	}
}
