package gpkg

import (
	"context"
	"fmt"

	"landplan/parcels"
)

// prepareBuilding validates b's fields, normalizes its geometry and computes
// its footprint and floor area.
func (s *Store) prepareBuilding(b *parcels.Building, feature string) (*parcels.Building, error) {
	if b == nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: feature, Message: "no building given", MessageZH: "未提供建筑"}
	}
	q := *b
	g, err := parcels.Normalize(parcels.KindBuilding, feature, b.Geometry)
	if err != nil {
		return nil, err
	}
	q.Geometry = g
	switch q.Use {
	case "", parcels.UseProduction, parcels.UseOffice, parcels.UseDormitory, parcels.UseCanteen, parcels.UseService, parcels.UseOther:
	default:
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: feature,
			Message:   fmt.Sprintf("use %q is not one of production, office, dormitory, canteen, service, other", q.Use),
			MessageZH: fmt.Sprintf("建筑用途 %q 无效：应为 生产、办公、宿舍、食堂、配套服务 或 其他", q.Use)}
	}
	if q.Floors < 0 {
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: feature,
			Message: fmt.Sprintf("floors must be ≥ 0, got %d", q.Floors), MessageZH: fmt.Sprintf("层数不能为负数：%d", q.Floors)}
	}
	if err := checkNumber(feature, "height_m", q.HeightM); err != nil {
		return nil, err
	}
	if err := checkNumber(feature, "declared_floor_area_m2", q.DeclaredFloorAreaM2); err != nil {
		return nil, err
	}
	if q.Attrs, err = roundTripAttrs(q.Attrs); err != nil {
		return nil, withFeature(err, feature)
	}
	s.der.BuildingValues(&q)
	return &q, nil
}

func (w *wtx) createBuilding(b *parcels.Building) error {
	b.ID = 0
	b.ParcelID = 0 // derived in settle
	b.Meta = parcels.Meta{Version: 1, CreatedAt: w.at, UpdatedAt: w.at, UpdatedBy: w.actor}
	if err := w.insertBuilding(b); err != nil {
		return err
	}
	w.markPrimary(rowKey{parcels.KindBuilding, b.ID}, parcels.OpCreate, 1, nil)
	w.reassign[b.ID] = true
	return nil
}

func (s *Store) CreateBuilding(ctx context.Context, b *parcels.Building, actor string) (*parcels.Building, error) {
	q, err := s.prepareBuilding(b, "")
	if err != nil {
		return nil, err
	}
	w, err := s.write(ctx, actor, func(w *wtx) error { return w.createBuilding(q) })
	if err != nil {
		return nil, err
	}
	return w.final[rowKey{parcels.KindBuilding, q.ID}].(*parcels.Building), nil
}

func (s *Store) CreateBuildings(ctx context.Context, bs []*parcels.Building, actor string) ([]*parcels.Building, error) {
	qs := make([]*parcels.Building, len(bs))
	for i, b := range bs {
		q, err := s.prepareBuilding(b, fmt.Sprintf("#%d", i))
		if err != nil {
			return nil, err
		}
		qs[i] = q
	}
	w, err := s.write(ctx, actor, func(w *wtx) error {
		for _, q := range qs {
			if err := w.createBuilding(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*parcels.Building, len(qs))
	for i, q := range qs {
		out[i] = w.final[rowKey{parcels.KindBuilding, q.ID}].(*parcels.Building)
	}
	return out, nil
}

func (s *Store) GetBuilding(ctx context.Context, id int64) (*parcels.Building, error) {
	return getOne(ctx, s.rq, parcels.KindBuilding, id, scanBuilding)
}

func (s *Store) UpdateBuilding(ctx context.Context, b *parcels.Building, actor string) (*parcels.Building, error) {
	if b == nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Message: "no building given", MessageZH: "未提供建筑"}
	}
	q, err := s.prepareBuilding(b, "")
	if err != nil {
		return nil, err
	}
	w, err := s.write(ctx, actor, func(w *wtx) error {
		old, err := w.getBuilding(b.ID)
		if err != nil {
			return err
		}
		if old.Version != b.Version {
			return parcels.Conflict(parcels.KindBuilding, b.ID, b.Version, old.Version)
		}
		return w.replaceBuilding(old, q, parcels.OpUpdate)
	})
	if err != nil {
		return nil, err
	}
	return w.final[rowKey{parcels.KindBuilding, b.ID}].(*parcels.Building), nil
}

// replaceBuilding writes q over the live building old as the next version;
// its parcel is settled afterwards, and both its old and its new parcel get
// their site values recomputed.
func (w *wtx) replaceBuilding(old, q *parcels.Building, op parcels.Op) error {
	q.Meta = old.Meta
	w.bump(&q.Meta)
	q.ParcelID = old.ParcelID
	if err := w.updateBuilding(q); err != nil {
		return err
	}
	k := rowKey{parcels.KindBuilding, q.ID}
	w.geomChanged(k, old.Geometry, q.Geometry)
	w.markPrimary(k, op, q.Version, old)
	w.reassign[q.ID] = true
	w.dirty[old.ParcelID] = true
	return nil
}

func (s *Store) DeleteBuilding(ctx context.Context, id, version int64, actor string) error {
	_, err := s.write(ctx, actor, func(w *wtx) error {
		old, err := w.getBuilding(id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return parcels.Conflict(parcels.KindBuilding, id, version, old.Version)
		}
		if err := w.deleteRow(parcels.KindBuilding, id, old.Geometry); err != nil {
			return err
		}
		w.markPrimary(rowKey{parcels.KindBuilding, id}, parcels.OpDelete, old.Version+1, old)
		w.dirty[old.ParcelID] = true
		return nil
	})
	return err
}

func (s *Store) ListBuildings(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Building], error) {
	return list(ctx, s, parcels.KindBuilding, q, scanBuilding, func(b *parcels.Building) any { return b })
}

func (s *Store) BuildingsOnParcel(ctx context.Context, parcelID int64) ([]*parcels.Building, error) {
	bs, err := queryRows(ctx, s.rq, "SELECT "+buildingCols+" FROM buildings WHERE parcel_id = ? ORDER BY fid", scanBuilding, parcelID)
	if err != nil {
		return nil, err
	}
	if bs == nil {
		bs = []*parcels.Building{}
	}
	return bs, nil
}
