package planning

import (
	"fmt"
	"math"
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
type Enterprise struct {
	ID              string       `json:"id"`
	Name            string       `json:"name,omitempty"`
	Industry        string       `json:"industry,omitempty"`
	SameIndustry    *bool        `json:"same_industry,omitempty"` // same industry or up/downstream of the park's lead industry
	Entered         parcels.Date `json:"entered"`                 // 入园
	Transferred     parcels.Date `json:"transferred"`             // property transferred, if ever
	PerMuClass      string       `json:"per_mu_class,omitempty"`  // 亩均 evaluation class, e.g. "B"
	MinPerMuClass   string       `json:"min_per_mu_class,omitempty"`
	ProductionStart parcels.Date `json:"production_start"` // 投产
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
// enterprises and, optionally, joint owners' shares and city progress. AsOf is
// the day the report is for: deadlines past it without the event are overdue;
// zero means no overdue judgement.
type ParkInput struct {
	SiteInput
	SiteParcels []*parcels.Parcel `json:"-"`
	Units       []Unit            `json:"units,omitempty"`
	Dorms       []DormUnit        `json:"dorms,omitempty"`
	Dates       Dates             `json:"dates"`
	Enterprises []Enterprise      `json:"enterprises,omitempty"`
	JointShares []Share           `json:"joint_shares,omitempty"`
	City        *CityProgress     `json:"city,omitempty"`
	AsOf        parcels.Date      `json:"as_of"`
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
	cs = append(cs, enterpriseChecks(p, in)...)
	if len(in.JointShares) > 0 {
		cs = append(cs, sharesCheck(p, in))
	}
	if in.City != nil {
		cs = append(cs, cityChecks(p, in.City)...)
	}
	sortChecks(cs)
	r.Checks = cs
	for _, c := range cs {
		r.Summary[c.Status]++
	}
	return r, nil
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

func enterpriseChecks(p *Profile, in ParkInput) []Check {
	et, it, lt, mt := p.EnterprisesMin, p.SameIndustryShareMin, p.TransferLockYears, p.PerMuEvaluationYears
	if len(in.Enterprises) == 0 {
		return []Check{
			unknown("enterprise_count", et, et.Value, "count", "enterprise list"),
			unknown("same_industry_share", it, it.Value, "ratio", "enterprise list with same_industry"),
			unknown("transfer_lock", lt, lt.Value, "date", "enterprise list with entry dates"),
			unknown("per_mu_performance", mt, p.PerMuClasses.Order, "class", "enterprise list with production_start, per_mu_class and min_per_mu_class"),
		}
	}
	es := append([]Enterprise(nil), in.Enterprises...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	var out []Check
	n := len(es)
	ok := geq(float64(n), et.Value)
	c := Check{Rule: "enterprise_count", Clause: et.Clause, Status: statusOf(ok, et), Value: n, Limit: et.Value, Unit: "count"}
	c.Message = fmt.Sprintf("%d enterprises %s %g %s", n, cmpWord(ok, ">=", "<"), et.Value, et.Clause)
	c.MessageZH = fmt.Sprintf("入园企业 %d 家 %s %g 家，依据%s：%s", n, cmpWord(ok, "≥", "<"), et.Value, et.Clause, et.TextZH)
	out = append(out, c)

	same, known := 0, 0
	var unk []string
	for _, e := range es {
		if e.SameIndustry == nil {
			unk = append(unk, e.ID)
			continue
		}
		known++
		if *e.SameIndustry {
			same++
		}
	}
	if len(unk) > 0 {
		c := unknown("same_industry_share", it, it.Value, "ratio", "same_industry of enterprises "+strings.Join(unk, ", "))
		c.Subjects = unk
		out = append(out, c)
	} else {
		s := float64(same) / float64(known)
		ok := geq(s, it.Value)
		c := Check{Rule: "same_industry_share", Clause: it.Clause, Status: statusOf(ok, it), Value: s, Limit: it.Value, Unit: "ratio"}
		c.Message = fmt.Sprintf("%d of %d enterprises in the same industry or its chain = %s %s %s %s", same, known, pct(s), cmpWord(ok, ">=", "<"), pct(it.Value), it.Clause)
		c.MessageZH = fmt.Sprintf("同行业及上下游配套企业 %d 家 ÷ %d 家 = %s %s %s，依据%s：%s", same, known, pct(s), cmpWord(ok, "≥", "<"), pct(it.Value), it.Clause, it.TextZH)
		out = append(out, c)
	}

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

	// 亩均: within N years of production, class not below the area's industry minimum.
	rank := map[string]int{}
	for i, k := range p.PerMuClasses.Order {
		rank[k] = i
	}
	// Only enterprises in their first N years of production are judged: from
	// the production start through the last day of the period (as for the
	// transfer lock), on AsOf. Without AsOf or a production start nobody can
	// be placed in or out of the window.
	var pmBad, pmBadZH, pmMiss, pmOK []string
	for _, e := range es {
		if e.ProductionStart.IsZero() || in.AsOf.IsZero() {
			pmMiss = append(pmMiss, e.ID)
			continue
		}
		if in.AsOf.Before(e.ProductionStart.Time) || in.AsOf.After(lockEnd(e.ProductionStart.Time, mt.Value)) {
			continue // not yet producing, or past its evaluation years
		}
		cr, ok1 := rank[e.PerMuClass]
		mr, ok2 := rank[e.MinPerMuClass]
		if !ok1 || !ok2 {
			pmMiss = append(pmMiss, e.ID)
			continue
		}
		if cr > mr {
			pmBad = append(pmBad, fmt.Sprintf("%s (%s below %s)", e.ID, e.PerMuClass, e.MinPerMuClass))
			pmBadZH = append(pmBadZH, fmt.Sprintf("%s（%s 类，低于 %s 类）", e.ID, e.PerMuClass, e.MinPerMuClass))
		} else {
			pmOK = append(pmOK, e.ID)
		}
	}
	switch {
	case len(pmBad) > 0:
		c := Check{Rule: "per_mu_performance", Clause: mt.Clause, Status: statusOf(false, mt), Value: len(pmBad), Limit: p.PerMuClasses.Order, Unit: "class", Subjects: pmBad}
		c.Message = fmt.Sprintf("%d enterprises below their industry's per-mu minimum (classes best first %s): %s %s", len(pmBad), strings.Join(p.PerMuClasses.Order, ">"), strings.Join(pmBad, "; "), mt.Clause)
		c.MessageZH = fmt.Sprintf("%d 家企业亩均效益低于同地区行业最低标准（分类由高到低 %s）：%s，依据%s：%s", len(pmBad), strings.Join(p.PerMuClasses.Order, ">"), strings.Join(pmBadZH, "；"), mt.Clause, mt.TextZH)
		out = append(out, c)
	case len(pmMiss) > 0:
		what := "production_start, per_mu_class and min_per_mu_class of enterprises " + strings.Join(pmMiss, ", ")
		if in.AsOf.IsZero() {
			what = "as_of date"
		}
		c := unknown("per_mu_performance", mt, p.PerMuClasses.Order, "class", what)
		c.Subjects = pmMiss
		out = append(out, c)
	default:
		c := Check{Rule: "per_mu_performance", Clause: mt.Clause, Status: StatusPass, Value: 0, Limit: p.PerMuClasses.Order, Unit: "class"}
		c.Message = fmt.Sprintf("all %d enterprises within %g years of production at or above their industry's per-mu minimum %s", len(pmOK), mt.Value, mt.Clause)
		c.MessageZH = fmt.Sprintf("投产 %g 年内的 %d 家企业亩均效益均不低于同地区行业最低标准，依据%s：%s", mt.Value, len(pmOK), mt.Clause, mt.TextZH)
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
	return b.String()
}
