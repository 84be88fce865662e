package storetest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// zoneSite creates three member parcels and returns them with the zone's
// pieces, in plane metres:
//
//	P1 [0,100]×[0,80]     8000 m²
//	P2 [100,200]×[0,80]   8000 m², east of P1
//	P3 [0,100]×[100,180]  8000 m², north of P1 with a 20 m gap
//	X  [0,100]×[80,100]   2000 m²: the gap between P1 and P3 (夹心地)
//	Y  [100,150]×[80,100] 1000 m²: north of P2, beside X
//	Z  [180,220]×[60,90]  1200 m²: a corner piece overlapping P2 on
//	                      [180,200]×[60,80] = 400 m²
//
// MembersAreaM2 = 3 × 8000 = 24000 (disjoint); PiecesAreaM2 = 2000 + 1000 +
// 1200 = 4200 (a sum); AreaM2 = |members ∪ pieces| = 24000 + 2000 + 1000 +
// (1200 − 400) = 27800: the union counts Z's overlap with P2 once. The union
// is one polygon without holes (X closes the gap, Y and Z touch P2).
func zoneSite(tb testing.TB, s parcels.Store) (p1, p2, p3 *parcels.Parcel, pieces []parcels.Piece) {
	tb.Helper()
	ps := MustCreateParcels(tb, s, []*parcels.Parcel{
		NewParcel("331082005001JE00001", Rect(0, 0, 100, 80)),
		NewParcel("331082005001JE00002", Rect(100, 0, 200, 80)),
		NewParcel("331082005001JE00003", Rect(0, 100, 100, 180)),
	})
	pieces = []parcels.Piece{
		{ID: "X", Name: "夹心地", Geometry: Rect(0, 80, 100, 100), Detected: true},
		{ID: "Y", Name: "边角地（北）", Geometry: Rect(100, 80, 150, 100)},
		{ID: "Z", Name: "边角地（东）", Geometry: Rect(180, 60, 220, 90)},
	}
	return ps[0], ps[1], ps[2], pieces
}

var pieceAreas = map[string]float64{"X": 2000, "Y": 1000, "Z": 1200}

// checkZoneDerived checks a zone's areas, its pieces' areas and its geometry.
func checkZoneDerived(tb testing.TB, what string, z *parcels.Zone, area, members, pieces float64) {
	tb.Helper()
	checkNear(tb, what+" AreaM2", z.AreaM2, area, AreaTol)
	checkNear(tb, what+" MembersAreaM2", z.MembersAreaM2, members, AreaTol)
	checkNear(tb, what+" PiecesAreaM2", z.PiecesAreaM2, pieces, AreaTol)
	for _, p := range z.Pieces {
		checkNear(tb, what+" piece "+p.ID+" AreaM2", p.AreaM2, pieceAreas[p.ID], AreaTol)
		checkNear(tb, what+" piece "+p.ID+" AreaMu", p.AreaMu, pieceAreas[p.ID]*15/10000, AreaTol)
	}
	checkNear(tb, what+" area of Geometry", Area(z.Geometry), area, AreaTol)
	if len(z.Geometry) != 1 || len(z.Geometry[0]) != 1 {
		rings := 0
		for _, p := range z.Geometry {
			rings += len(p)
		}
		tb.Errorf("%s Geometry has %d polygons and %d rings, want one polygon without holes (the union)", what, len(z.Geometry), rings)
	}
}

// mentions reports whether a domain error names s in its feature or messages.
func mentions(err error, s string) bool {
	var e *parcels.Error
	if !asError(err, &e) {
		return false
	}
	return strings.Contains(e.Feature+" "+e.Message+" "+e.MessageZH, s)
}

func testZones(t *testing.T, newStore Factory) {
	t.Run("ZoneRoundTrip", func(t *testing.T) {
		s := newStore(t)
		p1, p2, p3, pieces := zoneSite(t, s)
		mk := func() *parcels.Zone {
			return &parcels.Zone{
				Name:    "杜桥镇川南片区联合改造",
				Status:  parcels.ZoneDraft,
				Members: []int64{p2.ID, p1.ID, p3.ID},
				Pieces:  append([]parcels.Piece(nil), pieces...),
				Note:    "依据第十七条，边角地、夹心地可纳入联合改造",
				Attrs:   map[string]any{"牵头单位": "杜桥镇人民政府", "批次": 2.0},
			}
		}
		in := mk()
		in.Meta = parcels.Meta{ID: 999, Version: 42, UpdatedBy: "mallory"}
		in.AreaM2, in.Geometry = 1, Rect(0, 0, 1, 1) // derived: ignored
		t0 := time.Now()
		z := MustCreateZone(t, s, in)
		t1 := time.Now()
		checkMeta(t, "created zone", z.Meta, 1, Alice, t0, t1)
		checkZoneFields(t, "created zone", z, mk())
		checkZoneDerived(t, "created zone", z, 27800, 24000, 4200)
		checkSameRow(t, "CreateZone result vs GetZone", z, MustGetZone(t, s, z.ID))
		pg := MustListZones(t, s, parcels.Query{})
		if len(pg.Items) != 1 || pg.NumberMatched != 1 {
			t.Fatalf("ListZones: %d items (matched %d), want 1", len(pg.Items), pg.NumberMatched)
		}
		checkSameRow(t, "ListZones item vs GetZone", pg.Items[0], MustGetZone(t, s, z.ID))
	})

	t.Run("ZoneUpdate", func(t *testing.T) {
		s := newStore(t)
		p1, p2, p3, pieces := zoneSite(t, s)
		z1 := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID, p2.ID, p3.ID}, Pieces: pieces})
		// Without P3 and X: members 16000, pieces Y + Z = 2200, union
		// 16000 + 1000 + 800 = 17800; still one polygon.
		up := &parcels.Zone{Meta: parcels.Meta{ID: z1.ID, Version: z1.Version},
			Name: "片区（调整后）", Status: parcels.ZoneSubmitted, Members: []int64{p1.ID, p2.ID},
			Pieces: []parcels.Piece{pieces[1], pieces[2]}, Note: "P3 退出"}
		want := *up
		t0 := time.Now()
		z2, err := s.UpdateZone(t.Context(), up, Bob)
		t1 := time.Now()
		if err != nil {
			t.Fatalf("UpdateZone: %v", err)
		}
		checkMeta(t, "updated zone", z2.Meta, 2, Bob, t0, t1)
		checkZoneFields(t, "updated zone", z2, &want)
		checkZoneDerived(t, "updated zone", z2, 17800, 16000, 2200)
		checkSameRow(t, "UpdateZone result vs GetZone", z2, MustGetZone(t, s, z1.ID))
	})

	t.Run("ZoneDelete", func(t *testing.T) {
		s := newStore(t)
		p1, p2, _, _ := zoneSite(t, s)
		z := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID, p2.ID}})
		checkZoneDerived(t, "zone", z, 16000, 16000, 0)
		if err := s.DeleteZone(t.Context(), z.ID, z.Version, Bob); err != nil {
			t.Fatalf("DeleteZone: %v", err)
		}
		_, err := s.GetZone(t.Context(), z.ID)
		WantCode(t, err, parcels.ENOTFOUND, "GetZone of a deleted zone")
		WantCode(t, s.DeleteZone(t.Context(), z.ID, z.Version+1, Bob), parcels.ENOTFOUND, "DeleteZone of a deleted zone")
		// Its member parcels are untouched.
		checkSameRow(t, "member parcel", MustGetParcel(t, s, p1.ID), p1)
	})

	t.Run("MemberParcelCannotBeDeleted", func(t *testing.T) {
		s := newStore(t)
		p1, p2, _, _ := zoneSite(t, s)
		z := MustCreateZone(t, s, &parcels.Zone{Name: "川南片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID, p2.ID}})
		err := s.DeleteParcel(t.Context(), p1.ID, p1.Version, Bob)
		WantCode(t, err, parcels.EINUSE, "DeleteParcel of a zone member")
		if err != nil && (!mentions(err, strconv.FormatInt(z.ID, 10)) || !mentions(err, "川南片区")) {
			t.Errorf("DeleteParcel of a zone member: error %q does not name zone %d (川南片区)", err, z.ID)
		}
		checkSameRow(t, "member parcel after the refused delete", MustGetParcel(t, s, p1.ID), p1)
		checkSameRow(t, "zone after the refused delete", MustGetZone(t, s, z.ID), z)
		// Out of the zone it can go; so can a member of a deleted zone.
		up := *z
		up.Members = []int64{p2.ID}
		z2, err := s.UpdateZone(t.Context(), &up, Bob)
		if err != nil {
			t.Fatalf("UpdateZone: %v", err)
		}
		if err := s.DeleteParcel(t.Context(), p1.ID, p1.Version, Bob); err != nil {
			t.Fatalf("DeleteParcel of a former member: %v", err)
		}
		if err := s.DeleteZone(t.Context(), z2.ID, z2.Version, Bob); err != nil {
			t.Fatalf("DeleteZone: %v", err)
		}
		if err := s.DeleteParcel(t.Context(), p2.ID, p2.Version, Bob); err != nil {
			t.Fatalf("DeleteParcel of a member of a deleted zone: %v", err)
		}
	})

	t.Run("MemberGeometryUpdatesZone", func(t *testing.T) {
		s := newStore(t)
		p1, p2, _, pieces := zoneSite(t, s)
		// Members P1 + P2 = 16000 m², piece Y (1000 m², north of P2): 17000.
		z := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID, p2.ID}, Pieces: pieces[1:2]})
		checkZoneDerived(t, "zone", z, 17000, 16000, 1000)
		// A change that does not move P1 leaves the zone as it is.
		renamed := *p1
		renamed.Name = "更名后的宗地"
		p1 = MustUpdateParcel(t, s, &renamed, Bob)
		checkSameRow(t, "zone after a member was renamed", MustGetZone(t, s, z.ID), z)
		// P1 grows north to y = 90: members 9000 + 8000, union with Y 18000.
		grown := *p1
		grown.Geometry = Rect(0, 0, 100, 90)
		t0 := time.Now()
		p1 = MustUpdateParcel(t, s, &grown, Bob)
		t1 := time.Now()
		z2 := MustGetZone(t, s, z.ID)
		checkMeta(t, "zone after its member grew", z2.Meta, z.Version+1, Bob, t0, t1)
		checkZoneDerived(t, "zone after its member grew", z2, 18000, 17000, 1000)
		checkZoneFields(t, "zone after its member grew", z2, z)
		h := MustHistory(t, s, parcels.KindZone, z.ID)
		if n := len(h); n != 2 || h[1].Op != parcels.OpUpdate || h[1].Version != z2.Version || h[1].Actor != Bob {
			var got []string
			for _, c := range h {
				got = append(got, fmt.Sprintf("%s v%d by %s", c.Op, c.Version, c.Actor))
			}
			t.Errorf("zone history after its member grew: %v, want create then an update to version %d by %s", got, z2.Version, Bob)
		}
		// Restoring P1's first version brings the zone back to 17000.
		if err := s.Restore(t.Context(), parcels.KindParcel, p1.ID, 1, p1.Version, Alice); err != nil {
			t.Fatalf("Restore: %v", err)
		}
		z3 := MustGetZone(t, s, z.ID)
		if z3.Version != z2.Version+1 {
			t.Errorf("zone version after the member was restored: %d, want %d", z3.Version, z2.Version+1)
		}
		checkZoneDerived(t, "zone after its member was restored", z3, 17000, 16000, 1000)
	})

	t.Run("MembersMustExist", func(t *testing.T) {
		s := newStore(t)
		p1, p2, p3, pieces := zoneSite(t, s)
		MustDeleteParcel(t, s, p3.ID, Alice)
		cases := []struct {
			name    string
			members []int64
			id      int64
		}{
			{"Missing", []int64{p1.ID, 987654}, 987654},
			{"Deleted", []int64{p1.ID, p3.ID}, p3.ID},
			{"Duplicate", []int64{p1.ID, p2.ID, p1.ID}, p1.ID},
		}
		for _, c := range cases {
			_, err := s.CreateZone(t.Context(), &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: c.members, Pieces: pieces}, Alice)
			WantCode(t, err, parcels.EINVALID, "CreateZone with a "+c.name+" member")
			if err != nil && !mentions(err, strconv.FormatInt(c.id, 10)) {
				t.Errorf("CreateZone with a %s member: error %q does not name parcel %d", c.name, err, c.id)
			}
		}
		if c := MustCount(t, s); c.Zones != 0 {
			t.Errorf("%d zones stored after rejected creates", c.Zones)
		}
		z := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID}})
		for _, c := range cases {
			up := *z
			up.Members = c.members
			_, err := s.UpdateZone(t.Context(), &up, Alice)
			WantCode(t, err, parcels.EINVALID, "UpdateZone with a "+c.name+" member")
			if err != nil && !mentions(err, strconv.FormatInt(c.id, 10)) {
				t.Errorf("UpdateZone with a %s member: error %q does not name parcel %d", c.name, err, c.id)
			}
		}
		checkSameRow(t, "zone after rejected updates", MustGetZone(t, s, z.ID), z)
	})

	t.Run("PiecesValidated", func(t *testing.T) {
		s := newStore(t)
		p1, _, _, pieces := zoneSite(t, s)
		dup := append([]parcels.Piece(nil), pieces...)
		dup[2].ID = "X"
		_, err := s.CreateZone(t.Context(), &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID}, Pieces: dup}, Alice)
		WantCode(t, err, parcels.EINVALID, "CreateZone with two pieces \"X\"")
		bad := append([]parcels.Piece(nil), pieces...)
		bad[1].Geometry = invalidGeometries()[0].g
		_, err = s.CreateZone(t.Context(), &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID}, Pieces: bad}, Alice)
		WantCode(t, err, parcels.EINVALID, "CreateZone with a self-intersecting piece")
		if c := MustCount(t, s); c.Zones != 0 {
			t.Errorf("%d zones stored after rejected creates", c.Zones)
		}
		// A clockwise piece is accepted and stored repaired.
		cw := LonLat(orb.MultiPolygon{{PlaneHole(0, 80, 100, 100)}})
		z := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneDraft, Members: []int64{p1.ID},
			Pieces: []parcels.Piece{{ID: "X", Name: "夹心地", Geometry: cw}}})
		if len(z.Pieces) == 1 {
			checkRepaired(t, "clockwise piece", z.Pieces[0].Geometry, 2000)
		}
		checkZoneDerived(t, "zone with X", z, 10000, 8000, 2000)
	})

	t.Run("ListZonesWhere", func(t *testing.T) {
		s := newStore(t)
		p1, p2, p3, _ := zoneSite(t, s)
		var zs []*parcels.Zone
		for i, st := range []parcels.ZoneStatus{parcels.ZoneDraft, parcels.ZoneApproved, parcels.ZoneApproved, parcels.ZoneRejected} {
			m := [][]int64{{p1.ID}, {p2.ID}, {p1.ID, p2.ID}, {p3.ID}}[i]
			zs = append(zs, MustCreateZone(t, s, &parcels.Zone{Name: "片区" + strconv.Itoa(i), Status: st, Members: m}))
		}
		for _, c := range []struct {
			name string
			q    parcels.Query
			want []int
		}{
			{"Status", parcels.Query{Where: parcels.Compare{Prop: "status", Op: "=", Value: "approved"}}, []int{1, 2}},
			{"Area", parcels.Query{Where: parcels.Compare{Prop: "members_area_m2", Op: ">", Value: 9000.0}}, []int{2}},
			{"BBox", parcels.Query{BBox: ptrBound(RectBound(150, 10, 160, 20))}, []int{1, 2}},
			{"Page", parcels.Query{Limit: 2, After: 0}, []int{0, 1}},
		} {
			pg := MustListZones(t, s, c.q)
			var want []int64
			for _, i := range c.want {
				want = append(want, zs[i].ID)
			}
			if got := zoneIDs(pg.Items); !equalIDs(got, sortedIDs(want)) {
				t.Errorf("ListZones %s: %v, want %v", c.name, got, want)
			}
		}
	})
}

func ptrBound(b orb.Bound) *orb.Bound { return &b }
