package planning

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"landplan/parcels"
)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func TestComplianceWorkedPark(t *testing.T) {
	p := mustProfile(t)
	in := ParkInput{SiteInput: workedSite()}
	held, off, bus := 3000.0, 161.4, 150.0
	in.Declared = Declared{SelfHeldNonProductionM2: &held, PropertyOfficeM2: &off, PropertyBusinessM2: &bus}
	in.Units = []Unit{{ID: "U1", FloorAreaM2: 400}, {ID: "U2", FloorAreaM2: 399.5}, {ID: "U3", FloorAreaM2: 1200}}
	in.Dorms = []DormUnit{{ID: "R1", FloorAreaM2: 30}, {ID: "R2", FloorAreaM2: 30.5}, {ID: "S1", Suite: true, FloorAreaM2: 60},
		{ID: "S2", Suite: true, HighRise: true, FloorAreaM2: 70}, {ID: "S3", Suite: true, FloorAreaM2: 60.2}}
	in.Dates = Dates{LandContract: parcels.NewDate(2025, time.August, 31), ConstructionStart: parcels.NewDate(2026, time.March, 1),
		PublicityStart: parcels.NewDate(2026, time.May, 1), PublicityEnd: parcels.NewDate(2026, time.May, 8)}
	in.AsOf = parcels.NewDate(2026, time.June, 1)
	for i := 0; i < 15; i++ {
		e := Enterprise{ID: string(rune('a' + i)), SameIndustry: yes(), Entered: parcels.NewDate(2026, 1, 1), ProductionStart: parcels.NewDate(2026, 3, 1), PerMuClass: "B", MinPerMuClass: "C"}
		if i < 5 {
			e.SameIndustry = no()
		}
		in.Enterprises = append(in.Enterprises, e)
	}
	in.Enterprises[14].Transferred = parcels.NewDate(2030, 12, 31)
	in.Enterprises[13].PerMuClass = "D"
	in.JointShares = []Share{{"甲", 0.6}, {"乙", 0.4}}
	done := 120000.0
	in.City = &CityProgress{NewFloorAreaM2: &done}

	r, err := Compliance(p, in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		st    Status
		value any
	}{
		"self_held_share":         {StatusPass, 3000.0 / 17600},
		"property_rooms":          {StatusFail, 311.4}, // 161.4 + 150 < 322.8
		"property_office_rooms":   {StatusPass, 161.4},
		"property_business_rooms": {StatusFail, 150.0},
		"unit_floor_area":         {StatusWarn, 399.5}, // "一般不得低于400": a warning
		"dorm_room_area":          {StatusFail, 30.5},
		"dorm_suite_area":         {StatusFail, 70.0},         // S2 70 ≤ 60+10 passes, S3 60.2 > 60 fails
		"dorm_suite_share":        {StatusPass, 190.2 / 9600}, // suites ÷ the dormitory building 1600 m² × 6
		"completion_acceptance":   {StatusUnknown, nil},       // due 2027-08-31, not yet
		"admission_publicity":     {StatusPass, 7},
		"enterprise_count":        {StatusPass, 15},
		"same_industry_share":     {StatusFail, 10.0 / 15},
		"transfer_lock":           {StatusFail, 1},
		"per_mu_performance":      {StatusFail, 1},
		"joint_shares":            {StatusPass, 1.0},
		"city_target_floor_area":  {StatusWarn, 120000.0},
	}
	// 31 Aug + 6 months has no 31 Feb: the last day of February 2026, so a start on 1 March is late.
	want["construction_start"] = struct {
		st    Status
		value any
	}{StatusFail, "2026-03-01"}
	for rule, w := range want {
		c := checkOf(t, r.Checks, rule)
		if c.Status != w.st {
			t.Errorf("%s: status %s, want %s (%s)", rule, c.Status, w.st, c.Message)
		}
		switch v := w.value.(type) {
		case float64:
			approx(t, rule, num(t, c.Value), v, 1e-9)
		case int:
			if num(t, c.Value) != float64(v) {
				t.Errorf("%s: value %v, want %d", rule, c.Value, v)
			}
		case string:
			if c.Value != v {
				t.Errorf("%s: value %v, want %s", rule, c.Value, v)
			}
		}
		if c.Clause == "" || c.MessageZH == "" {
			t.Errorf("%s: no clause or message", rule)
		}
	}
	if r.Deadlines["construction_start"] != "2026-02-28" || r.Deadlines["completion_acceptance"] != "2027-08-31" {
		t.Errorf("deadlines %v", r.Deadlines)
	}
	if r.Deadlines["admission_publicity_earliest_end"] != "2026-05-08" {
		t.Errorf("publicity: %v", r.Deadlines)
	}
	if c := checkOf(t, r.Checks, "dorm_suite_area"); len(c.Subjects) != 1 || !strings.HasPrefix(c.Subjects[0], "S3") {
		t.Errorf("only S3 breaks the suite limit: %v", c.Subjects)
	}
	if c := checkOf(t, r.Checks, "city_target_quality_parks"); c.Status != StatusUnknown {
		t.Errorf("no figure → unknown: %s", c.Status)
	}
	// Checks come in clause order: 一(2) first, then (四)…
	if r.Checks[0].Clause != "一(2)" || clauseOrder(r.Checks[len(r.Checks)-1].Clause) < clauseOrder("（二十一）") {
		t.Errorf("order: first %s last %s", r.Checks[0].Clause, r.Checks[len(r.Checks)-1].Clause)
	}
	if txt := r.Text("zh"); !strings.Contains(txt, "汇总") || !strings.Contains(txt, "（二十一）") {
		t.Errorf("text:\n%s", txt)
	}
}

func TestComplianceEverythingMissingIsUnknown(t *testing.T) {
	p := mustProfile(t)
	r, err := Compliance(p, ParkInput{SiteParcels: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(100, 0, 200, 100))}})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "site from parcels", r.Indicators.SiteAreaM2, 20000, 1e-3)
	for _, c := range r.Checks {
		if c.Status != StatusUnknown {
			t.Errorf("%s: %s with nothing declared", c.Rule, c.Status)
		}
		if len(c.Missing) == 0 {
			t.Errorf("%s: unknown must say what is missing", c.Rule)
		}
	}
	if r.Summary[StatusUnknown] != len(r.Checks) || len(r.Checks) < 18 {
		t.Errorf("summary %v of %d", r.Summary, len(r.Checks))
	}
}

func TestCompliancePublicityAndOverdue(t *testing.T) {
	p := mustProfile(t)
	in := ParkInput{SiteInput: SiteInput{Site: rect(0, 0, 10, 10)},
		Dates: Dates{LandContract: parcels.NewDate(2024, 1, 15), PublicityStart: parcels.NewDate(2024, 3, 1), PublicityEnd: parcels.NewDate(2024, 3, 7)},
		AsOf:  parcels.NewDate(2024, 8, 1)}
	r, _ := Compliance(p, in)
	c := checkOf(t, r.Checks, "construction_start") // due 2024-07-15, nothing recorded on 2024-08-01
	if c.Status != StatusFail || !strings.Contains(c.Message, "17 days late") {
		t.Errorf("overdue: %+v", c)
	}
	if c := checkOf(t, r.Checks, "admission_publicity"); c.Status != StatusFail || num(t, c.Value) != 6 {
		t.Errorf("6 days of publicity: %+v", c)
	}
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	for _, c := range []struct{ from, want string }{{"2025-08-31", "2026-02-28"}, {"2023-08-31", "2024-02-29"}, {"2024-01-15", "2024-07-15"}} {
		d, _ := parcels.ParseDate(c.from)
		if got := addMonths(d.Time, 6).Format(time.DateOnly); got != c.want {
			t.Errorf("%s + 6 months = %s, want %s", c.from, got, c.want)
		}
	}
}

func enterprisePark(asOf parcels.Date, es ...Enterprise) ParkInput {
	return ParkInput{SiteInput: SiteInput{Site: rect(0, 0, 10, 10)}, Enterprises: es, AsOf: asOf}
}

// 入园5年内不得转让: the lock is counted as a legal period (民法典 201–203):
// it starts the day after entering and its last day is the corresponding day
// 60 months later (the month end when there is none), so a transfer on that
// day is still inside the lock and the day after is free.
func TestTransferLockAnniversary(t *testing.T) {
	p := mustProfile(t)
	for _, c := range []struct {
		entered, transferred, lockEnd string
		st                            Status
	}{
		{"2024-02-29", "2029-02-28", "2029-02-28", StatusFail}, // AddDate gave 2029-03-01
		{"2024-02-29", "2029-03-01", "2029-02-28", StatusPass},
		{"2026-01-01", "2031-01-01", "2031-01-01", StatusFail},
		{"2026-01-01", "2031-01-02", "2031-01-01", StatusPass},
	} {
		en, _ := parcels.ParseDate(c.entered)
		tr, _ := parcels.ParseDate(c.transferred)
		r, err := Compliance(p, enterprisePark(parcels.NewDate(2032, 1, 1), Enterprise{ID: "e", Entered: en, Transferred: tr}))
		if err != nil {
			t.Fatal(err)
		}
		ch := checkOf(t, r.Checks, "transfer_lock")
		txt := ch.Message + strings.Join(ch.Subjects, " ")
		if ch.Status != c.st || !(strings.Contains(txt, "until "+c.lockEnd) || strings.Contains(txt, "→"+c.lockEnd)) {
			t.Errorf("entered %s transferred %s: %s, want %s with lock end %s: %s %v", c.entered, c.transferred, ch.Status, c.st, c.lockEnd, ch.Message, ch.Subjects)
		}
	}
}

// 投产两年内: only enterprises whose production started no more than
// per_mu_evaluation_years before AsOf are judged; a missing production start
// (or AsOf) makes the check unknown.
func TestPerMuEvaluationWindow(t *testing.T) {
	p := mustProfile(t)
	asOf := parcels.NewDate(2026, 6, 1)
	old := Enterprise{ID: "old", PerMuClass: "D", MinPerMuClass: "B", ProductionStart: parcels.NewDate(2024, 5, 31)} // 2 years ended 2026-05-31
	recent := Enterprise{ID: "new", PerMuClass: "B", MinPerMuClass: "B", ProductionStart: parcels.NewDate(2024, 6, 1)}
	bad := Enterprise{ID: "bad", PerMuClass: "D", MinPerMuClass: "C", ProductionStart: parcels.NewDate(2025, 1, 1)}
	nodate := Enterprise{ID: "nodate", PerMuClass: "A", MinPerMuClass: "C"}
	for _, c := range []struct {
		name string
		in   ParkInput
		st   Status
		subj []string
	}{
		{"old low class outside the window", enterprisePark(asOf, old, recent), StatusPass, nil},
		{"low class inside the window", enterprisePark(asOf, old, recent, bad), StatusFail, []string{"bad"}},
		{"missing production start", enterprisePark(asOf, old, nodate), StatusUnknown, []string{"nodate"}},
		{"missing as-of", enterprisePark(parcels.Date{}, recent), StatusUnknown, nil},
	} {
		r, err := Compliance(p, c.in)
		if err != nil {
			t.Fatal(err)
		}
		ch := checkOf(t, r.Checks, "per_mu_performance")
		if ch.Status != c.st {
			t.Errorf("%s: %s, want %s: %s", c.name, ch.Status, c.st, ch.Message)
		}
		for _, s := range c.subj {
			if len(ch.Subjects) == 0 || !strings.HasPrefix(ch.Subjects[0], s) {
				t.Errorf("%s: subjects %v, want %s", c.name, ch.Subjects, s)
			}
		}
	}
}

// (二十一): a kind of unit not declared leaves its check unknown, and the
// suite share divides by the dormitory total floor area (declared, else the
// dormitory buildings'), not by the units listed.
func TestDormChecksDenominatorAndMissing(t *testing.T) {
	p := mustProfile(t)
	site := SiteInput{Site: rect(0, 0, 100, 100)}
	suitesOnly := []DormUnit{{ID: "S1", Suite: true, FloorAreaM2: 60}, {ID: "S2", Suite: true, FloorAreaM2: 50}}
	r, err := Compliance(p, ParkInput{SiteInput: site, Dorms: suitesOnly})
	if err != nil {
		t.Fatal(err)
	}
	if c := checkOf(t, r.Checks, "dorm_room_area"); c.Status != StatusUnknown || len(c.Missing) == 0 {
		t.Errorf("no single rooms declared: %s %v", c.Status, c.Missing)
	}
	if c := checkOf(t, r.Checks, "dorm_suite_area"); c.Status != StatusPass {
		t.Errorf("suites 60 and 50: %s", c.Status)
	}
	if c := checkOf(t, r.Checks, "dorm_suite_share"); c.Status != StatusUnknown || len(c.Missing) == 0 {
		t.Errorf("no dormitory total floor area: %s %v (%s)", c.Status, c.Missing, c.Message)
	}
	// Declared total 400 m²: 110/400 = 27.5% passes.
	total := 400.0
	s2 := site
	s2.Declared.DormitoryFloorAreaM2 = &total
	r, _ = Compliance(p, ParkInput{SiteInput: s2, Dorms: suitesOnly})
	if c := checkOf(t, r.Checks, "dorm_suite_share"); c.Status != StatusPass {
		t.Errorf("110/400: %s %s", c.Status, c.Message)
	} else {
		approx(t, "suite share", num(t, c.Value), 110.0/400, 1e-12)
	}
	// From a dormitory building: 10×10 × 3 floors = 300 m²: 110/300 = 36.7% fails.
	s3 := site
	s3.Buildings = []*parcels.Building{bld(1, parcels.UseDormitory, 3, 9, []float64{10, 10, 20, 20}), bld(2, parcels.UseProduction, 2, 10, []float64{30, 30, 60, 60})}
	r, _ = Compliance(p, ParkInput{SiteInput: s3, Dorms: suitesOnly})
	if c := checkOf(t, r.Checks, "dorm_suite_share"); c.Status != StatusFail {
		t.Errorf("110/300: %s %s", c.Status, c.Message)
	} else {
		approx(t, "suite share", num(t, c.Value), 110.0/300, 1e-9)
	}
	// Rooms only, all zero: no suites → suite area unknown; no NaN anywhere.
	r, _ = Compliance(p, ParkInput{SiteInput: site, Dorms: []DormUnit{{ID: "R1"}, {ID: "R2"}}})
	if c := checkOf(t, r.Checks, "dorm_suite_area"); c.Status != StatusUnknown {
		t.Errorf("no suites declared: %s", c.Status)
	}
	if c := checkOf(t, r.Checks, "dorm_suite_share"); c.Status != StatusUnknown {
		t.Errorf("zero areas: %s %v", c.Status, c.Value)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("report must marshal (no NaN): %v", err)
	}
}

func f64(v float64) *float64 { return &v }

func ent(id, industry string) Enterprise { return Enterprise{ID: id, Industry: industry} }

// (八): "同行业企业、产业链上下游配套企业入驻占比在70%以上", counted in
// enterprises against the park's lead industries. Hand count: a–f and m are in
// the lead industries (C3411, 3412, c34, C341 and C34 within C34; 模具 and
// " 模具 " are 模具), i and j are declared up/downstream of a lead, l is
// declared related: 10 of 15 = 66.67% < 70%. g (C3511), h (D3411: another
// section), k (upstream of 纺织, not a lead), n and o are unrelated.
func TestSameIndustryShareFromLeadIndustries(t *testing.T) {
	p := mustProfile(t)
	es := []Enterprise{
		ent("a", "C3411"), ent("b", "3412"), ent("c", "c34"), ent("d", "模具"), ent("e", " 模具 "), ent("f", "C341"),
		ent("g", "C3511"), ent("h", "D3411"),
		{ID: "i", Industry: "物流", Chain: ChainUpstream, ChainOf: "模具"},
		{ID: "j", Industry: "包装", Chain: ChainDownstream},
		{ID: "k", Industry: "纺织", Chain: ChainUpstream, ChainOf: "纺织"},
		{ID: "l", SameIndustry: yes()},
		{ID: "m", Industry: "C34", SameIndustry: no()}, // its industry decides
		ent("n", "纺织"), ent("o", "电子"),
	}
	in := enterprisePark(parcels.NewDate(2026, 6, 1), es...)
	in.LeadIndustries = []string{"C34", "模具"}
	r, err := Compliance(p, in)
	if err != nil {
		t.Fatal(err)
	}
	c := checkOf(t, r.Checks, "same_industry_share")
	if c.Status != StatusFail {
		t.Fatalf("10/15: %s %s", c.Status, c.Message)
	}
	approx(t, "share", num(t, c.Value), 10.0/15, 1e-12)
	var subj []string
	for _, s := range c.Subjects {
		subj = append(subj, strings.SplitN(s, " ", 2)[0])
	}
	if strings.Join(subj, ",") != "g,h,k,n,o" {
		t.Errorf("unrelated: %v", c.Subjects)
	}
	if !strings.Contains(c.Message, "10 of 15 enterprises") || !strings.Contains(c.Message, "66.67% < 70.00%") ||
		!strings.Contains(c.Message, "7 in the lead industries, 2 declared upstream or downstream, 1 declared related") {
		t.Errorf("message: %s", c.Message)
	}
	if !strings.HasSuffix(c.Message, "unrelated: g (C3511 not a lead industry), h (D3411 not a lead industry), k (upstream of 纺织, not a lead industry), n (纺织 not a lead industry), o (电子 not a lead industry) (八)") {
		t.Errorf("message ends with the unrelated and the clause: %s", c.Message)
	}
	if !strings.Contains(c.MessageZH, "10 家 ÷ 入园企业 15 家 = 66.67%") || !strings.Contains(c.MessageZH, "非同行业及上下游配套：g（C3511 非主导行业）") {
		t.Errorf("message_zh: %s", c.MessageZH)
	}
	if c := checkOf(t, r.Checks, "lead_industries"); c.Status != StatusPass || num(t, c.Value) != 2 {
		t.Errorf("two lead industries: %s %v", c.Status, c.Value)
	}
	if c := checkOf(t, r.Checks, "enterprise_count"); c.Status != StatusPass || num(t, c.Value) != 15 {
		t.Errorf("15 enterprises (以上 includes 15): %s %v", c.Status, c.Value)
	}

	// o declared downstream of C34: 11/15 = 73.33% passes.
	es[14] = Enterprise{ID: "o", Industry: "电子", Chain: ChainDownstream, ChainOf: "C34"}
	r, _ = Compliance(p, in)
	if c := checkOf(t, r.Checks, "same_industry_share"); c.Status != StatusPass {
		t.Errorf("11/15: %s %s", c.Status, c.Message)
	} else {
		approx(t, "share", num(t, c.Value), 11.0/15, 1e-12)
	}

	// Exactly 70%: 7 of 10 passes ("以上" includes the limit); 14 enterprises are too few.
	ten := []Enterprise{ent("1", "模具"), ent("2", "模具"), ent("3", "模具"), ent("4", "模具"), ent("5", "模具"), ent("6", "模具"), ent("7", "模具"),
		ent("8", "纺织"), ent("9", "纺织"), ent("10", "纺织")}
	in10 := enterprisePark(parcels.Date{}, ten...)
	in10.LeadIndustries = []string{"模具"}
	r, _ = Compliance(p, in10)
	if c := checkOf(t, r.Checks, "same_industry_share"); c.Status != StatusPass || num(t, c.Value) != 0.7 {
		t.Errorf("7/10: %s %v", c.Status, c.Value)
	}
	in14 := enterprisePark(parcels.Date{}, es[:14]...)
	r, _ = Compliance(p, in14)
	if c := checkOf(t, r.Checks, "enterprise_count"); c.Status != StatusFail || num(t, c.Value) != 14 {
		t.Errorf("14 enterprises: %s %v", c.Status, c.Value)
	}

	// Three lead industries: "一般选择1-2个" is a warning.
	in.LeadIndustries = []string{"C34", "模具", "纺织"}
	r, _ = Compliance(p, in)
	if c := checkOf(t, r.Checks, "lead_industries"); c.Status != StatusWarn || num(t, c.Value) != 3 || num(t, c.Limit) != 2 {
		t.Errorf("three lead industries: %s %v / %v", c.Status, c.Value, c.Limit)
	}
}

// Unknown relations bound the share: it is decided when the bound decides
// it, and unknown (naming who and what is missing) when the bounds straddle
// the limit.
func TestSameIndustryShareUnknowns(t *testing.T) {
	p := mustProfile(t)
	mk := func(related, unrelated, unknown int) []Enterprise {
		var es []Enterprise
		for i := 0; i < related; i++ {
			es = append(es, ent(fmt.Sprintf("r%02d", i), "模具"))
		}
		for i := 0; i < unrelated; i++ {
			es = append(es, ent(fmt.Sprintf("u%02d", i), "纺织"))
		}
		for i := 0; i < unknown; i++ {
			es = append(es, Enterprise{ID: fmt.Sprintf("x%02d", i)})
		}
		return es
	}
	for _, c := range []struct {
		name                 string
		related, unrel, unkn int
		st                   Status
		value                float64 // NaN: none
		subjects             int
	}{
		{"11 related of 15, 4 unknown: 73.33% whatever they are", 11, 0, 4, StatusPass, 11.0 / 15, 0},
		{"10 related, 1 unknown, 4 unrelated: 66.67%..73.33%", 10, 4, 1, StatusUnknown, math.NaN(), 1},
		{"9 related, 1 unknown, 5 unrelated: at most 66.67%", 9, 5, 1, StatusFail, 10.0 / 15, 5},
	} {
		in := enterprisePark(parcels.Date{}, mk(c.related, c.unrel, c.unkn)...)
		in.LeadIndustries = []string{"模具"}
		r, err := Compliance(p, in)
		if err != nil {
			t.Fatal(err)
		}
		ch := checkOf(t, r.Checks, "same_industry_share")
		if ch.Status != c.st || len(ch.Subjects) != c.subjects || len(ch.Missing) == 0 {
			t.Errorf("%s: %s subjects %v missing %v: %s", c.name, ch.Status, ch.Subjects, ch.Missing, ch.Message)
			continue
		}
		if math.IsNaN(c.value) {
			if ch.Value != nil || !strings.Contains(ch.Message, "between 66.67% and 73.33%") {
				t.Errorf("%s: value %v: %s", c.name, ch.Value, ch.Message)
			}
		} else {
			approx(t, c.name, num(t, ch.Value), c.value, 1e-12)
		}
		if !strings.Contains(ch.Missing[0], "industry, chain or same_industry of enterprises x00") {
			t.Errorf("%s: missing %v", c.name, ch.Missing)
		}
	}
	// Industries without the park's lead industries: unknown, naming lead_industries.
	r, _ := Compliance(p, enterprisePark(parcels.Date{}, mk(15, 0, 0)...))
	ch := checkOf(t, r.Checks, "same_industry_share")
	if ch.Status != StatusUnknown || len(ch.Missing) != 1 || ch.Missing[0] != "lead_industries" || !strings.Contains(ch.MessageZH, "主导行业") {
		t.Errorf("no lead industries: %s %v %s", ch.Status, ch.Missing, ch.MessageZH)
	}
	if c := checkOf(t, r.Checks, "lead_industries"); c.Status != StatusUnknown || c.Missing[0] != "lead_industries" {
		t.Errorf("lead industries missing: %s %v", c.Status, c.Missing)
	}
}

func TestParkInputValidation(t *testing.T) {
	p := mustProfile(t)
	site := SiteInput{Site: rect(0, 0, 10, 10)}
	for name, in := range map[string]ParkInput{
		"enterprise twice":   {SiteInput: site, Enterprises: []Enterprise{ent("a", "x"), ent("a", "y")}},
		"chain sideways":     {SiteInput: site, Enterprises: []Enterprise{{ID: "a", Chain: "sideways"}}},
		"lead twice":         {SiteInput: site, LeadIndustries: []string{"C34", " c34"}},
		"empty lead":         {SiteInput: site, LeadIndustries: []string{""}},
		"standard twice":     {SiteInput: site, PerMuStandards: []PerMuStandard{{Industry: "C34"}, {Industry: "C34"}}},
		"negative tax":       {SiteInput: site, Enterprises: []Enterprise{{ID: "a", TaxYuanPerMu: f64(-1)}}},
		"negative payment":   {SiteInput: site, Payments: Payments{WarrantyDepositYuan: f64(-0.01)}},
		"negative standards": {SiteInput: site, PerMuStandards: []PerMuStandard{{Industry: "C34", EnergyTcePerMuMax: f64(-1)}}},
	} {
		if _, err := Compliance(p, in); parcels.ErrorCode(err) != parcels.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

// (十四): per-mu figures against the area's industry standard, the most
// specific standard first. As of 2026-06-01, production from 2025-01-01:
//   - p1 C3412 (standard C34): tax 150000 ≥ 150000, value added 600000 ≥
//     600000, energy 1.2 ≤ 1.2 → at the minimum;
//   - p2 C3411 (standard C3411, tax 200000 only): tax 180000 < 200000 → below
//     (it would pass C34's 150000);
//   - p3 模具: value added 900000 / energy 2.0 = 450000 yuan/tce < 500000 → below;
//   - p4 C34 without its energy figure → unknown;
//   - p5 (production 2023) and p6 (production after the as-of day) are outside the window;
//   - p8 has passing figures and a failing class: the figures decide.
func TestPerMuFiguresAgainstStandards(t *testing.T) {
	p := mustProfile(t)
	asOf, start := parcels.NewDate(2026, 6, 1), parcels.NewDate(2025, 1, 1)
	stds := []PerMuStandard{
		{Industry: "C34", Source: "临海市2025年度亩均效益评价行业基准", TaxYuanPerMuMin: f64(150000), ValueAddedYuanPerMuMin: f64(600000), EnergyTcePerMuMax: f64(1.2)},
		{Industry: "C3411", TaxYuanPerMuMin: f64(200000)},
		{Industry: "模具", ValueAddedYuanPerTceMin: f64(500000)},
	}
	p1 := Enterprise{ID: "p1", Industry: "C3412", ProductionStart: start, TaxYuanPerMu: f64(150000), ValueAddedYuanPerMu: f64(600000), EnergyTcePerMu: f64(1.2)}
	p2 := Enterprise{ID: "p2", Industry: "C3411", ProductionStart: start, TaxYuanPerMu: f64(180000)}
	p3 := Enterprise{ID: "p3", Industry: "模具", ProductionStart: start, ValueAddedYuanPerMu: f64(900000), EnergyTcePerMu: f64(2)}
	p4 := Enterprise{ID: "p4", Industry: "C34", ProductionStart: start, TaxYuanPerMu: f64(160000), ValueAddedYuanPerMu: f64(700000)}
	p5 := Enterprise{ID: "p5", Industry: "C34", ProductionStart: parcels.NewDate(2023, 1, 1), TaxYuanPerMu: f64(0)}
	p6 := Enterprise{ID: "p6", Industry: "C34", ProductionStart: parcels.NewDate(2026, 7, 1), TaxYuanPerMu: f64(0)}
	p8 := Enterprise{ID: "p8", Industry: "C34", ProductionStart: start, TaxYuanPerMu: f64(150001), ValueAddedYuanPerMu: f64(600001), EnergyTcePerMu: f64(1), PerMuClass: "D", MinPerMuClass: "B"}
	run := func(es ...Enterprise) Check {
		t.Helper()
		in := enterprisePark(asOf, es...)
		in.PerMuStandards = stds
		r, err := Compliance(p, in)
		if err != nil {
			t.Fatal(err)
		}
		return checkOf(t, r.Checks, "per_mu_performance")
	}

	c := run(p1, p2, p3, p4, p5, p6, p8)
	if c.Status != StatusFail || num(t, c.Value) != 2 || len(c.Subjects) != 2 ||
		!strings.HasPrefix(c.Subjects[0], "p2 (tax 180000.00 < 200000.00 yuan/mu; standard C3411)") ||
		!strings.HasPrefix(c.Subjects[1], "p3 (value added per energy 450000.00 < 500000.00 yuan/tce; standard 模具)") {
		t.Errorf("p2 and p3 below: %s %v %q", c.Status, c.Value, c.Subjects)
	}
	if !strings.Contains(c.Message, "5 enterprises within 2 years of production on 2026-06-01, 2 outside, 0 without a production start") {
		t.Errorf("window: %s", c.Message)
	}
	c = run(p1, p4, p5, p6, p8)
	if c.Status != StatusUnknown || len(c.Missing) != 1 || c.Missing[0] != "energy_tce_per_mu of p4" || strings.Join(c.Subjects, ",") != "p4" {
		t.Errorf("p4 lacks energy: %s %v", c.Status, c.Missing)
	}
	if !strings.Contains(c.MessageZH, "企业 p4 的亩均能耗") {
		t.Errorf("zh: %s", c.MessageZH)
	}
	p4.EnergyTcePerMu = f64(1.0)
	c = run(p1, p4, p5, p6, p8)
	if c.Status != StatusPass || num(t, c.Value) != 0 ||
		!strings.Contains(c.Message, "p1 (tax 150000.00 >= 150000.00 yuan/mu, value added 600000.00 >= 600000.00 yuan/mu, energy 1.200 <= 1.200 tce/mu; standard C34, 临海市2025年度亩均效益评价行业基准)") {
		t.Errorf("all at or above: %s %s", c.Status, c.Message)
	}
	// An industry without a standard, and one without an industry.
	c = run(p1, Enterprise{ID: "t1", Industry: "纺织", ProductionStart: start, TaxYuanPerMu: f64(1)}, Enterprise{ID: "t2", ProductionStart: start, TaxYuanPerMu: f64(1)})
	if c.Status != StatusUnknown || strings.Join(c.Missing, "|") != "industry of enterprises t2|per_mu_standards for industries 纺织" || strings.Join(c.Subjects, ",") != "t1,t2" {
		t.Errorf("no standard: %s %v", c.Status, c.Missing)
	}
	// No energy used: value added per tce has no limit to meet.
	c = run(Enterprise{ID: "z", Industry: "模具", ProductionStart: start, ValueAddedYuanPerMu: f64(1), EnergyTcePerMu: f64(0)})
	if c.Status != StatusPass {
		t.Errorf("zero energy: %s %s", c.Status, c.Message)
	}
}

// (二十二): 12 and 6 yuan per m² of floor area. The worked site's floor area
// is 90000 + 8000 + 9600 = 107600 m²: 1291200.00 and 645600.00 yuan due.
func TestPropertyFundsPaid(t *testing.T) {
	p := mustProfile(t)
	in := ParkInput{SiteInput: workedSite()}
	r, err := Compliance(p, in)
	if err != nil {
		t.Fatal(err)
	}
	for rule, due := range map[string]float64{"maintenance_fund": 1291200, "warranty_deposit": 645600} {
		c := checkOf(t, r.Checks, rule)
		if c.Status != StatusUnknown || num(t, c.Limit) != due || len(c.Missing) != 1 || c.Missing[0] != "payments."+rule+"_yuan" {
			t.Errorf("%s not paid: %s limit %v missing %v", rule, c.Status, c.Limit, c.Missing)
		}
		if c.Clause != "（二十二）" || !strings.Contains(c.Message, "= floor area 107600.00 m² × ") {
			t.Errorf("%s: %s %s", rule, c.Clause, c.Message)
		}
	}
	in.Payments = Payments{MaintenanceFundYuan: f64(1291200), WarrantyDepositYuan: f64(645599.99)}
	r, _ = Compliance(p, in)
	if c := checkOf(t, r.Checks, "maintenance_fund"); c.Status != StatusPass || num(t, c.Value) != 1291200 || num(t, c.Limit) != 1291200 ||
		c.Message != "maintenance fund paid 1291200.00 yuan >= due 1291200.00 yuan = floor area 107600.00 m² (buildings) × 12 yuan/m² (二十二)" {
		t.Errorf("paid exactly: %s %v %v %q", c.Status, c.Value, c.Limit, c.Message)
	}
	if c := checkOf(t, r.Checks, "warranty_deposit"); c.Status != StatusFail || num(t, c.Value) != 645599.99 ||
		!strings.Contains(c.Message, "short by 0.01 yuan") || !strings.Contains(c.MessageZH, "差 0.01 元") {
		t.Errorf("one fen short: %s %v %s / %s", c.Status, c.Value, c.Message, c.MessageZH)
	}
	// A declared floor area decides the amounts: 17600.5 m² × 12 = 211206.00, × 6 = 105603.00.
	fa := 17600.5
	in.Declared.FloorAreaM2 = &fa
	in.Payments = Payments{MaintenanceFundYuan: f64(211206), WarrantyDepositYuan: f64(105602)}
	r, _ = Compliance(p, in)
	if c := checkOf(t, r.Checks, "maintenance_fund"); c.Status != StatusPass || num(t, c.Limit) != 211206 {
		t.Errorf("declared floor area: %s %v", c.Status, c.Limit)
	}
	if c := checkOf(t, r.Checks, "warranty_deposit"); c.Status != StatusFail || num(t, c.Limit) != 105603 {
		t.Errorf("declared floor area: %s %v", c.Status, c.Limit)
	}
	// Paid, but no floor area known: unknown, naming it.
	r, _ = Compliance(p, ParkInput{SiteInput: SiteInput{Site: rect(0, 0, 10, 10)}, Payments: Payments{MaintenanceFundYuan: f64(1)}})
	if c := checkOf(t, r.Checks, "maintenance_fund"); c.Status != StatusUnknown || strings.Join(c.Missing, "|") != "total floor area" || c.Limit != nil {
		t.Errorf("no floor area: %s %v %v", c.Status, c.Missing, c.Limit)
	}
}

// Every clause label of the compliance report comes from the profile: with
// the labels renamed in the profile, no check cites a Linhai label.
func TestComplianceClausesFromProfile(t *testing.T) {
	b, _ := profileFS.ReadFile("profiles/linhai.json")
	re := regexp.MustCompile(`"clause": "([^"]*)"`)
	orig, labels := map[string]bool{}, map[string]string{}
	renamed := re.ReplaceAllStringFunc(string(b), func(s string) string {
		l := re.FindStringSubmatch(s)[1]
		if _, ok := labels[l]; !ok {
			labels[l] = fmt.Sprintf("Art. %d", len(labels)+1)
		}
		orig[l] = true
		return `"clause": "` + labels[l] + `"`
	})
	p, err := ParseProfile([]byte(renamed))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compliance(p, fullPark())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Checks {
		if !strings.HasPrefix(c.Clause, "Art. ") {
			t.Errorf("%s: clause %q not from the profile", c.Rule, c.Clause)
		}
		for l := range orig {
			if strings.Contains(c.Message, l) || strings.Contains(c.MessageZH, l) {
				t.Errorf("%s: cites %s not in the profile: %s / %s", c.Rule, l, c.Message, c.MessageZH)
			}
		}
	}
}

// fullPark is a park with every input of the compliance report given.
func fullPark() ParkInput {
	in := ParkInput{SiteInput: workedSite()}
	held, off, bus := 3000.0, 161.4, 150.0
	in.Declared = Declared{SelfHeldNonProductionM2: &held, PropertyOfficeM2: &off, PropertyBusinessM2: &bus}
	in.Units = []Unit{{ID: "U1", FloorAreaM2: 400}}
	in.Dorms = []DormUnit{{ID: "R1", FloorAreaM2: 30}, {ID: "S1", Suite: true, FloorAreaM2: 60}}
	in.Dates = Dates{LandContract: parcels.NewDate(2025, 1, 1), ConstructionStart: parcels.NewDate(2025, 3, 1), CompletionAcceptance: parcels.NewDate(2026, 1, 1),
		PublicityStart: parcels.NewDate(2026, 5, 1), PublicityEnd: parcels.NewDate(2026, 5, 8)}
	in.AsOf = parcels.NewDate(2026, 6, 1)
	in.LeadIndustries = []string{"汽车零部件（新能源）"}
	in.PerMuStandards = []PerMuStandard{{Industry: "汽车零部件（新能源）", TaxYuanPerMuMin: f64(100000)}}
	in.Enterprises = []Enterprise{
		{ID: "甲（一）", Industry: "汽车零部件（新能源）", Entered: parcels.NewDate(2026, 1, 1), ProductionStart: parcels.NewDate(2026, 2, 1), TaxYuanPerMu: f64(120000)},
		{ID: "乙", Industry: "纺织，印染", Entered: parcels.NewDate(2026, 1, 1)},
	}
	in.JointShares = []Share{{"甲", 0.6}, {"乙", 0.4}}
	in.Payments = Payments{MaintenanceFundYuan: f64(1), WarrantyDepositYuan: f64(1e7)}
	done := 1.0
	in.City = &CityProgress{NewFloorAreaM2: &done, ProvincialQualityParks: &done, EnterprisesEntering: &done, HonouredParks: &done}
	return in
}

// The English text says everything with ASCII punctuation, even where the
// caller's names carry Chinese punctuation.
func TestComplianceEnglishHasNoChinesePunctuation(t *testing.T) {
	p := mustProfile(t)
	for name, in := range map[string]ParkInput{"full": fullPark(), "empty": {SiteInput: SiteInput{Site: rect(0, 0, 100, 100)}, City: &CityProgress{}}} {
		r, err := Compliance(p, in)
		if err != nil {
			t.Fatal(err)
		}
		cjkPunct := func(s string) bool {
			return strings.ContainsFunc(s, func(r rune) bool { return (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) })
		}
		for _, c := range r.Checks {
			if cjkPunct(c.Message) {
				t.Errorf("%s %s: Chinese punctuation in %q", name, c.Rule, c.Message)
			}
		}
		if en := r.Text("en"); cjkPunct(en) {
			t.Errorf("%s: Chinese punctuation in the English text:\n%s", name, en)
		}
		zhTextClean(t, name, r.Text("zh"), "U", "R", "S")
	}
}

// The API decodes its body into ParkInput: the new inputs by their JSON names.
func TestParkInputJSONNames(t *testing.T) {
	body := `{"lead_industries": ["模具"],
	  "per_mu_standards": [{"industry": "模具", "source": "2025", "tax_yuan_per_mu_min": 100, "value_added_yuan_per_mu_min": 200, "energy_tce_per_mu_max": 1.5, "value_added_yuan_per_tce_min": 100}],
	  "payments": {"maintenance_fund_yuan": 1200, "warranty_deposit_yuan": 500},
	  "as_of": "2026-06-01",
	  "enterprises": [
	    {"id": "a", "industry": "模具", "production_start": "2026-01-01", "tax_yuan_per_mu": 100, "value_added_yuan_per_mu": 300, "energy_tce_per_mu": 1.5},
	    {"id": "b", "industry": "物流", "chain": "upstream", "chain_of": "模具", "production_start": "2020-01-01"}],
	  "declared": {"floor_area_m2": 100}}`
	var in ParkInput
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	in.Site = rect(0, 0, 10, 10)
	r, err := Compliance(mustProfile(t), in)
	if err != nil {
		t.Fatal(err)
	}
	// a: tax 100 ≥ 100, value added 300 ≥ 200, energy 1.5 ≤ 1.5, 300/1.5 = 200 ≥ 100 yuan/tce.
	// Funds on 100 m²: 1200 ≥ 1200, 500 < 600.
	for rule, want := range map[string]Status{"same_industry_share": StatusPass, "lead_industries": StatusPass, "per_mu_performance": StatusPass,
		"maintenance_fund": StatusPass, "warranty_deposit": StatusFail} {
		if c := checkOf(t, r.Checks, rule); c.Status != want {
			t.Errorf("%s: %s, want %s: %s", rule, c.Status, want, c.Message)
		}
	}
	if c := checkOf(t, r.Checks, "per_mu_performance"); !strings.Contains(c.Message, "value added per energy 200.00 >= 100.00 yuan/tce") {
		t.Errorf("per mu: %s", c.Message)
	}
}
