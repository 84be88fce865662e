package planning

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"landplan/geo"
	"landplan/parcels"
)

// LeftoverInput is a merged redevelopment zone for clause (十七): member
// parcels, drawn pieces, and the registered parcels nearby (Others), which
// gap detection uses to leave out land someone else already holds. All
// geometries are CGCS2000 lon/lat. Members need distinct non-zero ids.
type LeftoverInput struct {
	Members []*parcels.Parcel
	Pieces  []parcels.Piece
	Detect  bool
	Others  []*parcels.Parcel
}

// Contact is a shared boundary between a piece and one member.
type Contact struct {
	Member  int64   `json:"member"`
	LengthM float64 `json:"length_m"`
}

// Reason is one rule applied to a piece, with the numbers it used.
type Reason struct {
	Rule      string             `json:"rule"`
	Clause    string             `json:"clause"`
	Status    Status             `json:"status"` // pass | fail | warn (a notice, e.g. clipping)
	Numbers   map[string]float64 `json:"numbers,omitempty"`
	Message   string             `json:"message"`
	MessageZH string             `json:"message_zh"`
}

// Piece kinds.
const (
	KindSandwiched = "sandwiched" // 夹心地: mostly enclosed by members
	KindCorner     = "corner"     // 边角地: a corner or edge remnant
)

// PieceReport is one leftover piece as judged.
type PieceReport struct {
	ID              string            `json:"id"`
	Name            string            `json:"name,omitempty"`
	Detected        bool              `json:"detected"`
	SplitFrom       string            `json:"split_from,omitempty"` // the drawn piece this is one part of
	Geometry        *geojson.Geometry `json:"geometry"`             // lon/lat, after clipping
	AreaM2          float64           `json:"area_m2"`
	AreaMu          float64           `json:"area_mu"`
	EllipsoidalArea float64           `json:"ellipsoidal_area_m2"`
	PerimeterM      float64           `json:"perimeter_m"`
	Kind            string            `json:"kind"`
	KindZH          string            `json:"kind_zh"`
	Enclosure       float64           `json:"enclosure"` // shared boundary ÷ perimeter
	Touches         []int64           `json:"touches"`
	Contacts        []Contact         `json:"contacts"`
	SharedBoundaryM float64           `json:"shared_boundary_m"`
	Included        bool              `json:"included"` // touches a member: counted in merged and leftover areas
	Group           string            `json:"group,omitempty"`
	Clipped         bool              `json:"clipped"`
	DrawnAreaM2     float64           `json:"drawn_area_m2,omitempty"` // before clipping, when clipped
	Eligible        bool              `json:"eligible"`
	Reasons         []Reason          `json:"reasons"`

	plane          orb.MultiPolygon
	longestContact float64 // longest boundary along one member, touching or not
}

// Group is a set of pieces that touch each other, measured together for the
// single-piece (3 亩) test so one remnant cannot be split to pass it.
type Group struct {
	ID         string   `json:"id"`
	Pieces     []string `json:"pieces"`
	AreaM2     float64  `json:"area_m2"`
	AreaMu     float64  `json:"area_mu"`
	WithinMax  bool     `json:"within_piece_max"`
	Near       bool     `json:"near_threshold,omitempty"`
	EllAreaM2  *float64 `json:"ellipsoidal_area_m2,omitempty"`
	basisAreaR float64
}

// MemberRow is one member parcel as used.
type MemberRow struct {
	ID         int64        `json:"id"`
	Code       string       `json:"code,omitempty"`
	Name       string       `json:"name,omitempty"`
	AreaM2     float64      `json:"area_m2"`
	LandSource string       `json:"land_source"`
	LeaseEnd   parcels.Date `json:"lease_end"`
}

// Note is a zone-level remark (overlapping members, what was not checked).
type Note struct {
	Code      string `json:"code"`
	Clause    string `json:"clause,omitempty"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
}

// LeftoverReport is the clause (十七) report for a merged zone.
type LeftoverReport struct {
	Profile     string `json:"profile"`
	ZoneEPSG    int    `json:"zone_epsg"`
	AreaBasis   string `json:"area_basis"`
	Clause      string `json:"clause"`
	Denominator string `json:"denominator"` // merged | members
	OrReading   string `json:"or_reading"`  // either | both

	Members          []MemberRow `json:"members"`
	MembersSumAreaM2 float64     `json:"members_sum_area_m2"` // Σ member areas, overlaps counted twice
	MembersAreaM2    float64     `json:"members_area_m2"`     // union of the members
	MergedAreaM2     float64     `json:"merged_area_m2"`      // union of members and included pieces
	LeftoverAreaM2   float64     `json:"leftover_area_m2"`    // union of included pieces
	LeftoverAreaMu   float64     `json:"leftover_area_mu"`

	LeftoverRatio        float64 `json:"leftover_ratio"` // on the profile's denominator
	LeftoverRatioMerged  float64 `json:"leftover_ratio_merged"`
	LeftoverRatioMembers float64 `json:"leftover_ratio_members"`
	RatioMax             float64 `json:"ratio_max"`
	PieceMaxMu           float64 `json:"piece_max_mu"`
	RatioPasses          bool    `json:"ratio_passes"`
	Near                 bool    `json:"near_threshold"`

	MembersEllipsoidalAreaM2  float64 `json:"members_ellipsoidal_area_m2"`
	MergedEllipsoidalAreaM2   float64 `json:"merged_ellipsoidal_area_m2"`
	LeftoverEllipsoidalAreaM2 float64 `json:"leftover_ellipsoidal_area_m2"`

	Pieces []PieceReport `json:"pieces"`
	Groups []Group       `json:"groups"`

	Verdict      string   `json:"verdict"` // eligible | partial | ineligible
	VerdictZH    string   `json:"verdict_zh"`
	RemoveToPass []string `json:"remove_to_pass"` // empty when nothing needs removing
	// RatioAfterRemoval is the leftover ratio once RemoveToPass is removed.
	RatioAfterRemoval *float64 `json:"ratio_after_removal,omitempty"`

	Lease LeaseReport `json:"lease"`
	Flags []Flag      `json:"flags"`
	Notes []Note      `json:"notes"`

	MergedGeometry *geojson.Geometry `json:"merged_geometry"`

	// basis areas, rounded, as the tests used them
	membersR, mergedR, leftoverR float64
}

// Zone verdicts.
//
// | piece | eligible | counted in the areas and the ratio |
// |---|---|---|
// | touches a member along a boundary (included) | by the 3 亩 / 10% tests | yes |
// | touches no member (far, or a corner only) | false, reason leftover_touch | no |
// | drawn wholly inside the members (empty once clipped) | false, reason leftover_within_members | no |
//
// The verdict follows issue 5 to the letter: eligible when every piece is
// eligible, ineligible when none is, partial otherwise; so a piece drawn
// away from the members makes the zone partial, and its reason says why.
// No pieces at all: eligible, with a no_pieces note.
const (
	VerdictEligible   = "eligible"
	VerdictPartial    = "partial"
	VerdictIneligible = "ineligible"
)

var verdictZH = map[string]string{VerdictEligible: "可纳入", VerdictPartial: "部分可纳入", VerdictIneligible: "不可纳入"}

// Leftover judges the leftover pieces of a merged zone under clause (十七)
// as CLAUSES.md interprets it. The result does not depend on the order of
// members, pieces or others.
func Leftover(p *Profile, in LeftoverInput) (*LeftoverReport, error) {
	if p == nil {
		return nil, fmt.Errorf("planning: no profile")
	}
	z := p.GeoZone()
	clause := p.LeftoverRatioMax.Clause
	if len(in.Members) == 0 {
		return nil, parcels.Errorf(parcels.EINVALID, "联合改造片区至少需要一宗成员宗地", "a zone needs at least one member parcel")
	}
	members := slices.Clone(in.Members)
	seen := map[int64]bool{}
	for i, m := range members {
		if m == nil || len(m.Geometry) == 0 {
			return nil, parcels.Errorf(parcels.EINVALID, fmt.Sprintf("第 %d 宗成员宗地缺少几何", i+1), "member %d has no geometry", i+1)
		}
		if m.ID == 0 {
			return nil, parcels.Errorf(parcels.EINVALID, fmt.Sprintf("第 %d 宗成员宗地缺少编号（id）", i+1), "member %d has no id: members need distinct non-zero ids", i+1)
		}
		if seen[m.ID] {
			return nil, parcels.Errorf(parcels.EINVALID, fmt.Sprintf("成员宗地 %d 重复", m.ID), "member %d is listed twice", m.ID)
		}
		seen[m.ID] = true
	}
	slices.SortFunc(members, func(a, b *parcels.Parcel) int { return cmp.Compare(a.ID, b.ID) })

	r := &LeftoverReport{Profile: p.Name, ZoneEPSG: z.EPSG(), AreaBasis: p.AreaBasis, Clause: clause,
		Denominator: p.LeftoverDenominator.Value, OrReading: p.LeftoverOr.Value,
		RatioMax: p.LeftoverRatioMax.Value, PieceMaxMu: p.LeftoverPieceMaxMu.Value,
		Pieces: []PieceReport{}, Groups: []Group{}, Flags: []Flag{}, Notes: []Note{}, RemoveToPass: []string{}}

	mem := make([]orb.MultiPolygon, len(members))
	for i, m := range members {
		mem[i] = z.Project(m.Geometry)
		a := geo.PlaneArea(mem[i])
		r.MembersSumAreaM2 += a
		r.Members = append(r.Members, MemberRow{ID: m.ID, Code: m.Code, Name: m.Name, AreaM2: a, LandSource: string(m.LandSource), LeaseEnd: m.LeaseEnd})
	}
	U, err := geo.Union(mem...)
	if err != nil {
		return nil, fmt.Errorf("planning: union of members: %w", err)
	}
	r.MembersAreaM2 = geo.PlaneArea(U)
	if ov := r.MembersSumAreaM2 - r.MembersAreaM2; ov >= p.AreaPrecisionM2 {
		r.Notes = append(r.Notes, Note{Code: "members_overlap", Clause: clause,
			Message:   fmt.Sprintf("member parcels overlap by %.2f m² (Σ member areas %.2f m² − their union %.2f m²): the overlap is counted once", ov, r.MembersSumAreaM2, r.MembersAreaM2),
			MessageZH: fmt.Sprintf("成员宗地之间重叠 %.2f 平方米（各宗面积之和 %.2f − 并集面积 %.2f），重叠部分只计一次", ov, r.MembersSumAreaM2, r.MembersAreaM2)})
	}
	memIdx := newIndex(mem)

	// Drawn pieces: ids, then clipping to the land outside the members.
	pieces, err := drawnPieces(p, in.Pieces, mem, memIdx)
	if err != nil {
		return nil, err
	}
	if err := warnRegistered(p, pieces, members, in.Others); err != nil {
		return nil, err
	}
	// Drawn pieces are measured first: only those that touch a member are
	// land the zone claims, so only they keep a detected pocket from
	// claiming the same land. A drawn piece that touches nothing must not
	// change the rest of the report.
	if err := measureTouches(p, pieces, members, mem, memIdx, U); err != nil {
		return nil, err
	}
	nDrawn := len(pieces)
	if in.Detect {
		var claimed []PieceReport
		for _, pc := range pieces {
			if pc.Included {
				claimed = append(claimed, pc)
			}
		}
		det, err := detectPieces(p, U, members, in.Others, claimed)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, det...)
	}

	// The merged zone is the members' union with the pieces that touch
	// them. Most pieces do, so while the touches are measured the union
	// with every piece is computed alongside (it is the slowest overlay
	// left); it is kept if every piece turns out to touch.
	var spec []orb.MultiPolygon
	for _, pc := range pieces {
		if pc.AreaM2 >= p.AreaPrecisionM2 {
			spec = append(spec, pc.plane)
		}
	}
	var specMerged orb.MultiPolygon
	var specErr error
	specDone := make(chan struct{})
	go func() {
		defer close(specDone)
		if len(spec) > 0 {
			specMerged, specErr = geo.Union(append([]orb.MultiPolygon{U}, spec...)...)
		}
	}()
	err = measureTouches(p, pieces[nDrawn:], members, mem, memIdx, U)
	<-specDone
	if err != nil {
		return nil, err
	}

	// Adjacency between included pieces, for grouping.
	adj, err := pieceAdjacency(p, pieces)
	if err != nil {
		return nil, err
	}

	// Zone areas.
	var inc []orb.MultiPolygon
	for _, pc := range pieces {
		if pc.Included {
			inc = append(inc, pc.plane)
		}
	}
	merged := U
	if len(inc) > 0 {
		// On the plane basis the area of overlap-free pieces is the sum of
		// theirs, exactly, and the ellipsoidal figure is the sum too: it
		// differs from the ellipsoidal area of their union by under 1e-3 m²
		// (shared edges walked through other vertices), below the 0.01 m²
		// precision. The ellipsoidal basis, or overlapping drawn pieces,
		// keep the overlay.
		disjoint := false
		if p.AreaBasis != "ellipsoidal" {
			if disjoint, err = overlapFree(pieces, included(pieces)); err != nil {
				return nil, err
			}
		}
		if disjoint {
			for _, pc := range pieces {
				if pc.Included {
					r.LeftoverAreaM2 += pc.AreaM2
					r.LeftoverEllipsoidalAreaM2 += pc.EllipsoidalArea
				}
			}
		} else {
			lu, err := geo.Union(inc...)
			if err != nil {
				return nil, fmt.Errorf("planning: union of pieces: %w", err)
			}
			r.LeftoverAreaM2 = geo.PlaneArea(lu)
			r.LeftoverEllipsoidalAreaM2 = geo.EllipsoidalArea(z.Unproject(lu))
			sum := 0.0
			for _, pc := range pieces {
				if pc.Included {
					sum += pc.AreaM2
				}
			}
			if ov := sum - r.LeftoverAreaM2; ov >= p.AreaPrecisionM2 {
				r.Notes = append(r.Notes, Note{Code: "pieces_overlap", Clause: clause,
					Message:   fmt.Sprintf("drawn pieces overlap by %.2f m² (Σ piece areas %.2f m² − their union %.2f m²): the overlap is counted once", ov, sum, r.LeftoverAreaM2),
					MessageZH: fmt.Sprintf("所绘零星地块之间重叠 %.2f 平方米（各块面积之和 %.2f − 并集面积 %.2f），重叠部分只计一次", ov, sum, r.LeftoverAreaM2)})
			}
		}
		if len(inc) == len(spec) {
			merged, err = specMerged, specErr
		} else {
			merged, err = geo.Union(append([]orb.MultiPolygon{U}, inc...)...)
		}
		if err != nil {
			return nil, fmt.Errorf("planning: union of members and pieces: %w", err)
		}
	}
	r.LeftoverAreaMu = geo.MuFromM2(r.LeftoverAreaM2)
	r.MergedAreaM2 = geo.PlaneArea(merged)
	mergedLL := z.Unproject(merged)
	r.MergedGeometry = geojson.NewGeometry(mergedLL)
	r.MergedEllipsoidalAreaM2 = geo.EllipsoidalArea(mergedLL)
	r.MembersEllipsoidalAreaM2 = geo.EllipsoidalArea(z.Unproject(U))

	basis := func(plane, ell float64) float64 {
		if p.AreaBasis == "ellipsoidal" {
			return roundTo(ell, p.AreaPrecisionM2)
		}
		return roundTo(plane, p.AreaPrecisionM2)
	}
	r.membersR = basis(r.MembersAreaM2, r.MembersEllipsoidalAreaM2)
	r.mergedR = basis(r.MergedAreaM2, r.MergedEllipsoidalAreaM2)
	r.leftoverR = basis(r.LeftoverAreaM2, r.LeftoverEllipsoidalAreaM2)
	r.LeftoverRatioMerged = r.leftoverR / r.mergedR
	r.LeftoverRatioMembers = r.leftoverR / r.membersR
	r.LeftoverRatio = r.LeftoverRatioMerged
	if r.Denominator == DenominatorMembers {
		r.LeftoverRatio = r.LeftoverRatioMembers
	}
	r.RatioPasses = leq(r.LeftoverRatio, r.RatioMax)
	r.Near = p.near(r.LeftoverRatio, r.RatioMax)

	// Groups and eligibility.
	groups, groupOf, err := buildGroups(p, pieces, adj, included(pieces))
	if err != nil {
		return nil, err
	}
	r.Groups = groups
	for i := range pieces {
		pc := &pieces[i]
		if g := groupOf[i]; g >= 0 {
			pc.Group = groups[g].ID
		}
		r.judge(p, pc, groupOf[i])
	}
	r.Pieces = pieces

	// Verdict, over every piece; see Zone verdicts.
	ne := 0
	for _, pc := range pieces {
		if pc.Eligible {
			ne++
		}
	}
	switch {
	case ne == len(pieces):
		r.Verdict = VerdictEligible
	case ne == 0:
		r.Verdict = VerdictIneligible
	default:
		r.Verdict = VerdictPartial
	}
	r.VerdictZH = verdictZH[r.Verdict]
	if len(pieces) == 0 {
		r.Notes = append(r.Notes, Note{Code: "no_pieces", Clause: clause,
			Message: "no leftover pieces were drawn or detected: nothing to fold in", MessageZH: "未绘制或检测到零星地块，无需纳入"})
	}
	if !r.RatioPasses {
		if err := r.removal(p, pieces, adj); err != nil {
			return nil, err
		}
	}

	r.Lease, r.Flags = alignLeases(clause, members)
	if r.Flags == nil {
		r.Flags = []Flag{}
	}
	r.Notes = append(r.Notes, Note{Code: "planning_conformity_not_checked", Clause: clause,
		Message:   fmt.Sprintf("clause %s also requires the pieces to conform to the plan (符合规划要求): that is not checked here", clause),
		MessageZH: fmt.Sprintf("第%s条还要求“符合规划要求”，本报告未核查规划符合性", clause)})
	// English messages cite clause labels such as （十七）: ASCII brackets.
	for i := range r.Pieces {
		for j := range r.Pieces[i].Reasons {
			r.Pieces[i].Reasons[j].Message = englishPunctuation(true, r.Pieces[i].Reasons[j].Message)
		}
	}
	for i := range r.Notes {
		r.Notes[i].Message = englishPunctuation(true, r.Notes[i].Message)
	}
	r.Lease.Message = englishPunctuation(true, r.Lease.Message)
	for i := range r.Lease.Members {
		r.Lease.Members[i].Message = englishPunctuation(true, r.Lease.Members[i].Message)
	}
	for i := range r.Flags {
		r.Flags[i].Message = englishPunctuation(true, r.Flags[i].Message)
	}
	return r, nil
}

// measureTouches finds, for each piece, the members it touches along a
// boundary (not a mere corner), its shared boundary and its kind.
func measureTouches(p *Profile, pieces []PieceReport, members []*parcels.Parcel, mem []orb.MultiPolygon, memIdx *index, U orb.MultiPolygon) error {
	for i := range pieces {
		pc := &pieces[i]
		if pc.AreaM2 < p.AreaPrecisionM2 {
			// Drawn wholly inside the members: enclosed by them, so a
			// sandwiched piece with nothing left once clipped.
			pc.Kind, pc.KindZH = KindSandwiched, "夹心地"
			continue
		}
		near := memIdx.near(pc.plane.Bound().Pad(p.SnapToleranceM))
		nearG := make([]orb.MultiPolygon, len(near))
		for k, j := range near {
			nearG[k] = mem[j]
		}
		ls, err := geo.SharedBoundaryLengths(pc.plane, nearG, p.SnapToleranceM)
		if err != nil {
			return err
		}
		var local []orb.MultiPolygon
		for k, j := range near {
			l := ls[k]
			pc.longestContact = math.Max(pc.longestContact, l)
			if l >= p.MinSharedBoundaryM {
				pc.Touches = append(pc.Touches, members[j].ID)
				pc.Contacts = append(pc.Contacts, Contact{Member: members[j].ID, LengthM: l})
				local = append(local, mem[j])
			}
		}
		if len(local) > 0 {
			// Measured against the union of the touched members so that a
			// boundary along two overlapping members counts once. A piece
			// touching many members (a street network) uses the members'
			// union already at hand rather than a new overlay.
			lu := local[0]
			if len(local) > 8 {
				lu = U
			} else if len(local) > 1 {
				if lu, err = geo.Union(local...); err != nil {
					return fmt.Errorf("planning: piece %s: %w", pc.ID, err)
				}
			}
			if pc.SharedBoundaryM, err = geo.SharedBoundaryLength(pc.plane, lu, p.SnapToleranceM); err != nil {
				return err
			}
		}
		pc.Included = len(pc.Touches) > 0
		if pc.PerimeterM > 0 {
			pc.Enclosure = math.Min(1, pc.SharedBoundaryM/pc.PerimeterM)
		}
		if pc.Included && pc.Enclosure >= p.SandwichedMinEnclosure {
			pc.Kind, pc.KindZH = KindSandwiched, "夹心地"
		} else {
			pc.Kind, pc.KindZH = KindCorner, "边角地"
		}
	}

	return nil
}

// drawnPieces assigns ids (the caller's, else P1, P2… in geometry order, so
// the ids do not depend on input order), projects and clips each piece to
// the land outside the members.
func drawnPieces(p *Profile, in []parcels.Piece, mem []orb.MultiPolygon, idx *index) ([]PieceReport, error) {
	z := p.GeoZone()
	out := make([]PieceReport, 0, len(in))
	used := map[string]bool{}
	for i, pc := range in {
		if len(pc.Geometry) == 0 {
			return nil, parcels.Errorf(parcels.EINVALID, fmt.Sprintf("第 %d 块零星地块缺少几何", i+1), "piece %d has no geometry", i+1)
		}
		if pc.ID != "" {
			if used[pc.ID] {
				return nil, parcels.Errorf(parcels.EINVALID, fmt.Sprintf("零星地块编号 %q 重复", pc.ID), "piece id %q is used twice", pc.ID)
			}
			used[pc.ID] = true
		}
	}
	var unnamed []PieceReport
	for _, pc := range in {
		pr := PieceReport{ID: pc.ID, Name: pc.Name, plane: z.Project(pc.Geometry), Geometry: geojson.NewGeometry(pc.Geometry)}
		if pc.ID == "" {
			unnamed = append(unnamed, pr)
		} else {
			out = append(out, pr)
		}
	}
	sortByGeometry(unnamed)
	n := 0
	for i := range unnamed {
		for {
			n++
			if id := "P" + strconv.Itoa(n); !used[id] {
				unnamed[i].ID = id
				used[id] = true
				break
			}
		}
	}
	out = append(out, unnamed...)
	slices.SortFunc(out, func(a, b PieceReport) int { return cmp.Compare(a.ID, b.ID) })

	clause := p.LeftoverRatioMax.Clause
	for i := range out {
		pc := &out[i]
		pc.AreaM2 = geo.PlaneArea(pc.plane)
		var over []orb.MultiPolygon
		overArea := 0.0
		for _, j := range idx.near(pc.plane.Bound()) {
			a, err := geo.IntersectionArea(pc.plane, mem[j])
			if err != nil {
				return nil, fmt.Errorf("planning: piece %s ∩ member: %w", pc.ID, err)
			}
			if a > 0 {
				over = append(over, mem[j])
				overArea += a
			}
		}
		if len(over) > 0 {
			mu, err := geo.Union(over...)
			if err != nil {
				return nil, err
			}
			clipped, err := geo.Difference(pc.plane, mu)
			if err != nil {
				return nil, fmt.Errorf("planning: clipping piece %s: %w", pc.ID, err)
			}
			after := geo.PlaneArea(clipped)
			if pc.AreaM2-after >= p.AreaPrecisionM2 {
				pc.Clipped, pc.DrawnAreaM2 = true, pc.AreaM2
				pc.Reasons = append(pc.Reasons, Reason{Rule: "clipped", Clause: clause, Status: StatusWarn,
					Numbers:   map[string]float64{"drawn_area_m2": pc.AreaM2, "overlap_m2": pc.AreaM2 - after, "area_m2": after},
					Message:   fmt.Sprintf("the drawn piece (%.2f m²) overlaps member parcels by %.2f m²: only the %.2f m² outside the members is a leftover piece", pc.AreaM2, pc.AreaM2-after, after),
					MessageZH: fmt.Sprintf("所绘地块（%.2f 平方米）与成员宗地重叠 %.2f 平方米，仅成员宗地以外的 %.2f 平方米计为零星地块", pc.AreaM2, pc.AreaM2-after, after)})
			}
			pc.plane = geo.Clean(clipped, spikeTolM)
			pc.AreaM2 = after
			pc.Geometry = geojson.NewGeometry(z.Unproject(clipped))
		}
	}
	out = splitParts(p, out, used)
	for i := range out {
		finishPiece(z, &out[i])
	}
	return out, nil
}

// splitParts makes each part of a multipart piece (drawn so, or cut in two
// by clipping) a piece of its own, ids ID-1, ID-2… in geometry order: land
// in two places is two pieces, each of which must touch a member and pass
// the tests itself.
func splitParts(p *Profile, pieces []PieceReport, used map[string]bool) []PieceReport {
	z := p.GeoZone()
	var out []PieceReport
	for _, pc := range pieces {
		if len(pc.plane) <= 1 {
			out = append(out, pc)
			continue
		}
		parts := make([]PieceReport, len(pc.plane))
		for k, poly := range pc.plane {
			g := orb.MultiPolygon{poly}
			parts[k] = pc
			parts[k].plane, parts[k].AreaM2 = g, geo.PlaneArea(g)
			parts[k].Geometry = geojson.NewGeometry(z.Unproject(g))
			parts[k].SplitFrom = pc.ID
		}
		sortByGeometry(parts)
		ids := make([]string, len(parts))
		for k := range parts {
			id := fmt.Sprintf("%s-%d", pc.ID, k+1)
			for n := 1; used[id]; n++ {
				id = fmt.Sprintf("%s-%d.%d", pc.ID, k+1, n)
			}
			used[id] = true
			parts[k].ID, ids[k] = id, id
		}
		for k := range parts {
			parts[k].Reasons = append(slices.Clone(pc.Reasons), Reason{Rule: "split", Clause: p.LeftoverRatioMax.Clause, Status: StatusWarn,
				Numbers:   map[string]float64{"parts": float64(len(parts)), "area_m2": parts[k].AreaM2},
				Message:   fmt.Sprintf("piece %s consists of %d separate parts, judged one by one as %s", pc.ID, len(parts), strings.Join(ids, ", ")),
				MessageZH: fmt.Sprintf("地块 %s 由 %d 块互不相连的土地组成，分别计为 %s 逐块判定", pc.ID, len(parts), strings.Join(ids, "、"))})
			out = append(out, parts[k])
		}
	}
	slices.SortFunc(out, func(a, b PieceReport) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func finishPiece(z geo.Zone, pc *PieceReport) {
	pc.AreaMu = geo.MuFromM2(pc.AreaM2)
	pc.PerimeterM = perimeter(pc.plane)
	if pc.AreaM2 > 0 {
		pc.EllipsoidalArea = geo.EllipsoidalArea(z.Unproject(pc.plane))
	}
	pc.Touches, pc.Contacts = []int64{}, []Contact{}
}

// warnRegistered notes, on each drawn piece, the registered parcels (Others)
// it overlaps: land someone else holds is not leftover land, which the
// bureau must resolve. It does not change eligibility.
func warnRegistered(p *Profile, pieces []PieceReport, members, others []*parcels.Parcel) error {
	z := p.GeoZone()
	isMember := map[int64]bool{}
	for _, m := range members {
		isMember[m.ID] = true
	}
	os := slices.Clone(others)
	slices.SortStableFunc(os, func(a, b *parcels.Parcel) int { return cmp.Compare(a.ID, b.ID) })
	for i := range pieces {
		pc := &pieces[i]
		if len(pc.plane) == 0 {
			continue
		}
		b := pc.plane.Bound()
		for _, o := range os {
			if o == nil || len(o.Geometry) == 0 || isMember[o.ID] || !o.Geometry.Bound().Intersects(pc.Geometry.Geometry().Bound()) {
				continue
			}
			g := z.Project(o.Geometry)
			if !g.Bound().Intersects(b) {
				continue
			}
			a, err := geo.IntersectionArea(pc.plane, g)
			if err != nil {
				return fmt.Errorf("planning: piece %s ∩ parcel %d: %w", pc.ID, o.ID, err)
			}
			if a >= p.AreaPrecisionM2 {
				pc.Reasons = append(pc.Reasons, Reason{Rule: "overlaps_registered", Clause: p.LeftoverRatioMax.Clause, Status: StatusWarn,
					Numbers:   map[string]float64{"parcel_id": float64(o.ID), "overlap_m2": a},
					Message:   fmt.Sprintf("the piece overlaps registered parcel %d by %.2f m²: that land is held by someone else, not leftover land", o.ID, a),
					MessageZH: fmt.Sprintf("该地块与已登记宗地 %d 重叠 %.2f 平方米：该部分已有权属，不属于零星地块，需核实", o.ID, a)})
			}
		}
	}
	return nil
}

// spikeTolM is the width (plane metres) below which planning treats a part
// of a piece as having no width. Straight lot lines through projection bow
// by up to ≈ 0.1 mm over a few tens of metres, so hull − union joins pockets
// by bridges that thin along member edges that are straight on paper; they
// add nothing to areas but would merge separate pockets into one piece and
// add phantom length to perimeters. 0.1 mm is far below survey precision.
const spikeTolM = 1e-4

// detectPieces finds the gaps of the zone: holes of the members' union and
// pockets between the union and its convex hull, minus land that other
// registered parcels or drawn pieces cover, keeping those above the
// profile's minimum area and width. Ids D1, D2… follow geometry order.
func detectPieces(p *Profile, U orb.MultiPolygon, members []*parcels.Parcel, others []*parcels.Parcel, drawn []PieceReport) ([]PieceReport, error) {
	z := p.GeoZone()
	// hull − U is, in one overlay, both the holes of the union (less any
	// member lying inside a hole) and the pockets between it and its hull.
	hull := geo.ConvexHull(U)
	if hull == nil {
		return nil, nil
	}
	// hull − U and the union of the land that covers part of it (other
	// parcels, drawn pieces) are independent overlays: run them side by side.
	isMember := map[int64]bool{}
	for _, m := range members {
		isMember[m.ID] = true
	}
	hb := hull.Bound()
	var cover []orb.MultiPolygon
	os := slices.Clone(others)
	slices.SortStableFunc(os, func(a, b *parcels.Parcel) int { return cmp.Compare(a.ID, b.ID) })
	for _, o := range os {
		if o == nil || len(o.Geometry) == 0 || (o.ID != 0 && isMember[o.ID]) {
			continue
		}
		g := z.Project(o.Geometry)
		if g.Bound().Intersects(hb) {
			cover = append(cover, g)
		}
	}
	for _, d := range drawn {
		if len(d.plane) > 0 && d.plane.Bound().Intersects(hb) {
			cover = append(cover, d.plane)
		}
	}
	var cu orb.MultiPolygon
	var cuErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if len(cover) > 0 {
			cu, cuErr = geo.Union(cover...)
		}
	}()
	cand, err := geo.Difference(orb.MultiPolygon{hull}, U)
	<-done
	if err != nil {
		return nil, fmt.Errorf("planning: hull minus members: %w", err)
	}
	if cuErr != nil {
		return nil, fmt.Errorf("planning: union of other parcels: %w", cuErr)
	}
	if len(cand) == 0 {
		return nil, nil
	}
	var rest orb.MultiPolygon
	for _, c := range cand {
		// Subtraction only shrinks a candidate: drop those already below the
		// minimum area before any further overlay.
		cm := orb.MultiPolygon{c}
		if geo.PlaneArea(cm) < p.MinPocketAreaM2 {
			continue
		}
		cmb := cm.Bound()
		var near orb.MultiPolygon
		for _, q := range cu {
			if q.Bound().Intersects(cmb) {
				near = append(near, q)
			}
		}
		if len(near) == 0 {
			rest = append(rest, cm...)
			continue
		}
		d, err := geo.Difference(cm, near)
		if err != nil {
			return nil, fmt.Errorf("planning: gap minus other parcels: %w", err)
		}
		rest = append(rest, d...)
	}
	var out []PieceReport
	for _, poly := range geo.Clean(rest, spikeTolM) {
		g := orb.MultiPolygon{poly}
		a := geo.PlaneArea(g)
		per := perimeter(g)
		if a < p.MinPocketAreaM2 || per == 0 || 2*a/per < p.MinPocketWidthM {
			continue
		}
		pc := PieceReport{Detected: true, plane: g, AreaM2: a, Geometry: geojson.NewGeometry(z.Unproject(g))}
		finishPiece(z, &pc)
		out = append(out, pc)
	}
	sortByGeometry(out)
	used := map[string]bool{}
	for _, d := range drawn {
		used[d.ID] = true
	}
	n := 0
	for i := range out {
		for n++; used["D"+strconv.Itoa(n)]; n++ {
		}
		out[i].ID = "D" + strconv.Itoa(n)
	}
	return out, nil
}

// groupGap is the distance below which two pieces are one piece of land for
// the 3 亩 test: the minimum pocket width, since a strip narrower than that
// is never land of its own (detection drops it) — splitting a remnant with
// a 10 cm cut must not get each half under the limit. A piece must still
// abut a member within the snapping tolerance to touch it: both choices
// are the strict ones for the policy.
func groupGap(p *Profile) float64 {
	return math.Max(p.SnapToleranceM, p.MinPocketWidthM)
}

// pieceAdjacency lists pairs of pieces that touch along a boundary (within
// groupGap) or overlap.
func pieceAdjacency(p *Profile, pieces []PieceReport) ([][]int, error) {
	adj := make([][]int, len(pieces))
	tol := groupGap(p)
	for i := range pieces {
		if !pieces[i].Included {
			continue
		}
		bi := pieces[i].plane.Bound().Pad(tol)
		for j := i + 1; j < len(pieces); j++ {
			if !pieces[j].Included || !bi.Intersects(pieces[j].plane.Bound()) {
				continue
			}
			l, err := geo.SharedBoundaryLength(pieces[i].plane, pieces[j].plane, tol)
			if err != nil {
				return nil, err
			}
			touch := l >= p.MinSharedBoundaryM
			// Detected pieces are disjoint from every other piece by
			// construction; only two drawn pieces can overlap.
			if !touch && !pieces[i].Detected && !pieces[j].Detected {
				a, err := geo.IntersectionArea(pieces[i].plane, pieces[j].plane)
				if err != nil {
					return nil, err
				}
				touch = a >= p.AreaPrecisionM2
			}
			if touch {
				adj[i] = append(adj[i], j)
				adj[j] = append(adj[j], i)
			}
		}
	}
	return adj, nil
}

// buildGroups groups the active pieces that touch (when the profile groups),
// measures each group and returns groupOf (−1 for inactive pieces).
func buildGroups(p *Profile, pieces []PieceReport, adj [][]int, active []bool) ([]Group, []int, error) {
	z := p.GeoZone()
	groupOf := make([]int, len(pieces))
	for i := range groupOf {
		groupOf[i] = -1
	}
	var groups []Group
	for i := range pieces { // pieces are sorted by id: group ids follow
		if !active[i] || groupOf[i] >= 0 {
			continue
		}
		g := len(groups)
		members := []int{i}
		groupOf[i] = g
		if p.GroupTouchingPieces.Enabled {
			for k := 0; k < len(members); k++ {
				for _, j := range adj[members[k]] {
					if active[j] && groupOf[j] < 0 {
						groupOf[j] = g
						members = append(members, j)
					}
				}
			}
		}
		sort.Ints(members)
		gr := Group{ID: "G" + strconv.Itoa(g+1)}
		var gs []orb.MultiPolygon
		for _, m := range members {
			gr.Pieces = append(gr.Pieces, pieces[m].ID)
			gs = append(gs, pieces[m].plane)
		}
		u := gs[0]
		if len(gs) > 1 {
			var err error
			if u, err = geo.Union(gs...); err != nil {
				return nil, nil, err
			}
		}
		gr.AreaM2 = geo.PlaneArea(u)
		gr.AreaMu = geo.MuFromM2(gr.AreaM2)
		limit := p.muLimitM2(p.LeftoverPieceMaxMu.Value)
		plane := roundTo(gr.AreaM2, p.AreaPrecisionM2)
		gr.basisAreaR = plane
		gr.Near = p.near(plane, limit)
		if gr.Near || p.AreaBasis == "ellipsoidal" {
			e := geo.EllipsoidalArea(z.Unproject(u))
			gr.EllAreaM2 = &e
			if p.AreaBasis == "ellipsoidal" {
				gr.basisAreaR = roundTo(e, p.AreaPrecisionM2)
			}
		}
		gr.WithinMax = leq(gr.basisAreaR, limit)
		groups = append(groups, gr)
	}
	return groups, groupOf, nil
}

// judge sets a piece's eligibility and reasons.
func (r *LeftoverReport) judge(p *Profile, pc *PieceReport, g int) {
	clause := r.Clause
	if pc.AreaM2 < p.AreaPrecisionM2 {
		pc.Reasons = append(pc.Reasons, Reason{Rule: "leftover_within_members", Clause: clause, Status: StatusFail,
			Numbers:   map[string]float64{"drawn_area_m2": pc.DrawnAreaM2, "area_m2": pc.AreaM2},
			Message:   "the piece lies entirely inside members, nothing left to include",
			MessageZH: "该地块完全位于成员宗地范围内，裁剪后无剩余土地可纳入"})
		pc.Eligible = false
		return
	}
	if !pc.Included {
		pc.Reasons = append(pc.Reasons, Reason{Rule: "leftover_touch", Clause: clause, Status: StatusFail,
			Numbers:   map[string]float64{"longest_contact_m": pc.longestContact, "min_shared_boundary_m": p.MinSharedBoundaryM},
			Message:   fmt.Sprintf("the piece touches no member parcel along a boundary (longest contact %.2f m < %.2f m; a corner point is not enough): it is not land between the parcels and can never be folded in", pc.longestContact, p.MinSharedBoundaryM),
			MessageZH: fmt.Sprintf("该地块与任何成员宗地均无共用边界（最长接触 %.2f 米 < %.2f 米，仅角点相接不算），不属于“多宗土地之间”的零星地块，不可纳入", pc.longestContact, p.MinSharedBoundaryM)})
		pc.Eligible = false
		return
	}
	ids := make([]string, len(pc.Touches))
	for i, t := range pc.Touches {
		ids[i] = strconv.FormatInt(t, 10)
	}
	pc.Reasons = append(pc.Reasons, Reason{Rule: "leftover_touch", Clause: clause, Status: StatusPass,
		Numbers:   map[string]float64{"shared_boundary_m": pc.SharedBoundaryM, "perimeter_m": pc.PerimeterM, "enclosure": pc.Enclosure},
		Message:   fmt.Sprintf("%s: shares %.2f m of its %.2f m boundary (%s) with member(s) %s", pc.Kind, pc.SharedBoundaryM, pc.PerimeterM, pct(pc.Enclosure), strings.Join(ids, ", ")),
		MessageZH: fmt.Sprintf("%s：与成员宗地 %s 共用边界 %.2f 米，占其周长 %.2f 米的 %s", pc.KindZH, strings.Join(ids, "、"), pc.SharedBoundaryM, pc.PerimeterM, pct(pc.Enclosure))})

	gr := r.Groups[g]
	limitM2 := p.muLimitM2(r.PieceMaxMu)
	sizeR := Reason{Rule: "leftover_piece_size", Clause: p.LeftoverPieceMaxMu.Clause, Status: statusOf(gr.WithinMax, p.LeftoverPieceMaxMu),
		Numbers: map[string]float64{"group_area_m2": gr.basisAreaR, "group_area_mu": geo.MuFromM2(gr.basisAreaR), "limit_mu": r.PieceMaxMu, "limit_m2": limitM2, "margin_m2": limitM2 - gr.basisAreaR}}
	grp, grpZH := "", ""
	if len(gr.Pieces) > 1 {
		grp = fmt.Sprintf(" (group %s of pieces %s that touch or lie under %.2f m apart, measured together)", gr.ID, strings.Join(gr.Pieces, ", "), groupGap(p))
		grpZH = fmt.Sprintf("（与相接或间距小于 %.2f 米的地块 %s 合为 %s 合并计算）", groupGap(p), strings.Join(gr.Pieces, "、"), gr.ID)
	}
	sizeR.Message = fmt.Sprintf("single piece%s: %.2f m² = %.3f mu %s %g mu (%.2f m²)", grp, gr.basisAreaR, geo.MuFromM2(gr.basisAreaR), cmpWord(gr.WithinMax, "<=", ">"), r.PieceMaxMu, limitM2)
	sizeR.MessageZH = fmt.Sprintf("单幅面积%s：%.2f 平方米 = %.3f 亩 %s %g 亩（%.2f 平方米）", grpZH, gr.basisAreaR, geo.MuFromM2(gr.basisAreaR), cmpWord(gr.WithinMax, "≤", ">"), r.PieceMaxMu, limitM2)
	if gr.Near && gr.EllAreaM2 != nil {
		sizeR.Numbers["ellipsoidal_area_m2"] = *gr.EllAreaM2
		sizeR.Message += fmt.Sprintf("; near the limit: plane %.2f m², ellipsoidal %.2f m²", gr.AreaM2, *gr.EllAreaM2)
		sizeR.MessageZH += fmt.Sprintf("；接近限值：平面面积 %.2f 平方米，椭球面积 %.2f 平方米", gr.AreaM2, *gr.EllAreaM2)
	}
	pc.Reasons = append(pc.Reasons, sizeR)
	pc.Reasons = append(pc.Reasons, r.ratioReason(p))

	if r.OrReading == OrBoth {
		pc.Eligible = gr.WithinMax && r.RatioPasses
	} else {
		pc.Eligible = gr.WithinMax || r.RatioPasses
	}
	var msg, zh string
	switch {
	case pc.Eligible && r.OrReading == OrBoth:
		msg, zh = "eligible: both tests hold", "可纳入：两项条件均满足"
	case pc.Eligible:
		msg, zh = "eligible: one of the tests holds (the clause says “or”)", "可纳入：满足其中一项条件即可（“或”）"
	case r.OrReading == OrBoth:
		msg, zh = "not eligible: the profile requires both tests to hold", "不可纳入：本配置要求两项条件同时满足"
	default:
		msg, zh = "not eligible: neither the single-piece test nor the cumulative test holds", "不可纳入：单幅面积与累计面积两项条件均不满足"
	}
	st := StatusFail
	if pc.Eligible {
		st = StatusPass
	}
	pc.Reasons = append(pc.Reasons, Reason{Rule: "leftover_verdict", Clause: clause, Status: st, Message: msg, MessageZH: zh})
}

func (r *LeftoverReport) ratioReason(p *Profile) Reason {
	den, denZH, denV := "merged total (members ∪ included pieces)", "项目合并总面积（成员宗地与纳入地块之并）", r.mergedR
	if r.Denominator == DenominatorMembers {
		den, denZH, denV = "members' area", "成员宗地面积", r.membersR
	}
	rr := Reason{Rule: "leftover_ratio", Clause: p.LeftoverRatioMax.Clause, Status: statusOf(r.RatioPasses, p.LeftoverRatioMax),
		Numbers: map[string]float64{"leftover_area_m2": r.leftoverR, "denominator_m2": denV, "ratio": r.LeftoverRatio, "limit": r.RatioMax,
			"margin": r.RatioMax - r.LeftoverRatio, "ratio_merged": r.LeftoverRatioMerged, "ratio_members": r.LeftoverRatioMembers}}
	rr.Message = fmt.Sprintf("cumulative: all included pieces %.2f m² / %s %.2f m² = %s %s %s (margin %+.2f points)", r.leftoverR, den, denV, pct(r.LeftoverRatio), cmpWord(r.RatioPasses, "<=", ">"), pct(r.RatioMax), (r.RatioMax-r.LeftoverRatio)*100)
	rr.MessageZH = fmt.Sprintf("累计面积：全部纳入地块 %.2f 平方米 ÷ %s %.2f 平方米 = %s %s %s（余量 %+.2f 个百分点）", r.leftoverR, denZH, denV, pct(r.LeftoverRatio), cmpWord(r.RatioPasses, "≤", ">"), pct(r.RatioMax), (r.RatioMax-r.LeftoverRatio)*100)
	if r.Near {
		// Print the denominator the ratio actually used.
		eDen := r.MergedEllipsoidalAreaM2
		if r.Denominator == DenominatorMembers {
			eDen = r.MembersEllipsoidalAreaM2
		}
		e := r.LeftoverEllipsoidalAreaM2 / eDen
		rr.Numbers["ratio_ellipsoidal"] = e
		rr.Message += fmt.Sprintf("; near the limit: on ellipsoidal areas %.2f / %.2f = %s", r.LeftoverEllipsoidalAreaM2, eDen, pct(e))
		rr.MessageZH += fmt.Sprintf("；接近限值：按椭球面积 %.2f ÷ %.2f = %s", r.LeftoverEllipsoidalAreaM2, eDen, pct(e))
	}
	return rr
}

// removal names the pieces whose removal makes every remaining included
// piece eligible: greedily the largest ineligible piece first (ties by id),
// regrouping and re-measuring after each removal. Greedy by size removes the
// fewest pieces when one group or ratio decides, and is always a valid answer.
func (r *LeftoverReport) removal(p *Profile, pieces []PieceReport, adj [][]int) error {
	active := make([]bool, len(pieces))
	need := false
	for i, pc := range pieces {
		active[i] = pc.Included
		if pc.Included && !pc.Eligible {
			need = true
		}
	}
	if !need {
		return nil
	}
	limit := p.muLimitM2(r.PieceMaxMu)
	// On the plane basis, the area of a disjoint set of pieces is the sum
	// of theirs, and removing pieces keeps it disjoint: decide once. (The
	// ellipsoidal area of a union is not exactly the sum: shared edges are
	// walked with other vertices, so that basis keeps the overlay.)
	disjoint := false
	if p.AreaBasis != "ellipsoidal" {
		var err error
		if disjoint, err = overlapFree(pieces, active); err != nil {
			return err
		}
	}
	for {
		groups, groupOf, err := buildGroups(p, pieces, adj, active)
		if err != nil {
			return err
		}
		var rest []orb.MultiPolygon
		left := 0.0
		for i := range pieces {
			if active[i] {
				rest = append(rest, pieces[i].plane)
				if disjoint {
					left += geo.PlaneArea(pieces[i].plane)
				}
			}
		}
		if len(rest) > 0 && !disjoint {
			u, err := geo.Union(rest...)
			if err != nil {
				return err
			}
			left = geo.PlaneArea(u)
			if p.AreaBasis == "ellipsoidal" {
				left = geo.EllipsoidalArea(p.GeoZone().Unproject(u))
			}
		}
		left = roundTo(left, p.AreaPrecisionM2)
		den := r.membersR + left // pieces lie outside the members
		if r.Denominator == DenominatorMembers {
			den = r.membersR
		}
		ratio := left / den
		ratioOK := leq(ratio, r.RatioMax)
		worst := -1
		for i := range pieces {
			if !active[i] {
				continue
			}
			small := leq(groups[groupOf[i]].basisAreaR, limit)
			ok := small || ratioOK
			if r.OrReading == OrBoth {
				ok = small && ratioOK
			}
			if !ok && (worst < 0 || largerPiece(p, pieces[i], pieces[worst])) {
				worst = i
			}
		}
		if worst < 0 {
			r.RatioAfterRemoval = &ratio
			return nil
		}
		active[worst] = false
		r.RemoveToPass = append(r.RemoveToPass, pieces[worst].ID)
	}
}

// largerPiece orders removal candidates: the larger area at the profile's
// precision first (so float noise between equal pieces does not decide),
// then the smaller id.
func largerPiece(p *Profile, a, b PieceReport) bool {
	ra, rb := roundTo(a.AreaM2, p.AreaPrecisionM2), roundTo(b.AreaM2, p.AreaPrecisionM2)
	if ra != rb {
		return ra > rb
	}
	return a.ID < b.ID
}

// included marks the pieces that touch a member.
func included(pieces []PieceReport) []bool {
	sel := make([]bool, len(pieces))
	for i := range pieces {
		sel[i] = pieces[i].Included
	}
	return sel
}

// overlapFree reports whether the selected pieces are pairwise disjoint
// in area, so that the area of their union is the sum of theirs. Detected
// pieces are disjoint from every other piece by construction (drawn pieces
// are subtracted from them); only two drawn pieces can overlap, and those
// whose bounds meet are measured.
func overlapFree(pieces []PieceReport, sel []bool) (bool, error) {
	for i := range pieces {
		if !sel[i] || pieces[i].Detected {
			continue
		}
		bi := pieces[i].plane.Bound()
		for j := i + 1; j < len(pieces); j++ {
			if !sel[j] || pieces[j].Detected || !bi.Intersects(pieces[j].plane.Bound()) {
				continue
			}
			a, err := geo.IntersectionArea(pieces[i].plane, pieces[j].plane)
			if err != nil {
				return false, err
			}
			if a > 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// perimeter is the length of all rings of a plane geometry.
func perimeter(g orb.MultiPolygon) float64 {
	var s float64
	for _, p := range g {
		for _, ring := range p {
			for i := 0; i+1 < len(ring); i++ {
				s += math.Hypot(ring[i+1][0]-ring[i][0], ring[i+1][1]-ring[i][1])
			}
			if n := len(ring); n > 1 && ring[0] != ring[n-1] {
				s += math.Hypot(ring[0][0]-ring[n-1][0], ring[0][1]-ring[n-1][1])
			}
		}
	}
	return s
}

// sortByGeometry orders pieces by their bounds then area, so generated ids
// are a function of the geometry alone.
func sortByGeometry(ps []PieceReport) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].plane.Bound(), ps[j].plane.Bound()
		for _, c := range [][2]float64{{a.Min[0], b.Min[0]}, {a.Min[1], b.Min[1]}, {a.Max[0], b.Max[0]}, {a.Max[1], b.Max[1]}} {
			if c[0] != c[1] {
				return c[0] < c[1]
			}
		}
		return geo.PlaneArea(ps[i].plane) < geo.PlaneArea(ps[j].plane)
	})
}

// index is a simple sorted-by-minX bounding-box index over plane geometries:
// enough for hundreds of members without another dependency.
type index struct {
	b    []orb.Bound
	ord  []int
	maxW float64
}

func newIndex(gs []orb.MultiPolygon) *index {
	ix := &index{b: make([]orb.Bound, len(gs)), ord: make([]int, len(gs))}
	for i, g := range gs {
		ix.b[i] = g.Bound()
		ix.ord[i] = i
		ix.maxW = math.Max(ix.maxW, ix.b[i].Max[0]-ix.b[i].Min[0])
	}
	sort.Slice(ix.ord, func(a, b int) bool { return ix.b[ix.ord[a]].Min[0] < ix.b[ix.ord[b]].Min[0] })
	return ix
}

// near returns, in increasing order, the geometries whose bounds intersect q.
func (ix *index) near(q orb.Bound) []int {
	lo := sort.Search(len(ix.ord), func(k int) bool { return ix.b[ix.ord[k]].Min[0] >= q.Min[0]-ix.maxW })
	var out []int
	for k := lo; k < len(ix.ord) && ix.b[ix.ord[k]].Min[0] <= q.Max[0]; k++ {
		if ix.b[ix.ord[k]].Intersects(q) {
			out = append(out, ix.ord[k])
		}
	}
	sort.Ints(out)
	return out
}
