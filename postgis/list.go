package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"landplan/parcels"
)

// ListParcels returns one page of live parcels in ascending id order.
func (db *DB) ListParcels(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Parcel], error) {
	var pg parcels.Page[*parcels.Parcel]
	lq, err := buildList(parcels.KindParcel, "parcels", parcelCols, q)
	if err != nil {
		return pg, err
	}
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		pg, err = runList(tx, ctx, lq, scanParcel, func(p *parcels.Parcel) int64 { return p.ID })
		return err
	})
	return pg, err
}

// ListBuildings returns one page of live buildings in ascending id order.
func (db *DB) ListBuildings(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Building], error) {
	var pg parcels.Page[*parcels.Building]
	lq, err := buildList(parcels.KindBuilding, "buildings", buildingCols, q)
	if err != nil {
		return pg, err
	}
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		pg, err = runList(tx, ctx, lq, scanBuilding, func(b *parcels.Building) int64 { return b.ID })
		return err
	})
	return pg, err
}

// ListZones returns one page of live zones (with members and pieces) in
// ascending id order.
func (db *DB) ListZones(ctx context.Context, q parcels.Query) (parcels.Page[*parcels.Zone], error) {
	var pg parcels.Page[*parcels.Zone]
	lq, err := buildList(parcels.KindZone, "zones", zoneCols, q)
	if err != nil {
		return pg, err
	}
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		pg, err = runList(tx, ctx, lq, scanZone, func(z *parcels.Zone) int64 { return z.ID })
		if err != nil {
			return err
		}
		return loadZoneChildren(ctx, tx, pg.Items)
	})
	return pg, err
}
