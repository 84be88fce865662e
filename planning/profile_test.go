package planning

import (
	"strings"
	"testing"
)

func TestLoadProfileLinhai(t *testing.T) {
	p := mustProfile(t)
	if got := Profiles(); len(got) == 0 || got[0] != "linhai" {
		t.Errorf("Profiles() = %v", got)
	}
	if z := p.GeoZone(); z.Width != 3 || z.Number != 40 || z.EPSG() != 4528 {
		t.Errorf("zone %v", z)
	}
	for _, c := range []struct {
		name     string
		t        Threshold
		value    float64
		clause   string
		severity Status
	}{
		{"leftover_ratio_max", p.LeftoverRatioMax, 0.10, "（十七）", StatusFail},
		{"leftover_piece_max_mu", p.LeftoverPieceMaxMu, 3, "（十七）", StatusFail},
		{"site new", p.SiteAreaMinMuNewLand, 100, "（四）", StatusFail},
		{"site redevelopment", p.SiteAreaMinMuRedevelopment, 50, "（四）", StatusFail},
		{"plot ratio", p.PlotRatioMin, 2.0, "（四）", StatusFail},
		{"density", p.BuildingDensityMin, 0.35, "（四）", StatusWarn},
		{"np land", p.NonProductionLandShareMax, 0.07, "（四）", StatusFail},
		{"np floor min", p.NonProductionFloorShareMin, 0.15, "（四）", StatusFail},
		{"np floor max", p.NonProductionFloorShareMax, 0.25, "（四）", StatusFail},
		{"self held", p.SelfHeldShareMin, 0.15, "（四）", StatusFail},
		{"property", p.PropertyRoomsRatio, 0.003, "（五）", StatusFail},
		{"start", p.ConstructionStartMonths, 6, "（六）", StatusFail},
		{"acceptance", p.CompletionAcceptanceMonths, 24, "（六）", StatusFail},
		{"lead industries", p.LeadIndustriesMax, 2, "（八）", StatusWarn},
		{"enterprises", p.EnterprisesMin, 15, "（八）", StatusFail},
		{"same industry", p.SameIndustryShareMin, 0.70, "（八）", StatusFail},
		{"publicity", p.AdmissionPublicityDays, 7, "（十）", StatusFail},
		{"lock", p.TransferLockYears, 5, "（十三）", StatusFail},
		{"unit", p.UnitMinFloorAreaM2, 400, "（二十）", StatusWarn},
		{"room", p.DormRoomMaxM2, 30, "（二十一）", StatusFail},
		{"suite", p.DormSuiteMaxM2, 60, "（二十一）", StatusFail},
		{"suite extra", p.DormSuiteHighriseExtraM2, 10, "（二十一）", StatusFail},
		{"suite share", p.DormSuiteShareMax, 0.30, "（二十一）", StatusFail},
		{"fund", p.MaintenanceFundYuanPerM2, 12, "（二十二）", StatusFail},
		{"deposit", p.WarrantyDepositYuanPerM2, 6, "（二十二）", StatusFail},
	} {
		if c.t.Value != c.value || c.t.Clause != c.clause || c.t.Severity != c.severity || c.t.TextZH == "" {
			t.Errorf("%s = %+v, want %v %s %s", c.name, c.t, c.value, c.clause, c.severity)
		}
	}
	if p.SnapToleranceM != 0.05 || p.LeftoverDenominator.Value != DenominatorMerged || p.LeftoverOr.Value != OrEither ||
		!p.FARTallStorey.Enabled || p.FARTallStorey.Value != 8 || p.CityTargets.NewFloorAreaM2 != 500000 {
		t.Errorf("switches: %+v", p)
	}
}

func TestLoadProfileErrors(t *testing.T) {
	if _, err := LoadProfile("hangzhou"); err == nil || !strings.Contains(err.Error(), "linhai") {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := LoadProfile("../doc"); err == nil {
		t.Errorf("path in name accepted")
	}
	b, _ := profileFS.ReadFile("profiles/linhai.json")
	s := string(b)
	for name, bad := range map[string]string{
		"unknown key":    strings.Replace(s, `"snap_tolerance_m"`, `"snap_tolerence_m"`, 1),
		"missing clause": strings.Replace(s, `"value": 0.10, "clause": "（十七）"`, `"value": 0.10, "clause": ""`, 1),
		"bad reading":    strings.Replace(s, `"value": "either"`, `"value": "any"`, 1),
		"bad zone":       strings.Replace(s, `"number": 40`, `"number": 99`, 1),
		"bad severity":   strings.Replace(s, `"severity": "warn"`, `"severity": "maybe"`, 1),
	} {
		if bad == s {
			t.Fatalf("%s: replacement did not apply", name)
		}
		if _, err := ParseProfile([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
