package planning

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// Worked examples: every expected number below is computed by hand from the
// rectangles' sides (metres), as a reviewer would.

func TestLeftoverSandwichedStrip(t *testing.T) {
	p := mustProfile(t)
	// A 100×100 and B 100×100 with a 10 m strip between them.
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(110, 0, 210, 100))},
		Pieces:  []parcels.Piece{piece("S", rect(100, 0, 110, 100))},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := findPiece(t, r, "S")
	approx(t, "area_m2", s.AreaM2, 1000, 1e-4)
	approx(t, "area_mu", s.AreaMu, 1.5, 1e-7)
	approx(t, "shared_boundary_m", s.SharedBoundaryM, 200, 1e-4) // two 100 m sides
	approx(t, "perimeter_m", s.PerimeterM, 220, 1e-4)
	approx(t, "enclosure", s.Enclosure, 200.0/220, 1e-6)
	if s.Kind != KindSandwiched || s.KindZH != "夹心地" {
		t.Errorf("kind = %s %s, want sandwiched 夹心地", s.Kind, s.KindZH)
	}
	if !slices.Equal(s.Touches, []int64{1, 2}) {
		t.Errorf("touches = %v, want [1 2]", s.Touches)
	}
	approx(t, "members_area_m2", r.MembersAreaM2, 20000, 1e-3)
	approx(t, "merged_area_m2", r.MergedAreaM2, 21000, 1e-3)
	approx(t, "leftover_area_m2", r.LeftoverAreaM2, 1000, 1e-3)
	approx(t, "leftover_ratio", r.LeftoverRatio, 1000.0/21000, 1e-9)
	approx(t, "leftover_ratio_members", r.LeftoverRatioMembers, 0.05, 1e-9)
	if !s.Eligible || r.Verdict != VerdictEligible {
		t.Errorf("eligible = %v, verdict = %s; want eligible", s.Eligible, r.Verdict)
	}
	for _, rs := range s.Reasons {
		if rs.Clause != "（十七）" {
			t.Errorf("reason %s cites %q", rs.Rule, rs.Clause)
		}
	}
	txt := r.Text("zh")
	for _, want := range []string{"1000.00 ÷ 21000.00 = 4.76%", "夹心地", "（十七）", "可纳入"} {
		if !strings.Contains(txt, want) {
			t.Errorf("zh text lacks %q:\n%s", want, txt)
		}
	}
	if en := r.Text("en"); !strings.Contains(en, "L / T = 1000.00 / 21000.00 = 4.76%") {
		t.Errorf("en text lacks the ratio arithmetic:\n%s", en)
	}
}

// oneMemberOnePiece: member [0,100]×[0,100]; piece to its right, w metres wide, 100 m tall.
func oneMemberOnePiece(t *testing.T, p *Profile, memberW, w float64) *LeftoverReport {
	t.Helper()
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(7, rect(0, 0, memberW, 100))},
		Pieces:  []parcels.Piece{piece("X", rect(memberW, 0, memberW+w, 100))},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLeftoverExactlyThreeMu(t *testing.T) {
	p := mustProfile(t)
	// 20 × 100 = 2000 m² = 3 亩 exactly; ratio 2000/12000 = 16.7% fails, so the size decides.
	r := oneMemberOnePiece(t, p, 100, 20)
	x := findPiece(t, r, "X")
	approx(t, "area", x.AreaM2, 2000, 1e-4)
	if r.RatioPasses {
		t.Fatalf("ratio %.4f should fail", r.LeftoverRatio)
	}
	if !x.Eligible || r.Verdict != VerdictEligible {
		t.Errorf("exactly 3 亩 must be eligible (≤ 3 亩): eligible=%v verdict=%s\n%s", x.Eligible, r.Verdict, r.Text("zh"))
	}
	if !r.Groups[0].Near || r.Groups[0].EllAreaM2 == nil || *r.Groups[0].EllAreaM2 >= 2000 {
		t.Errorf("a piece on the 3 亩 line must show its (smaller) ellipsoidal area too: %+v", r.Groups[0])
	}
	// 20.01 × 100 = 2001 m² > 3 亩 and 2001/12001 > 10%: ineligible, remove it.
	r = oneMemberOnePiece(t, p, 100, 20.01)
	x = findPiece(t, r, "X")
	if x.Eligible || r.Verdict != VerdictIneligible {
		t.Errorf("2001 m² with ratio 16.7%% must be ineligible: %v %s", x.Eligible, r.Verdict)
	}
	if !slices.Equal(r.RemoveToPass, []string{"X"}) || r.RatioAfterRemoval == nil || *r.RatioAfterRemoval != 0 {
		t.Errorf("remove_to_pass = %v (ratio after %v), want [X] and 0", r.RemoveToPass, r.RatioAfterRemoval)
	}
}

func TestLeftoverExactlyTenPercent(t *testing.T) {
	p := mustProfile(t)
	// Member 270×100 = 27000; piece 30×100 = 3000 m² = 4.5 亩 (> 3 亩);
	// merged 30000: 3000/30000 = 10% exactly → eligible by the cumulative test.
	r := oneMemberOnePiece(t, p, 270, 30)
	approx(t, "merged", r.MergedAreaM2, 30000, 1e-3)
	approx(t, "ratio", r.LeftoverRatio, 0.10, 1e-12)
	if !r.RatioPasses || r.Verdict != VerdictEligible {
		t.Errorf("exactly 10%% must pass: %v %s\n%s", r.RatioPasses, r.Verdict, r.Text("en"))
	}
	if !r.Near {
		t.Errorf("exactly 10%% is near the threshold")
	}
	// 30.01 m wide: 3001/30001 = 10.003% > 10%, 4.5015 亩 > 3 → ineligible.
	r = oneMemberOnePiece(t, p, 270, 30.01)
	approx(t, "ratio", r.LeftoverRatio, 3001.0/30001, 1e-9)
	if r.RatioPasses || r.Verdict != VerdictIneligible {
		t.Errorf("10.003%% must fail: %v %s", r.RatioPasses, r.Verdict)
	}

	// The members-only denominator: 3000/27000 = 11.1% → fails.
	pm := *p
	pm.LeftoverDenominator.Value = DenominatorMembers
	r = oneMemberOnePiece(t, &pm, 270, 30)
	approx(t, "ratio (members)", r.LeftoverRatio, 3000.0/27000, 1e-9)
	if r.RatioPasses || r.Verdict != VerdictIneligible {
		t.Errorf("members denominator: %v %s", r.RatioPasses, r.Verdict)
	}
	// "或" read as both: 10% passes but 4.5 亩 > 3 亩 → ineligible.
	pb := *p
	pb.LeftoverOr.Value = OrBoth
	r = oneMemberOnePiece(t, &pb, 270, 30)
	if !r.RatioPasses || r.Verdict != VerdictIneligible {
		t.Errorf("both reading: ratio passes %v, verdict %s, want ineligible", r.RatioPasses, r.Verdict)
	}
	// Both: a 1.5 亩 piece at 1000/11000 = 9.1% passes both.
	r = oneMemberOnePiece(t, &pb, 100, 10)
	if r.Verdict != VerdictEligible {
		t.Errorf("both reading, small piece and low ratio: %s", r.Verdict)
	}
}

func TestLeftoverCornerOnlyContact(t *testing.T) {
	p := mustProfile(t)
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("C", rect(100, 100, 110, 110))}, // meets the member at (100,100) only
	})
	if err != nil {
		t.Fatal(err)
	}
	c := findPiece(t, r, "C")
	if c.Included || c.Eligible || len(c.Touches) != 0 || c.SharedBoundaryM != 0 {
		t.Errorf("corner contact must not touch: %+v", c)
	}
	if r.Verdict != VerdictIneligible {
		t.Errorf("verdict = %s", r.Verdict)
	}
	approx(t, "merged = members", r.MergedAreaM2, 10000, 1e-3)
	approx(t, "leftover", r.LeftoverAreaM2, 0, 0)
	if c.Reasons[0].Rule != "leftover_touch" || c.Reasons[0].Status != StatusFail {
		t.Errorf("reason = %+v", c.Reasons[0])
	}
}

func TestLeftoverOverlappingMembers(t *testing.T) {
	p := mustProfile(t)
	// A [0,100], B [90,190]: overlap 10×100 = 1000 m², union 19000.
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(2, rect(90, 0, 190, 100)), member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("N", rect(0, 100, 190, 110))}, // 1900 m² along both tops
	})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "members_sum", r.MembersSumAreaM2, 20000, 1e-3)
	approx(t, "members_area", r.MembersAreaM2, 19000, 1e-3)
	approx(t, "merged", r.MergedAreaM2, 20900, 1e-3)
	if len(r.Notes) == 0 || r.Notes[0].Code != "members_overlap" || !strings.Contains(r.Notes[0].Message, "1000.00") {
		t.Errorf("notes = %+v", r.Notes)
	}
	n := findPiece(t, r, "N")
	approx(t, "shared", n.SharedBoundaryM, 190, 1e-3)
	if !slices.Equal(n.Touches, []int64{1, 2}) || n.Kind != KindCorner {
		t.Errorf("touches %v kind %s", n.Touches, n.Kind)
	}
}

func TestLeftoverPieceOverlappingMember(t *testing.T) {
	p := mustProfile(t)
	// Drawn [90,120]×[0,100] = 3000 m²; 1000 m² lies in the member: 2000 m² remain.
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("O", rect(90, 0, 120, 100))},
	})
	if err != nil {
		t.Fatal(err)
	}
	o := findPiece(t, r, "O")
	if !o.Clipped || o.Reasons[0].Rule != "clipped" {
		t.Fatalf("piece must be clipped and say so: %+v", o)
	}
	approx(t, "drawn", o.DrawnAreaM2, 3000, 1e-3)
	approx(t, "area", o.AreaM2, 2000, 1e-3)
	approx(t, "overlap", o.Reasons[0].Numbers["overlap_m2"], 1000, 1e-3)
	approx(t, "shared", o.SharedBoundaryM, 100, 1e-3)
	approx(t, "merged", r.MergedAreaM2, 12000, 1e-3)
	if !o.Eligible { // 2000 m² = 3 亩
		t.Errorf("clipped piece of 3 亩 must be eligible")
	}
	// A piece entirely inside a member adds nothing.
	r, err = Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("I", rect(10, 10, 20, 20))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if i := findPiece(t, r, "I"); i.Eligible || i.Included || i.AreaM2 > 0.01 {
		t.Errorf("inner piece: %+v", i)
	}
}

func TestLeftoverMemberWithHoleDetected(t *testing.T) {
	p := mustProfile(t)
	withHole := poly(rectRing(0, 0, 100, 100), []orb.Point{{40, 40}, {40, 60}, {60, 60}, {60, 40}})
	r, err := Leftover(p, LeftoverInput{Members: []*parcels.Parcel{member(1, withHole)}, Detect: true})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "members", r.MembersAreaM2, 9600, 1e-3)
	if len(r.Pieces) != 1 {
		t.Fatalf("want the hole detected as one piece, got %d", len(r.Pieces))
	}
	d := r.Pieces[0]
	if d.ID != "D1" || !d.Detected || d.Kind != KindSandwiched {
		t.Errorf("detected piece %+v", d)
	}
	approx(t, "hole area", d.AreaM2, 400, 1e-3)
	approx(t, "enclosure", d.Enclosure, 1, 1e-6)
	approx(t, "merged", r.MergedAreaM2, 10000, 1e-3)
	approx(t, "ratio", r.LeftoverRatio, 0.04, 1e-9)

	// A registered parcel covering the hole leaves nothing to detect.
	other := &parcels.Parcel{Meta: parcels.Meta{ID: 99}, Geometry: rect(40, 40, 60, 60)}
	r, err = Leftover(p, LeftoverInput{Members: []*parcels.Parcel{member(1, withHole)}, Detect: true, Others: []*parcels.Parcel{other}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pieces) != 0 || r.Verdict != VerdictEligible {
		t.Errorf("hole covered by parcel 99 must not be a piece: %d pieces", len(r.Pieces))
	}
	// Half covered: 20×10 = 200 m² remain.
	other.Geometry = rect(40, 40, 60, 50)
	r, err = Leftover(p, LeftoverInput{Members: []*parcels.Parcel{member(1, withHole)}, Detect: true, Others: []*parcels.Parcel{other}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pieces) != 1 {
		t.Fatalf("pieces: %d", len(r.Pieces))
	}
	approx(t, "half hole", r.Pieces[0].AreaM2, 200, 1e-3)
}

func TestLeftoverHullPocketDetection(t *testing.T) {
	p := mustProfile(t)
	// L of two members: A [0,100]×[0,50], B [0,50]×[50,100]. Hull pocket: the
	// triangle (100,50)-(50,100)-(50,50) = 1250 m², corner kind (2 of its 3 sides
	// on members: 50+50 of 50+50+70.71).
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 50)), member(2, rect(0, 50, 50, 100))},
		Detect:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pieces) != 1 {
		t.Fatalf("pieces %d", len(r.Pieces))
	}
	d := r.Pieces[0]
	approx(t, "pocket", d.AreaM2, 1250, 1e-3)
	approx(t, "shared", d.SharedBoundaryM, 100, 1e-3)
	approx(t, "enclosure", d.Enclosure, 100/(100+50*1.4142135623730951), 1e-6)
	if d.Kind != KindCorner {
		t.Errorf("kind = %s, want corner (enclosure %.3f < 0.6)", d.Kind, d.Enclosure)
	}
	// Drawn pieces are excluded from detection: draw the pocket, detect nothing more.
	r, err = Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 50)), member(2, rect(0, 50, 50, 100))},
		Pieces:  []parcels.Piece{piece("T", poly([]orb.Point{{50, 50}, {100, 50}, {50, 100}}))},
		Detect:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pieces) != 1 || r.Pieces[0].ID != "T" {
		t.Errorf("pieces: %v", ids(r))
	}
}

func ids(r *LeftoverReport) []string {
	var out []string
	for _, p := range r.Pieces {
		out = append(out, p.ID)
	}
	return out
}

func TestLeftoverGroupingTouchingPieces(t *testing.T) {
	p := mustProfile(t)
	// Member 300×50 = 15000. Pieces P1 [0,150]×[50,60], P2 [150,300]×[50,60]:
	// 1500 m² each (2.25 亩), touching each other along 10 m → one group of
	// 3000 m² = 4.5 亩 > 3 亩. Ratio 3000/18000 = 16.7% > 10%.
	in := LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 300, 50))},
		Pieces:  []parcels.Piece{piece("P1", rect(0, 50, 150, 60)), piece("P2", rect(150, 50, 300, 60))},
	}
	r, err := Leftover(p, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 1 || !slices.Equal(r.Groups[0].Pieces, []string{"P1", "P2"}) {
		t.Fatalf("groups = %+v", r.Groups)
	}
	approx(t, "group area", r.Groups[0].AreaM2, 3000, 1e-3)
	if r.Verdict != VerdictIneligible {
		t.Errorf("split remnant must not pass the 3 亩 test: %s", r.Verdict)
	}
	// Removing P1 leaves P2 alone: 1500 m² ≤ 3 亩, and 1500/16500 = 9.09%.
	if !slices.Equal(r.RemoveToPass, []string{"P1"}) {
		t.Errorf("remove_to_pass = %v", r.RemoveToPass)
	}
	approx(t, "ratio after", *r.RatioAfterRemoval, 1500.0/16500, 1e-9)

	// Without grouping each piece passes the 3 亩 test on its own.
	pg := *p
	pg.GroupTouchingPieces.Enabled = false
	r, err = Leftover(&pg, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != VerdictEligible {
		t.Errorf("ungrouped: %s", r.Verdict)
	}
}

func TestLeftoverRemovalNamesLargestFirst(t *testing.T) {
	p := mustProfile(t)
	// Members 200×100 = 20000. Big1 [200,250]×[0,100] 5000 m², Big2 [0,200]×[100,125]
	// 5000 m² (7.5 亩 each; they meet only at the corner (200,100): not grouped),
	// Small [-10,0]×[0,100] 1000 m². Ratio 11000/31000 = 35.5%.
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(100, 0, 200, 100))},
		Pieces: []parcels.Piece{piece("Big2", rect(0, 100, 200, 125)), piece("Small", rect(-10, 0, 0, 100)),
			piece("Big1", rect(200, 0, 250, 100))},
	})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "ratio", r.LeftoverRatio, 11000.0/31000, 1e-9)
	if r.Verdict != VerdictPartial || !findPiece(t, r, "Small").Eligible || findPiece(t, r, "Big1").Eligible {
		t.Errorf("verdict %s", r.Verdict)
	}
	if len(r.Groups) != 3 {
		t.Errorf("corner-touching pieces must not group: %+v", r.Groups)
	}
	// Big1 (tie on area, lower id) then Big2: 1000/21000 = 4.76%.
	if !slices.Equal(r.RemoveToPass, []string{"Big1", "Big2"}) {
		t.Errorf("remove_to_pass = %v", r.RemoveToPass)
	}
	approx(t, "ratio after", *r.RatioAfterRemoval, 1000.0/21000, 1e-9)
}

func TestLeftoverLeaseStates(t *testing.T) {
	p := mustProfile(t)
	ms := []*parcels.Parcel{
		member(1, rect(0, 0, 10, 10)), member(2, rect(10, 0, 20, 10)), member(3, rect(20, 0, 30, 10)),
		member(4, rect(30, 0, 40, 10)), member(5, rect(40, 0, 50, 10)),
	}
	ms[0].LeaseEnd = parcels.NewDate(2040, time.June, 30)
	ms[1].LeaseEnd = parcels.NewDate(2045, time.March, 15)
	ms[2].LandSource = parcels.SourceAllocated
	ms[3].LandSource = parcels.SourceCollective
	ms[3].LeaseEnd = parcels.NewDate(2099, 1, 1) // ignored: collective land has no grant term yet
	r, err := Leftover(p, LeftoverInput{Members: ms})
	if err != nil {
		t.Fatal(err)
	}
	l := r.Lease
	if l.UnifiedEnd.String() != "2045-03-15" || l.LatestMember != 2 {
		t.Fatalf("unified end %s from %d", l.UnifiedEnd, l.LatestMember)
	}
	want := []struct {
		state       string
		years, days int
		total       int
	}{{LeasePays, 4, 258, 1719}, {LeaseLatest, 0, 0, 0}, {LeaseAllocated, 0, 0, 0}, {LeaseCollective, 0, 0, 0}, {LeaseUnknownEnd, 0, 0, 0}}
	for i, w := range want {
		g := l.Members[i]
		if g.State != w.state || g.PayYears != w.years || g.PayDays != w.days || g.PayTotalDays != w.total {
			t.Errorf("member %d: %+v, want %+v", g.Member, g, w)
		}
	}
	if len(r.Flags) != 2 || r.Flags[0].Flag != "allocated_land_pays_first" || r.Flags[0].ParcelID != 3 ||
		r.Flags[1].Flag != "collective_land_expropriate_first" || r.Flags[1].ParcelID != 4 || r.Flags[0].Clause != "（十七）" {
		t.Errorf("flags = %+v", r.Flags)
	}
	if !strings.Contains(r.Text("zh"), "补缴 4 年 258 天（共 1719 天）") {
		t.Errorf("text lacks the years to pay:\n%s", r.Text("zh"))
	}
}

func TestLeftoverNoPiecesAndBadInput(t *testing.T) {
	p := mustProfile(t)
	r, err := Leftover(p, LeftoverInput{Members: []*parcels.Parcel{member(1, rect(0, 0, 10, 10))}})
	if err != nil || r.Verdict != VerdictEligible || len(r.Pieces) != 0 {
		t.Errorf("no pieces: %v %v", err, r)
	}
	for name, in := range map[string]LeftoverInput{
		"no members":   {},
		"zero id":      {Members: []*parcels.Parcel{member(0, rect(0, 0, 1, 1))}},
		"duplicate id": {Members: []*parcels.Parcel{member(1, rect(0, 0, 1, 1)), member(1, rect(1, 0, 2, 1))}},
		"dup piece":    {Members: []*parcels.Parcel{member(1, rect(0, 0, 1, 1))}, Pieces: []parcels.Piece{piece("a", rect(1, 0, 2, 1)), piece("a", rect(2, 0, 3, 1))}},
	} {
		if _, err := Leftover(p, in); parcels.ErrorCode(err) != parcels.EINVALID {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

// Properties.

func zoneInput() LeftoverInput {
	return LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(110, 0, 210, 100)),
			member(3, rect(0, 110, 210, 200)), member(4, rect(220, 0, 300, 200))},
		Pieces: []parcels.Piece{piece("strip", rect(100, 0, 110, 100)), piece("", rect(0, 100, 100, 110)),
			piece("", rect(110, 100, 210, 110)), piece("big", rect(300, 0, 340, 200))},
		Detect: true,
	}
}

func verdicts(r *LeftoverReport) map[string]bool {
	m := map[string]bool{}
	for _, p := range r.Pieces {
		m[p.ID] = p.Eligible
	}
	return m
}

func TestLeftoverPropertyNonTouchingPieceChangesNothing(t *testing.T) {
	p := mustProfile(t)
	in := zoneInput()
	base, err := Leftover(p, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Pieces = append(in.Pieces, piece("far", rect(1000, 1000, 1100, 1100)), piece("corner", rect(340, 200, 350, 210)))
	more, err := Leftover(p, in)
	if err != nil {
		t.Fatal(err)
	}
	vb, vm := verdicts(base), verdicts(more)
	for id, e := range vb {
		if vm[id] != e {
			t.Errorf("piece %s changed verdict %v → %v", id, e, vm[id])
		}
	}
	if vm["far"] || vm["corner"] {
		t.Errorf("non-touching pieces are never eligible")
	}
	if base.MergedAreaM2 != more.MergedAreaM2 || base.LeftoverRatio != more.LeftoverRatio {
		t.Errorf("merged/ratio changed: %v %v / %v %v", base.MergedAreaM2, more.MergedAreaM2, base.LeftoverRatio, more.LeftoverRatio)
	}
}

func TestLeftoverPropertyOrderIndependent(t *testing.T) {
	p := mustProfile(t)
	in := zoneInput()
	in.Others = []*parcels.Parcel{{Meta: parcels.Meta{ID: 50}, Geometry: rect(210, 100, 220, 150)}}
	want, err := Leftover(p, in)
	if err != nil {
		t.Fatal(err)
	}
	wj, _ := json.Marshal(want)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 8; i++ {
		in2 := in
		in2.Members = slices.Clone(in.Members)
		in2.Pieces = slices.Clone(in.Pieces)
		rng.Shuffle(len(in2.Members), func(a, b int) { in2.Members[a], in2.Members[b] = in2.Members[b], in2.Members[a] })
		rng.Shuffle(len(in2.Pieces), func(a, b int) { in2.Pieces[a], in2.Pieces[b] = in2.Pieces[b], in2.Pieces[a] })
		got, err := Leftover(p, in2)
		if err != nil {
			t.Fatal(err)
		}
		if gj, _ := json.Marshal(got); string(gj) != string(wj) {
			t.Fatalf("shuffle %d changed the report:\n%s\nvs\n%s", i, got.Text("en"), want.Text("en"))
		}
	}
	if want.MergedAreaM2 < want.MembersAreaM2 {
		t.Errorf("merged %v < members %v", want.MergedAreaM2, want.MembersAreaM2)
	}
}

func TestLeftoverShortContactIsNotTouching(t *testing.T) {
	p := mustProfile(t)
	// The piece [100,110]×[99.7,110] shares only 0.3 m of the member's east edge
	// (y 99.7…100): shorter than min_shared_boundary_m (0.5 m) → a corner contact.
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("k", rect(100, 99.7, 110, 110))},
	})
	if err != nil {
		t.Fatal(err)
	}
	k := findPiece(t, r, "k")
	if k.Included || k.Eligible {
		t.Errorf("0.3 m contact must not count as touching: %+v", k)
	}
	approx(t, "longest contact", k.Reasons[0].Numbers["longest_contact_m"], 0.3, 1e-3)
	// 0.6 m of contact is touching.
	r, _ = Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
		Pieces:  []parcels.Piece{piece("k", rect(100, 99.4, 110, 110))},
	})
	if k := findPiece(t, r, "k"); !k.Included || !slices.Equal(k.Touches, []int64{1}) {
		t.Errorf("0.6 m contact touches: %+v", k.Touches)
	}
}

func TestYearsDays(t *testing.T) {
	for _, c := range []struct {
		a, b        string
		years, days int
	}{
		{"2040-06-30", "2045-03-15", 4, 258},
		{"2040-02-29", "2041-02-28", 1, 0},
		{"2040-03-01", "2040-03-01", 0, 0},
		{"2039-12-31", "2040-12-30", 0, 365},
	} {
		a, _ := parcels.ParseDate(c.a)
		b, _ := parcels.ParseDate(c.b)
		if y, d := yearsDays(a.Time, b.Time); y != c.years || d != c.days {
			t.Errorf("%s → %s = %d y %d d, want %d y %d d", c.a, c.b, y, d, c.years, c.days)
		}
	}
}

func TestLeftoverDetectedIDsAvoidDrawnIDs(t *testing.T) {
	p := mustProfile(t)
	withHole := poly(rectRing(0, 0, 100, 100), []orb.Point{{40, 40}, {40, 60}, {60, 60}, {60, 40}})
	r, err := Leftover(p, LeftoverInput{Members: []*parcels.Parcel{member(1, withHole)}, Detect: true,
		Pieces: []parcels.Piece{piece("D1", rect(100, 0, 110, 100))}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(r); !slices.Equal(got, []string{"D1", "D2"}) || !findPiece(t, r, "D2").Detected {
		t.Errorf("ids %v", got)
	}
}

// With the members denominator the near-threshold ellipsoidal line must print
// the members' ellipsoidal area as divisor, the one its ratio used.
func TestLeftoverNearMessageMembersDenominator(t *testing.T) {
	pm := *mustProfile(t)
	pm.LeftoverDenominator.Value = DenominatorMembers
	r := oneMemberOnePiece(t, &pm, 300, 30) // 3000 / 30000 = 10% on members
	if !r.Near {
		t.Fatalf("3000/30000 must be near the threshold")
	}
	e := r.LeftoverEllipsoidalAreaM2 / r.MembersEllipsoidalAreaM2
	for lang, op := range map[string]string{"en": "/", "zh": "÷"} {
		txt := r.Text(lang)
		want := fmt.Sprintf("%.2f %s %.2f = %s", r.LeftoverEllipsoidalAreaM2, op, r.MembersEllipsoidalAreaM2, pct(e))
		if !strings.Contains(txt, want) {
			t.Errorf("%s text must say %q (members' ellipsoidal area as divisor):\n%s", lang, want, txt)
		}
	}
}

// A drawn piece far from the members, or wholly inside them, is listed with
// eligible=false, its reason and a kind, and is left out of the areas; the
// verdict is over every piece (issue 5: eligible = every piece eligible),
// so the zone is partial. Without those two pieces it is eligible.
func TestLeftoverVerdictCountsEveryPiece(t *testing.T) {
	p := mustProfile(t)
	in := LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(110, 0, 210, 100))},
		Pieces: []parcels.Piece{
			piece("S", rect(100, 0, 110, 100)),     // sandwiched, 1000 m²: eligible
			piece("far", rect(300, 300, 310, 310)), // touches nothing
			piece("in", rect(20, 20, 40, 40)),      // wholly inside member 1
		},
	}
	r, err := Leftover(p, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != VerdictPartial || math.Abs(r.LeftoverAreaM2-1000) > 1e-6 {
		t.Errorf("verdict %s with leftover %.2f m², want partial with 1000 m² (S only)\n%s", r.Verdict, r.LeftoverAreaM2, r.Text("en"))
	}
	only := in
	only.Pieces = in.Pieces[:1]
	if r2, err := Leftover(p, only); err != nil || r2.Verdict != VerdictEligible {
		t.Errorf("S alone: verdict %v (%v), want eligible", r2.Verdict, err)
	}
	far, inside := findPiece(t, r, "far"), findPiece(t, r, "in")
	if far.Eligible || far.Included || far.Kind != KindCorner || len(far.Reasons) == 0 {
		t.Errorf("far piece: %+v", far)
	}
	if inside.Eligible || inside.Included || inside.Kind != KindSandwiched || inside.KindZH != "夹心地" {
		t.Errorf("inside piece: eligible %v included %v kind %q", inside.Eligible, inside.Included, inside.Kind)
	}
	said := false
	for _, rs := range inside.Reasons {
		said = said || strings.Contains(rs.Message, "entirely inside members, nothing left to include") && rs.MessageZH != ""
	}
	if !said {
		t.Errorf("inside piece reason: %+v", inside.Reasons)
	}
	// Only non-candidates: nothing can be folded in.
	in.Pieces = in.Pieces[1:]
	if r, _ = Leftover(p, in); r.Verdict != VerdictIneligible {
		t.Errorf("only far and inside pieces: %s", r.Verdict)
	}
}

func TestLeftoverRemovalOverlappingDrawnPieces(t *testing.T) {
	p := mustProfile(t)
	// Members 300×100 = 30000 m². A [300,330]×[0,100] 3000 m² and B
	// [300,330]×[10,100] 2700 m² overlap: their union is 3000 m², not 5700.
	// Big [0,300]×[100,125] 7500 m². Once Big is removed the leftover is
	// 3000/33000 = 9.09% ≤ 10%; summing A and B would give 5700/35700 = 16%
	// and wrongly remove A too.
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 150, 100)), member(2, rect(150, 0, 300, 100))},
		Pieces: []parcels.Piece{piece("A", rect(300, 0, 330, 100)), piece("B", rect(300, 10, 330, 100)),
			piece("Big", rect(0, 100, 300, 125))},
	})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "leftover", r.LeftoverAreaM2, 10500, 0.01)
	if r.RatioPasses || findPiece(t, r, "A").Eligible || findPiece(t, r, "Big").Eligible {
		t.Errorf("ratio %v, A %v, Big %v", r.LeftoverRatio, findPiece(t, r, "A").Eligible, findPiece(t, r, "Big").Eligible)
	}
	if !slices.Equal(r.RemoveToPass, []string{"Big"}) || r.RatioAfterRemoval == nil {
		t.Fatalf("remove_to_pass = %v", r.RemoveToPass)
	}
	approx(t, "ratio after", *r.RatioAfterRemoval, 3000.0/33000, 1e-6)
}

// Review findings, each with hand-computed figures.
func TestLeftoverReviewCases(t *testing.T) {
	p := mustProfile(t)
	run := func(t *testing.T, in LeftoverInput) *LeftoverReport {
		t.Helper()
		r, err := Leftover(p, in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// An L of members [0,200]×[0,100] and [0,100]×[100,200]: its hull pocket
	// is the triangle (100,100) (200,100) (100,200), 5000 m² = 7.5 亩; ratio
	// 5000 / 35000 = 14.29 %: ineligible. A drawn triangle inside the pocket
	// that touches no member must leave D1 and its verdict as they were.
	t.Run("non-touching drawn piece does not shrink a detected pocket", func(t *testing.T) {
		l := LeftoverInput{Detect: true, Members: []*parcels.Parcel{member(1, rect(0, 0, 200, 100)), member(2, rect(0, 100, 100, 200))}}
		base := run(t, l)
		x := l
		x.Pieces = []parcels.Piece{piece("X", poly([]orb.Point{{105, 105}, {195, 105}, {105, 195}}))}
		with := run(t, x)
		d0, d1 := findPiece(t, base, "D1"), findPiece(t, with, "D1")
		approx(t, "D1 alone", d0.AreaM2, 5000, 1e-6)
		approx(t, "D1 beside X", d1.AreaM2, 5000, 1e-6)
		approx(t, "ratio beside X", with.LeftoverRatio, 5000.0/35000, 1e-12)
		if d0.Eligible || d1.Eligible || findPiece(t, with, "X").Eligible || with.Verdict != VerdictIneligible {
			t.Errorf("verdicts: D1 %v/%v, X %v, zone %s; want all ineligible", d0.Eligible, d1.Eligible, findPiece(t, with, "X").Eligible, with.Verdict)
		}
	})
	// A piece of two parts, one against member [0,100]² (1000 m²), one 900 m
	// away: two pieces M-1 (eligible) and M-2 (touches nothing); only M-1
	// counts: leftover 1000, merged 11000, zone partial.
	t.Run("multipart piece is split", func(t *testing.T) {
		m := append(rect(100, 0, 110, 100), rect(1000, 0, 1010, 100)...)
		r := run(t, LeftoverInput{Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))}, Pieces: []parcels.Piece{piece("M", m)}})
		m1, m2 := findPiece(t, r, "M-1"), findPiece(t, r, "M-2")
		if !m1.Eligible || m2.Eligible || m1.SplitFrom != "M" || m2.SplitFrom != "M" || r.Verdict != VerdictPartial {
			t.Errorf("M-1 eligible %v, M-2 eligible %v, split from %q/%q, verdict %s", m1.Eligible, m2.Eligible, m1.SplitFrom, m2.SplitFrom, r.Verdict)
		}
		approx(t, "leftover", r.LeftoverAreaM2, 1000, 1e-6)
		approx(t, "merged", r.MergedAreaM2, 11000, 1e-6)
	})
	// A 1950 m² remnant [0,130]×[100,115] and a 1948.5 m² one 0.1 m east of
	// it along member [0,300]×[0,100]: one piece of 3898.5 m² = 5.85 亩 for
	// the 3 亩 test, ratio 3898.5 / 33898.5 = 11.5 %: both ineligible.
	t.Run("a 10 cm cut does not make two small pieces", func(t *testing.T) {
		r := run(t, LeftoverInput{Members: []*parcels.Parcel{member(1, rect(0, 0, 300, 100))},
			Pieces: []parcels.Piece{piece("P1", rect(0, 100, 130, 115)), piece("P2", rect(130.1, 100, 260, 115))}})
		if len(r.Groups) != 1 || len(r.Groups[0].Pieces) != 2 || r.Verdict != VerdictIneligible {
			t.Fatalf("groups %+v, verdict %s; want one group of both, ineligible", r.Groups, r.Verdict)
		}
		approx(t, "group", r.Groups[0].AreaM2, 3898.5, 1e-6)
	})
	// Two equal 1950 m² pieces side by side: together 3900 m² and 11.5 %,
	// so one must go; the tie is broken by id, not by float noise: P1.
	t.Run("removal ties go by id", func(t *testing.T) {
		r := run(t, LeftoverInput{Members: []*parcels.Parcel{member(1, rect(0, 0, 300, 100))},
			Pieces: []parcels.Piece{piece("P2", rect(130, 100, 260, 115)), piece("P1", rect(0, 100, 130, 115))}})
		if fmt.Sprint(r.RemoveToPass) != "[P1]" {
			t.Errorf("remove_to_pass %v, want [P1]", r.RemoveToPass)
		}
	})
	// Two drawn pieces of 600 m² overlapping by 200 m² along member [0,100]²:
	// leftover 1000 m² and a note saying the 200 m² is counted once.
	t.Run("overlapping drawn pieces are noted", func(t *testing.T) {
		r := run(t, LeftoverInput{Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100))},
			Pieces: []parcels.Piece{piece("A", rect(100, 0, 110, 60)), piece("B", rect(100, 40, 110, 100))}})
		approx(t, "leftover", r.LeftoverAreaM2, 1000, 1e-6)
		found := false
		for _, n := range r.Notes {
			if n.Code == "pieces_overlap" && strings.Contains(n.MessageZH, "200.00") && strings.Contains(n.Message, "200.00") {
				found = true
			}
		}
		if !found {
			t.Errorf("no pieces_overlap note of 200.00 m²: %+v", r.Notes)
		}
	})
}

// English text carries no full-width punctuation (clause labels come from
// the profile as （十七）): it reads "(十七)".
func TestEnglishTextPunctuation(t *testing.T) {
	p := mustProfile(t)
	lr, err := Leftover(p, LeftoverInput{Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(110, 0, 210, 100))},
		Pieces: []parcels.Piece{piece("S", rect(100, 0, 110, 100)), piece("far", rect(300, 300, 310, 310))}})
	if err != nil {
		t.Fatal(err)
	}
	ir, err := Indicators(p, SiteInput{Site: rect(0, 0, 300, 300), ParkType: ParkRedevelopment,
		Buildings: []*parcels.Building{{Meta: parcels.Meta{ID: 1}, Use: parcels.UseProduction, Floors: 2, HeightM: 12, Geometry: rect(10, 10, 110, 110)}}})
	if err != nil {
		t.Fatal(err)
	}
	for name, txt := range map[string]string{"leftover": lr.Text("en"), "indicators": ir.Text("en")} {
		if i := strings.IndexAny(txt, "（）；：，、"); i >= 0 {
			t.Errorf("%s English text has full-width punctuation at %q:\n%s", name, txt[max(0, i-30):min(len(txt), i+30)], txt)
		}
		if !strings.Contains(txt, "(") {
			t.Errorf("%s English text cites no clause:\n%s", name, txt)
		}
	}
	// So do the English messages of the JSON.
	var msgs []string
	for _, pc := range lr.Pieces {
		for _, rs := range pc.Reasons {
			msgs = append(msgs, rs.Message)
		}
	}
	for _, n := range lr.Notes {
		msgs = append(msgs, n.Message)
	}
	for _, c := range ir.Checks {
		msgs = append(msgs, c.Message)
	}
	msgs = append(msgs, lr.Lease.Message)
	for _, m := range msgs {
		if strings.ContainsAny(m, "（）；：，、") {
			t.Errorf("English message with full-width punctuation: %q", m)
		}
	}
	if zh := lr.Text("zh"); !strings.Contains(zh, "（十七）") {
		t.Errorf("Chinese text lost its clause label:\n%s", zh)
	}
}
