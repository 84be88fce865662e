package planning

import (
	"encoding/json"
	"testing"

	"landplan/parcels"
)

// The JSON field names are the API's contract (issue 5): they must not drift.
func TestJSONContract(t *testing.T) {
	p := mustProfile(t)
	ind, err := Indicators(p, workedSite())
	if err != nil {
		t.Fatal(err)
	}
	zone, err := Leftover(p, zoneInput())
	if err != nil {
		t.Fatal(err)
	}
	keys := func(v any) map[string]any {
		b, _ := json.Marshal(v)
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}
	need := func(name string, m map[string]any, ks ...string) {
		for _, k := range ks {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %q", name, k)
			}
		}
	}
	im := keys(ind)
	need("indicators", im, "site_area_m2", "site_area_mu", "footprint_area_m2", "building_density", "floor_area_m2", "plot_ratio",
		"non_production_land_share", "non_production_land_method", "non_production_floor_share", "non_production_floor_method",
		"property_rooms_required_m2", "maintenance_fund_yuan", "warranty_deposit_yuan", "checks")
	need("check", im["checks"].([]any)[0].(map[string]any), "rule", "clause", "status", "value", "limit", "message", "message_zh")
	zm := keys(zone)
	need("zone", zm, "members_area_m2", "merged_area_m2", "leftover_area_m2", "leftover_ratio", "verdict", "remove_to_pass", "lease", "flags", "pieces")
	need("piece", zm["pieces"].([]any)[0].(map[string]any), "id", "geometry", "area_m2", "area_mu", "kind", "kind_zh", "touches",
		"shared_boundary_m", "eligible", "reasons", "detected")
	need("lease", zm["lease"].(map[string]any), "unified_end", "members")
	g := zm["pieces"].([]any)[0].(map[string]any)["geometry"].(map[string]any)
	if g["type"] != "MultiPolygon" && g["type"] != "Polygon" {
		t.Errorf("piece geometry is not GeoJSON: %v", g["type"])
	}
}

func TestLeftoverOverlappingDrawnPiecesCountOnce(t *testing.T) {
	p := mustProfile(t)
	// a [100,120]×[0,60] and b [100,120]×[40,100], 1200 m² each, overlap
	// [100,120]×[40,60] = 400 m²: union 2000 m²; both touch the member along 60 m.
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("a", rect(100, 0, 120, 60)), piece("b", rect(100, 40, 120, 100))},
	})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "leftover (union)", r.LeftoverAreaM2, 2000, 1e-3)
	approx(t, "merged", r.MergedAreaM2, 12000, 1e-3)
	if len(r.Groups) != 1 || len(r.Groups[0].Pieces) != 2 {
		t.Fatalf("overlapping pieces form one group: %+v", r.Groups)
	}
	approx(t, "group", r.Groups[0].AreaM2, 2000, 1e-3)
	approx(t, "shared a", findPiece(t, r, "a").SharedBoundaryM, 60, 1e-3)
}

func TestLeftoverEllipsoidalBasis(t *testing.T) {
	p := mustProfile(t)
	pe := *p
	pe.AreaBasis = "ellipsoidal"
	// 2000 m² on the plane is ≈1999.43 m² on the ellipsoid: still ≤ 3 亩, and the
	// ratio uses ellipsoidal areas throughout.
	r := oneMemberOnePiece(t, &pe, 100, 20)
	if r.Groups[0].EllAreaM2 == nil || *r.Groups[0].EllAreaM2 >= 2000 || !r.Groups[0].WithinMax {
		t.Errorf("group %+v", r.Groups[0])
	}
	approx(t, "ratio on ellipsoidal areas", r.LeftoverRatio, roundTo(r.LeftoverEllipsoidalAreaM2, 0.01)/roundTo(r.MergedEllipsoidalAreaM2, 0.01), 1e-12)
}

func TestLeftoverPieceOverRegisteredParcelWarns(t *testing.T) {
	p := mustProfile(t)
	other := &parcels.Parcel{Meta: parcels.Meta{ID: 42}, Geometry: rect(100, 50, 120, 100)}
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("a", rect(100, 0, 120, 100))},
		Others:  []*parcels.Parcel{other},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := findPiece(t, r, "a")
	var w *Reason
	for i := range a.Reasons {
		if a.Reasons[i].Rule == "overlaps_registered" {
			w = &a.Reasons[i]
		}
	}
	if w == nil || w.Status != StatusWarn || w.Numbers["parcel_id"] != 42 {
		t.Fatalf("reasons %+v", a.Reasons)
	}
	approx(t, "overlap", w.Numbers["overlap_m2"], 1000, 1e-3)
}
