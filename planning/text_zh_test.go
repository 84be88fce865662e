package planning

import (
	"regexp"
	"strings"
	"testing"

	"landplan/parcels"
)

// asciiWord is a run of ASCII letters (with the _ of field names).
var asciiWord = regexp.MustCompile(`[A-Za-z_]+`)

// zhTextClean reports the ASCII words of a Chinese text that are neither
// unit/abbreviation tokens nor id values of the input.
func zhTextClean(t *testing.T, name, txt string, ids ...string) {
	t.Helper()
	allowed := map[string]bool{"linhai": true, "CGCS": true, "m": true, "FAR": true, "GB": true, "T": true, "EPSG": true, "L": true, "M": true}
	for _, id := range ids {
		allowed[id] = true
	}
	seen := map[string]bool{}
	for _, w := range asciiWord.FindAllString(txt, -1) {
		if !allowed[w] && !seen[w] {
			seen[w] = true
			t.Errorf("%s: English word %q in the Chinese text", name, w)
		}
	}
	if t.Failed() {
		t.Logf("%s:\n%s", name, txt)
	}
}

// The Chinese text of every report — site, zone, compliance, with missing
// inputs and near thresholds — is Chinese apart from units, abbreviations and
// ids; the English text says the same in English.
func TestZhTextHasNoEnglish(t *testing.T) {
	p := mustProfile(t)
	// Site: partial floors, uses, missing park type, both bases.
	site := workedSite()
	site.ParkType = ""
	site.Buildings = append(site.Buildings, bld(4, parcels.UseCanteen, 0, 0, []float64{270, 10, 290, 30}), bld(5, parcels.UseService, 1, 4, []float64{270, 40, 290, 60}),
		bld(6, parcels.UseOther, 1, 4, []float64{270, 70, 290, 90}), bld(7, "", 1, 4, []float64{270, 100, 290, 120}))
	for _, basis := range []string{"plane", "ellipsoidal"} {
		pb := *p
		pb.AreaBasis = basis
		r, err := Indicators(&pb, site)
		if err != nil {
			t.Fatal(err)
		}
		zh := r.Text("zh")
		zhTextClean(t, "site "+basis, zh)
		if basis == "ellipsoidal" && strings.Contains(zh, "平面坐标解析法面积") && !strings.Contains(zh, "椭球") {
			t.Errorf("ellipsoidal basis labelled as plane:\n%s", zh)
		}
		if en := r.Text("en"); !strings.Contains(en, basis) {
			t.Errorf("en text must name the basis %s", basis)
		}
	}
	// Site with declared figures.
	fa := 1000.0
	ds := SiteInput{Site: rect(0, 0, 100, 100), ParkType: ParkRedevelopment, Declared: Declared{FloorAreaM2: &fa}}
	r, _ := Indicators(p, ds)
	zhTextClean(t, "declared site", r.Text("zh"))

	// Compliance with nothing declared, and the worked park.
	cr, err := Compliance(p, ParkInput{SiteInput: SiteInput{Site: rect(0, 0, 100, 100)}, City: &CityProgress{}})
	if err != nil {
		t.Fatal(err)
	}
	zhTextClean(t, "empty compliance", cr.Text("zh"))
	held := 3000.0
	in := ParkInput{SiteInput: workedSite()}
	in.Declared.SelfHeldNonProductionM2 = &held
	in.Units = []Unit{{ID: "U1", FloorAreaM2: 300}}
	in.Dorms = []DormUnit{{ID: "R1", FloorAreaM2: 40}, {ID: "S1", Suite: true, FloorAreaM2: 90}}
	in.Dates = Dates{LandContract: parcels.NewDate(2024, 1, 15), PublicityStart: parcels.NewDate(2024, 3, 1), PublicityEnd: parcels.NewDate(2024, 3, 5)}
	in.AsOf = parcels.NewDate(2026, 6, 1)
	in.Enterprises = []Enterprise{{ID: "e1", SameIndustry: yes(), Entered: parcels.NewDate(2024, 1, 1), Transferred: parcels.NewDate(2025, 1, 1), ProductionStart: parcels.NewDate(2025, 1, 1), PerMuClass: "D", MinPerMuClass: "B"},
		{ID: "e2", Entered: parcels.NewDate(2024, 1, 1)}}
	in.JointShares = []Share{{"甲", 0.5}, {"乙", 0.4}}
	cr, err = Compliance(p, in)
	if err != nil {
		t.Fatal(err)
	}
	zhTextClean(t, "worked compliance", cr.Text("zh"), "U", "R", "S", "e", "A", "B", "C", "D")

	// Zones: both denominators and readings, near, clipped, far, inside, detected.
	for _, variant := range []struct{ den, or string }{{DenominatorMerged, OrEither}, {DenominatorMembers, OrBoth}} {
		pz := *p
		pz.LeftoverDenominator.Value, pz.LeftoverOr.Value = variant.den, variant.or
		lr, err := Leftover(&pz, LeftoverInput{
			Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(110, 0, 210, 100))},
			Pieces:  []parcels.Piece{piece("S", rect(95, 0, 110, 100)), piece("far", rect(300, 300, 310, 310)), piece("in", rect(20, 20, 40, 40)), piece("X", rect(0, 100, 210, 130))},
			Detect:  true,
		})
		if err != nil {
			t.Fatal(err)
		}
		zhTextClean(t, "zone "+variant.den+" "+variant.or, lr.Text("zh"), "S", "far", "in", "X", "D", "G")
	}
}
