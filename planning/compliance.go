package planning

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// Unit is a unit sold or let to one enterprise (clause 二十).
type Unit struct {
	ID          string  `json:"id"`
	Enterprise  string  `json:"enterprise,omitempty"`
	FloorAreaM2 float64 `json:"floor_area_m2"`
}

// DormUnit is a dormitory room or suite (clause 二十一). For a room,
// FloorAreaM2 excludes shared (分摊) area.
type DormUnit struct {
	ID          string  `json:"id"`
	Suite       bool    `json:"suite"`     // 成套住宅
	HighRise    bool    `json:"high_rise"` // in a high-rise or mid-high-rise building: +10 m² for suites
	FloorAreaM2 float64 `json:"floor_area_m2"`
}

// Dates are the park's milestones. Zero dates are unknown.
type Dates struct {
	LandContract         parcels.Date `json:"land_contract"`         // 土地出让合同签订
	ConstructionStart    parcels.Date `json:"construction_start"`    // 开工
	CompletionAcceptance parcels.Date `json:"completion_acceptance"` // 竣工验收
	PublicityStart       parcels.Date `json:"publicity_start"`       // 入园企业公示开始
	PublicityEnd         parcels.Date `json:"publicity_end"`         // 公示结束
}

// Enterprise is an enterprise in the park (clauses 八, 十三, 十四).
//
// Its relation to the park's lead industries (clause 八) is, in this order:
// its Industry is one of the park's LeadIndustries (同行业); it is declared
// Chain "upstream" or "downstream" of a lead industry (产业链上下游配套, ChainOf
// names which, and may be left out when any lead will do); SameIndustry, a
// relation declared without the industry; else, with its Industry known and
// the lead industries given, it is unrelated.
//
// The per-mu figures (clause 十四) are those of its latest evaluation year, in
// yuan per mu of land (its land, for a unit in a multi-storey park, as the
// evaluation apportions it) and tonnes of standard coal (tce) per mu.
// PerMuClass with MinPerMuClass is the older declared path: the evaluation
// class (A–D) against a declared minimum class, used only for an enterprise
// without figures.
type Enterprise struct {
	ID              string       `json:"id"`
	Name            string       `json:"name,omitempty"`
	Industry        string       `json:"industry,omitempty"`      // 所属行业: a name, or a GB/T 4754 code such as C3411
	Chain           string       `json:"chain,omitempty"`         // "upstream" | "downstream": 产业链上下游配套 of a lead industry
	ChainOf         string       `json:"chain_of,omitempty"`      // the lead industry it serves
	SameIndustry    *bool        `json:"same_industry,omitempty"` // declared: same industry or up/downstream of the park's lead industry
	Entered         parcels.Date `json:"entered"`                 // 入园
	Transferred     parcels.Date `json:"transferred"`             // property transferred, if ever
	ProductionStart parcels.Date `json:"production_start"`        // 投产

	TaxYuanPerMu        *float64 `json:"tax_yuan_per_mu,omitempty"`         // 亩均税收
	ValueAddedYuanPerMu *float64 `json:"value_added_yuan_per_mu,omitempty"` // 亩均工业增加值
	EnergyTcePerMu      *float64 `json:"energy_tce_per_mu,omitempty"`       // 亩均能耗, tonnes of standard coal
	PerMuClass          string   `json:"per_mu_class,omitempty"`            // 亩均 evaluation class, e.g. "B"
	MinPerMuClass       string   `json:"min_per_mu_class,omitempty"`
}

// Enterprise.Chain values.
const (
	ChainUpstream   = "upstream"
	ChainDownstream = "downstream"
)

// PerMuStandard is the area's minimum standard (同地区行业最低标准) for one
// industry, as the city or town publishes it for the evaluation year
// (clause 十四). Each bound is optional; the figures an enterprise is judged
// on are those its industry's standard sets. ValueAddedYuanPerTceMin is the
// Zhejiang 亩均 evaluation's energy indicator (单位能耗增加值), computed as
// value added per mu ÷ energy per mu.
//
// The standards are the caller's, not the profile's: they are published
// yearly per area (镇街, 开发区) and per industry, so a city's policy
// profile cannot hold them.
type PerMuStandard struct {
	Industry                string   `json:"industry"`
	Source                  string   `json:"source,omitempty"` // the publication, e.g. its title and year
	TaxYuanPerMuMin         *float64 `json:"tax_yuan_per_mu_min,omitempty"`
	ValueAddedYuanPerMuMin  *float64 `json:"value_added_yuan_per_mu_min,omitempty"`
	EnergyTcePerMuMax       *float64 `json:"energy_tce_per_mu_max,omitempty"`
	ValueAddedYuanPerTceMin *float64 `json:"value_added_yuan_per_tce_min,omitempty"`
}

// Payments are the amounts paid into the property funds of clause (二十二).
// nil means not declared: the check is then unknown.
type Payments struct {
	MaintenanceFundYuan *float64 `json:"maintenance_fund_yuan,omitempty"` // 物业专项维修资金
	WarrantyDepositYuan *float64 `json:"warranty_deposit_yuan,omitempty"` // 物业保修金
}

// Share is a joint owner's declared share (clause 十八), 0–1.
type Share struct {
	Owner string  `json:"owner"`
	Share float64 `json:"share"`
}

// CityProgress is the city's progress towards the targets of clause 一(2).
type CityProgress struct {
	ProvincialQualityParks *float64 `json:"provincial_quality_parks,omitempty"`
	NewFloorAreaM2         *float64 `json:"new_floor_area_m2,omitempty"`
	EnterprisesEntering    *float64 `json:"enterprises_entering,omitempty"`
	HonouredParks          *float64 `json:"honoured_parks,omitempty"`
}

// ParkInput is a park: its site (a polygon, or the union of its site
// parcels), buildings, declared figures, units, dormitories, dates,
// enterprises with the park's lead industries and the area's per-mu
// standards, the property funds paid and, optionally, joint owners' shares
// and city progress. AsOf is the day the report is for: deadlines past it
// without the event are overdue, and the per-mu window (clause 十四) is
// judged on it; zero means no overdue judgement and no per-mu judgement.
type ParkInput struct {
	SiteInput
	SiteParcels []*parcels.Parcel `json:"-"`
	Units       []Unit            `json:"units,omitempty"`
	Dorms       []DormUnit        `json:"dorms,omitempty"`
	Dates       Dates             `json:"dates"`
	Enterprises []Enterprise      `json:"enterprises,omitempty"`
	// LeadIndustries are the park's 1–2 主导行业和特色产业 (clause 八).
	LeadIndustries []string        `json:"lead_industries,omitempty"`
	PerMuStandards []PerMuStandard `json:"per_mu_standards,omitempty"`
	Payments       Payments        `json:"payments"`
	JointShares    []Share         `json:"joint_shares,omitempty"`
	City           *CityProgress   `json:"city,omitempty"`
	AsOf           parcels.Date    `json:"as_of"`
}

// ComplianceReport is the park compliance report: the site indicators and
// one check per row of CLAUSES.md (unknown where inputs are missing). The
// joint-share row appears only for joint owners, city targets only with
// city progress figures.
type ComplianceReport struct {
	Indicators *IndicatorsReport `json:"indicators"`
	Deadlines  map[string]string `json:"deadlines"` // rule → due date
	Checks     []Check           `json:"checks"`
	Summary    map[Status]int    `json:"summary"`
}

// Compliance checks a park against every row of the profile whose inputs exist.
func Compliance(p *Profile, in ParkInput) (*ComplianceReport, error) {
	if p == nil {
		return nil, fmt.Errorf("planning: no profile")
	}
	if err := validatePark(in); err != nil {
		return nil, err
	}
	si := in.SiteInput
	if len(si.Site) == 0 && len(in.SiteParcels) > 0 {
		z := p.GeoZone()
		var gs []orb.MultiPolygon
		for _, sp := range in.SiteParcels {
			if sp != nil {
				gs = append(gs, z.Project(sp.Geometry))
			}
		}
		u, err := geo.Union(gs...)
		if err != nil {
			return nil, fmt.Errorf("planning: union of site parcels: %w", err)
		}
		si.Site = z.Unproject(u)
	}
	ind, err := indicators(p, si)
	if err != nil {
		return nil, err
	}
	ind.Checks = ind.checks(p, si, true)
	r := &ComplianceReport{Indicators: ind, Deadlines: map[string]string{}, Summary: map[Status]int{}}
	cs := append([]Check(nil), ind.Checks...)
	cs = append(cs, unitCheck(p, in))
	cs = append(cs, dormChecks(p, in, ind)...)
	cs = append(cs, r.dateChecks(p, in)...)
	cs = append(cs, leadIndustriesCheck(p, in.LeadIndustries))
	cs = append(cs, enterpriseChecks(p, in)...)
	cs = append(cs, feeChecks(p, in, ind)...)
	if len(in.JointShares) > 0 {
		cs = append(cs, sharesCheck(p, in))
	}
	if in.City != nil {
		cs = append(cs, cityChecks(p, in.City)...)
	}
	sortChecks(cs)
	// Clause labels come from the profile in its own script ("（八）"); the
	// English messages cite them with ASCII punctuation ("(八)").
	for i := range cs {
		cs[i].Message = englishPunctuation(true, cs[i].Message)
	}
	r.Checks = cs
	for _, c := range cs {
		r.Summary[c.Status]++
	}
	return r, nil
}

// validatePark rejects park inputs that would bend a count or a comparison:
// an enterprise listed twice (clause 八 counts enterprises), a chain
// relation outside the vocabulary, a lead industry or a per-mu standard
// named twice or not at all, negative figures or payments.
func validatePark(in ParkInput) error {
	seen := map[string]bool{}
	for _, e := range in.Enterprises {
		if e.ID != "" && seen[e.ID] {
			return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("入园企业 %s 重复列出", e.ID), "enterprise %s is listed twice", e.ID)
		}
		seen[e.ID] = true
		if e.Chain != "" && e.Chain != ChainUpstream && e.Chain != ChainDownstream {
			return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("企业 %s 的产业链关系 %q 无效：应为 upstream（上游）或 downstream（下游）", e.ID, e.Chain),
				"enterprise %s: chain %q must be upstream or downstream", e.ID, e.Chain)
		}
		for _, m := range perMuMeasures[:3] {
			if v := m.fig(e); v != nil && !(*v >= 0) {
				return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("企业 %s 的%s %g 不能为负", e.ID, m.zh, *v), "enterprise %s: %s %g must not be negative", e.ID, m.key, *v)
			}
		}
	}
	leads := map[string]bool{}
	for _, l := range in.LeadIndustries {
		k := normIndustry(l)
		if k == "" || leads[k] {
			return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("主导行业 %q 为空或重复", l), "lead industry %q is empty or listed twice", l)
		}
		leads[k] = true
	}
	stds := map[string]bool{}
	for _, s := range in.PerMuStandards {
		k := normIndustry(s.Industry)
		if k == "" || stds[k] {
			return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("亩均效益最低标准的行业 %q 为空或重复", s.Industry), "per-mu standard industry %q is empty or listed twice", s.Industry)
		}
		stds[k] = true
		for _, m := range perMuMeasures {
			if v := m.lim(s); v != nil && !(*v >= 0) {
				return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("行业 %s 的%s标准 %g 不能为负", s.Industry, m.zh, *v), "per-mu standard %s: %s bound %g must not be negative", s.Industry, m.key, *v)
			}
		}
	}
	for _, x := range []struct {
		v      *float64
		key    string
		nameZH string
	}{{in.Payments.MaintenanceFundYuan, "maintenance_fund_yuan", "物业专项维修资金"}, {in.Payments.WarrantyDepositYuan, "warranty_deposit_yuan", "物业保修金"}} {
		if x.v != nil && !(*x.v >= 0) {
			return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("已缴%s %g 不能为负", x.nameZH, *x.v), "payments.%s %g must not be negative", x.key, *x.v)
		}
	}
	return nil
}

func unitCheck(p *Profile, in ParkInput) Check {
	t := p.UnitMinFloorAreaM2
	if len(in.Units) == 0 {
		return unknown("unit_floor_area", t, t.Value, "m2", "units (floor area of each unit for one enterprise)")
	}
	minA, minID := in.Units[0].FloorAreaM2, in.Units[0].ID
	var bad []string
	for _, u := range in.Units {
		if u.FloorAreaM2 < minA {
			minA, minID = u.FloorAreaM2, u.ID
		}
		if !geq(u.FloorAreaM2, t.Value) {
			bad = append(bad, fmt.Sprintf("%s (%.2f m²)", u.ID, u.FloorAreaM2))
		}
	}
	ok := len(bad) == 0
	c := Check{Rule: "unit_floor_area", Clause: t.Clause, Status: statusOf(ok, t), Value: minA, Limit: t.Value, Unit: "m2", Subjects: bad}
	c.Message = fmt.Sprintf("%d units, smallest %s %.2f m²; %d below %g m²%s %s", len(in.Units), minID, minA, len(bad), t.Value, listSuffix(bad, ": "), t.Clause)
	c.MessageZH = fmt.Sprintf("共 %d 个单元，最小 %s 为 %.2f 平方米；%d 个低于 %g 平方米%s，依据%s：%s", len(in.Units), minID, minA, len(bad), t.Value, listSuffix(bad, "："), t.Clause, t.TextZH)
	return c
}

func listSuffix(items []string, sep string) string {
	if len(items) == 0 {
		return ""
	}
	return sep + strings.Join(items, ", ")
}

// dormChecks judges clause (二十一). A kind of unit (room, suite) with none
// listed leaves its check unknown: an empty list proves nothing. The suite
// share divides by the dormitory's total floor area — declared, else the sum
// over dormitory buildings with known floor areas — never by the units
// listed, which need not cover the whole dormitory.
func dormChecks(p *Profile, in ParkInput, ind *IndicatorsReport) []Check {
	rt, st, xt, sh := p.DormRoomMaxM2, p.DormSuiteMaxM2, p.DormSuiteHighriseExtraM2, p.DormSuiteShareMax
	if len(in.Dorms) == 0 {
		return []Check{
			unknown("dorm_room_area", rt, rt.Value, "m2", "dormitory units"),
			unknown("dorm_suite_area", st, st.Value, "m2", "dormitory units"),
			unknown("dorm_suite_share", sh, sh.Value, "ratio", "dormitory units"),
		}
	}
	var rooms, suites, suiteArea float64
	var badRooms, badSuites []string
	maxRoom, maxSuite := 0.0, 0.0
	for _, d := range in.Dorms {
		if d.Suite {
			suites++
			suiteArea += d.FloorAreaM2
			lim := st.Value
			if d.HighRise {
				lim += xt.Value
			}
			maxSuite = max(maxSuite, d.FloorAreaM2)
			if !leq(d.FloorAreaM2, lim) {
				badSuites = append(badSuites, fmt.Sprintf("%s (%.2f m² > %g m²)", d.ID, d.FloorAreaM2, lim))
			}
		} else {
			rooms++
			maxRoom = max(maxRoom, d.FloorAreaM2)
			if !leq(d.FloorAreaM2, rt.Value) {
				badRooms = append(badRooms, fmt.Sprintf("%s (%.2f m²)", d.ID, d.FloorAreaM2))
			}
		}
	}
	var out []Check
	if rooms == 0 {
		out = append(out, unknown("dorm_room_area", rt, rt.Value, "m2", "single rooms (non-suite dormitory units)"))
	} else {
		c := Check{Rule: "dorm_room_area", Clause: rt.Clause, Status: statusOf(len(badRooms) == 0, rt), Value: maxRoom, Limit: rt.Value, Unit: "m2", Subjects: badRooms}
		c.Message = fmt.Sprintf("%.0f single rooms, largest %.2f m² (excluding shared area); %d above %g m²%s %s", rooms, maxRoom, len(badRooms), rt.Value, listSuffix(badRooms, ": "), rt.Clause)
		c.MessageZH = fmt.Sprintf("单间 %.0f 间，最大 %.2f 平方米（不含分摊）；%d 间超过 %g 平方米%s，依据%s：%s", rooms, maxRoom, len(badRooms), rt.Value, listSuffix(badRooms, "："), rt.Clause, rt.TextZH)
		out = append(out, c)
	}
	if suites == 0 {
		out = append(out, unknown("dorm_suite_area", st, st.Value, "m2", "suites (dormitory units with suite: true)"))
	} else {
		c := Check{Rule: "dorm_suite_area", Clause: st.Clause, Status: statusOf(len(badSuites) == 0, st), Value: maxSuite, Limit: st.Value, Unit: "m2", Subjects: badSuites}
		c.Message = fmt.Sprintf("%.0f suites, largest %.2f m²; limit %g m² (+%g m² in high-rise and mid-high-rise); %d above%s %s", suites, maxSuite, st.Value, xt.Value, len(badSuites), listSuffix(badSuites, ": "), st.Clause)
		c.MessageZH = fmt.Sprintf("成套住宅 %.0f 套，最大 %.2f 平方米；限 %g 平方米（高层、小高层再放宽 %g 平方米）；%d 套超标%s，依据%s：%s", suites, maxSuite, st.Value, xt.Value, len(badSuites), listSuffix(badSuites, "："), st.Clause, st.TextZH)
		out = append(out, c)
	}
	total, src, srcZH := dormTotal(in.Declared, ind)
	if total <= 0 {
		return append(out, unknown("dorm_suite_share", sh, sh.Value, "ratio", "dormitory total floor area (declared dormitory_floor_area_m2, or dormitory buildings with floors)"))
	}
	share := suiteArea / total
	ok := leq(share, sh.Value)
	c := Check{Rule: "dorm_suite_share", Clause: sh.Clause, Status: statusOf(ok, sh), Value: share, Limit: sh.Value, Unit: "ratio"}
	c.Message = fmt.Sprintf("suites %.2f m² / dormitory floor area %.2f m² (%s) = %s %s %s %s", suiteArea, total, src, pct(share), cmpWord(ok, "<=", ">"), pct(sh.Value), sh.Clause)
	c.MessageZH = fmt.Sprintf("成套住宅 %.2f ÷ 职工宿舍总建筑面积 %.2f（%s）= %s %s %s，依据%s：%s", suiteArea, total, srcZH, pct(share), cmpWord(ok, "≤", ">"), pct(sh.Value), sh.Clause, sh.TextZH)
	return append(out, c)
}

// dormTotal is the dormitory's total floor area: the declared figure, else
// the sum over dormitory buildings when every one has a floor area; 0 when
// neither is known.
func dormTotal(d Declared, ind *IndicatorsReport) (float64, string, string) {
	if d.DormitoryFloorAreaM2 != nil {
		return *d.DormitoryFloorAreaM2, "declared", "申报"
	}
	sum, n := 0.0, 0
	for _, b := range ind.Buildings {
		if b.Use != string(parcels.UseDormitory) {
			continue
		}
		if b.FloorAreaM2 == nil {
			return 0, "", ""
		}
		sum += *b.FloorAreaM2
		n++
	}
	if n == 0 {
		return 0, "", ""
	}
	return sum, fmt.Sprintf("%d dormitory buildings", n), fmt.Sprintf("宿舍楼 %d 栋", n)
}

// addMonths adds calendar months the way the Civil Code counts periods
// (art. 201–203): the corresponding day of the later month, or its last day
// when it has none (31 Aug + 6 months = 28/29 Feb).
func addMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// lockEnd is the last day of a period of years starting the day after d
// (民法典 201–203): the corresponding day 12·years months later, clamped to
// the month end.
func lockEnd(d time.Time, years float64) time.Time {
	return addMonths(d, int(math.Round(years*12)))
}

// deadlineCheck judges an event that must happen by due.
func deadlineCheck(rule string, t Threshold, due time.Time, event, asOf parcels.Date, what, whatZH string) Check {
	c := Check{Rule: rule, Clause: t.Clause, Limit: due.Format(time.DateOnly), Unit: "date"}
	dueS := due.Format(time.DateOnly)
	switch {
	case !event.IsZero():
		ok := !event.After(due)
		c.Status, c.Value = statusOf(ok, t), event.String()
		c.Message = fmt.Sprintf("%s on %s, due by %s: %s %s", what, event, dueS, cmpWord(ok, "in time", fmt.Sprintf("%d days late", int(event.Sub(due).Hours()/24))), t.Clause)
		c.MessageZH = fmt.Sprintf("%s日期 %s，期限 %s：%s，依据%s：%s", whatZH, event, dueS, cmpWord(ok, "按期", fmt.Sprintf("逾期 %d 天", int(event.Sub(due).Hours()/24))), t.Clause, t.TextZH)
	case !asOf.IsZero() && asOf.After(due):
		c.Status = statusOf(false, t)
		c.Message = fmt.Sprintf("%s not recorded and overdue: due by %s, %d days late as of %s %s", what, dueS, int(asOf.Sub(due).Hours()/24), asOf, t.Clause)
		c.MessageZH = fmt.Sprintf("未记录%s且已逾期：期限 %s，截至 %s 逾期 %d 天，依据%s：%s", whatZH, dueS, asOf, int(asOf.Sub(due).Hours()/24), t.Clause, t.TextZH)
	default:
		c.Status = StatusUnknown
		c.Missing = []string{rule + " date"}
		c.Message = fmt.Sprintf("%s not recorded yet; due by %s %s", what, dueS, t.Clause)
		c.MessageZH = fmt.Sprintf("尚未记录%s日期；期限 %s，依据%s：%s", whatZH, dueS, t.Clause, t.TextZH)
	}
	return c
}

func (r *ComplianceReport) dateChecks(p *Profile, in ParkInput) []Check {
	var out []Check
	d := in.Dates
	st, ct := p.ConstructionStartMonths, p.CompletionAcceptanceMonths
	if d.LandContract.IsZero() {
		out = append(out, unknown("construction_start", st, st.Value, "date", "land contract date"),
			unknown("completion_acceptance", ct, ct.Value, "date", "land contract date"))
	} else {
		due := addMonths(d.LandContract.Time, int(st.Value))
		r.Deadlines["construction_start"] = due.Format(time.DateOnly)
		out = append(out, deadlineCheck("construction_start", st, due, d.ConstructionStart, in.AsOf,
			fmt.Sprintf("construction start (within %g months of the land contract %s)", st.Value, d.LandContract),
			fmt.Sprintf("开工（土地出让合同 %s 签订后 %g 个月内）", d.LandContract, st.Value)))
		due = addMonths(d.LandContract.Time, int(ct.Value))
		r.Deadlines["completion_acceptance"] = due.Format(time.DateOnly)
		out = append(out, deadlineCheck("completion_acceptance", ct, due, d.CompletionAcceptance, in.AsOf,
			fmt.Sprintf("completion acceptance (within %g months of the land contract %s)", ct.Value, d.LandContract),
			fmt.Sprintf("竣工验收（土地出让合同 %s 签订后 %g 个月内）", d.LandContract, ct.Value)))
	}
	pt := p.AdmissionPublicityDays
	switch {
	case d.PublicityStart.IsZero():
		out = append(out, unknown("admission_publicity", pt, pt.Value, "days", "publicity start date"))
	default:
		// Civil Code art. 201: the first day is not counted.
		earliest := d.PublicityStart.AddDate(0, 0, int(pt.Value))
		r.Deadlines["admission_publicity_earliest_end"] = earliest.Format(time.DateOnly)
		if d.PublicityEnd.IsZero() {
			c := unknown("admission_publicity", pt, pt.Value, "days", "publicity end date")
			c.Message = fmt.Sprintf("publicity began %s: it may end no earlier than %s (%g days, the first day not counted); end date missing %s", d.PublicityStart, earliest.Format(time.DateOnly), pt.Value, pt.Clause)
			c.MessageZH = fmt.Sprintf("公示自 %s 开始，最早于 %s 结束（%g 日，首日不计入）；缺少公示结束日期，依据%s：%s", d.PublicityStart, earliest.Format(time.DateOnly), pt.Value, pt.Clause, pt.TextZH)
			out = append(out, c)
			break
		}
		days := int(d.PublicityEnd.Sub(d.PublicityStart.Time).Hours() / 24)
		ok := float64(days) >= pt.Value
		c := Check{Rule: "admission_publicity", Clause: pt.Clause, Status: statusOf(ok, pt), Value: days, Limit: pt.Value, Unit: "days"}
		c.Message = fmt.Sprintf("publicity %s to %s = %d days (first day not counted) %s %g days %s", d.PublicityStart, d.PublicityEnd, days, cmpWord(ok, ">=", "<"), pt.Value, pt.Clause)
		c.MessageZH = fmt.Sprintf("公示 %s 至 %s，共 %d 日（首日不计入）%s %g 日，依据%s：%s", d.PublicityStart, d.PublicityEnd, days, cmpWord(ok, "≥", "<"), pt.Value, pt.Clause, pt.TextZH)
		out = append(out, c)
	}
	return out
}

// enterpriseChecks judges clauses (八), (十三) and (十四) over the enterprise
// list.
func enterpriseChecks(p *Profile, in ParkInput) []Check {
	et, it, lt, mt := p.EnterprisesMin, p.SameIndustryShareMin, p.TransferLockYears, p.PerMuEvaluationYears
	if len(in.Enterprises) == 0 {
		return []Check{
			unknown("enterprise_count", et, et.Value, "count", "enterprise list"),
			unknownWhy("same_industry_share", it, it.Value, "ratio", missingInput{"enterprise list with industry", "入园企业清单（含所属行业或产业链关系）"}),
			unknown("transfer_lock", lt, lt.Value, "years", "enterprise list with entry dates"),
			unknownWhy("per_mu_performance", mt, 0, "count", missingInput{"enterprise list with production_start and per-mu figures", "入园企业清单（含投产日期及亩均效益数据）"}),
		}
	}
	es := append([]Enterprise(nil), in.Enterprises...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	var out []Check
	// "入园企业原则上应在15家以上": 以上 includes the number itself.
	n := len(es)
	ok := geq(float64(n), et.Value)
	c := Check{Rule: "enterprise_count", Clause: et.Clause, Status: statusOf(ok, et), Value: n, Limit: et.Value, Unit: "count"}
	c.Message = fmt.Sprintf("%d enterprises %s %g %s", n, cmpWord(ok, ">=", "<"), et.Value, et.Clause)
	c.MessageZH = fmt.Sprintf("入园企业 %d 家 %s %g 家，依据%s：%s", n, cmpWord(ok, "≥", "<"), et.Value, et.Clause, et.TextZH)
	out = append(out, c)
	out = append(out, sameIndustryCheck(p, in.LeadIndustries, es))

	// Transfer lock: no transfer within 5 years of entering. The lock is a
	// legal period (民法典 201–203): it starts the day after entering and its
	// last day is the corresponding day 12·N months later, or that month's
	// last day when there is none (29 Feb + 5 years → 28 Feb). A transfer on
	// the last day is still within the lock; the day after is free.
	var bad, badZH, miss, locks []string
	for _, e := range es {
		if e.Entered.IsZero() {
			miss = append(miss, e.ID)
			continue
		}
		end := lockEnd(e.Entered.Time, lt.Value)
		locks = append(locks, fmt.Sprintf("%s→%s", e.ID, end.Format(time.DateOnly)))
		if !e.Transferred.IsZero() && !e.Transferred.After(end) {
			bad = append(bad, fmt.Sprintf("%s (transferred %s, locked until %s)", e.ID, e.Transferred, end.Format(time.DateOnly)))
			badZH = append(badZH, fmt.Sprintf("%s（%s 转让，限制期至 %s）", e.ID, e.Transferred, end.Format(time.DateOnly)))
		}
	}
	switch {
	case len(bad) > 0:
		c := Check{Rule: "transfer_lock", Clause: lt.Clause, Status: statusOf(false, lt), Value: len(bad), Limit: lt.Value, Unit: "years", Subjects: bad}
		c.Message = fmt.Sprintf("%d transfers within %g years of entering: %s %s", len(bad), lt.Value, strings.Join(bad, "; "), lt.Clause)
		c.MessageZH = fmt.Sprintf("%d 家企业入园 %g 年内转让产权：%s，依据%s：%s", len(bad), lt.Value, strings.Join(badZH, "；"), lt.Clause, lt.TextZH)
		out = append(out, c)
	case len(miss) > 0:
		c := unknown("transfer_lock", lt, lt.Value, "years", "entry dates of enterprises "+strings.Join(miss, ", "))
		c.Subjects = miss
		out = append(out, c)
	default:
		c := Check{Rule: "transfer_lock", Clause: lt.Clause, Status: StatusPass, Value: 0, Limit: lt.Value, Unit: "years", Subjects: locks}
		c.Message = fmt.Sprintf("no recorded transfer within %g years of entering; lock ends: %s %s", lt.Value, strings.Join(locks, ", "), lt.Clause)
		c.MessageZH = fmt.Sprintf("无入园 %g 年内转让记录；限制期至：%s，依据%s：%s", lt.Value, strings.Join(locks, "，"), lt.Clause, lt.TextZH)
		out = append(out, c)
	}
	return append(out, perMuCheck(p, in, es))
}

// missingInput is an input a check lacks, named for a client (English, the
// JSON field names) and for the Chinese text.
type missingInput struct{ en, zh string }

// unknownWhy is unknown for inputs named here, with their Chinese.
func unknownWhy(rule string, t Threshold, limit any, unit string, miss ...missingInput) Check {
	en := make([]string, len(miss))
	zh := make([]string, len(miss))
	for i, m := range miss {
		en[i], zh[i] = m.en, m.zh
	}
	return Check{Rule: rule, Clause: t.Clause, Status: StatusUnknown, Limit: limit, Unit: unit, Missing: en,
		Message:   fmt.Sprintf("%s cannot be checked: missing %s %s", rule, strings.Join(en, "; "), t.Clause),
		MessageZH: fmt.Sprintf("%s 无法判断：缺少%s，依据%s：%s", ruleZH(rule), strings.Join(zh, "、"), t.Clause, t.TextZH)}
}

// normIndustry is an industry as compared: trimmed, upper case (codes).
func normIndustry(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// industryCode is a GB/T 4754 industry code: an optional section letter and
// the 2-digit division, 3-digit group or 4-digit class.
var industryCode = regexp.MustCompile(`^([A-T])?([0-9]{2,4})$`)

// inIndustry reports whether industry x is within industry of: the same name,
// or for GB/T 4754 codes a code within the other's division or group (C3411
// is within C34, and so is 3411). Names are compared whole: the caller names
// industries as the park's plan does.
func inIndustry(x, of string) bool {
	x, of = normIndustry(x), normIndustry(of)
	if x == "" || of == "" {
		return false
	}
	if x == of {
		return true
	}
	mx, mo := industryCode.FindStringSubmatch(x), industryCode.FindStringSubmatch(of)
	if mx == nil || mo == nil || (mx[1] != "" && mo[1] != "" && mx[1] != mo[1]) {
		return false
	}
	return strings.HasPrefix(mx[2], mo[2])
}

// leadOf is the lead industry that industry x is within, or "".
func leadOf(x string, leads []string) string {
	for _, l := range leads {
		if inIndustry(x, l) {
			return l
		}
	}
	return ""
}

// Relations of an enterprise to the park's lead industries (clause 八).
const (
	relLead         = iota // its industry is a lead industry
	relChain               // declared upstream or downstream of a lead industry
	relDeclared            // same_industry: true
	relUnrelated           // known not to be related
	relNeedLeads           // its industry is known but the lead industries are not
	relNeedIndustry        // neither industry, chain nor same_industry
)

// relation places e against the lead industries; why says how, for the
// report ("C3411 in C34", "upstream of 模具").
func relation(e Enterprise, leads []string) (rel int, why, whyZH string) {
	if l := leadOf(e.Industry, leads); e.Industry != "" && l != "" {
		return relLead, fmt.Sprintf("%s in %s", e.Industry, l), fmt.Sprintf("%s 属 %s", e.Industry, l)
	}
	dirZH := map[string]string{ChainUpstream: "上游", ChainDownstream: "下游"}[e.Chain]
	if e.Chain != "" {
		switch {
		case e.ChainOf == "":
			return relChain, e.Chain + " of a lead industry", "主导行业" + dirZH
		case len(leads) == 0:
			return relNeedLeads, "", ""
		case leadOf(e.ChainOf, leads) != "":
			return relChain, fmt.Sprintf("%s of %s", e.Chain, e.ChainOf), fmt.Sprintf("%s%s", e.ChainOf, dirZH)
		}
		return relUnrelated, fmt.Sprintf("%s of %s, not a lead industry", e.Chain, e.ChainOf), fmt.Sprintf("%s%s，非主导行业", e.ChainOf, dirZH)
	}
	if e.SameIndustry != nil {
		if *e.SameIndustry {
			return relDeclared, "declared related", "申报为同行业或上下游"
		}
		return relUnrelated, "declared unrelated", "申报为非同行业"
	}
	switch {
	case e.Industry == "":
		return relNeedIndustry, "", ""
	case len(leads) == 0:
		return relNeedLeads, "", ""
	}
	return relUnrelated, e.Industry + " not a lead industry", e.Industry + " 非主导行业"
}

// sameIndustryCheck is the share of clause (八): "同行业企业、产业链上下游配套
// 企业入驻占比在70%以上". The share is of enterprises counted, not of floor
// area or output: the sentence counts enterprises (入园企业原则上应在15家以上)
// and the share is of those entering (入驻), and CLAUSES.md lists the
// enterprise list as its only input. Enterprises whose relation is unknown do
// not always leave the share unknown: if the related ones alone reach the
// minimum it passes, and if it fails even with all of them related it fails.
func sameIndustryCheck(p *Profile, leads []string, es []Enterprise) Check {
	t := p.SameIndustryShareMin
	n := len(es)
	var related, unrelated, unrelatedZH, unknownIDs, needInd, how, howZH []string
	needLeads := 0
	var nLead, nChain, nDecl int
	for _, e := range es {
		rel, why, whyZH := relation(e, leads)
		switch rel {
		case relLead, relChain, relDeclared:
			related = append(related, e.ID)
			how = append(how, fmt.Sprintf("%s (%s)", e.ID, why))
			howZH = append(howZH, fmt.Sprintf("%s（%s）", e.ID, whyZH))
			nLead += b2i(rel == relLead)
			nChain += b2i(rel == relChain)
			nDecl += b2i(rel == relDeclared)
		case relUnrelated:
			unrelated = append(unrelated, fmt.Sprintf("%s (%s)", e.ID, why))
			unrelatedZH = append(unrelatedZH, fmt.Sprintf("%s（%s）", e.ID, whyZH))
		case relNeedLeads:
			unknownIDs = append(unknownIDs, e.ID)
			needLeads++
		case relNeedIndustry:
			unknownIDs = append(unknownIDs, e.ID)
			needInd = append(needInd, e.ID)
		}
	}
	unk := len(unknownIDs)
	lo := float64(len(related)) / float64(n)
	hi := float64(len(related)+unk) / float64(n)
	parts := fmt.Sprintf("%d in the lead industries, %d declared upstream or downstream, %d declared related", nLead, nChain, nDecl)
	partsZH := fmt.Sprintf("主导行业 %d 家，上下游配套 %d 家，申报同行业 %d 家", nLead, nChain, nDecl)
	leadsEN, leadsZH := "lead industries not given", "未给出主导行业"
	if len(leads) > 0 {
		leadsEN, leadsZH = "lead industries "+strings.Join(leads, ", "), "主导行业 "+strings.Join(leads, "、")
	}
	var miss []missingInput
	if needLeads > 0 {
		miss = append(miss, missingInput{"lead_industries", "园区主导行业和特色产业"})
	}
	if len(needInd) > 0 {
		miss = append(miss, missingInput{"industry, chain or same_industry of enterprises " + strings.Join(needInd, ", "),
			fmt.Sprintf("企业 %s 的所属行业或产业链关系", strings.Join(needInd, "、"))})
	}
	// Who counted and who did not, shown before the clause that ends a message.
	var dEN, dZH string
	if len(how) > 0 {
		dEN, dZH = "; related: "+strings.Join(how, ", "), "；同行业及上下游配套："+strings.Join(howZH, "、")
	}
	if len(unrelated) > 0 {
		dEN, dZH = dEN+"; unrelated: "+strings.Join(unrelated, ", "), dZH+"；非同行业及上下游配套："+strings.Join(unrelatedZH, "、")
	}
	c := Check{Rule: "same_industry_share", Clause: t.Clause, Limit: t.Value, Unit: "ratio"}
	switch {
	case unk == 0:
		ok := geq(lo, t.Value)
		c.Status, c.Value = statusOf(ok, t), lo
		c.Message = fmt.Sprintf("%d of %d enterprises in the lead industries or their chain = %s %s %s (%s; %s)%s %s",
			len(related), n, pct(lo), cmpWord(ok, ">=", "<"), pct(t.Value), parts, leadsEN, dEN, t.Clause)
		c.MessageZH = fmt.Sprintf("同行业及上下游配套企业 %d 家 ÷ 入园企业 %d 家 = %s %s %s（%s；%s）%s，依据%s：%s",
			len(related), n, pct(lo), cmpWord(ok, "≥", "<"), pct(t.Value), partsZH, leadsZH, dZH, t.Clause, t.TextZH)
		if !ok {
			c.Subjects = unrelated
		}
	case geq(lo, t.Value):
		c.Status, c.Value = StatusPass, lo
		c.Missing = missingEN(miss)
		c.Message = fmt.Sprintf("%d of %d enterprises in the lead industries or their chain = %s >= %s even with the %d of unknown relation unrelated (%s; %s)%s %s",
			len(related), n, pct(lo), pct(t.Value), unk, parts, leadsEN, dEN, t.Clause)
		c.MessageZH = fmt.Sprintf("同行业及上下游配套企业 %d 家 ÷ 入园企业 %d 家 = %s ≥ %s，另 %d 家关系不明也不影响结论（%s；%s）%s，依据%s：%s",
			len(related), n, pct(lo), pct(t.Value), unk, partsZH, leadsZH, dZH, t.Clause, t.TextZH)
	case !geq(hi, t.Value):
		c.Status, c.Value, c.Subjects = statusOf(false, t), hi, unrelated
		c.Missing = missingEN(miss)
		c.Message = fmt.Sprintf("at most (%d + %d of unknown relation) of %d enterprises in the lead industries or their chain = %s < %s (%s; %s)%s %s",
			len(related), unk, n, pct(hi), pct(t.Value), parts, leadsEN, dEN, t.Clause)
		c.MessageZH = fmt.Sprintf("同行业及上下游配套企业至多（%d + 关系不明 %d）家 ÷ 入园企业 %d 家 = %s < %s（%s；%s）%s，依据%s：%s",
			len(related), unk, n, pct(hi), pct(t.Value), partsZH, leadsZH, dZH, t.Clause, t.TextZH)
	default:
		c = unknownWhy("same_industry_share", t, t.Value, "ratio", miss...)
		c.Subjects = unknownIDs
		c.Message = fmt.Sprintf("%s; %d of %d enterprises related so far: the share lies between %s and %s, around %s %s",
			strings.TrimSuffix(c.Message, " "+t.Clause), len(related), n, pct(lo), pct(hi), pct(t.Value), t.Clause)
		c.MessageZH = fmt.Sprintf("%s。已确认同行业及上下游配套企业 %d 家，入园企业 %d 家：占比介于 %s 与 %s 之间，跨越 %s",
			c.MessageZH, len(related), n, pct(lo), pct(hi), pct(t.Value))
	}
	return c
}

func missingEN(miss []missingInput) []string {
	var out []string
	for _, m := range miss {
		out = append(out, m.en)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// leadIndustriesCheck: "一般选择1-2个…主导行业和特色产业" — a warning above
// the profile's maximum, as the text says "generally".
func leadIndustriesCheck(p *Profile, leads []string) Check {
	t := p.LeadIndustriesMax
	if len(leads) == 0 {
		return unknownWhy("lead_industries", t, t.Value, "count", missingInput{"lead_industries", "园区主导行业和特色产业"})
	}
	n := len(leads)
	ok := leq(float64(n), t.Value)
	c := Check{Rule: "lead_industries", Clause: t.Clause, Status: statusOf(ok, t), Value: n, Limit: t.Value, Unit: "count"}
	c.Message = fmt.Sprintf("lead industries: %d (%s) %s %g (generally; %s)", n, strings.Join(leads, ", "), cmpWord(ok, "<=", ">"), t.Value, t.Clause)
	c.MessageZH = fmt.Sprintf("主导行业和特色产业 %d 个（%s）%s %g 个，依据%s：%s", n, strings.Join(leads, "、"), cmpWord(ok, "≤", ">"), t.Value, t.Clause, t.TextZH)
	return c
}

// perMuMeasure is one figure of the 亩均 evaluation compared with the area's
// industry standard: a minimum (higher is better) or, for energy, a maximum.
type perMuMeasure struct {
	key, en, zh, unit, unitZH, format string
	max                               bool
	fig                               func(Enterprise) *float64
	lim                               func(PerMuStandard) *float64
}

var perMuMeasures = []perMuMeasure{
	{"tax_yuan_per_mu", "tax", "亩均税收", "yuan/mu", "元/亩", "%.2f", false,
		func(e Enterprise) *float64 { return e.TaxYuanPerMu }, func(s PerMuStandard) *float64 { return s.TaxYuanPerMuMin }},
	{"value_added_yuan_per_mu", "value added", "亩均工业增加值", "yuan/mu", "元/亩", "%.2f", false,
		func(e Enterprise) *float64 { return e.ValueAddedYuanPerMu }, func(s PerMuStandard) *float64 { return s.ValueAddedYuanPerMuMin }},
	{"energy_tce_per_mu", "energy", "亩均能耗", "tce/mu", "吨标准煤/亩", "%.3f", true,
		func(e Enterprise) *float64 { return e.EnergyTcePerMu }, func(s PerMuStandard) *float64 { return s.EnergyTcePerMuMax }},
	{"value_added_yuan_per_tce", "value added per energy", "单位能耗工业增加值", "yuan/tce", "元/吨标准煤", "%.2f", false,
		func(e Enterprise) *float64 {
			// (value added / mu) ÷ (tce / mu); no energy used is no limit to meet.
			if e.ValueAddedYuanPerMu == nil || e.EnergyTcePerMu == nil {
				return nil
			}
			if *e.EnergyTcePerMu == 0 {
				return ptr(math.Inf(1))
			}
			return ptr(*e.ValueAddedYuanPerMu / *e.EnergyTcePerMu)
		}, func(s PerMuStandard) *float64 { return s.ValueAddedYuanPerTceMin }},
}

// perMuStandardFor is the most specific standard whose industry contains x.
func perMuStandardFor(x string, ss []PerMuStandard) *PerMuStandard {
	var best *PerMuStandard
	for i := range ss {
		if inIndustry(x, ss[i].Industry) && (best == nil || len(normIndustry(ss[i].Industry)) > len(normIndustry(best.Industry))) {
			best = &ss[i]
		}
	}
	return best
}

// perMuCheck judges clause (十四): "投产两年内企业不低于同地区行业最低标准".
// Only enterprises in their first N years of production on AsOf are judged
// (from the production start through the last day of the period, counted as
// for the transfer lock). Each is judged on its per-mu figures against its
// industry's standard (PerMuStandards): below any bound the standard sets is
// below the minimum; a figure the standard bounds but the enterprise lacks
// leaves it unknown. Without figures, the declared class path (per_mu_class
// against min_per_mu_class, best first in the profile's order) is used. The
// check fails when any enterprise is below its minimum, and is unknown when
// none is but some could not be judged.
func perMuCheck(p *Profile, in ParkInput, es []Enterprise) Check {
	mt := p.PerMuEvaluationYears
	if in.AsOf.IsZero() {
		return unknownWhy("per_mu_performance", mt, 0, "count", missingInput{"as_of date", "核查基准日"})
	}
	rank := map[string]int{}
	for i, k := range p.PerMuClasses.Order {
		rank[k] = i
	}
	var bad, badZH, good, goodZH, missStart, missFig, missInd, missStd []string
	var unkIDs []string    // enterprises that could not be judged
	var missFigOf []string // "energy_tce_per_mu of e1"
	var missFigOfZH []string
	outside, within := 0, 0
	for _, e := range es {
		if e.ProductionStart.IsZero() {
			missStart = append(missStart, e.ID)
			unkIDs = append(unkIDs, e.ID)
			continue
		}
		end := lockEnd(e.ProductionStart.Time, mt.Value)
		if in.AsOf.Before(e.ProductionStart.Time) || in.AsOf.After(end) {
			outside++ // not yet producing, or past its evaluation years
			continue
		}
		within++
		hasFig := e.TaxYuanPerMu != nil || e.ValueAddedYuanPerMu != nil || e.EnergyTcePerMu != nil
		if !hasFig {
			cr, ok1 := rank[e.PerMuClass]
			mr, ok2 := rank[e.MinPerMuClass]
			if !ok1 || !ok2 {
				missFig = append(missFig, e.ID)
				unkIDs = append(unkIDs, e.ID)
				continue
			}
			if cr > mr {
				bad = append(bad, fmt.Sprintf("%s (class %s below %s)", e.ID, e.PerMuClass, e.MinPerMuClass))
				badZH = append(badZH, fmt.Sprintf("%s（%s 类，低于 %s 类）", e.ID, e.PerMuClass, e.MinPerMuClass))
			} else {
				good = append(good, fmt.Sprintf("%s (class %s, minimum %s)", e.ID, e.PerMuClass, e.MinPerMuClass))
				goodZH = append(goodZH, fmt.Sprintf("%s（%s 类，最低 %s 类）", e.ID, e.PerMuClass, e.MinPerMuClass))
			}
			continue
		}
		if e.Industry == "" {
			missInd = append(missInd, e.ID)
			unkIDs = append(unkIDs, e.ID)
			continue
		}
		std := perMuStandardFor(e.Industry, in.PerMuStandards)
		if std == nil {
			missStd = appendOnce(missStd, e.Industry)
			unkIDs = append(unkIDs, e.ID)
			continue
		}
		var parts, partsZH, lack []string
		below := false
		for _, m := range perMuMeasures {
			lim := m.lim(*std)
			if lim == nil {
				continue
			}
			v := m.fig(e)
			if v == nil {
				lack = append(lack, m.key)
				continue
			}
			ok := geq(*v, *lim)
			sym, symZH := cmpWord(ok, ">=", "<"), cmpWord(ok, "≥", "<")
			if m.max {
				ok = leq(*v, *lim)
				sym, symZH = cmpWord(ok, "<=", ">"), cmpWord(ok, "≤", ">")
			}
			below = below || !ok
			parts = append(parts, fmt.Sprintf("%s "+m.format+" %s "+m.format+" %s", m.en, *v, sym, *lim, m.unit))
			partsZH = append(partsZH, fmt.Sprintf("%s "+m.format+" %s "+m.format+" %s", m.zh, *v, symZH, *lim, m.unitZH))
		}
		if len(parts) == 0 && len(lack) == 0 {
			missStd = appendOnce(missStd, e.Industry) // a standard without a bound
			unkIDs = append(unkIDs, e.ID)
			continue
		}
		src := std.Industry
		if std.Source != "" {
			src += ", " + std.Source
		}
		detail := fmt.Sprintf("%s (%s; standard %s)", e.ID, strings.Join(parts, ", "), src)
		detailZH := fmt.Sprintf("%s（%s；标准 %s）", e.ID, strings.Join(partsZH, "，"), strings.ReplaceAll(src, ", ", "，"))
		switch {
		case below:
			bad, badZH = append(bad, detail), append(badZH, detailZH)
		case len(lack) > 0:
			missFigOf = append(missFigOf, fmt.Sprintf("%s of %s", strings.Join(lack, ", "), e.ID))
			unkIDs = append(unkIDs, e.ID)
			var zh []string
			for _, k := range lack {
				for _, m := range perMuMeasures {
					if m.key == k {
						zh = append(zh, m.zh)
					}
				}
			}
			missFigOfZH = append(missFigOfZH, fmt.Sprintf("企业 %s 的%s", e.ID, strings.Join(zh, "、")))
		default:
			good, goodZH = append(good, detail), append(goodZH, detailZH)
		}
	}
	window := fmt.Sprintf("%d enterprises within %g years of production on %s, %d outside, %d without a production start", within, mt.Value, in.AsOf, outside, len(missStart))
	windowZH := fmt.Sprintf("截至 %s 投产 %g 年内 %d 家，不在期内 %d 家，缺投产日期 %d 家", in.AsOf, mt.Value, within, outside, len(missStart))
	if len(bad) > 0 {
		c := Check{Rule: "per_mu_performance", Clause: mt.Clause, Status: statusOf(false, mt), Value: len(bad), Limit: 0, Unit: "count", Subjects: bad}
		c.Message = fmt.Sprintf("%d enterprises below their industry's per-mu minimum: %s (%s) %s", len(bad), strings.Join(bad, "; "), window, mt.Clause)
		c.MessageZH = fmt.Sprintf("%d 家企业亩均效益低于同地区行业最低标准：%s（%s），依据%s：%s", len(bad), strings.Join(badZH, "；"), windowZH, mt.Clause, mt.TextZH)
		return c
	}
	var miss []missingInput
	if len(missStart) > 0 {
		miss = append(miss, missingInput{"production_start of enterprises " + strings.Join(missStart, ", "), fmt.Sprintf("企业 %s 的投产日期", strings.Join(missStart, "、"))})
	}
	if len(missFig) > 0 {
		miss = append(miss, missingInput{"per-mu figures (tax_yuan_per_mu, value_added_yuan_per_mu, energy_tce_per_mu) or per_mu_class with min_per_mu_class of enterprises " + strings.Join(missFig, ", "),
			fmt.Sprintf("企业 %s 的亩均效益数据（亩均税收、亩均工业增加值、亩均能耗）或亩均效益分类及最低分类", strings.Join(missFig, "、"))})
	}
	if len(missInd) > 0 {
		miss = append(miss, missingInput{"industry of enterprises " + strings.Join(missInd, ", "), fmt.Sprintf("企业 %s 的所属行业", strings.Join(missInd, "、"))})
	}
	if len(missStd) > 0 {
		miss = append(miss, missingInput{"per_mu_standards for industries " + strings.Join(missStd, ", "), fmt.Sprintf("行业 %s 的同地区亩均效益最低标准", strings.Join(missStd, "、"))})
	}
	for i := range missFigOf {
		miss = append(miss, missingInput{missFigOf[i], missFigOfZH[i]})
	}
	if len(miss) > 0 {
		c := unknownWhy("per_mu_performance", mt, 0, "count", miss...)
		c.Subjects = unkIDs
		if len(good) > 0 {
			c.Message = strings.TrimSuffix(c.Message, " "+mt.Clause) + fmt.Sprintf("; at or above the minimum: %s %s", strings.Join(good, "; "), mt.Clause)
			c.MessageZH += "；已达标：" + strings.Join(goodZH, "；")
		}
		return c
	}
	c := Check{Rule: "per_mu_performance", Clause: mt.Clause, Status: StatusPass, Value: 0, Limit: 0, Unit: "count"}
	if len(good) == 0 {
		c.Message = fmt.Sprintf("no enterprise within %g years of production on %s (%d outside) %s", mt.Value, in.AsOf, outside, mt.Clause)
		c.MessageZH = fmt.Sprintf("截至 %s 无投产 %g 年内的企业（不在期内 %d 家），依据%s：%s", in.AsOf, mt.Value, outside, mt.Clause, mt.TextZH)
		return c
	}
	c.Message = fmt.Sprintf("all %d enterprises within %g years of production at or above their industry's per-mu minimum: %s (%s) %s", len(good), mt.Value, strings.Join(good, "; "), window, mt.Clause)
	c.MessageZH = fmt.Sprintf("投产 %g 年内的 %d 家企业亩均效益均不低于同地区行业最低标准：%s（%s），依据%s：%s", mt.Value, len(good), strings.Join(goodZH, "；"), windowZH, mt.Clause, mt.TextZH)
	return c
}

func appendOnce(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// feeChecks judges clause (二十二): the maintenance fund and the warranty
// deposit are due per m² of floor area (以上均按建筑面积计算), on the total
// floor area of the indicators (declared, else the buildings'). A payment
// not declared leaves its check unknown, with the amount due as the limit.
func feeChecks(p *Profile, in ParkInput, ind *IndicatorsReport) []Check {
	rows := []struct {
		rule     string
		t        Threshold
		paid     *float64
		key      string
		en, zh   string
		paidName string
	}{
		{"maintenance_fund", p.MaintenanceFundYuanPerM2, in.Payments.MaintenanceFundYuan, "payments.maintenance_fund_yuan", "maintenance fund", "物业专项维修资金", "已缴物业专项维修资金金额"},
		{"warranty_deposit", p.WarrantyDepositYuanPerM2, in.Payments.WarrantyDepositYuan, "payments.warranty_deposit_yuan", "warranty deposit", "物业保修金", "已缴物业保修金金额"},
	}
	var out []Check
	for _, r := range rows {
		var due *float64
		if ind.FloorAreaM2 != nil {
			due = ptr(math.Round(*ind.FloorAreaM2*r.t.Value*100) / 100) // to the fen
		}
		var miss []missingInput
		if r.paid == nil {
			miss = append(miss, missingInput{r.key, r.paidName})
		}
		if due == nil {
			miss = append(miss, missingInput{"total floor area", "总建筑面积"})
		}
		if len(miss) > 0 {
			var lim any
			if due != nil {
				lim = *due
			}
			c := unknownWhy(r.rule, r.t, lim, "yuan", miss...)
			if due != nil {
				c.Message = strings.TrimSuffix(c.Message, " "+r.t.Clause) + fmt.Sprintf("; due %.2f yuan = floor area %.2f m² × %g yuan/m² %s", *due, *ind.FloorAreaM2, r.t.Value, r.t.Clause)
				c.MessageZH += fmt.Sprintf("；应缴 %.2f 元 = 建筑面积 %.2f 平方米 × %g 元/平方米", *due, *ind.FloorAreaM2, r.t.Value)
			}
			out = append(out, c)
			continue
		}
		ok := geq(*r.paid, *due)
		c := Check{Rule: r.rule, Clause: r.t.Clause, Status: statusOf(ok, r.t), Value: *r.paid, Limit: *due, Unit: "yuan"}
		short, shortZH := "", ""
		if !ok {
			short, shortZH = fmt.Sprintf(", short by %.2f yuan", *due-*r.paid), fmt.Sprintf("，差 %.2f 元", *due-*r.paid)
		}
		c.Message = fmt.Sprintf("%s paid %.2f yuan %s due %.2f yuan = floor area %.2f m² (%s) × %g yuan/m²%s %s",
			r.en, *r.paid, cmpWord(ok, ">=", "<"), *due, *ind.FloorAreaM2, ind.FloorAreaSource, r.t.Value, short, r.t.Clause)
		c.MessageZH = fmt.Sprintf("%s已缴 %.2f 元 %s 应缴 %.2f 元 = 建筑面积 %.2f 平方米（%s）× %g 元/平方米%s，依据%s：%s",
			r.zh, *r.paid, cmpWord(ok, "≥", "<"), *due, *ind.FloorAreaM2, floorSourceZH[ind.FloorAreaSource], r.t.Value, shortZH, r.t.Clause, r.t.TextZH)
		out = append(out, c)
	}
	return out
}

func sharesCheck(p *Profile, in ParkInput) Check {
	t := p.JointSharesTotal
	sum := 0.0
	var parts []string
	for _, s := range in.JointShares {
		sum += s.Share
		parts = append(parts, fmt.Sprintf("%s %s", s.Owner, pct(s.Share)))
	}
	ok := leq(sum, t.Value) && geq(sum, t.Value)
	c := Check{Rule: "joint_shares", Clause: t.Clause, Status: statusOf(ok, t), Value: sum, Limit: t.Value, Unit: "ratio"}
	c.Message = fmt.Sprintf("joint owners' shares %s sum to %s %s %s %s", strings.Join(parts, " + "), pct(sum), cmpWord(ok, "=", "≠"), pct(t.Value), t.Clause)
	c.MessageZH = fmt.Sprintf("联合产权人份额 %s 合计 %s %s %s，依据%s：%s", strings.Join(parts, " + "), pct(sum), cmpWord(ok, "=", "≠"), pct(t.Value), t.Clause, t.TextZH)
	return c
}

func cityChecks(p *Profile, c *CityProgress) []Check {
	ct := p.CityTargets
	t := Threshold{Clause: ct.Clause, Severity: StatusWarn, TextZH: ct.TextZH}
	rows := []struct {
		rule     string
		v        *float64
		target   float64
		unit, zh string
	}{
		{"city_target_quality_parks", c.ProvincialQualityParks, ct.ProvincialQualityParksMin, "count", "个"},
		{"city_target_floor_area", c.NewFloorAreaM2, ct.NewFloorAreaM2, "m2", "平方米"},
		{"city_target_enterprises", c.EnterprisesEntering, ct.EnterprisesEntering, "count", "家"},
		{"city_target_honoured_parks", c.HonouredParks, ct.HonouredParksMin, "count", "家"},
	}
	var out []Check
	for _, r := range rows {
		if r.v == nil {
			out = append(out, unknown(r.rule, t, r.target, r.unit, r.rule+" progress figure"))
			continue
		}
		ok := geq(*r.v, r.target)
		ch := Check{Rule: r.rule, Clause: ct.Clause, Status: statusOf(ok, t), Value: *r.v, Limit: r.target, Unit: r.unit}
		ch.Message = fmt.Sprintf("%s: %g of the %d target %g = %s%s %s", r.rule, *r.v, ct.Year, r.target, pct(*r.v/r.target), cmpWord(ok, " (reached)", " (not yet reached)"), ct.Clause)
		ch.MessageZH = fmt.Sprintf("%s：已完成 %g %s，%d 年目标 %g %s，完成 %s%s，依据%s", ruleZH(r.rule), *r.v, r.zh, ct.Year, r.target, r.zh, pct(*r.v/r.target), cmpWord(ok, "（已达成）", "（尚未达成）"), ct.Clause)
		out = append(out, ch)
	}
	return out
}

// Text renders the compliance report for a reviewer.
func (r *ComplianceReport) Text(lang string) string {
	en := lang == "en"
	var b strings.Builder
	r.Indicators.writeFigures(&b, en)
	fmt.Fprintf(&b, "%s\n", pick(en, "Park compliance:", "园区合规核查："))
	writeChecks(&b, r.Checks, en)
	if en {
		fmt.Fprintf(&b, "Summary: pass %d, fail %d, warn %d, unknown %d\n", r.Summary[StatusPass], r.Summary[StatusFail], r.Summary[StatusWarn], r.Summary[StatusUnknown])
	} else {
		fmt.Fprintf(&b, "汇总：%s %d，%s %d，%s %d，%s %d\n", StatusPass.ZH(), r.Summary[StatusPass], StatusFail.ZH(), r.Summary[StatusFail],
			StatusWarn.ZH(), r.Summary[StatusWarn], StatusUnknown.ZH(), r.Summary[StatusUnknown])
	}
	if en {
		return englishPunctuation(true, b.String())
	}
	return b.String()
}
