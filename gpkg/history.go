package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"landplan/parcels"
)

func checkKind(kind parcels.Kind) error {
	if _, ok := table[kind]; !ok {
		return &parcels.Error{Code: parcels.EINVALID,
			Message:   fmt.Sprintf("unknown kind %q: want parcel, building or zone", kind),
			MessageZH: fmt.Sprintf("未知类型 %q：应为 宗地、建筑 或 改造片区", kind)}
	}
	return nil
}

func (s *Store) History(ctx context.Context, kind parcels.Kind, id int64) ([]parcels.Change, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	cs, err := history(ctx, s.rq, kind, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, parcels.NotFound(kind, id)
	}
	return cs, nil
}

func history(ctx context.Context, q queryer, kind parcels.Kind, id int64) ([]parcels.Change, error) {
	rows, err := q.QueryContext(ctx, "SELECT seq, version, op, actor, at, before, after FROM landplan_history WHERE kind = ? AND row_id = ? ORDER BY seq", string(kind), id)
	if err != nil {
		return nil, fmt.Errorf("gpkg: history: %w", err)
	}
	defer rows.Close()
	var out []parcels.Change
	for rows.Next() {
		c := parcels.Change{Kind: kind, ID: id}
		var op string
		var at timeCol
		var before, after sql.NullString
		if err := rows.Scan(&c.Seq, &c.Version, &op, &c.Actor, &at, &before, &after); err != nil {
			return nil, err
		}
		c.Op = parcels.Op(op)
		c.At = at.t
		if before.Valid {
			c.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			c.After = json.RawMessage(after.String)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) Restore(ctx context.Context, kind parcels.Kind, id, version, current int64, actor string) error {
	if err := checkKind(kind); err != nil {
		return err
	}
	_, err := s.write(ctx, actor, func(w *wtx) error {
		cs, err := history(w.ctx, w.q, kind, id)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return parcels.NotFound(kind, id)
		}
		live, err := w.getRow(rowKey{kind, id})
		if err != nil && !isNotFound(err) {
			return err
		}
		if isNotFound(err) {
			live = nil
		}
		// A deleted row's current version is the one its deletion produced.
		cur := cs[len(cs)-1].Version
		var want json.RawMessage
		for _, c := range cs {
			if c.Version == version && c.After != nil {
				want = c.After
			}
		}
		if current != cur {
			return parcels.Conflict(kind, id, current, cur)
		}
		if want == nil {
			return &parcels.Error{Code: parcels.ENOTFOUND, Feature: fmt.Sprint(id),
				Message:   fmt.Sprintf("%s %d has no version %d in its history", kind, id, version),
				MessageZH: fmt.Sprintf("%s %d 的历史中没有版本 %d", kind.ZH(), id, version)}
		}
		switch kind {
		case parcels.KindParcel:
			return w.restoreParcel(id, cur, want, live)
		case parcels.KindBuilding:
			return w.restoreBuilding(id, cur, want, live)
		default:
			return w.restoreZone(id, cur, want, live)
		}
	})
	return err
}

// restoredMeta is the Meta of a restored row that was deleted: its id and
// creation are kept, the version follows the deletion's.
func (w *wtx) restoredMeta(id, cur int64, created parcels.Meta) parcels.Meta {
	return parcels.Meta{ID: id, Version: cur + 1, CreatedAt: created.CreatedAt, UpdatedAt: w.at, UpdatedBy: w.actor}
}

func (w *wtx) restoreParcel(id, cur int64, data json.RawMessage, live any) error {
	old, err := parcels.DecodeParcel(data)
	if err != nil {
		return fmt.Errorf("gpkg: history of parcel %d: %w", id, err)
	}
	q, err := w.s.prepareParcel(old, "")
	if err != nil {
		return err
	}
	if live != nil {
		return w.replaceParcel(live.(*parcels.Parcel), q, parcels.OpRestore)
	}
	q.Meta = w.restoredMeta(id, cur, old.Meta)
	if err := w.checkCode(q, ""); err != nil {
		return err
	}
	q.ParcelDerived = parcels.ParcelDerived{AreaM2: q.AreaM2, AreaMu: q.AreaMu, EllipsoidalAreaM2: q.EllipsoidalAreaM2}
	if err := w.insertParcel(q); err != nil {
		return err
	}
	w.markPrimary(rowKey{parcels.KindParcel, id}, parcels.OpRestore, q.Version, nil)
	w.dirty[id] = true
	return w.reassignNear(q)
}

func (w *wtx) restoreBuilding(id, cur int64, data json.RawMessage, live any) error {
	old, err := parcels.DecodeBuilding(data)
	if err != nil {
		return fmt.Errorf("gpkg: history of building %d: %w", id, err)
	}
	q, err := w.s.prepareBuilding(old, "")
	if err != nil {
		return err
	}
	if live != nil {
		return w.replaceBuilding(live.(*parcels.Building), q, parcels.OpRestore)
	}
	q.Meta = w.restoredMeta(id, cur, old.Meta)
	q.ParcelID = 0
	if err := w.insertBuilding(q); err != nil {
		return err
	}
	w.markPrimary(rowKey{parcels.KindBuilding, id}, parcels.OpRestore, q.Version, nil)
	w.reassign[id] = true
	return nil
}

func (w *wtx) restoreZone(id, cur int64, data json.RawMessage, live any) error {
	old, err := parcels.DecodeZone(data)
	if err != nil {
		return fmt.Errorf("gpkg: history of zone %d: %w", id, err)
	}
	q, err := w.s.prepareZone(old)
	if err != nil {
		return err
	}
	if live != nil {
		return w.replaceZone(live.(*parcels.Zone), q, parcels.OpRestore)
	}
	q.Meta = w.restoredMeta(id, cur, old.Meta)
	if err := w.writeZone(q, nil, true); err != nil {
		return err
	}
	w.markPrimary(rowKey{parcels.KindZone, id}, parcels.OpRestore, q.Version, nil)
	return nil
}
