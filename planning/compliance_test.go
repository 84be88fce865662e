package planning

import (
	"encoding/json"
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
