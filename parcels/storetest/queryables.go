package storetest

import (
	"fmt"
	"sort"
	"testing"

	"landplan/parcels"
)

// testQueryables checks that a store filters on every queryable property of
// every kind (parcels.Queryables): for each property of a row, "prop = its
// own value" keeps the row and "prop <> its own value" drops it.
func testQueryables(t *testing.T, newStore Factory) {
	t.Run("EveryQueryable", func(t *testing.T) {
		s := newStore(t)
		st := MustSite(t, s)
		p1, p2, _, pieces := zoneSite(t, s)
		z := MustCreateZone(t, s, &parcels.Zone{Name: "片区", Status: parcels.ZoneApproved, Members: []int64{p1.ID, p2.ID}, Pieces: pieces, Note: "备注"})
		rows := []struct {
			kind parcels.Kind
			row  any
			id   int64
			list func(parcels.Query) ([]int64, error)
		}{
			{parcels.KindParcel, MustGetParcel(t, s, st.A.ID), st.A.ID, func(q parcels.Query) ([]int64, error) {
				pg, err := s.ListParcels(t.Context(), q)
				return parcelIDs(pg.Items), err
			}},
			{parcels.KindBuilding, MustGetBuilding(t, s, st.B2.ID), st.B2.ID, func(q parcels.Query) ([]int64, error) {
				pg, err := s.ListBuildings(t.Context(), q)
				return buildingIDs(pg.Items), err
			}},
			{parcels.KindZone, MustGetZone(t, s, z.ID), z.ID, func(q parcels.Query) ([]int64, error) {
				pg, err := s.ListZones(t.Context(), q)
				return zoneIDs(pg.Items), err
			}},
		}
		for _, r := range rows {
			props := parcels.Props(r.row)
			names := make([]string, 0, len(props))
			for name := range parcels.Queryables(r.kind) {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				v, ok := props[name]
				if !ok {
					t.Errorf("parcels.Props(%s) lacks queryable %q", r.kind, name)
					continue
				}
				if v == "" {
					continue // unset: covered by IsNull
				}
				eq := parcels.Compare{Prop: name, Op: "=", Value: v}
				ne := parcels.Compare{Prop: name, Op: "<>", Value: v}
				if err := parcels.CheckExpr(r.kind, eq); err != nil {
					t.Errorf("%s %s: %v", r.kind, name, err)
					continue
				}
				got, err := r.list(parcels.Query{Where: eq, Limit: parcels.MaxLimit})
				if err != nil {
					t.Errorf("%s where %s = %v: %v", r.kind, name, v, err)
					continue
				}
				if !containsID(got, r.id) {
					t.Errorf("%s where %s = %v (its own value): %s %d not listed (got %v)", r.kind, name, fmtVal(v), r.kind, r.id, got)
				}
				got, err = r.list(parcels.Query{Where: ne, Limit: parcels.MaxLimit})
				if err != nil {
					t.Errorf("%s where %s <> %v: %v", r.kind, name, v, err)
					continue
				}
				if containsID(got, r.id) {
					t.Errorf("%s where %s <> %v (its own value): %s %d listed", r.kind, name, fmtVal(v), r.kind, r.id)
				}
			}
		}
	})
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func fmtVal(v any) string {
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%.17g", f)
	}
	return fmt.Sprintf("%q", v)
}
