package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"landplan/parcels"
)

const buildingWriteCols = `version, created_at, updated_at, updated_by, parcel_id, name, use, floors, height_m,
	declared_floor_area_m2, attrs, geom, footprint_area_m2, floor_area_m2`

func buildingArgs(b *parcels.Building, geom, attrs []byte) []any {
	return []any{b.Version, b.CreatedAt, b.UpdatedAt, b.UpdatedBy, nullID(b.ParcelID), b.Name, string(b.Use), b.Floors, b.HeightM,
		b.DeclaredFloorAreaM2, string(attrs), geom, b.FootprintAreaM2, b.FloorAreaM2}
}

func copyBuilding(in *parcels.Building) *parcels.Building {
	b := *in
	b.Meta = parcels.Meta{}
	b.ParcelID = 0
	b.BuildingDerived = parcels.BuildingDerived{}
	return &b
}

// CreateBuilding stores b as version 1 on the parcel it overlaps most.
func (db *DB) CreateBuilding(ctx context.Context, in *parcels.Building, actor string) (*parcels.Building, error) {
	b := copyBuilding(in)
	geom, attrs, err := db.prepBuilding("", b)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error { return w.insertBuilding(b, geom, attrs) })
	if err != nil {
		return nil, err
	}
	return b, nil
}

func (w *wtx) insertBuilding(b *parcels.Building, geom, attrs []byte) error {
	if err := w.assign(b, geom); err != nil {
		return err
	}
	b.Version, b.CreatedAt, b.UpdatedAt, b.UpdatedBy = 1, w.at, w.at, w.actor
	if err := w.tx.QueryRow(w.ctx, `INSERT INTO buildings (`+buildingWriteCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, ST_GeomFromEWKB($12), $13, $14) RETURNING id`, buildingArgs(b, geom, attrs)...).Scan(&b.ID); err != nil {
		return err
	}
	w.markDirty(b.ParcelID)
	w.notify(parcels.KindBuilding, b.ID, parcels.OpCreate, b.Geometry)
	return w.record(parcels.KindBuilding, b.ID, 1, parcels.OpCreate, nil, b)
}

// CreateBuildings stores all of bs in one transaction, or none.
func (db *DB) CreateBuildings(ctx context.Context, in []*parcels.Building, actor string) ([]*parcels.Building, error) {
	bs := make([]*parcels.Building, len(in))
	geoms := make([][]byte, len(in))
	attrs := make([][]byte, len(in))
	err := parallel(len(in), func(i int) error {
		if in[i] == nil {
			return invalidf(fmt.Sprintf("#%d", i), "缺少建筑", "no building")
		}
		b := copyBuilding(in[i])
		g, a, err := db.prepBuilding(fmt.Sprintf("#%d", i), b)
		bs[i], geoms[i], attrs[i] = b, g, a
		return err
	})
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error {
		for i, b := range bs {
			if err := w.insertBuilding(b, geoms[i], attrs[i]); err != nil {
				return nameFeature(translate(ctx, err), i)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return bs, nil
}

// GetBuilding returns a live building.
func (db *DB) GetBuilding(ctx context.Context, id int64) (*parcels.Building, error) {
	b, err := scanBuilding(db.pool.QueryRow(ctx, "SELECT "+buildingCols+" FROM buildings WHERE id = $1 AND deleted_at IS NULL", id))
	if err == pgx.ErrNoRows {
		return nil, parcels.NotFound(parcels.KindBuilding, id)
	}
	if err != nil {
		return nil, translate(ctx, err)
	}
	return b, nil
}

// UpdateBuilding replaces building in.ID at in.Version and reassigns it.
func (db *DB) UpdateBuilding(ctx context.Context, in *parcels.Building, actor string) (*parcels.Building, error) {
	b := copyBuilding(in)
	b.ID = in.ID
	geom, attrs, err := db.prepBuilding("", b)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error {
		old, _, err := w.lockBuilding(b.ID, false)
		if err != nil {
			return err
		}
		if err := checkVersion(parcels.KindBuilding, b.ID, in.Version, old.Version); err != nil {
			return err
		}
		return w.saveBuilding(b, old, geom, attrs, parcels.OpUpdate)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// saveBuilding writes b over the locked row old as the next version.
func (w *wtx) saveBuilding(b, old *parcels.Building, geom, attrs []byte, op parcels.Op) error {
	if err := w.assign(b, geom); err != nil {
		return err
	}
	b.Version, b.CreatedAt, b.UpdatedAt, b.UpdatedBy = old.Version+1, old.CreatedAt, w.at, w.actor
	args := append(buildingArgs(b, geom, attrs), b.ID)
	if _, err := w.tx.Exec(w.ctx, `UPDATE buildings SET (`+buildingWriteCols+`, deleted_at) = ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, ST_GeomFromEWKB($12), $13, $14, NULL) WHERE id = $15`, args...); err != nil {
		return err
	}
	w.markDirty(old.ParcelID, b.ParcelID)
	w.notify(parcels.KindBuilding, b.ID, op, b.Geometry, old.Geometry)
	return w.record(parcels.KindBuilding, b.ID, b.Version, op, old, b)
}

// DeleteBuilding soft-deletes building id at version; its parcel is recomputed.
func (db *DB) DeleteBuilding(ctx context.Context, id, version int64, actor string) error {
	return db.write(ctx, actor, func(w *wtx) error {
		old, _, err := w.lockBuilding(id, false)
		if err != nil {
			return err
		}
		if err := checkVersion(parcels.KindBuilding, id, version, old.Version); err != nil {
			return err
		}
		if _, err := w.tx.Exec(ctx, `UPDATE buildings SET deleted_at = $2, version = $3, updated_at = $2, updated_by = $4 WHERE id = $1`,
			id, w.at, old.Version+1, actor); err != nil {
			return err
		}
		w.markDirty(old.ParcelID)
		w.notify(parcels.KindBuilding, id, parcels.OpDelete, old.Geometry)
		return w.record(parcels.KindBuilding, id, old.Version+1, parcels.OpDelete, old, nil)
	})
}

// BuildingsOnParcel returns the live buildings assigned to parcelID, by id.
func (db *DB) BuildingsOnParcel(ctx context.Context, parcelID int64) ([]*parcels.Building, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+buildingCols+" FROM buildings WHERE parcel_id = $1 AND deleted_at IS NULL ORDER BY id", parcelID)
	if err != nil {
		return nil, translate(ctx, err)
	}
	bs, err := collect(rows, scanBuilding)
	if err != nil {
		return nil, translate(ctx, err)
	}
	if bs == nil {
		bs = []*parcels.Building{}
	}
	return bs, nil
}

// nameFeature names batch feature i in a domain error that names none.
func nameFeature(err error, i int) error {
	var e *parcels.Error
	if errors.As(err, &e) && e.Feature == "" {
		e.Feature = fmt.Sprintf("#%d", i)
	}
	return err
}
