package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"landplan/parcels"
)

// prepZone checks a zone's fields, members (each once) and pieces (ids
// unique and set, geometry normalised). z is modified.
func (db *DB) prepZone(z *parcels.Zone) ([]byte, error) {
	for _, f := range []struct{ name, v string }{{"name", z.Name}, {"note", z.Note}} {
		if err := checkText("", f.name, f.v); err != nil {
			return nil, err
		}
	}
	if err := checkEnum("", "status", string(z.Status), "draft", "submitted", "approved", "rejected"); err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, id := range z.Members {
		if seen[id] {
			return nil, invalidf(fmt.Sprint(id), fmt.Sprintf("成员宗地 %d 重复列出", id), "member parcel %d is listed more than once", id)
		}
		seen[id] = true
	}
	pieces := make([]parcels.Piece, len(z.Pieces))
	ids := map[string]bool{}
	for i, pc := range z.Pieces {
		feature := fmt.Sprintf("piece %q", pc.ID)
		if pc.ID == "" {
			return nil, invalidf(fmt.Sprintf("piece #%d", i), "边角地缺少编号", "piece #%d has no id", i)
		}
		if ids[pc.ID] {
			return nil, invalidf(feature, fmt.Sprintf("边角地编号 %q 在片区内重复", pc.ID), "piece id %q is used twice in the zone", pc.ID)
		}
		ids[pc.ID] = true
		if err := checkText(feature, "name", pc.Name); err != nil {
			return nil, err
		}
		if err := checkText(feature, "id", pc.ID); err != nil {
			return nil, err
		}
		g, err := parcels.Normalize(parcels.KindZone, feature, pc.Geometry)
		if err != nil {
			return nil, err
		}
		pc.Geometry = g
		pieces[i] = pc
	}
	z.Pieces = pieces
	z.Members = append([]int64{}, z.Members...)
	attrs, back, err := normAttrs("", z.Attrs)
	z.Attrs = back
	return attrs, err
}

func copyZone(in *parcels.Zone) *parcels.Zone {
	z := *in
	z.Meta = parcels.Meta{}
	z.Geometry = nil
	z.ZoneDerived = parcels.ZoneDerived{}
	return &z
}

// CreateZone stores a zone with its members and pieces.
func (db *DB) CreateZone(ctx context.Context, in *parcels.Zone, actor string) (*parcels.Zone, error) {
	z := copyZone(in)
	attrs, err := db.prepZone(z)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error {
		z.Version, z.CreatedAt = 1, w.at
		return w.saveZone(z, nil, attrs, parcels.OpCreate)
	})
	if err != nil {
		return nil, err
	}
	return z, nil
}

// saveZone derives the zone's values from its live members and writes it
// (insert when old is nil) with its child rows.
func (w *wtx) saveZone(z, old *parcels.Zone, attrs []byte, op parcels.Op) error {
	members := make([]*parcels.Parcel, 0, len(z.Members))
	if len(z.Members) > 0 {
		rows, err := w.tx.Query(w.ctx, "SELECT "+parcelCols+" FROM parcels WHERE id = ANY($1) AND deleted_at IS NULL FOR SHARE", z.Members)
		if err != nil {
			return err
		}
		found, err := collect(rows, scanParcel)
		if err != nil {
			return err
		}
		byID := map[int64]*parcels.Parcel{}
		for _, p := range found {
			byID[p.ID] = p
		}
		for _, id := range z.Members {
			p, ok := byID[id]
			if !ok {
				return invalidf(fmt.Sprint(id), fmt.Sprintf("成员宗地 %d 不存在或已删除", id), "member parcel %d does not exist or was deleted", id)
			}
			members = append(members, p)
		}
	}
	if err := w.db.der.ZoneValues(z, members); err != nil {
		return err
	}
	geom, err := encodeGeom(z.Geometry)
	if err != nil {
		return err
	}
	z.UpdatedAt, z.UpdatedBy = w.at, w.actor
	args := []any{z.Version, z.CreatedAt, z.UpdatedAt, z.UpdatedBy, z.Name, string(z.Status), z.Note, string(attrs), geom,
		z.AreaM2, z.MembersAreaM2, z.PiecesAreaM2}
	const cols = `version, created_at, updated_at, updated_by, name, status, note, attrs, geom, area_m2, members_area_m2, pieces_area_m2`
	if old == nil {
		if err := w.tx.QueryRow(w.ctx, `INSERT INTO zones (`+cols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_GeomFromEWKB($9), $10, $11, $12)
			RETURNING id`, args...).Scan(&z.ID); err != nil {
			return err
		}
	} else {
		if _, err := w.tx.Exec(w.ctx, `UPDATE zones SET (`+cols+`, deleted_at) = ($1, $2, $3, $4, $5, $6, $7, $8, ST_GeomFromEWKB($9), $10, $11, $12, NULL)
			WHERE id = $13`, append(args, z.ID)...); err != nil {
			return err
		}
	}
	b := &pgx.Batch{}
	b.Queue("DELETE FROM zone_members WHERE zone_id = $1", z.ID)
	b.Queue("DELETE FROM zone_pieces WHERE zone_id = $1", z.ID)
	for i, id := range z.Members {
		b.Queue("INSERT INTO zone_members (zone_id, ord, parcel_id) VALUES ($1, $2, $3)", z.ID, i, id)
	}
	for i, pc := range z.Pieces {
		g, err := encodeGeom(pc.Geometry)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO zone_pieces (zone_id, ord, piece_id, name, geom, area_m2, area_mu, detected)
			VALUES ($1, $2, $3, $4, ST_GeomFromEWKB($5), $6, $7, $8)`, z.ID, i, pc.ID, pc.Name, g, pc.AreaM2, pc.AreaMu, pc.Detected)
	}
	if err := w.tx.SendBatch(w.ctx, b).Close(); err != nil {
		return err
	}
	var before any
	if old != nil {
		before = old
	}
	var oldGeom orb.MultiPolygon
	if old != nil {
		oldGeom = old.Geometry
	}
	w.notify(parcels.KindZone, z.ID, op, z.Geometry, oldGeom)
	return w.record(parcels.KindZone, z.ID, z.Version, op, before, z)
}

// GetZone returns a live zone with its members and pieces.
func (db *DB) GetZone(ctx context.Context, id int64) (*parcels.Zone, error) {
	var z *parcels.Zone
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		z, err = scanZone(tx.QueryRow(ctx, "SELECT "+zoneCols+" FROM zones WHERE id = $1 AND deleted_at IS NULL", id))
		if err == pgx.ErrNoRows {
			return parcels.NotFound(parcels.KindZone, id)
		}
		if err != nil {
			return err
		}
		return loadZoneChildren(ctx, tx, []*parcels.Zone{z})
	})
	if err != nil {
		return nil, err
	}
	return z, nil
}

// loadZoneChildren fills the members and pieces of zs, in their order.
func loadZoneChildren(ctx context.Context, q pgx.Tx, zs []*parcels.Zone) error {
	if len(zs) == 0 {
		return nil
	}
	byID := map[int64]*parcels.Zone{}
	ids := make([]int64, len(zs))
	for i, z := range zs {
		byID[z.ID], ids[i] = z, z.ID
		z.Members, z.Pieces = []int64{}, []parcels.Piece{}
	}
	rows, err := q.Query(ctx, "SELECT zone_id, parcel_id FROM zone_members WHERE zone_id = ANY($1) ORDER BY zone_id, ord", ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var zid, pid int64
		if err := rows.Scan(&zid, &pid); err != nil {
			rows.Close()
			return err
		}
		byID[zid].Members = append(byID[zid].Members, pid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.Query(ctx, `SELECT zone_id, piece_id, name, ST_AsEWKB(geom), area_m2, area_mu, detected
		FROM zone_pieces WHERE zone_id = ANY($1) ORDER BY zone_id, ord`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var zid int64
		var pc parcels.Piece
		var g []byte
		if err := rows.Scan(&zid, &pc.ID, &pc.Name, &g, &pc.AreaM2, &pc.AreaMu, &pc.Detected); err != nil {
			return err
		}
		if pc.Geometry, err = decodeGeom(g); err != nil {
			return err
		}
		byID[zid].Pieces = append(byID[zid].Pieces, pc)
	}
	return rows.Err()
}

// zonesWith returns the live zones (id and name, by id) that list parcel id
// as a member.
func (w *wtx) zonesWith(id int64) ([]parcels.Zone, error) {
	rows, err := w.tx.Query(w.ctx, `SELECT DISTINCT z.id, z.name FROM zone_members m JOIN zones z ON z.id = m.zone_id
		WHERE m.parcel_id = $1 AND z.deleted_at IS NULL ORDER BY z.id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (parcels.Zone, error) {
		var z parcels.Zone
		err := r.Scan(&z.ID, &z.Name)
		return z, err
	})
}

// settleZones recomputes, as a new version, every live zone that lists a
// parcel whose geometry this write changed.
func (w *wtx) settleZones() error {
	if len(w.moved) == 0 {
		return nil
	}
	rows, err := w.tx.Query(w.ctx, `SELECT DISTINCT z.id FROM zone_members m JOIN zones z ON z.id = m.zone_id
		WHERE m.parcel_id = ANY($1) AND z.deleted_at IS NULL ORDER BY z.id`, w.moved)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, id := range ids {
		old, _, err := w.lockZone(id, false)
		if err != nil {
			return err
		}
		z := copyZone(old)
		z.ID = id
		attrs, err := w.db.prepZone(z)
		if err != nil {
			return err
		}
		z.Version, z.CreatedAt = old.Version+1, old.CreatedAt
		if err := w.saveZone(z, old, attrs, parcels.OpUpdate); err != nil {
			return err
		}
	}
	return nil
}

// lockZone loads zone id with its children for update.
func (w *wtx) lockZone(id int64, allowDeleted bool) (*parcels.Zone, bool, error) {
	var deleted bool
	z, err := scanZone(w.tx.QueryRow(w.ctx, "SELECT "+zoneCols+", deleted_at IS NOT NULL FROM zones WHERE id = $1 FOR UPDATE", id), &deleted)
	if err == pgx.ErrNoRows || (err == nil && deleted && !allowDeleted) {
		return nil, false, parcels.NotFound(parcels.KindZone, id)
	}
	if err != nil {
		return nil, false, err
	}
	return z, deleted, loadZoneChildren(w.ctx, w.tx, []*parcels.Zone{z})
}

// UpdateZone replaces zone in.ID at in.Version.
func (db *DB) UpdateZone(ctx context.Context, in *parcels.Zone, actor string) (*parcels.Zone, error) {
	z := copyZone(in)
	z.ID = in.ID
	attrs, err := db.prepZone(z)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error {
		old, _, err := w.lockZone(z.ID, false)
		if err != nil {
			return err
		}
		if err := checkVersion(parcels.KindZone, z.ID, in.Version, old.Version); err != nil {
			return err
		}
		z.Version, z.CreatedAt = old.Version+1, old.CreatedAt
		return w.saveZone(z, old, attrs, parcels.OpUpdate)
	})
	if err != nil {
		return nil, err
	}
	return z, nil
}

// DeleteZone soft-deletes zone id at version (its members and pieces stay
// with it, for the history and Restore).
func (db *DB) DeleteZone(ctx context.Context, id, version int64, actor string) error {
	return db.write(ctx, actor, func(w *wtx) error {
		old, _, err := w.lockZone(id, false)
		if err != nil {
			return err
		}
		if err := checkVersion(parcels.KindZone, id, version, old.Version); err != nil {
			return err
		}
		if _, err := w.tx.Exec(ctx, `UPDATE zones SET deleted_at = $2, version = $3, updated_at = $2, updated_by = $4 WHERE id = $1`,
			id, w.at, old.Version+1, actor); err != nil {
			return err
		}
		w.notify(parcels.KindZone, id, parcels.OpDelete, old.Geometry)
		return w.record(parcels.KindZone, id, old.Version+1, parcels.OpDelete, old, nil)
	})
}
