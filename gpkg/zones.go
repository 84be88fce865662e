package gpkg

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// prepareZone validates a zone's own fields and normalizes its pieces; the
// members are checked inside the write transaction.
func (s *Store) prepareZone(z *parcels.Zone) (*parcels.Zone, error) {
	if z == nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Message: "no zone given", MessageZH: "未提供改造片区"}
	}
	q := *z
	switch q.Status {
	case "", parcels.ZoneDraft, parcels.ZoneSubmitted, parcels.ZoneApproved, parcels.ZoneRejected:
	default:
		return nil, &parcels.Error{Code: parcels.EINVALID,
			Message:   fmt.Sprintf("zone status %q is not one of draft, submitted, approved, rejected", q.Status),
			MessageZH: fmt.Sprintf("片区状态 %q 无效：应为 草拟、已报批、已批准 或 未通过", q.Status)}
	}
	seen := map[int64]bool{}
	q.Members = append([]int64{}, z.Members...)
	for _, id := range q.Members {
		if seen[id] {
			return nil, &parcels.Error{Code: parcels.EINVALID, Feature: fmt.Sprint(id),
				Message:   fmt.Sprintf("parcel %d is listed twice among the members", id),
				MessageZH: fmt.Sprintf("宗地 %d 在成员中重复出现", id)}
		}
		seen[id] = true
	}
	ids := map[string]bool{}
	q.Pieces = make([]parcels.Piece, len(z.Pieces))
	for i, pc := range z.Pieces {
		if ids[pc.ID] {
			return nil, &parcels.Error{Code: parcels.EINVALID, Feature: "piece " + pc.ID,
				Message:   fmt.Sprintf("piece id %q is used twice in the zone", pc.ID),
				MessageZH: fmt.Sprintf("地块编号 %q 在片区中重复", pc.ID)}
		}
		ids[pc.ID] = true
		g, err := parcels.Normalize(parcels.KindZone, "piece "+pc.ID, pc.Geometry)
		if err != nil {
			return nil, err
		}
		pc.Geometry = g
		q.Pieces[i] = pc
	}
	var err error
	if q.Attrs, err = roundTripAttrs(q.Attrs); err != nil {
		return nil, err
	}
	return &q, nil
}

// members loads the zone's member parcels, all of which must be live.
func (w *wtx) members(z *parcels.Zone) ([]*parcels.Parcel, error) {
	out := make([]*parcels.Parcel, 0, len(z.Members))
	for _, id := range z.Members {
		p, err := w.getParcel(id)
		if isNotFound(err) {
			return nil, &parcels.Error{Code: parcels.EINVALID, Feature: fmt.Sprint(id),
				Message:   fmt.Sprintf("member parcel %d does not exist or was deleted", id),
				MessageZH: fmt.Sprintf("成员宗地 %d 不存在或已删除", id)}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// zonesWith returns the zones (id and name, by id) that list parcel id as a
// member.
func (w *wtx) zonesWith(id int64) ([]parcels.Zone, error) {
	return queryRows(w.ctx, w.q, `SELECT DISTINCT z.fid, z.name FROM landplan_zone_members m JOIN zones z ON z.fid = m.zone_id
		WHERE m.parcel_id = ? ORDER BY z.fid`, func(sc scanner) (parcels.Zone, error) {
		var z parcels.Zone
		err := sc.Scan(&z.ID, &z.Name)
		return z, err
	}, id)
}

// settleZones recomputes, as a new version, every zone that lists a parcel
// whose geometry this write changed.
func (w *wtx) settleZones() error {
	ids := map[int64]bool{}
	for _, pid := range w.moved {
		zs, err := w.zonesWith(pid)
		if err != nil {
			return err
		}
		for _, z := range zs {
			ids[z.ID] = true
		}
	}
	for _, id := range sortedIDs(ids) {
		old, err := w.getZone(id)
		if err != nil {
			return err
		}
		z := *old
		w.bump(&z.Meta)
		if err := w.writeZone(&z, old, false); err != nil {
			return err
		}
		w.hist2 = append(w.hist2, histRec{key: rowKey{parcels.KindZone, id}, op: parcels.OpUpdate, version: z.Version, before: old, after: &z})
	}
	return nil
}

// writeZone inserts (id 0 or a restored id) or updates the zone row and
// replaces its members and pieces.
func (w *wtx) writeZone(z *parcels.Zone, old *parcels.Zone, insert bool) error {
	ms, err := w.members(z)
	if err != nil {
		return err
	}
	if err := w.s.der.ZoneValues(z, ms); err != nil {
		return fmt.Errorf("gpkg: zone values: %w", err)
	}
	args, err := zoneArgs(z)
	if err != nil {
		return err
	}
	if insert {
		if z.ID, err = w.insert(parcels.KindZone, args); err != nil {
			return err
		}
	} else if err := w.update(parcels.KindZone, args); err != nil {
		return err
	}
	var oldGeom orb.MultiPolygon
	if old != nil {
		oldGeom = old.Geometry
	}
	w.geomChanged(rowKey{parcels.KindZone, z.ID}, oldGeom, z.Geometry)
	if err := w.clearZoneParts(z.ID, old); err != nil {
		return err
	}
	for i, id := range z.Members {
		if _, err := w.exec("INSERT INTO landplan_zone_members (zone_id, ord, parcel_id) VALUES (?, ?, ?)", z.ID, i, id); err != nil {
			return err
		}
	}
	for i, pc := range z.Pieces {
		g, err := EncodeBlob(pc.Geometry, srsID)
		if err != nil {
			return err
		}
		if _, err := w.exec("INSERT INTO zone_pieces (geom, zone_id, ord, piece_id, name, detected, area_m2, area_mu) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			g, z.ID, i, pc.ID, pc.Name, pc.Detected, pc.AreaM2, pc.AreaMu); err != nil {
			return err
		}
		b, ok := bound(pc.Geometry)
		w.extentOf("zone_pieces", b, false, b, ok)
	}
	return nil
}

// clearZoneParts removes the members and pieces of zone id (old is its
// previous state, nil when it had none).
func (w *wtx) clearZoneParts(id int64, old *parcels.Zone) error {
	if _, err := w.exec("DELETE FROM landplan_zone_members WHERE zone_id = ?", id); err != nil {
		return err
	}
	if old == nil {
		return nil
	}
	if _, err := w.exec("DELETE FROM zone_pieces WHERE zone_id = ?", id); err != nil {
		return err
	}
	for _, pc := range old.Pieces {
		b, ok := bound(pc.Geometry)
		w.extentOf("zone_pieces", b, ok, b, false)
	}
	return nil
}

func loadPieces(ctx context.Context, q queryer, zoneID int64) ([]parcels.Piece, error) {
	rows, err := q.QueryContext(ctx, "SELECT piece_id, name, detected, area_m2, area_mu, geom FROM zone_pieces WHERE zone_id = ? ORDER BY ord", zoneID)
	if err != nil {
		return nil, fmt.Errorf("gpkg: pieces of zone %d: %w", zoneID, err)
	}
	defer rows.Close()
	out := []parcels.Piece{}
	for rows.Next() {
		var pc parcels.Piece
		var name sql.NullString
		var det sql.NullBool
		var a, mu sql.NullFloat64
		var g []byte
		if err := rows.Scan(&pc.ID, &name, &det, &a, &mu, &g); err != nil {
			return nil, err
		}
		pc.Name, pc.Detected, pc.AreaM2, pc.AreaMu = name.String, det.Bool, a.Float64, mu.Float64
		if pc.Geometry, err = decodeMultiPolygon(g); err != nil {
			return nil, fmt.Errorf("gpkg: piece %q of zone %d: %w", pc.ID, zoneID, err)
		}
		out = append(out, pc)
	}
	return out, rows.Err()
}

func (s *Store) CreateZone(ctx context.Context, z *parcels.Zone, actor string) (*parcels.Zone, error) {
	q, err := s.prepareZone(z)
	if err != nil {
		return nil, err
	}
	w, err := s.write(ctx, actor, func(w *wtx) error {
		q.ID = 0
		q.Meta = parcels.Meta{Version: 1, CreatedAt: w.at, UpdatedAt: w.at, UpdatedBy: w.actor}
		if err := w.writeZone(q, nil, true); err != nil {
			return err
		}
		w.markPrimary(rowKey{parcels.KindZone, q.ID}, parcels.OpCreate, 1, nil)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.final[rowKey{parcels.KindZone, q.ID}].(*parcels.Zone), nil
}

// GetZone reads the zone and its pieces in one read transaction, so a write
// between the two reads cannot pair version N with the pieces of N+1.
func (s *Store) GetZone(ctx context.Context, id int64) (*parcels.Zone, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("gpkg: %w", err)
	}
	defer tx.Rollback()
	z, err := getOne(ctx, tx, parcels.KindZone, id, scanZone)
	if err != nil {
		return nil, err
	}
	z.Pieces, err = loadPieces(ctx, tx, id)
	return z, err
}

func (s *Store) UpdateZone(ctx context.Context, z *parcels.Zone, actor string) (*parcels.Zone, error) {
	q, err := s.prepareZone(z)
	if err != nil {
		return nil, err
	}
	w, err := s.write(ctx, actor, func(w *wtx) error {
		old, err := w.getZone(z.ID)
		if err != nil {
			return err
		}
		if old.Version != z.Version {
			return parcels.Conflict(parcels.KindZone, z.ID, z.Version, old.Version)
		}
		return w.replaceZone(old, q, parcels.OpUpdate)
	})
	if err != nil {
		return nil, err
	}
	return w.final[rowKey{parcels.KindZone, z.ID}].(*parcels.Zone), nil
}

func (w *wtx) replaceZone(old, q *parcels.Zone, op parcels.Op) error {
	q.Meta = old.Meta
	w.bump(&q.Meta)
	if err := w.writeZone(q, old, false); err != nil {
		return err
	}
	w.markPrimary(rowKey{parcels.KindZone, q.ID}, op, q.Version, old)
	return nil
}

func (s *Store) DeleteZone(ctx context.Context, id, version int64, actor string) error {
	_, err := s.write(ctx, actor, func(w *wtx) error {
		old, err := w.getZone(id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return parcels.Conflict(parcels.KindZone, id, version, old.Version)
		}
		if err := w.clearZoneParts(id, old); err != nil {
			return err
		}
		if err := w.deleteRow(parcels.KindZone, id, old.Geometry); err != nil {
			return err
		}
		w.markPrimary(rowKey{parcels.KindZone, id}, parcels.OpDelete, old.Version+1, old)
		return nil
	})
	return err
}

func (s *Store) ListZones(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Zone], error) {
	return list(ctx, s, parcels.KindZone, q, scanZone, func(z *parcels.Zone) any { return z })
}
