package postgis

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/jackc/pgx/v5"

	"landplan/parcels"
)

const parcelWriteCols = `version, created_at, updated_at, updated_by, code, name, owner, land_use, land_source,
	lease_start, lease_end, registered_area_m2, status, town, attrs, geom, area_m2, area_mu, ellipsoidal_area_m2,
	footprint_area_m2, floor_area_m2, building_density, plot_ratio, building_count`

// parcelArgs are the values of parcelWriteCols for p.
func parcelArgs(p *parcels.Parcel, geom, attrs []byte) []any {
	return []any{p.Version, p.CreatedAt, p.UpdatedAt, p.UpdatedBy, p.Code, p.Name, p.Owner, p.LandUse, string(p.LandSource),
		dateArg(p.LeaseStart), dateArg(p.LeaseEnd), p.RegisteredAreaM2, string(p.Status), p.Town, string(attrs), geom,
		p.AreaM2, p.AreaMu, p.EllipsoidalAreaM2, p.FootprintAreaM2, p.FloorAreaM2, p.BuildingDensity, p.PlotRatio, p.BuildingCount}
}

// copyParcel returns a copy of the caller's parcel with Meta and derived
// values cleared: the input is never modified.
func copyParcel(in *parcels.Parcel) *parcels.Parcel {
	p := *in
	p.Meta = parcels.Meta{}
	p.ParcelDerived = parcels.ParcelDerived{}
	return &p
}

// CreateParcel stores p as version 1.
func (db *DB) CreateParcel(ctx context.Context, in *parcels.Parcel, actor string) (*parcels.Parcel, error) {
	p := copyParcel(in)
	geom, attrs, err := db.prepParcel("", p)
	if err != nil {
		return nil, err
	}
	if err := db.der.ParcelSite(p, nil); err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error {
		if err := w.checkCodes([]*parcels.Parcel{p}, nil); err != nil {
			return err
		}
		p.Version, p.CreatedAt, p.UpdatedAt, p.UpdatedBy = 1, w.at, w.at, actor
		if err := w.tx.QueryRow(ctx, `INSERT INTO parcels (`+parcelWriteCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
			$10, $11, $12, $13, $14, $15, ST_GeomFromEWKB($16), $17, $18, $19, $20, $21, $22, $23, $24) RETURNING id`,
			parcelArgs(p, geom, attrs)...).Scan(&p.ID); err != nil {
			return err
		}
		return w.parcelWritten(p, nil, parcels.OpCreate)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// parcelWritten finishes a parcel write: history, notification, and the
// buildings around the old and new geometry reassigned.
func (w *wtx) parcelWritten(p, before *parcels.Parcel, op parcels.Op) error {
	w.primary[p.ID] = p
	w.markDirty(p.ID)
	var old parcels.Parcel
	var oldRow any
	if before != nil {
		old = *before
		oldRow = &old
	}
	if err := w.record(parcels.KindParcel, p.ID, p.Version, op, oldRow, p); err != nil {
		return err
	}
	w.notify(parcels.KindParcel, p.ID, op, p.Geometry, old.Geometry)
	return w.reassignAround([]int64{p.ID})
}

// checkCodes refuses codes already used by another live parcel (except
// the parcel itself, self), naming the feature.
func (w *wtx) checkCodes(ps []*parcels.Parcel, self map[int64]bool) error {
	idx := map[string]int{}
	var codes []string
	for i, p := range ps {
		if p.Code == "" {
			continue
		}
		if j, dup := idx[p.Code]; dup {
			return invalidf(fmt.Sprintf("#%d", i), fmt.Sprintf("宗地代码 %s 在本批中重复（另见第 %d 条）", p.Code, j),
				"parcel code %s appears twice in the batch (also #%d)", p.Code, j)
		}
		idx[p.Code] = i
		codes = append(codes, p.Code)
	}
	if len(codes) == 0 {
		return nil
	}
	rows, err := w.tx.Query(w.ctx, "SELECT code, id FROM parcels WHERE deleted_at IS NULL AND code = ANY($1) ORDER BY id", codes)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return err
		}
		if self[id] {
			continue
		}
		feature := ""
		if len(ps) > 1 {
			feature = fmt.Sprintf("#%d", idx[code])
		}
		return invalidf(feature, fmt.Sprintf("宗地代码 %s 已被在用宗地 %d 使用", code, id),
			"parcel code %s is already used by live parcel %d", code, id)
	}
	return rows.Err()
}

// GetParcel returns a live parcel.
func (db *DB) GetParcel(ctx context.Context, id int64) (*parcels.Parcel, error) {
	p, err := scanParcel(db.pool.QueryRow(ctx, "SELECT "+parcelCols+" FROM parcels WHERE id = $1 AND deleted_at IS NULL", id))
	if err == pgx.ErrNoRows {
		return nil, parcels.NotFound(parcels.KindParcel, id)
	}
	if err != nil {
		return nil, translate(ctx, err)
	}
	return p, nil
}

// UpdateParcel replaces the fields and geometry of parcel in.ID at in.Version.
func (db *DB) UpdateParcel(ctx context.Context, in *parcels.Parcel, actor string) (*parcels.Parcel, error) {
	p := copyParcel(in)
	p.ID = in.ID
	geom, attrs, err := db.prepParcel("", p)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error {
		old, _, err := w.lockParcel(p.ID, false)
		if err != nil {
			return err
		}
		if err := checkVersion(parcels.KindParcel, p.ID, in.Version, old.Version); err != nil {
			return err
		}
		return w.saveParcel(p, old, geom, attrs, parcels.OpUpdate)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// saveParcel writes p over the locked row old as the next version.
func (w *wtx) saveParcel(p, old *parcels.Parcel, geom, attrs []byte, op parcels.Op) error {
	if err := w.checkCodes([]*parcels.Parcel{p}, map[int64]bool{p.ID: true}); err != nil {
		return err
	}
	p.Version, p.CreatedAt, p.UpdatedAt, p.UpdatedBy = old.Version+1, old.CreatedAt, w.at, w.actor
	// The site values stay until settle recomputes them with the new area.
	area := p.ParcelDerived
	p.ParcelDerived = old.ParcelDerived
	p.AreaM2, p.AreaMu, p.EllipsoidalAreaM2 = area.AreaM2, area.AreaMu, area.EllipsoidalAreaM2
	args := append(parcelArgs(p, geom, attrs), p.ID)
	if _, err := w.tx.Exec(w.ctx, `UPDATE parcels SET (`+parcelWriteCols+`, deleted_at) = ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, $12, $13, $14, $15, ST_GeomFromEWKB($16), $17, $18, $19, $20, $21, $22, $23, $24, NULL) WHERE id = $25`, args...); err != nil {
		return err
	}
	return w.parcelWritten(p, old, op)
}

// DeleteParcel soft-deletes parcel id at version; its buildings are reassigned.
func (db *DB) DeleteParcel(ctx context.Context, id, version int64, actor string) error {
	return db.write(ctx, actor, func(w *wtx) error {
		old, _, err := w.lockParcel(id, false)
		if err != nil {
			return err
		}
		if err := checkVersion(parcels.KindParcel, id, version, old.Version); err != nil {
			return err
		}
		if _, err := w.tx.Exec(ctx, `UPDATE parcels SET deleted_at = $2, version = $3, updated_at = $2, updated_by = $4 WHERE id = $1`,
			id, w.at, old.Version+1, actor); err != nil {
			return err
		}
		if err := w.record(parcels.KindParcel, id, old.Version+1, parcels.OpDelete, old, nil); err != nil {
			return err
		}
		w.notify(parcels.KindParcel, id, parcels.OpDelete, old.Geometry)
		return w.reassignAround([]int64{id})
	})
}

// CreateParcels stores ps in one transaction: checks and derived values are
// computed in parallel goroutines, ids come from the sequence in one
// round trip, rows and history go in by binary COPY, and buildings under
// the new parcels are reassigned. A failure anywhere rolls everything back;
// an EINVALID error names the feature ("#12").
func (db *DB) CreateParcels(ctx context.Context, in []*parcels.Parcel, actor string) ([]*parcels.Parcel, error) {
	if len(in) == 0 {
		return []*parcels.Parcel{}, nil
	}
	ps := make([]*parcels.Parcel, len(in))
	geoms := make([][]byte, len(in))
	attrs := make([][]byte, len(in))
	err := parallel(len(in), func(i int) error {
		if i%1024 == 0 && ctx.Err() != nil {
			return fmt.Errorf("postgis: %w", ctx.Err())
		}
		if in[i] == nil {
			return invalidf(fmt.Sprintf("#%d", i), "缺少宗地", "no parcel")
		}
		p := copyParcel(in[i])
		g, a, err := db.prepParcel(fmt.Sprintf("#%d", i), p)
		if err != nil {
			return err
		}
		if err := db.der.ParcelSite(p, nil); err != nil {
			return err
		}
		ps[i], geoms[i], attrs[i] = p, g, a
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, actor, func(w *wtx) error {
		if err := w.checkCodes(ps, nil); err != nil {
			return err
		}
		rows, err := w.tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence('parcels', 'id')) FROM generate_series(1, $1)", len(ps))
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(ids) != len(ps) {
			return errorf("got %d ids for %d parcels", len(ids), len(ps))
		}
		src := make([][]any, len(ps))
		for i, p := range ps {
			p.ID, p.Version, p.CreatedAt, p.UpdatedAt, p.UpdatedBy = ids[i], 1, w.at, w.at, actor
			src[i] = append([]any{p.ID}, parcelArgs(p, geoms[i], attrs[i])...)
		}
		cols := []string{"id", "version", "created_at", "updated_at", "updated_by", "code", "name", "owner", "land_use", "land_source",
			"lease_start", "lease_end", "registered_area_m2", "status", "town", "attrs", "geom", "area_m2", "area_mu", "ellipsoidal_area_m2",
			"footprint_area_m2", "floor_area_m2", "building_density", "plot_ratio", "building_count"}
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"parcels"}, cols, pgx.CopyFromRows(src)); err != nil {
			return err
		}
		for _, p := range ps {
			w.primary[p.ID] = p
			w.hist = append(w.hist, histRec{kind: parcels.KindParcel, id: p.ID, version: 1, op: parcels.OpCreate, after: p})
			w.notify(parcels.KindParcel, p.ID, parcels.OpCreate, p.Geometry)
		}
		// New parcels have no buildings yet, unless they cover existing ones:
		// only those parcels need their site values recomputed.
		return w.reassignAround(ids)
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// parallel runs fn(0..n-1) on GOMAXPROCS goroutines and returns the error
// of the lowest failing index, so a batch error names the first bad feature
// whatever the scheduling.
func parallel(n int, fn func(i int) error) error {
	workers := runtime.GOMAXPROCS(0)
	if n < 256 || workers < 2 {
		for i := 0; i < n; i++ {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, workers)
	errAt := make([]int, workers)
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for k := 0; k < workers; k++ {
		lo, hi := k*chunk, min((k+1)*chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				if err := fn(i); err != nil {
					errs[k], errAt[k] = err, i
					return
				}
			}
		}()
	}
	wg.Wait()
	for k := range errs { // chunks are in index order
		if errs[k] != nil {
			return errs[k]
		}
	}
	return nil
}
