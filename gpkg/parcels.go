package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// prepareParcel validates p's fields, normalizes its geometry and computes
// its areas. feature names p in errors ("#3" in a batch).
func (s *Store) prepareParcel(p *parcels.Parcel, feature string) (*parcels.Parcel, error) {
	if p == nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: feature, Message: "no parcel given", MessageZH: "未提供宗地"}
	}
	q := *p
	g, err := parcels.Normalize(parcels.KindParcel, feature, p.Geometry)
	if err != nil {
		return nil, err
	}
	q.Geometry = g
	switch q.LandSource {
	case "", parcels.SourceTransferred, parcels.SourceAllocated, parcels.SourceCollective:
	default:
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: feature,
			Message:   fmt.Sprintf("land_source %q is not one of transferred, allocated, collective", q.LandSource),
			MessageZH: fmt.Sprintf("土地来源 %q 无效：应为 出让(transferred)、划拨(allocated) 或 集体(collective)", q.LandSource)}
	}
	switch q.Status {
	case "", parcels.StatusInUse, parcels.StatusInefficient, parcels.StatusRedeveloping, parcels.StatusIdle:
	default:
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: feature,
			Message:   fmt.Sprintf("status %q is not one of in_use, inefficient, redeveloping, idle", q.Status),
			MessageZH: fmt.Sprintf("利用状态 %q 无效：应为 在用、低效、改造中 或 闲置", q.Status)}
	}
	if err := checkNumber(feature, "registered_area_m2", q.RegisteredAreaM2); err != nil {
		return nil, err
	}
	if !q.LeaseStart.IsZero() && !q.LeaseEnd.IsZero() && q.LeaseEnd.Before(q.LeaseStart.Time) {
		return nil, &parcels.Error{Code: parcels.EINVALID, Feature: feature,
			Message:   fmt.Sprintf("lease_end %s is before lease_start %s", q.LeaseEnd, q.LeaseStart),
			MessageZH: fmt.Sprintf("出让终止日期 %s 早于起始日期 %s", q.LeaseEnd, q.LeaseStart)}
	}
	if q.Attrs, err = roundTripAttrs(q.Attrs); err != nil {
		return nil, withFeature(err, feature)
	}
	s.der.ParcelAreas(&q)
	return &q, nil
}

func withFeature(err error, feature string) error {
	if e, ok := err.(*parcels.Error); ok && e.Feature == "" {
		c := *e
		c.Feature = feature
		return &c
	}
	return err
}

// checkCode refuses a code that another live parcel has. The query repeats
// the partial index's condition so SQLite can use the index.
func (w *wtx) checkCode(p *parcels.Parcel, feature string) error {
	if p.Code == "" {
		return nil
	}
	var other int64
	err := w.q.QueryRowContext(w.ctx, "SELECT fid FROM parcels WHERE code = ? AND code IS NOT NULL AND code <> '' AND fid <> ?", p.Code, p.ID).Scan(&other)
	if err == nil {
		return &parcels.Error{Code: parcels.EINVALID, Feature: feature,
			Message:   fmt.Sprintf("code %s is already used by parcel %d", p.Code, other),
			MessageZH: fmt.Sprintf("宗地代码 %s 已被宗地 %d 使用", p.Code, other)}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("gpkg: check code: %w", err)
	}
	return nil
}

// createParcel inserts a prepared parcel as version 1.
func (w *wtx) createParcel(p *parcels.Parcel, feature string) error {
	if err := w.checkCode(p, feature); err != nil {
		return err
	}
	p.ID = 0
	p.Meta = parcels.Meta{Version: 1, CreatedAt: w.at, UpdatedAt: w.at, UpdatedBy: w.actor}
	p.ParcelDerived = parcels.ParcelDerived{AreaM2: p.AreaM2, AreaMu: p.AreaMu, EllipsoidalAreaM2: p.EllipsoidalAreaM2}
	if err := w.insertParcel(p); err != nil {
		return err
	}
	k := rowKey{parcels.KindParcel, p.ID}
	w.markPrimary(k, parcels.OpCreate, 1, nil)
	w.dirty[p.ID] = true
	// Buildings under the new parcel may now overlap it most.
	return w.reassignNear(p)
}

// reassignNear queues every building whose box meets the parcel's.
func (w *wtx) reassignNear(p *parcels.Parcel) error {
	ids, err := w.nearIDs("buildings", p.Geometry)
	if err != nil {
		return err
	}
	for _, id := range ids {
		w.reassign[id] = true
	}
	return nil
}

// reassignOn queues every building assigned to parcel id.
func (w *wtx) reassignOn(id int64) error {
	rows, err := w.q.QueryContext(w.ctx, "SELECT fid FROM buildings WHERE parcel_id = ?", id)
	if err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			return err
		}
		w.reassign[b] = true
	}
	return rows.Err()
}

func (s *Store) CreateParcel(ctx context.Context, p *parcels.Parcel, actor string) (*parcels.Parcel, error) {
	q, err := s.prepareParcel(p, "")
	if err != nil {
		return nil, err
	}
	w, err := s.write(ctx, actor, func(w *wtx) error { return w.createParcel(q, "") })
	if err != nil {
		return nil, err
	}
	return w.final[rowKey{parcels.KindParcel, q.ID}].(*parcels.Parcel), nil
}

func (s *Store) CreateParcels(ctx context.Context, ps []*parcels.Parcel, actor string) ([]*parcels.Parcel, error) {
	qs := make([]*parcels.Parcel, len(ps))
	for i, p := range ps {
		q, err := s.prepareParcel(p, fmt.Sprintf("#%d", i))
		if err != nil {
			return nil, err
		}
		qs[i] = q
	}
	w, err := s.write(ctx, actor, func(w *wtx) error {
		for i, q := range qs {
			if err := w.createParcel(q, fmt.Sprintf("#%d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*parcels.Parcel, len(qs))
	for i, q := range qs {
		out[i] = w.final[rowKey{parcels.KindParcel, q.ID}].(*parcels.Parcel)
	}
	return out, nil
}

func (s *Store) GetParcel(ctx context.Context, id int64) (*parcels.Parcel, error) {
	return getOne(ctx, s.rq, parcels.KindParcel, id, scanParcel)
}

func (s *Store) UpdateParcel(ctx context.Context, p *parcels.Parcel, actor string) (*parcels.Parcel, error) {
	if p == nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Message: "no parcel given", MessageZH: "未提供宗地"}
	}
	q, err := s.prepareParcel(p, "")
	if err != nil {
		return nil, err
	}
	w, err := s.write(ctx, actor, func(w *wtx) error {
		old, err := w.getParcel(p.ID)
		if err != nil {
			return err
		}
		if old.Version != p.Version {
			return parcels.Conflict(parcels.KindParcel, p.ID, p.Version, old.Version)
		}
		return w.replaceParcel(old, q, parcels.OpUpdate)
	})
	if err != nil {
		return nil, err
	}
	return w.final[rowKey{parcels.KindParcel, p.ID}].(*parcels.Parcel), nil
}

// replaceParcel writes q (fields, geometry, areas) over the live parcel old
// as the next version, and queues what that affects.
func (w *wtx) replaceParcel(old, q *parcels.Parcel, op parcels.Op) error {
	q.Meta = old.Meta
	q.ID = old.ID
	w.bump(&q.Meta)
	if err := w.checkCode(q, ""); err != nil {
		return err
	}
	// Site values are settled below from the buildings.
	q.ParcelDerived = parcels.ParcelDerived{AreaM2: q.AreaM2, AreaMu: q.AreaMu, EllipsoidalAreaM2: q.EllipsoidalAreaM2,
		FootprintAreaM2: old.FootprintAreaM2, FloorAreaM2: old.FloorAreaM2, BuildingDensity: old.BuildingDensity,
		PlotRatio: old.PlotRatio, BuildingCount: old.BuildingCount}
	if err := w.updateParcel(q); err != nil {
		return err
	}
	w.geomChanged(rowKey{parcels.KindParcel, q.ID}, old.Geometry, q.Geometry)
	if !orb.Equal(old.Geometry, q.Geometry) {
		w.moved = append(w.moved, q.ID)
	}
	w.markPrimary(rowKey{parcels.KindParcel, q.ID}, op, q.Version, old)
	w.dirty[q.ID] = true
	if err := w.reassignOn(q.ID); err != nil {
		return err
	}
	return w.reassignNear(q)
}

func (s *Store) DeleteParcel(ctx context.Context, id, version int64, actor string) error {
	_, err := s.write(ctx, actor, func(w *wtx) error {
		old, err := w.getParcel(id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return parcels.Conflict(parcels.KindParcel, id, version, old.Version)
		}
		zs, err := w.zonesWith(id)
		if err != nil {
			return err
		}
		if len(zs) > 0 {
			return parcels.MemberOfZones(id, zs)
		}
		if err := w.reassignOn(id); err != nil {
			return err
		}
		if err := w.deleteRow(parcels.KindParcel, id, old.Geometry); err != nil {
			return err
		}
		w.markPrimary(rowKey{parcels.KindParcel, id}, parcels.OpDelete, old.Version+1, old)
		return nil
	})
	return err
}

func (s *Store) ListParcels(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Parcel], error) {
	return list(ctx, s, parcels.KindParcel, q, scanParcel, func(p *parcels.Parcel) any { return p })
}
