package storetest

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// fullParcel has every field set, non-ASCII text (including a character
// outside the BMP), a nested attrs map and a multipolygon whose first
// polygon has a hole: [0,100]×[0,80] minus [20,40]×[20,40] (8000 − 400) plus
// [150,200]×[0,50] (2500) = 10100 m².
func fullParcel() *parcels.Parcel {
	g := LonLat(orb.MultiPolygon{
		{PlaneRect(0, 0, 100, 80), PlaneHole(20, 20, 40, 40)},
		{PlaneRect(150, 0, 200, 50)},
	})
	p := NewParcel("331082104001GB00123", g)
	p.Name = "临海市杜桥镇𠀋川南工业区 3 号地块（\"老厂\"）"
	p.Owner = "临海市某某阀门有限公司"
	p.LandSource = parcels.SourceAllocated
	p.LeaseStart = parcels.NewDate(1998, time.December, 31)
	p.LeaseEnd = parcels.NewDate(2048, time.February, 29) // a leap day
	p.RegisteredAreaM2 = 10099.87
	p.Status = parcels.StatusInefficient
	p.Town = "杜桥镇"
	p.Attrs = map[string]any{
		"备注":   "含 1 处天井",
		"亩均税收": 12.5,
		"已核查":  true,
		"tags": []any{"低效", "工业"},
		"证书":   map[string]any{"号": "浙(2019)临海市不动产权第0012345号", "年": 2019.0},
	}
	return p
}

const fullParcelArea = 10100

func testCRUD(t *testing.T, newStore Factory) {
	t.Run("Ping", func(t *testing.T) {
		s := newStore(t)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})

	t.Run("ParcelRoundTrip", func(t *testing.T) {
		s := newStore(t)
		in := fullParcel()
		// Meta and derived values of the input are ignored.
		in.Meta = parcels.Meta{ID: 999, Version: 42, UpdatedBy: "mallory",
			CreatedAt: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)}
		in.AreaM2, in.FootprintAreaM2, in.BuildingCount = 1, 2, 3
		t0 := time.Now()
		got := MustCreateParcel(t, s, in)
		t1 := time.Now()
		checkMeta(t, "created parcel", got.Meta, 1, Alice, t0, t1)
		checkParcelFields(t, "created parcel", got, fullParcel())
		checkSite(t, "created parcel", got, SiteWant{Area: fullParcelArea})
		checkSameRow(t, "CreateParcel result vs GetParcel", got, MustGetParcel(t, s, got.ID))
		pg := MustListParcels(t, s, parcels.Query{})
		if len(pg.Items) != 1 {
			t.Fatalf("ListParcels: %d items, want 1", len(pg.Items))
		}
		checkSameRow(t, "ListParcels item vs GetParcel", pg.Items[0], MustGetParcel(t, s, got.ID))
	})

	t.Run("ParcelEmptyFieldsRoundTrip", func(t *testing.T) {
		s := newStore(t)
		in := &parcels.Parcel{Geometry: Rect(0, 0, 50, 40)}
		got := MustCreateParcel(t, s, in)
		checkParcelFields(t, "created parcel", got, &parcels.Parcel{Geometry: Rect(0, 0, 50, 40)})
		if !got.LeaseStart.IsZero() || !got.LeaseEnd.IsZero() {
			t.Errorf("unknown lease dates came back as %q, %q; want zero dates", got.LeaseStart, got.LeaseEnd)
		}
		checkParcelAreas(t, "created parcel", got, 2000)
		checkSameRow(t, "CreateParcel result vs GetParcel", got, MustGetParcel(t, s, got.ID))
	})

	t.Run("ParcelUpdateEveryField", func(t *testing.T) {
		s := newStore(t)
		p1 := MustCreateParcel(t, s, fullParcel())
		// Every field changes, the geometry too: now [0,120]×[0,90] = 10800 m².
		up := &parcels.Parcel{
			Meta:             parcels.Meta{ID: p1.ID, Version: p1.Version},
			Code:             "331082104001GB00999",
			Name:             "川南工业区改造地块",
			Owner:            "临海市城市发展投资集团有限公司",
			LandUse:          "0602",
			LandSource:       parcels.SourceCollective,
			LeaseStart:       parcels.NewDate(2024, time.January, 1),
			LeaseEnd:         parcels.NewDate(2074, time.December, 31),
			RegisteredAreaM2: 10800.5,
			Status:           parcels.StatusRedeveloping,
			Town:             "大洋街道",
			Attrs:            map[string]any{"批文": "临政发〔2024〕1号"},
			Geometry:         Rect(0, 0, 120, 90),
		}
		want := *up
		// Derived values and UpdatedBy sent by the caller are ignored.
		up.AreaM2, up.FootprintAreaM2, up.BuildingCount, up.UpdatedBy = 1, 2, 99, "mallory"
		time.Sleep(5 * time.Millisecond) // UpdatedAt must move on
		t0 := time.Now()
		p2 := MustUpdateParcel(t, s, up, Bob)
		t1 := time.Now()
		checkMeta(t, "updated parcel", p2.Meta, 2, Bob, t0, t1)
		if p2.ID != p1.ID {
			t.Errorf("update changed the id from %d to %d", p1.ID, p2.ID)
		}
		if !p2.CreatedAt.Equal(p1.CreatedAt) {
			t.Errorf("update changed CreatedAt from %s to %s", p1.CreatedAt, p2.CreatedAt)
		}
		if p2.UpdatedAt.Before(p1.UpdatedAt) {
			t.Errorf("UpdatedAt %s is before the create's %s", p2.UpdatedAt, p1.UpdatedAt)
		}
		checkParcelFields(t, "updated parcel", p2, &want)
		checkSite(t, "updated parcel", p2, SiteWant{Area: 10800})
		checkSameRow(t, "UpdateParcel result vs GetParcel", p2, MustGetParcel(t, s, p1.ID))

		// Clearing fields clears them: empty strings, zero dates, no attrs.
		clr := &parcels.Parcel{Meta: parcels.Meta{ID: p1.ID, Version: 2}, Geometry: Rect(0, 0, 120, 90)}
		p3 := MustUpdateParcel(t, s, clr, Alice)
		if p3.Version != 3 {
			t.Errorf("second update: Version = %d, want 3", p3.Version)
		}
		checkParcelFields(t, "cleared parcel", p3, &parcels.Parcel{Geometry: Rect(0, 0, 120, 90)})
		checkSameRow(t, "cleared parcel vs GetParcel", p3, MustGetParcel(t, s, p1.ID))
	})

	t.Run("ParcelDelete", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, fullParcel())
		keep := MustCreateParcel(t, s, NewParcel("331082104001GB00124", Rect(300, 0, 400, 80)))
		if err := s.DeleteParcel(t.Context(), p.ID, p.Version, Bob); err != nil {
			t.Fatalf("DeleteParcel: %v", err)
		}
		_, err := s.GetParcel(t.Context(), p.ID)
		WantCode(t, err, parcels.ENOTFOUND, "GetParcel of a deleted parcel")
		up := fullParcel()
		up.ID, up.Version = p.ID, p.Version
		_, err = s.UpdateParcel(t.Context(), up, Bob)
		WantCode(t, err, parcels.ENOTFOUND, "UpdateParcel of a deleted parcel")
		err = s.DeleteParcel(t.Context(), p.ID, p.Version, Bob)
		WantCode(t, err, parcels.ENOTFOUND, "DeleteParcel of a deleted parcel (old version)")
		err = s.DeleteParcel(t.Context(), p.ID, p.Version+1, Bob)
		WantCode(t, err, parcels.ENOTFOUND, "DeleteParcel of a deleted parcel (its delete version)")
		pg := MustListParcels(t, s, parcels.Query{})
		if got := parcelIDs(pg.Items); len(got) != 1 || got[0] != keep.ID || pg.NumberMatched != 1 {
			t.Errorf("ListParcels after delete = %v (matched %d), want [%d] (matched 1)", got, pg.NumberMatched, keep.ID)
		}
		checkSameRow(t, "untouched parcel", MustGetParcel(t, s, keep.ID), keep)
	})

	t.Run("ParcelCodeUniqueAmongLive", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082104001GB00777", Rect(0, 0, 50, 50)))
		before := MustCount(t, s)
		_, err := s.CreateParcel(t.Context(), NewParcel("331082104001GB00777", Rect(100, 0, 150, 50)), Alice)
		if c := parcels.ErrorCode(err); c != parcels.EINVALID && c != parcels.ECONFLICT {
			t.Errorf("second live parcel with code %q: error %v (code %q), want invalid or conflict", p.Code, err, c)
		}
		if after := MustCount(t, s); after != before {
			t.Errorf("a rejected duplicate code changed the counts from %+v to %+v", before, after)
		}
		// Empty codes are not unique: many parcels have no code yet.
		MustCreateParcel(t, s, &parcels.Parcel{Geometry: Rect(200, 0, 250, 50)})
		MustCreateParcel(t, s, &parcels.Parcel{Geometry: Rect(300, 0, 350, 50)})
		// Once the first is deleted the code is free again.
		MustDeleteParcel(t, s, p.ID, Alice)
		MustCreateParcel(t, s, NewParcel("331082104001GB00777", Rect(100, 0, 150, 50)))
	})

	t.Run("BuildingRoundTrip", func(t *testing.T) {
		s := newStore(t)
		parcel := MustCreateParcel(t, s, NewParcel("331082104001GB00001", Rect(0, 0, 100, 80)))
		// A courtyard building: [10,50]×[10,50] minus [20,30]×[20,30] = 1500 m²,
		// 5 floors and no declared area → floor area 7500 m².
		mk := func() *parcels.Building {
			return &parcels.Building{
				Name:     "综合楼（含天井）𠀋",
				Use:      parcels.UseOffice,
				Floors:   5,
				HeightM:  18.6,
				Attrs:    map[string]any{"结构": "框架", "建成年份": 2003.0, "消防验收": false},
				Geometry: LonLat(orb.MultiPolygon{{PlaneRect(10, 10, 50, 50), PlaneHole(20, 20, 30, 30)}}),
			}
		}
		in := mk()
		in.ParcelID = 777 // derived: ignored
		in.Meta = parcels.Meta{ID: 999, Version: 42, UpdatedBy: "mallory"}
		in.FootprintAreaM2, in.FloorAreaM2 = 1, 2
		t0 := time.Now()
		b := MustCreateBuilding(t, s, in)
		t1 := time.Now()
		checkMeta(t, "created building", b.Meta, 1, Alice, t0, t1)
		checkBuildingFields(t, "created building", b, mk())
		checkBuildingDerived(t, "created building", b, 1500, 7500, parcel.ID)
		checkSameRow(t, "CreateBuilding result vs GetBuilding", b, MustGetBuilding(t, s, b.ID))
		pg := MustListBuildings(t, s, parcels.Query{})
		if len(pg.Items) != 1 {
			t.Fatalf("ListBuildings: %d items, want 1", len(pg.Items))
		}
		checkSameRow(t, "ListBuildings item vs GetBuilding", pg.Items[0], MustGetBuilding(t, s, b.ID))
	})

	t.Run("BuildingDeclaredFloorArea", func(t *testing.T) {
		s := newStore(t)
		in := NewBuilding("宿舍楼", 6, Rect(0, 0, 20, 10)) // 200 m² × 6 = 1200, but declared wins
		in.Use = parcels.UseDormitory
		in.DeclaredFloorAreaM2 = 1234.5
		b := MustCreateBuilding(t, s, in)
		checkBuildingDerived(t, "declared building", b, 200, 1234.5, 0)
		none := MustCreateBuilding(t, s, NewBuilding("未知层数", 0, Rect(30, 0, 50, 10)))
		checkBuildingDerived(t, "building with no floors", none, 200, 0, 0)
	})

	t.Run("BuildingUpdateEveryField", func(t *testing.T) {
		s := newStore(t)
		pa := MustCreateParcel(t, s, NewParcel("331082104001GB00001", Rect(0, 0, 100, 80)))
		pb := MustCreateParcel(t, s, NewParcel("331082104001GB00002", Rect(200, 0, 300, 80)))
		b1 := MustCreateBuilding(t, s, NewBuilding("一号车间", 2, Rect(10, 10, 30, 30)))
		checkBuildingDerived(t, "created building", b1, 400, 800, pa.ID)
		up := &parcels.Building{
			Meta:                parcels.Meta{ID: b1.ID, Version: b1.Version},
			Name:                "食堂",
			Use:                 parcels.UseCanteen,
			Floors:              3,
			HeightM:             12.25,
			DeclaredFloorAreaM2: 1000,
			Attrs:               map[string]any{"改造": "2025"},
			Geometry:            Rect(210, 10, 250, 30), // moved onto pb: 800 m²
		}
		want := *up
		up.ParcelID, up.FootprintAreaM2, up.FloorAreaM2 = pa.ID, 1, 2 // derived: ignored
		time.Sleep(5 * time.Millisecond)
		t0 := time.Now()
		b2 := MustUpdateBuilding(t, s, up, Bob)
		t1 := time.Now()
		checkMeta(t, "updated building", b2.Meta, 2, Bob, t0, t1)
		if !b2.CreatedAt.Equal(b1.CreatedAt) {
			t.Errorf("update changed CreatedAt from %s to %s", b1.CreatedAt, b2.CreatedAt)
		}
		checkBuildingFields(t, "updated building", b2, &want)
		checkBuildingDerived(t, "updated building", b2, 800, 1000, pb.ID)
		checkSameRow(t, "UpdateBuilding result vs GetBuilding", b2, MustGetBuilding(t, s, b1.ID))
	})

	t.Run("BuildingDelete", func(t *testing.T) {
		s := newStore(t)
		p := MustCreateParcel(t, s, NewParcel("331082104001GB00001", Rect(0, 0, 100, 80)))
		b := MustCreateBuilding(t, s, NewBuilding("一号车间", 2, Rect(10, 10, 30, 30)))
		keep := MustCreateBuilding(t, s, NewBuilding("二号车间", 1, Rect(50, 10, 70, 30)))
		if err := s.DeleteBuilding(t.Context(), b.ID, b.Version, Bob); err != nil {
			t.Fatalf("DeleteBuilding: %v", err)
		}
		_, err := s.GetBuilding(t.Context(), b.ID)
		WantCode(t, err, parcels.ENOTFOUND, "GetBuilding of a deleted building")
		err = s.DeleteBuilding(t.Context(), b.ID, b.Version, Bob)
		WantCode(t, err, parcels.ENOTFOUND, "DeleteBuilding of a deleted building")
		up := NewBuilding("x", 1, Rect(10, 10, 30, 30))
		up.ID, up.Version = b.ID, b.Version
		_, err = s.UpdateBuilding(t.Context(), up, Bob)
		WantCode(t, err, parcels.ENOTFOUND, "UpdateBuilding of a deleted building")
		checkOnParcel(t, s, p.ID, keep.ID)
		if pg := MustListBuildings(t, s, parcels.Query{}); pg.NumberMatched != 1 || len(pg.Items) != 1 || pg.Items[0].ID != keep.ID {
			t.Errorf("ListBuildings after delete = %v (matched %d), want [%d]", buildingIDs(pg.Items), pg.NumberMatched, keep.ID)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		const id = 424242
		_, err := s.GetParcel(ctx, id)
		WantCode(t, err, parcels.ENOTFOUND, "GetParcel(missing)")
		p := NewParcel("x", Rect(0, 0, 10, 10))
		p.ID, p.Version = id, 1
		_, err = s.UpdateParcel(ctx, p, Alice)
		WantCode(t, err, parcels.ENOTFOUND, "UpdateParcel(missing)")
		WantCode(t, s.DeleteParcel(ctx, id, 1, Alice), parcels.ENOTFOUND, "DeleteParcel(missing)")
		_, err = s.GetBuilding(ctx, id)
		WantCode(t, err, parcels.ENOTFOUND, "GetBuilding(missing)")
		b := NewBuilding("x", 1, Rect(0, 0, 10, 10))
		b.ID, b.Version = id, 1
		_, err = s.UpdateBuilding(ctx, b, Alice)
		WantCode(t, err, parcels.ENOTFOUND, "UpdateBuilding(missing)")
		WantCode(t, s.DeleteBuilding(ctx, id, 1, Alice), parcels.ENOTFOUND, "DeleteBuilding(missing)")
		_, err = s.GetZone(ctx, id)
		WantCode(t, err, parcels.ENOTFOUND, "GetZone(missing)")
		z := &parcels.Zone{Meta: parcels.Meta{ID: id, Version: 1}, Name: "x", Status: parcels.ZoneDraft}
		_, err = s.UpdateZone(ctx, z, Alice)
		WantCode(t, err, parcels.ENOTFOUND, "UpdateZone(missing)")
		WantCode(t, s.DeleteZone(ctx, id, 1, Alice), parcels.ENOTFOUND, "DeleteZone(missing)")
		for _, k := range []parcels.Kind{parcels.KindParcel, parcels.KindBuilding, parcels.KindZone} {
			_, err = s.History(ctx, k, id)
			WantCode(t, err, parcels.ENOTFOUND, "History("+string(k)+", missing)")
			WantCode(t, s.Restore(ctx, k, id, 1, 1, Alice), parcels.ENOTFOUND, "Restore("+string(k)+", missing)")
		}
		bs, err := s.BuildingsOnParcel(ctx, id)
		if err != nil && parcels.ErrorCode(err) != parcels.ENOTFOUND {
			t.Errorf("BuildingsOnParcel(missing): %v, want no buildings or not found", err)
		}
		if len(bs) != 0 {
			t.Errorf("BuildingsOnParcel(missing) = %d buildings", len(bs))
		}
	})
}
