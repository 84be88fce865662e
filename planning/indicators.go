package planning

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// ParkType is how the park's land is supplied, which sets the minimum site
// area of clause (四).
type ParkType string

const (
	ParkNewLand       ParkType = "new_land"      // 招拍挂新建: ≥ 100 亩
	ParkRedevelopment ParkType = "redevelopment" // 存量用地改造: ≥ 50 亩
)

// Declared are figures the applicant declares. nil means not declared; the
// checks that need them are then unknown.
type Declared struct {
	FloorAreaM2              *float64 `json:"floor_area_m2,omitempty"`                // total floor area in the planning permit
	NonProductionFloorAreaM2 *float64 `json:"non_production_floor_area_m2,omitempty"` // office, dormitory, canteen, service
	NonProductionLandAreaM2  *float64 `json:"non_production_land_area_m2,omitempty"`  // their land (footprint) area
	SelfHeldNonProductionM2  *float64 `json:"self_held_non_production_m2,omitempty"`  // non-production floor area the owner keeps
	PropertyOfficeM2         *float64 `json:"property_office_m2,omitempty"`           // 物业办公用房
	PropertyBusinessM2       *float64 `json:"property_business_m2,omitempty"`         // 物业经营用房
	DormitoryFloorAreaM2     *float64 `json:"dormitory_floor_area_m2,omitempty"`      // 职工宿舍总建筑面积 (clause 二十一)
}

// SiteInput is a site with its buildings. Site and building geometries are
// CGCS2000 lon/lat.
type SiteInput struct {
	Site      orb.MultiPolygon    `json:"-"`
	Buildings []*parcels.Building `json:"-"`
	ParkType  ParkType            `json:"park_type,omitempty"`
	Declared  Declared            `json:"declared"`
}

// BuildingRow is one building as the indicators used it.
type BuildingRow struct {
	Label           string   `json:"label"`
	Use             string   `json:"use"`
	FootprintAreaM2 float64  `json:"footprint_area_m2"`
	Floors          int      `json:"floors"`
	HeightM         float64  `json:"height_m"`
	FloorAreaM2     *float64 `json:"floor_area_m2"`     // null: neither declared nor floors known
	FloorAreaSource string   `json:"floor_area_source"` // declared | footprint×floors | unknown
	TallStoreys     bool     `json:"tall_storeys"`      // storeys above the FAR storey height: counted twice
	FARFloorAreaM2  *float64 `json:"far_floor_area_m2"` // floor area as counted for the plot ratio
	OnSite          bool     `json:"on_site"`           // at least half its footprint on the site: counted
	OnSiteShare     float64  `json:"on_site_share"`     // footprint on the site / footprint
}

// IndicatorsReport is the site indicators of clause (四), (五) and (二十二).
// Field names are the API's contract.
type IndicatorsReport struct {
	Profile   string `json:"profile"`
	ZoneEPSG  int    `json:"zone_epsg"`
	AreaBasis string `json:"area_basis"`
	ParkType  string `json:"park_type,omitempty"`

	SiteAreaM2            float64 `json:"site_area_m2"`
	SiteAreaMu            float64 `json:"site_area_mu"`
	SiteEllipsoidalAreaM2 float64 `json:"site_ellipsoidal_area_m2"`

	FootprintAreaM2 float64  `json:"footprint_area_m2"` // union of footprints clipped to the site
	BuildingDensity *float64 `json:"building_density"`

	FloorAreaM2     *float64 `json:"floor_area_m2"`
	FloorAreaSource string   `json:"floor_area_source"` // declared | buildings | buildings (partial) | unknown
	FARFloorAreaM2  *float64 `json:"far_floor_area_m2"` // with the >8 m storey rule where it applies
	PlotRatio       *float64 `json:"plot_ratio"`

	NonProductionLandAreaM2  *float64 `json:"non_production_land_area_m2"`
	NonProductionLandShare   *float64 `json:"non_production_land_share"`
	NonProductionLandMethod  string   `json:"non_production_land_method"` // footprint | declared | floor_area_apportioned | unknown
	NonProductionFloorAreaM2 *float64 `json:"non_production_floor_area_m2"`
	NonProductionFloorShare  *float64 `json:"non_production_floor_share"`
	NonProductionFloorMethod string   `json:"non_production_floor_method"` // buildings | declared | unknown

	PropertyRoomsRequiredM2    *float64 `json:"property_rooms_required_m2"`
	PropertyOfficeRequiredM2   *float64 `json:"property_office_required_m2"`
	PropertyBusinessRequiredM2 *float64 `json:"property_business_required_m2"`
	MaintenanceFundYuan        *float64 `json:"maintenance_fund_yuan"`
	WarrantyDepositYuan        *float64 `json:"warranty_deposit_yuan"`

	Buildings []BuildingRow `json:"buildings"`
	Checks    []Check       `json:"checks"`

	siteAreaBasis float64 // the rounded site area on the profile's basis
	fpBasis       float64 // the rounded footprint area within the site on that basis
	site          orb.MultiPolygon
	fps, npFps    []orb.MultiPolygon // plane footprints, for the ellipsoidal figures near a threshold
	zone          geo.Zone
	// clause labels of the figures, from the profile, for the text
	roomsClause, fundsClause string
	lang                     string
}

// Indicators computes the site indicators of in and checks them against the
// profile. The site is required; everything else may be missing, which makes
// the checks that need it unknown (never a silent pass).
func Indicators(p *Profile, in SiteInput) (*IndicatorsReport, error) {
	r, err := indicators(p, in)
	if err != nil {
		return nil, err
	}
	r.Checks = r.checks(p, in, false)
	for i := range r.Checks {
		r.Checks[i].Message = englishPunctuation(true, r.Checks[i].Message)
	}
	return r, nil
}

func indicators(p *Profile, in SiteInput) (*IndicatorsReport, error) {
	if p == nil {
		return nil, fmt.Errorf("planning: no profile")
	}
	z := p.GeoZone()
	if len(in.Site) == 0 {
		return nil, parcels.Errorf(parcels.EINVALID, "缺少场地范围（site）多边形", "no site polygon: indicators need the site (a parcel or a drawn polygon)")
	}
	if in.ParkType != "" && in.ParkType != ParkNewLand && in.ParkType != ParkRedevelopment {
		return nil, parcels.Errorf(parcels.EINVALID, fmt.Sprintf("园区类型 %q 无效：应为 new_land 或 redevelopment", in.ParkType),
			"park_type %q: must be new_land or redevelopment", in.ParkType)
	}
	site := z.Project(in.Site)
	r := &IndicatorsReport{Profile: p.Name, ZoneEPSG: z.EPSG(), AreaBasis: p.AreaBasis, ParkType: string(in.ParkType), site: site, zone: z,
		roomsClause: p.PropertyRoomsRatio.Clause, fundsClause: p.MaintenanceFundYuanPerM2.Clause}
	r.SiteAreaM2 = geo.PlaneArea(site)
	r.SiteAreaMu = geo.MuFromM2(r.SiteAreaM2)
	r.SiteEllipsoidalAreaM2 = geo.EllipsoidalArea(in.Site)
	r.siteAreaBasis = roundTo(r.basisArea(p), p.AreaPrecisionM2)
	if r.SiteAreaM2 <= 0 {
		return nil, parcels.Errorf(parcels.EINVALID, "场地面积为零", "the site has no area")
	}

	// Footprints: the union, so overlapping footprints count once, clipped to the site.
	var all, np []orb.MultiPolygon
	usesKnown := len(in.Buildings) > 0
	var floorSum, farSum, npFloor float64
	floorsKnown := true
	for i, b := range in.Buildings {
		if b == nil {
			continue
		}
		if !knownUse(b.Use) {
			l := buildingLabel(b, i)
			return nil, parcels.Errorf(parcels.EINVALID,
				fmt.Sprintf("建筑 %s 的用途 %q 无效：应为 production、office、dormitory、canteen、service 或 other（未知可留空）", l, b.Use),
				"building %s: use %q is not one of production, office, dormitory, canteen, service, other (leave it empty when unknown)", l, b.Use)
		}
		fp := z.Project(b.Geometry)
		row := BuildingRow{Label: buildingLabel(b, i), Use: string(b.Use), Floors: b.Floors, HeightM: b.HeightM,
			FootprintAreaM2: geo.PlaneArea(fp)}
		// A building belongs to the site it mostly stands on, as the stores
		// assign a building to the parcel it overlaps most: one that stands
		// mostly elsewhere adds neither footprint nor floor area here.
		in, err := onSiteArea(fp, site, row.FootprintAreaM2)
		if err != nil {
			return nil, fmt.Errorf("planning: building %s on the site: %w", row.Label, err)
		}
		if row.FootprintAreaM2 > 0 {
			row.OnSiteShare = in / row.FootprintAreaM2
		}
		// Half on, half off (at the area precision) still counts here.
		row.OnSite = geq(roundTo(in, p.AreaPrecisionM2), roundTo(row.FootprintAreaM2-in, p.AreaPrecisionM2))
		if !row.OnSite {
			r.Buildings = append(r.Buildings, row)
			continue
		}
		switch {
		case b.DeclaredFloorAreaM2 > 0:
			row.FloorAreaM2, row.FloorAreaSource = ptr(b.DeclaredFloorAreaM2), "declared"
		case b.Floors > 0:
			row.FloorAreaM2, row.FloorAreaSource = ptr(row.FootprintAreaM2*float64(b.Floors)), "footprint×floors"
		default:
			row.FloorAreaSource = "unknown"
			floorsKnown = false
		}
		if row.FloorAreaM2 != nil {
			far := *row.FloorAreaM2
			// National 2008 industrial land indicators: a storey higher than
			// 8 m counts twice. Storey height = height / floors (uniform storeys).
			if p.FARTallStorey.Enabled && b.HeightM > 0 && b.Floors > 0 && b.HeightM/float64(b.Floors) > p.FARTallStorey.Value {
				row.TallStoreys = true
				far *= 2
			}
			row.FARFloorAreaM2 = ptr(far)
			floorSum += *row.FloorAreaM2
			farSum += far
		}
		if len(fp) > 0 {
			all = append(all, fp)
		}
		if b.Use == "" {
			usesKnown = false
		} else if b.Use.NonProduction() {
			np = append(np, fp)
			if row.FloorAreaM2 != nil {
				npFloor += *row.FloorAreaM2
			}
		}
		r.Buildings = append(r.Buildings, row)
	}
	r.fps, r.npFps = all, np
	if len(all) > 0 {
		a, err := clippedUnionArea(all, site)
		if err != nil {
			return nil, fmt.Errorf("planning: footprints: %w", err)
		}
		r.FootprintAreaM2 = a
		if r.ellipsoidal() {
			if a, err = r.clippedEllipsoidalArea(all); err != nil {
				return nil, fmt.Errorf("planning: footprints: %w", err)
			}
		}
		r.fpBasis = roundTo(a, p.AreaPrecisionM2)
		r.BuildingDensity = ptr(r.fpBasis / r.siteAreaBasis)
	}

	// Total floor area: the permit's figure when declared (clause (五) names it), else the buildings'.
	switch {
	case in.Declared.FloorAreaM2 != nil:
		r.FloorAreaM2, r.FloorAreaSource = ptr(*in.Declared.FloorAreaM2), "declared"
		r.FARFloorAreaM2 = ptr(*in.Declared.FloorAreaM2 + (farSum - floorSum))
	case len(in.Buildings) > 0 && floorsKnown:
		r.FloorAreaM2, r.FloorAreaSource, r.FARFloorAreaM2 = ptr(floorSum), "buildings", ptr(farSum)
	case len(in.Buildings) > 0 && floorSum > 0:
		// A lower bound: enough to pass a minimum, never to fail one.
		r.FloorAreaSource, r.FARFloorAreaM2 = "buildings (partial)", ptr(farSum)
	default:
		r.FloorAreaSource = "unknown"
	}
	if r.FARFloorAreaM2 != nil {
		r.PlotRatio = ptr(*r.FARFloorAreaM2 / r.siteAreaBasis)
		if r.FloorAreaM2 == nil {
			r.PlotRatio = nil // partial: kept only as the check's lower bound
		}
	}

	// Non-production floor area: from building uses when all are known, else declared.
	switch {
	case usesKnown && floorsKnown:
		r.NonProductionFloorAreaM2, r.NonProductionFloorMethod = ptr(npFloor), "buildings"
	case in.Declared.NonProductionFloorAreaM2 != nil:
		r.NonProductionFloorAreaM2, r.NonProductionFloorMethod = ptr(*in.Declared.NonProductionFloorAreaM2), "declared"
	default:
		r.NonProductionFloorMethod = "unknown"
	}
	if r.NonProductionFloorAreaM2 != nil && r.FloorAreaM2 != nil && *r.FloorAreaM2 > 0 {
		r.NonProductionFloorShare = ptr(*r.NonProductionFloorAreaM2 / *r.FloorAreaM2)
	}

	// Non-production land: their footprints where uses are known; else the
	// declared land area; else the site apportioned by their floor-area share
	// (national 2008 industrial land indicators).
	switch {
	case usesKnown:
		a := 0.0
		if len(np) > 0 {
			var err error
			if r.ellipsoidal() {
				a, err = r.clippedEllipsoidalArea(np)
			} else {
				a, err = clippedUnionArea(np, site)
			}
			if err != nil {
				return nil, fmt.Errorf("planning: non-production footprints: %w", err)
			}
		}
		r.NonProductionLandAreaM2, r.NonProductionLandMethod = ptr(a), "footprint"
	case in.Declared.NonProductionLandAreaM2 != nil:
		r.NonProductionLandAreaM2, r.NonProductionLandMethod = ptr(*in.Declared.NonProductionLandAreaM2), "declared"
	case r.NonProductionFloorShare != nil:
		r.NonProductionLandAreaM2 = ptr(*r.NonProductionFloorShare * r.siteAreaBasis)
		r.NonProductionLandMethod = "floor_area_apportioned"
	default:
		r.NonProductionLandMethod = "unknown"
	}
	if r.NonProductionLandAreaM2 != nil {
		r.NonProductionLandShare = ptr(roundTo(*r.NonProductionLandAreaM2, p.AreaPrecisionM2) / r.siteAreaBasis)
	}

	if r.FloorAreaM2 != nil {
		g := *r.FloorAreaM2
		r.PropertyRoomsRequiredM2 = ptr(g * p.PropertyRoomsRatio.Value)
		r.PropertyOfficeRequiredM2 = ptr(g * p.PropertyOfficeRatio.Value)
		r.PropertyBusinessRequiredM2 = ptr(g * p.PropertyBusinessRatio.Value)
		r.MaintenanceFundYuan = ptr(g * p.MaintenanceFundYuanPerM2.Value)
		r.WarrantyDepositYuan = ptr(g * p.WarrantyDepositYuanPerM2.Value)
	}
	return r, nil
}

// knownUse reports whether u is a use of the vocabulary or empty (unknown,
// which makes the use-based shares unknown). Anything else is an input error:
// counting a misspelt "dorm" as production would pass the non-production
// shares silently.
func knownUse(u parcels.BuildingUse) bool {
	switch u {
	case "", parcels.UseProduction, parcels.UseOffice, parcels.UseDormitory, parcels.UseCanteen, parcels.UseService, parcels.UseOther:
		return true
	}
	return false
}

func (r *IndicatorsReport) ellipsoidal() bool { return r.AreaBasis == "ellipsoidal" }

// clippedEllipsoidalArea is the ellipsoidal area of (∪ fps) ∩ site.
func (r *IndicatorsReport) clippedEllipsoidalArea(fps []orb.MultiPolygon) (float64, error) {
	if len(fps) == 0 {
		return 0, nil
	}
	ell := 0.0
	if _, ok := simpleSum(fps, r.site); ok {
		for _, f := range fps {
			ell += geo.EllipsoidalArea(r.zone.Unproject(f))
		}
		return ell, nil
	}
	u, err := geo.Union(fps...)
	if err == nil {
		u, err = geo.Intersection(u, r.site)
	}
	if err != nil {
		return 0, err
	}
	return geo.EllipsoidalArea(r.zone.Unproject(u)), nil
}

func (r *IndicatorsReport) basisArea(p *Profile) float64 {
	if p.AreaBasis == "ellipsoidal" {
		return r.SiteEllipsoidalAreaM2
	}
	return r.SiteAreaM2
}

// clippedUnionArea is the area of (∪ gs) ∩ site, in plane metres: the plain
// sum when every footprint lies inside the site and none meet (simpleSum),
// else by overlay.
func clippedUnionArea(gs []orb.MultiPolygon, site orb.MultiPolygon) (float64, error) {
	if a, ok := simpleSum(gs, site); ok {
		return a, nil
	}
	u := gs[0]
	if len(gs) > 1 {
		var err error
		if u, err = geo.Union(gs...); err != nil {
			return 0, err
		}
	}
	return geo.IntersectionArea(u, site)
}

// onSiteArea is the area of footprint fp (area a) that lies on the site:
// a, without an overlay, when fp is strictly inside it (the common case).
func onSiteArea(fp, site orb.MultiPolygon, a float64) (float64, error) {
	if a <= 0 {
		return 0, nil
	}
	if _, ok := simpleSum([]orb.MultiPolygon{fp}, site); ok {
		return a, nil
	}
	in, err := geo.IntersectionArea(fp, site)
	return math.Min(a, in), err
}

func buildingLabel(b *parcels.Building, i int) string {
	switch {
	case b.ID != 0 && b.Name != "":
		return fmt.Sprintf("%d %s", b.ID, b.Name)
	case b.ID != 0:
		return strconv.FormatInt(b.ID, 10)
	case b.Name != "":
		return b.Name
	}
	return fmt.Sprintf("#%d", i+1)
}

// checks builds the indicator checks. With all, the checks on declared
// figures appear (unknown) even when nothing was declared: the compliance
// report lists every row of CLAUSES.md.
func (r *IndicatorsReport) checks(p *Profile, in SiteInput, all bool) []Check {
	var cs []Check
	cs = append(cs, r.siteAreaCheck(p, in))
	cs = append(cs, r.plotRatioCheck(p, in))
	cs = append(cs, r.densityCheck(p, in))
	cs = append(cs, r.npLandCheck(p))
	cs = append(cs, r.npFloorCheck(p))
	if all || in.Declared.SelfHeldNonProductionM2 != nil {
		cs = append(cs, r.selfHeldCheck(p, in))
	}
	if all || in.Declared.PropertyOfficeM2 != nil || in.Declared.PropertyBusinessM2 != nil {
		cs = append(cs, r.propertyChecks(p, in)...)
	}
	return cs
}

func (r *IndicatorsReport) siteAreaCheck(p *Profile, in SiteInput) Check {
	var t Threshold
	switch in.ParkType {
	case ParkNewLand:
		t = p.SiteAreaMinMuNewLand
	case ParkRedevelopment:
		t = p.SiteAreaMinMuRedevelopment
	default:
		c := unknown("site_area", p.SiteAreaMinMuNewLand, nil, "亩", "park_type (new_land | redevelopment)")
		c.Value = geo.MuFromM2(r.siteAreaBasis)
		c.Message = fmt.Sprintf("site area %.3f mu: the minimum depends on the park type (new land %g mu, redevelopment %g mu), which is missing %s",
			c.Value, p.SiteAreaMinMuNewLand.Value, p.SiteAreaMinMuRedevelopment.Value, p.SiteAreaMinMuNewLand.Clause)
		c.MessageZH = fmt.Sprintf("占地面积 %.3f 亩：最低要求取决于园区类型（招拍挂新建 %g 亩，存量用地改造 %g 亩），缺少园区类型 %s",
			c.Value, p.SiteAreaMinMuNewLand.Value, p.SiteAreaMinMuRedevelopment.Value, p.SiteAreaMinMuNewLand.Clause)
		return c
	}
	mu := geo.MuFromM2(r.siteAreaBasis)
	// The limit is rounded like the area: 50 亩 is 33 333.33 m² as registered.
	ok := geq(r.siteAreaBasis, p.muLimitM2(t.Value))
	c := Check{Rule: "site_area", Clause: t.Clause, Status: statusOf(ok, t), Value: mu, Limit: t.Value, Unit: "亩", Basis: r.AreaBasis}
	typeZH := map[ParkType]string{ParkNewLand: "招拍挂新建", ParkRedevelopment: "存量用地改造"}[in.ParkType]
	c.Message = fmt.Sprintf("site area %.2f m² = %.3f mu %s %g mu (%s, %s)", r.siteAreaBasis, mu, cmpWord(ok, ">=", "<"), t.Value, in.ParkType, t.Clause)
	c.MessageZH = fmt.Sprintf("占地面积 %.2f 平方米 = %.3f 亩 %s %g 亩（%s），依据%s：%s", r.siteAreaBasis, mu, cmpWord(ok, "≥", "<"), t.Value, typeZH, t.Clause, t.TextZH)
	if p.near(mu, t.Value) {
		c.Near = true
		c.EllipsoidalValue = ptr(geo.MuFromM2(r.SiteEllipsoidalAreaM2))
		c.Message += fmt.Sprintf("; near the limit: plane %.2f m², ellipsoidal %.2f m² (%.3f mu)", r.SiteAreaM2, r.SiteEllipsoidalAreaM2, *c.EllipsoidalValue)
		c.MessageZH += fmt.Sprintf("；接近限值：平面面积 %.2f 平方米，椭球面积 %.2f 平方米（%.3f 亩）", r.SiteAreaM2, r.SiteEllipsoidalAreaM2, *c.EllipsoidalValue)
	}
	return c
}

// nearRatio adds, to a footprint-share check within the profile's margin of
// its limit, the same share on the other basis (CLAUSES.md "Which area"):
// ellipsoidal areas for a plane profile, plane areas for an ellipsoidal one.
// fps are the plane footprints of the numerator.
func (r *IndicatorsReport) nearRatio(p *Profile, c *Check, v, limit float64, fps []orb.MultiPolygon) {
	if !p.near(v, limit) {
		return
	}
	c.Near = true
	if r.ellipsoidal() {
		var a float64
		var err error
		if len(fps) > 0 {
			a, err = clippedUnionArea(fps, r.site)
		}
		if err != nil {
			return // the ellipsoidal figure stands
		}
		e := a / r.SiteAreaM2
		c.EllipsoidalValue = ptr(v) // the check is already on ellipsoidal areas
		c.Message += fmt.Sprintf("; near the limit: on plane areas %.2f / %.2f = %s", a, r.SiteAreaM2, pct(e))
		c.MessageZH += fmt.Sprintf("；接近限值：按平面面积 %.2f ÷ %.2f = %s", a, r.SiteAreaM2, pct(e))
		return
	}
	ell, err := r.clippedEllipsoidalArea(fps)
	if err != nil {
		return // the plane figure stands; the overlay already succeeded once above
	}
	e := ell / r.SiteEllipsoidalAreaM2
	c.EllipsoidalValue = &e
	c.Message += fmt.Sprintf("; near the limit: on ellipsoidal areas %.2f / %.2f = %s", ell, r.SiteEllipsoidalAreaM2, pct(e))
	c.MessageZH += fmt.Sprintf("；接近限值：按椭球面积 %.2f ÷ %.2f = %s", ell, r.SiteEllipsoidalAreaM2, pct(e))
}

func cmpWord(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func (r *IndicatorsReport) plotRatioCheck(p *Profile, in SiteInput) Check {
	t := p.PlotRatioMin
	site := r.siteAreaBasis
	tall := r.tallNote(p)
	if r.FARFloorAreaM2 == nil {
		return unknown("plot_ratio", t, t.Value, "ratio", "total floor area (declared floor_area_m2, or buildings with floors or declared floor area)")
	}
	far := *r.FARFloorAreaM2 / site
	if r.FloorAreaM2 == nil { // partial
		var miss []string
		for _, b := range r.Buildings {
			if b.FloorAreaM2 == nil {
				miss = append(miss, b.Label)
			}
		}
		if !geq(far, t.Value) {
			c := unknown("plot_ratio", t, t.Value, "ratio", "floors or declared floor area of buildings "+strings.Join(miss, ", "))
			c.Subjects = miss
			return c
		}
		c := Check{Rule: "plot_ratio", Clause: t.Clause, Status: StatusPass, Value: far, Limit: t.Value, Unit: "ratio", Basis: r.AreaBasis, Subjects: miss}
		c.Message = fmt.Sprintf("plot ratio ≥ %.4f (known buildings only: %.2f m² / %.2f m²; %d buildings without floor area can only raise it) ≥ %g%s %s",
			far, *r.FARFloorAreaM2, site, len(miss), t.Value, tall.en, t.Clause)
		c.MessageZH = fmt.Sprintf("容积率 ≥ %.4f（仅计已知建筑：%.2f ÷ %.2f；另有 %d 幢建筑缺少建筑面积，只会使其更高）≥ %g%s，依据%s：%s",
			far, *r.FARFloorAreaM2, site, len(miss), t.Value, tall.zh, t.Clause, t.TextZH)
		return c
	}
	ok := geq(far, t.Value)
	c := Check{Rule: "plot_ratio", Clause: t.Clause, Status: statusOf(ok, t), Value: far, Limit: t.Value, Unit: "ratio", Basis: r.AreaBasis}
	c.Message = fmt.Sprintf("plot ratio = %.2f m² / %.2f m² = %.4f %s %g%s %s", *r.FARFloorAreaM2, site, far, cmpWord(ok, ">=", "<"), t.Value, tall.en, t.Clause)
	c.MessageZH = fmt.Sprintf("容积率 = %.2f ÷ %.2f = %.4f %s %g%s，依据%s：%s", *r.FARFloorAreaM2, site, far, cmpWord(ok, "≥", "<"), t.Value, tall.zh, t.Clause, t.TextZH)
	if p.near(far, t.Value) && r.ellipsoidal() {
		c.Near = true
		c.EllipsoidalValue = ptr(far)
		other := *r.FARFloorAreaM2 / r.SiteAreaM2
		c.Message += fmt.Sprintf("; near the limit: over the plane site area %.2f m² it is %.4f", r.SiteAreaM2, other)
		c.MessageZH += fmt.Sprintf("；接近限值：按平面面积 %.2f 平方米计为 %.4f", r.SiteAreaM2, other)
	} else if p.near(far, t.Value) {
		c.Near = true
		c.EllipsoidalValue = ptr(*r.FARFloorAreaM2 / r.SiteEllipsoidalAreaM2)
		c.Message += fmt.Sprintf("; near the limit: over the ellipsoidal site area %.2f m² it is %.4f", r.SiteEllipsoidalAreaM2, *c.EllipsoidalValue)
		c.MessageZH += fmt.Sprintf("；接近限值：按椭球面积 %.2f 平方米计为 %.4f", r.SiteEllipsoidalAreaM2, *c.EllipsoidalValue)
	}
	return c
}

type bilingual struct{ en, zh string }

// tallNote explains the >8 m storey rule as applied.
func (r *IndicatorsReport) tallNote(p *Profile) bilingual {
	if !p.FARTallStorey.Enabled || len(r.Buildings) == 0 {
		return bilingual{}
	}
	var tall []string
	unknownH := 0
	for _, b := range r.Buildings {
		if b.TallStoreys {
			tall = append(tall, b.Label)
		}
		if b.HeightM <= 0 || b.Floors <= 0 {
			unknownH++
		}
	}
	en := fmt.Sprintf("; no storey over %g m", p.FARTallStorey.Value)
	zh := fmt.Sprintf("；无层高超过 %g 米的楼层", p.FARTallStorey.Value)
	if len(tall) > 0 {
		en = fmt.Sprintf("; storeys over %g m count twice: %d building(s) [%s]", p.FARTallStorey.Value, len(tall), strings.Join(tall, ", "))
		zh = fmt.Sprintf("；层高超过 %g 米的楼层加倍计算：%d 幢［%s］", p.FARTallStorey.Value, len(tall), strings.Join(tall, "、"))
	}
	if unknownH > 0 {
		en += fmt.Sprintf(", %d building(s) without height or floors (rule not applied)", unknownH)
		zh += fmt.Sprintf("，%d 幢缺少高度或层数（未适用）", unknownH)
	}
	return bilingual{en, zh}
}

func (r *IndicatorsReport) densityCheck(p *Profile, in SiteInput) Check {
	t := p.BuildingDensityMin
	if len(in.Buildings) == 0 {
		return unknown("building_density", t, t.Value, "ratio", "building footprints")
	}
	site, fp, d := r.siteAreaBasis, r.fpBasis, *r.BuildingDensity
	ok := geq(d, t.Value)
	c := Check{Rule: "building_density", Clause: t.Clause, Status: statusOf(ok, t), Value: d, Limit: t.Value, Unit: "ratio", Basis: r.AreaBasis}
	c.Message = fmt.Sprintf("building density = footprints within the site %.2f m² / site %.2f m² = %s %s %s (generally; %s)", fp, site, pct(d), cmpWord(ok, ">=", "<"), pct(t.Value), t.Clause)
	c.MessageZH = fmt.Sprintf("建筑密度 = 场地内建筑基底面积 %.2f ÷ 场地面积 %.2f = %s %s %s，依据%s：%s", fp, site, pct(d), cmpWord(ok, "≥", "<"), pct(t.Value), t.Clause, t.TextZH)
	r.nearRatio(p, &c, d, t.Value, r.fps)
	return c
}

var npMethodZH = map[string]string{
	"footprint":              "按非生产性建筑基底面积计算",
	"declared":               "按申报面积",
	"floor_area_apportioned": "建筑用途不明，按非生产性建筑面积占比分摊场地面积（《工业项目建设用地控制指标》2008）",
	"buildings":              "按各建筑用途与建筑面积",
}

var npMethodEN = map[string]string{
	"footprint":              "from the footprints of non-production buildings",
	"declared":               "as declared",
	"floor_area_apportioned": "building uses unknown: the site apportioned by the non-production floor-area share (national 2008 industrial land indicators)",
	"buildings":              "from building uses and floor areas",
}

func (r *IndicatorsReport) npLandCheck(p *Profile) Check {
	t := p.NonProductionLandShareMax
	if r.NonProductionLandShare == nil {
		return unknown("non_production_land_share", t, t.Value, "ratio",
			"building uses (use of every building), or declared non_production_land_area_m2, or declared non_production_floor_area_m2 with the total floor area")
	}
	s := *r.NonProductionLandShare
	ok := leq(s, t.Value)
	site := r.siteAreaBasis
	c := Check{Rule: "non_production_land_share", Clause: t.Clause, Status: statusOf(ok, t), Value: s, Limit: t.Value, Unit: "ratio", Basis: r.AreaBasis}
	c.Message = fmt.Sprintf("non-production land %.2f m² / site %.2f m² = %s %s %s (%s; %s)", *r.NonProductionLandAreaM2, site, pct(s), cmpWord(ok, "<=", ">"), pct(t.Value), npMethodEN[r.NonProductionLandMethod], t.Clause)
	c.MessageZH = fmt.Sprintf("非生产性用房占地 %.2f ÷ 场地面积 %.2f = %s %s %s（%s），依据%s：%s", *r.NonProductionLandAreaM2, site, pct(s), cmpWord(ok, "≤", ">"), pct(t.Value), npMethodZH[r.NonProductionLandMethod], t.Clause, t.TextZH)
	if r.NonProductionLandMethod == "footprint" {
		r.nearRatio(p, &c, s, t.Value, r.npFps)
	}
	return c
}

func (r *IndicatorsReport) npFloorCheck(p *Profile) Check {
	lo, hi := p.NonProductionFloorShareMin, p.NonProductionFloorShareMax
	limit := []float64{lo.Value, hi.Value}
	if r.NonProductionFloorShare == nil {
		var miss []string
		if r.NonProductionFloorAreaM2 == nil {
			miss = append(miss, "non-production floor area (building uses and floor areas, or declared non_production_floor_area_m2)")
		}
		if r.FloorAreaM2 == nil {
			miss = append(miss, "total floor area")
		}
		return unknown("non_production_floor_share", lo, limit, "ratio", miss...)
	}
	s := *r.NonProductionFloorShare
	ok := geq(s, lo.Value) && leq(s, hi.Value)
	c := Check{Rule: "non_production_floor_share", Clause: lo.Clause, Status: statusOf(ok, lo), Value: s, Limit: limit, Unit: "ratio"}
	c.Message = fmt.Sprintf("non-production floor area %.2f m² / total %.2f m² = %s, %s %s–%s (%s; %s)", *r.NonProductionFloorAreaM2, *r.FloorAreaM2, pct(s), cmpWord(ok, "within", "outside"), pct(lo.Value), pct(hi.Value), npMethodEN[r.NonProductionFloorMethod], lo.Clause)
	c.MessageZH = fmt.Sprintf("非生产性用房建筑面积 %.2f ÷ 总建筑面积 %.2f = %s，%s %s–%s（%s），依据%s：%s", *r.NonProductionFloorAreaM2, *r.FloorAreaM2, pct(s), cmpWord(ok, "在", "不在"), pct(lo.Value), pct(hi.Value), npMethodZH[r.NonProductionFloorMethod], lo.Clause, lo.TextZH)
	return c
}

func (r *IndicatorsReport) selfHeldCheck(p *Profile, in SiteInput) Check {
	t := p.SelfHeldShareMin
	var miss []string
	if in.Declared.SelfHeldNonProductionM2 == nil {
		miss = append(miss, "declared self_held_non_production_m2")
	}
	if r.NonProductionFloorAreaM2 == nil || *r.NonProductionFloorAreaM2 <= 0 {
		miss = append(miss, "non-production floor area")
	}
	if len(miss) > 0 {
		return unknown("self_held_share", t, t.Value, "ratio", miss...)
	}
	held := *in.Declared.SelfHeldNonProductionM2
	s := held / *r.NonProductionFloorAreaM2
	ok := geq(s, t.Value)
	c := Check{Rule: "self_held_share", Clause: t.Clause, Status: statusOf(ok, t), Value: s, Limit: t.Value, Unit: "ratio"}
	c.Message = fmt.Sprintf("self-held %.2f m² / non-production floor area %.2f m² = %s %s %s %s", held, *r.NonProductionFloorAreaM2, pct(s), cmpWord(ok, ">=", "<"), pct(t.Value), t.Clause)
	c.MessageZH = fmt.Sprintf("自持 %.2f ÷ 非生产性用房建筑面积 %.2f = %s %s %s，依据%s：%s", held, *r.NonProductionFloorAreaM2, pct(s), cmpWord(ok, "≥", "<"), pct(t.Value), t.Clause, t.TextZH)
	return c
}

func (r *IndicatorsReport) propertyChecks(p *Profile, in SiteInput) []Check {
	parts := []struct {
		rule     string
		t        Threshold
		declared *float64
		key      string
	}{
		{"property_office_rooms", p.PropertyOfficeRatio, in.Declared.PropertyOfficeM2, "property_office_m2"},
		{"property_business_rooms", p.PropertyBusinessRatio, in.Declared.PropertyBusinessM2, "property_business_m2"},
	}
	var out []Check
	totalDeclared, allDeclared := 0.0, true
	for _, pt := range parts {
		if pt.declared == nil {
			allDeclared = false
		} else {
			totalDeclared += *pt.declared
		}
	}
	total := Threshold{Value: p.PropertyRoomsRatio.Value, Clause: p.PropertyRoomsRatio.Clause, Severity: p.PropertyRoomsRatio.Severity, TextZH: p.PropertyRoomsRatio.TextZH}
	all := append([]struct {
		rule     string
		t        Threshold
		declared *float64
		key      string
	}{{"property_rooms", total, nil, "property_office_m2 + property_business_m2"}}, parts...)
	for i, pt := range all {
		d := pt.declared
		if i == 0 && allDeclared {
			d = &totalDeclared
		}
		var miss []string
		if d == nil {
			miss = append(miss, "declared "+pt.key)
		}
		if r.FloorAreaM2 == nil {
			miss = append(miss, "total floor area")
		}
		if len(miss) > 0 {
			out = append(out, unknown(pt.rule, pt.t, nil, "m2", miss...))
			continue
		}
		req := *r.FloorAreaM2 * pt.t.Value
		ok := geq(*d, req)
		c := Check{Rule: pt.rule, Clause: pt.t.Clause, Status: statusOf(ok, pt.t), Value: *d, Limit: req, Unit: "m2"}
		c.Message = fmt.Sprintf("%s: declared %.2f m² %s required %.2f m² = %.2f m² × %g‰ %s", pt.rule, *d, cmpWord(ok, ">=", "<"), req, *r.FloorAreaM2, pt.t.Value*1000, pt.t.Clause)
		c.MessageZH = fmt.Sprintf("%s：申报 %.2f 平方米 %s 应配 %.2f 平方米 = 总建筑面积 %.2f × %g‰，依据%s：%s", ruleZH(pt.rule), *d, cmpWord(ok, "≥", "<"), req, *r.FloorAreaM2, pt.t.Value*1000, pt.t.Clause, pt.t.TextZH)
		out = append(out, c)
	}
	return out
}

// sortChecks orders checks by clause then rule, so reports are stable.
func sortChecks(cs []Check) {
	sort.SliceStable(cs, func(i, j int) bool { return clauseOrder(cs[i].Clause) < clauseOrder(cs[j].Clause) })
}

var clauseNums = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七"}

func clauseOrder(c string) int {
	s := strings.Trim(c, "（）()")
	for i, n := range clauseNums {
		if s == n {
			return i + 1
		}
	}
	return 0 // 一(2) and others first
}
