package planning

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"

	"landplan/geo"
)

//go:embed profiles/*.json
var profileFS embed.FS

// Threshold is one number of the policy with the clause it comes from. When a
// check against it fails, its status is Severity: "fail", or "warn" where the
// text only says "一般" (generally), e.g. building density.
type Threshold struct {
	Value    float64 `json:"value"`
	Clause   string  `json:"clause"`
	Severity Status  `json:"severity,omitempty"` // fail (default) or warn
	TextZH   string  `json:"text_zh"`            // the policy's own words
}

// Switch is a rule that can be turned on or off, with an optional number.
type Switch struct {
	Value   float64 `json:"value,omitempty"`
	Enabled bool    `json:"enabled"`
	Clause  string  `json:"clause"`
	TextZH  string  `json:"text_zh"`
}

// Choice is a reading of the text that a bureau rules on, e.g. the clause
// (十七) denominator ("merged" or "members").
type Choice struct {
	Value  string `json:"value"`
	Clause string `json:"clause"`
	TextZH string `json:"text_zh"`
}

// Classes is an ordered list of classes, best first (亩均 evaluation A–D).
type Classes struct {
	Order  []string `json:"order"`
	Clause string   `json:"clause"`
	TextZH string   `json:"text_zh"`
}

// ZoneSpec names a CGCS2000 Gauss–Krüger zone in a profile.
type ZoneSpec struct {
	Width  int  `json:"width"`
	Number int  `json:"number"`
	Prefix bool `json:"prefix"`
}

// CityTargets are the city's targets of clause 一(2).
type CityTargets struct {
	Clause                    string  `json:"clause"`
	Year                      int     `json:"year"`
	TextZH                    string  `json:"text_zh"`
	ProvincialQualityParksMin float64 `json:"provincial_quality_parks_min"`
	NewFloorAreaM2            float64 `json:"new_floor_area_m2"`
	EnterprisesEntering       float64 `json:"enterprises_entering"`
	HonouredParksMin          float64 `json:"honoured_parks_min"`
}

// Readings of clause (十七) a bureau may rule on.
const (
	DenominatorMerged  = "merged"  // 项目合并总面积 = members ∪ included pieces (default)
	DenominatorMembers = "members" // members alone
	OrEither           = "either"  // "或": one of the tests suffices (default)
	OrBoth             = "both"    // both tests must hold
)

// Profile is a city's policy as data. The JSON keys are the profile file's
// format (profiles/linhai.json is the reference); another city's profile is a
// new file, not new code. Every Threshold, Switch, Choice and Classes carries
// its clause; LoadProfile rejects a profile that lacks one.
type Profile struct {
	Name   string   `json:"name"`
	City   string   `json:"city"`
	CityZH string   `json:"city_zh"`
	Source string   `json:"source"` // the policy document
	Zone   ZoneSpec `json:"zone"`   // the city's one Gauss–Krüger zone for all plane work

	// AreaBasis is the area every area rule uses: "plane" (cadastral, default)
	// or "ellipsoidal" (the land surveys' method).
	AreaBasis string `json:"area_basis"`
	// AreaPrecisionM2: areas are rounded to this before they meet a threshold.
	AreaPrecisionM2 float64 `json:"area_precision_m2"`
	// NearThresholdRelative: a value within this relative distance of its
	// limit is "near", and the report shows plane and ellipsoidal figures.
	NearThresholdRelative float64 `json:"near_threshold_relative"`
	// SnapToleranceM: boundaries closer than this (plane metres) are shared.
	SnapToleranceM float64 `json:"snap_tolerance_m"`
	// MinSharedBoundaryM: a shared boundary shorter than this is a corner
	// contact, not touching.
	MinSharedBoundaryM float64 `json:"min_shared_boundary_m"`
	// MinPocketAreaM2: detected gaps smaller than this are slivers, not pieces.
	MinPocketAreaM2 float64 `json:"min_pocket_area_m2"`
	// MinPocketWidthM: detected gaps whose mean width (2·area/perimeter) is
	// below this are digitising slivers between neighbours, not pieces.
	MinPocketWidthM float64 `json:"min_pocket_width_m"`
	// SandwichedMinEnclosure: a piece whose boundary runs along members for at
	// least this share of its perimeter is 夹心地 (sandwiched), else 边角地.
	SandwichedMinEnclosure float64 `json:"sandwiched_min_enclosure"`

	SiteAreaMinMuNewLand       Threshold `json:"site_area_min_mu_new_land"`
	SiteAreaMinMuRedevelopment Threshold `json:"site_area_min_mu_redevelopment"`
	PlotRatioMin               Threshold `json:"plot_ratio_min"`
	FARTallStorey              Switch    `json:"far_tall_storey"` // storey height (m) above which a storey counts twice
	BuildingDensityMin         Threshold `json:"building_density_min"`
	NonProductionLandShareMax  Threshold `json:"non_production_land_share_max"`
	NonProductionFloorShareMin Threshold `json:"non_production_floor_share_min"`
	NonProductionFloorShareMax Threshold `json:"non_production_floor_share_max"`
	SelfHeldShareMin           Threshold `json:"self_held_share_min"`

	PropertyRoomsRatio    Threshold `json:"property_rooms_ratio"`
	PropertyOfficeRatio   Threshold `json:"property_office_ratio"`
	PropertyBusinessRatio Threshold `json:"property_business_ratio"`

	ConstructionStartMonths    Threshold `json:"construction_start_months"`
	CompletionAcceptanceMonths Threshold `json:"completion_acceptance_months"`
	// LeadIndustriesMax: a park "generally" chooses 1–2 lead industries
	// (主导行业和特色产业); the cap also keeps the same-industry share honest,
	// since declaring every enterprise's industry a lead would pass it.
	LeadIndustriesMax      Threshold `json:"lead_industries_max"`
	EnterprisesMin         Threshold `json:"enterprises_min"`
	SameIndustryShareMin   Threshold `json:"same_industry_share_min"`
	AdmissionPublicityDays Threshold `json:"admission_publicity_days"`
	TransferLockYears      Threshold `json:"transfer_lock_years"`
	PerMuEvaluationYears   Threshold `json:"per_mu_evaluation_years"`
	PerMuClasses           Classes   `json:"per_mu_classes"`

	LeftoverRatioMax    Threshold `json:"leftover_ratio_max"`
	LeftoverPieceMaxMu  Threshold `json:"leftover_piece_max_mu"`
	LeftoverDenominator Choice    `json:"leftover_denominator"`
	LeftoverOr          Choice    `json:"leftover_or"`
	GroupTouchingPieces Switch    `json:"group_touching_pieces"`
	JointSharesTotal    Threshold `json:"joint_shares_total"`

	UnitMinFloorAreaM2       Threshold `json:"unit_min_floor_area_m2"`
	DormRoomMaxM2            Threshold `json:"dorm_room_max_m2"`
	DormSuiteMaxM2           Threshold `json:"dorm_suite_max_m2"`
	DormSuiteHighriseExtraM2 Threshold `json:"dorm_suite_highrise_extra_m2"`
	DormSuiteShareMax        Threshold `json:"dorm_suite_share_max"`

	MaintenanceFundYuanPerM2 Threshold `json:"maintenance_fund_yuan_per_m2"`
	WarrantyDepositYuanPerM2 Threshold `json:"warranty_deposit_yuan_per_m2"`

	CityTargets CityTargets `json:"city_targets"`
}

// GeoZone is the profile's zone as a geo.Zone.
func (p *Profile) GeoZone() geo.Zone {
	return geo.Zone{Width: p.Zone.Width, Number: p.Zone.Number, Prefix: p.Zone.Prefix}
}

// Profiles lists the names of the embedded profiles, sorted.
func Profiles() []string {
	ents, _ := fs.ReadDir(profileFS, "profiles")
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") {
			out = append(out, strings.TrimSuffix(e.Name(), ".json"))
		}
	}
	sort.Strings(out)
	return out
}

// LoadProfile loads the embedded profile by name ("linhai"). It returns an
// error naming the known profiles when there is none by that name, and an
// error naming the field when the profile is incomplete or inconsistent.
func LoadProfile(name string) (*Profile, error) {
	b, err := profileFS.ReadFile(path.Join("profiles", name+".json"))
	if err != nil || strings.ContainsAny(name, "/\\.") || name == "" {
		return nil, fmt.Errorf("planning: no policy profile %q (known: %s)", name, strings.Join(Profiles(), ", "))
	}
	return ParseProfile(b)
}

// ParseProfile reads a profile from its JSON form and validates it. Unknown
// keys are errors, so a misspelt threshold is never silently ignored.
func ParseProfile(b []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("planning: profile: %w", err)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("planning: profile %q: %w", p.Name, err)
	}
	return &p, nil
}

func (p *Profile) validate() error {
	if p.Name == "" {
		return fmt.Errorf("name is missing")
	}
	if !p.GeoZone().Valid() {
		return fmt.Errorf("zone %+v is not a CGCS2000 Gauss–Krüger zone", p.Zone)
	}
	if p.AreaBasis != "plane" && p.AreaBasis != "ellipsoidal" {
		return fmt.Errorf("area_basis must be plane or ellipsoidal, got %q", p.AreaBasis)
	}
	for _, c := range []struct {
		key string
		v   float64
	}{{"area_precision_m2", p.AreaPrecisionM2}, {"snap_tolerance_m", p.SnapToleranceM},
		{"min_shared_boundary_m", p.MinSharedBoundaryM}, {"min_pocket_area_m2", p.MinPocketAreaM2}, {"min_pocket_width_m", p.MinPocketWidthM},
		{"sandwiched_min_enclosure", p.SandwichedMinEnclosure}, {"near_threshold_relative", p.NearThresholdRelative}} {
		if !(c.v > 0) {
			return fmt.Errorf("%s must be > 0, got %v", c.key, c.v)
		}
	}
	// Every rule must carry its clause: a report cites the clause of every rule it applies.
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := v.Field(i)
		key := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		switch x := f.Interface().(type) {
		case Threshold:
			if x.Clause == "" {
				return fmt.Errorf("%s is missing or has no clause", key)
			}
			if x.Severity == "" {
				f.Set(reflect.ValueOf(Threshold{Value: x.Value, Clause: x.Clause, Severity: StatusFail, TextZH: x.TextZH}))
			} else if x.Severity != StatusFail && x.Severity != StatusWarn {
				return fmt.Errorf("%s: severity must be fail or warn, got %q", key, x.Severity)
			}
		case Switch:
			if x.Clause == "" {
				return fmt.Errorf("%s is missing or has no clause", key)
			}
		case Choice:
			if x.Clause == "" {
				return fmt.Errorf("%s is missing or has no clause", key)
			}
		case Classes:
			if x.Clause == "" || len(x.Order) == 0 {
				return fmt.Errorf("%s is missing, empty or has no clause", key)
			}
		}
	}
	if d := p.LeftoverDenominator.Value; d != DenominatorMerged && d != DenominatorMembers {
		return fmt.Errorf("leftover_denominator must be %q or %q, got %q", DenominatorMerged, DenominatorMembers, d)
	}
	if o := p.LeftoverOr.Value; o != OrEither && o != OrBoth {
		return fmt.Errorf("leftover_or must be %q or %q, got %q", OrEither, OrBoth, o)
	}
	if p.NonProductionFloorShareMin.Value > p.NonProductionFloorShareMax.Value {
		return fmt.Errorf("non_production_floor_share_min > non_production_floor_share_max")
	}
	if p.CityTargets.Clause == "" {
		return fmt.Errorf("city_targets is missing or has no clause")
	}
	return nil
}
