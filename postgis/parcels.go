package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

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
		return w.parcelWritten(p, nil, parcels.OpCreate, true)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// parcelWritten finishes a parcel write: history, notification, and, when
// moved (its geometry or liveness changed), the buildings around it reassigned.
func (w *wtx) parcelWritten(p, before *parcels.Parcel, op parcels.Op, moved bool) error {
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
	if !moved {
		return nil
	}
	w.moved = append(w.moved, p.ID)
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
		return w.saveParcel(p, old, geom, attrs, parcels.OpUpdate, false)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// saveParcel writes p over the locked row old as the next version; wasDeleted
// tells that old is a deleted row being restored.
func (w *wtx) saveParcel(p, old *parcels.Parcel, geom, attrs []byte, op parcels.Op, wasDeleted bool) error {
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
	// Unmoved, the parcel can neither gain nor lose buildings.
	return w.parcelWritten(p, old, op, wasDeleted || !orb.Equal(p.Geometry, old.Geometry))
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
		// Zone writes lock their members FOR SHARE, so no zone can take
		// this parcel in while it is locked here.
		zs, err := w.zonesWith(id)
		if err != nil {
			return err
		}
		if len(zs) > 0 {
			return parcels.MemberOfZones(id, zs)
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

// CreateParcels stores ps in one transaction, as a pipeline: after the
// write lock, the duplicate-code check and one round trip for the ids,
// goroutines check, normalise and derive each parcel and encode its EWKB and
// history record, in chunks, while the rows stream into a binary COPY in
// input order; the history follows by COPY, then buildings under the new
// parcels are reassigned. Any failure rolls everything back; an EINVALID
// error names the first failing feature ("#12") whatever the scheduling.
// The lock is held while the rows are checked: imports are rare, and the
// alternative (check first, lock later) would hold twice the memory.
func (db *DB) CreateParcels(ctx context.Context, in []*parcels.Parcel, actor string) ([]*parcels.Parcel, error) {
	if len(in) == 0 {
		return []*parcels.Parcel{}, nil
	}
	for i, p := range in {
		if p == nil {
			return nil, invalidf(fmt.Sprintf("#%d", i), "缺少宗地", "no parcel")
		}
		// Codes are checked against the table before the rows are prepared.
		if err := checkText(fmt.Sprintf("#%d", i), "code", p.Code); err != nil {
			return nil, err
		}
	}
	ps := make([]*parcels.Parcel, len(in))
	err := db.write(ctx, actor, func(w *wtx) error {
		if err := w.checkCodes(in, nil); err != nil {
			return err
		}
		// One round trip for n ids: safe because every insert into parcels
		// holds the write lock, so nobody takes a value from the range.
		var last int64
		if err := w.tx.QueryRow(ctx, `SELECT setval(pg_get_serial_sequence('parcels', 'id'),
			nextval(pg_get_serial_sequence('parcels', 'id')) + $1 - 1)`, int64(len(in))).Scan(&last); err != nil {
			return err
		}
		first := last - int64(len(in)) + 1
		src := newParcelSource(ctx, db, w, in, ps, first)
		defer src.stop()
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"parcels"}, parcelCopyCols, src); err != nil {
			if src.err != nil {
				return src.err // the source's error, not COPY's report of it
			}
			return err
		}
		extent := ps[0].Geometry.Bound()
		w.hist = make([]histRec, 0, len(ps))
		w.preHist = make(map[int64]int, len(ps))
		for i, p := range ps {
			extent = extent.Union(p.Geometry.Bound())
			w.primary[p.ID] = p
			w.preHist[p.ID] = len(w.hist)
			w.hist = append(w.hist, histRec{kind: parcels.KindParcel, id: p.ID, version: 1, op: parcels.OpCreate, after: p, pre: src.hist[i]})
			w.notify(parcels.KindParcel, p.ID, parcels.OpCreate, p.Geometry)
		}
		// New parcels have no buildings yet, unless they cover existing ones:
		// only those parcels need their site values recomputed.
		return w.reassignNew(first, last, extent)
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

var parcelCopyCols = []string{"id", "version", "created_at", "updated_at", "updated_by", "code", "name", "owner", "land_use", "land_source",
	"lease_start", "lease_end", "registered_area_m2", "status", "town", "attrs", "geom", "area_m2", "area_mu", "ellipsoidal_area_m2",
	"footprint_area_m2", "floor_area_m2", "building_density", "plot_ratio", "building_count"}

// copyChunk is the number of rows one goroutine prepares at a time.
const copyChunk = 512

// parcelSource is a pgx.CopyFromSource that yields the rows in input order
// while worker goroutines prepare later chunks.
type parcelSource struct {
	in   []*parcels.Parcel
	out  []*parcels.Parcel
	rows [][]any
	hist []json.RawMessage
	done []chan error // one per chunk, closed (or sent an error) when ready
	quit chan struct{}
	once sync.Once
	i    int // next row
	err  error
}

func newParcelSource(ctx context.Context, db *DB, w *wtx, in, out []*parcels.Parcel, firstID int64) *parcelSource {
	n := len(in)
	chunks := (n + copyChunk - 1) / copyChunk
	s := &parcelSource{in: in, out: out, rows: make([][]any, n), hist: make([]json.RawMessage, n),
		done: make([]chan error, chunks), quit: make(chan struct{}), i: -1}
	for k := range s.done {
		s.done[k] = make(chan error, 1)
	}
	next := make(chan int)
	go func() { // hand out chunks in order, so early chunks are ready first
		defer close(next)
		for k := 0; k < chunks; k++ {
			select {
			case next <- k:
			case <-s.quit:
				return
			}
		}
	}()
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for k := range next {
				s.done[k] <- s.prepare(ctx, db, w, k, firstID)
			}
		}()
	}
	return s
}

// prepare readies chunk k: checks, derived values, EWKB, the COPY row and
// the history record.
func (s *parcelSource) prepare(ctx context.Context, db *DB, w *wtx, k int, firstID int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgis: %w", err)
	}
	for i := k * copyChunk; i < min((k+1)*copyChunk, len(s.in)); i++ {
		p := copyParcel(s.in[i])
		g, a, err := db.prepParcel(fmt.Sprintf("#%d", i), p)
		if err != nil {
			return err
		}
		if err := db.der.ParcelSite(p, nil); err != nil {
			return err
		}
		p.ID, p.Version, p.CreatedAt, p.UpdatedAt, p.UpdatedBy = firstID+int64(i), 1, w.at, w.at, w.actor
		s.rows[i] = append([]any{p.ID}, parcelArgs(p, g, a)...)
		if s.hist[i], err = parcels.EncodeRow(p); err != nil {
			return err
		}
		s.out[i] = p
	}
	return nil
}

func (s *parcelSource) Next() bool {
	if s.err != nil {
		return false
	}
	if s.i >= 0 {
		s.rows[s.i] = nil // let the COPY row go once sent
	}
	s.i++
	if s.i >= len(s.in) {
		return false
	}
	if s.i%copyChunk == 0 {
		if err := <-s.done[s.i/copyChunk]; err != nil {
			s.err = err
			s.stop()
			return false
		}
	}
	return true
}

func (s *parcelSource) Values() ([]any, error) { return s.rows[s.i], nil }

func (s *parcelSource) Err() error { return s.err }

// stop lets the workers finish early (after an error or a failed COPY).
func (s *parcelSource) stop() { s.once.Do(func() { close(s.quit) }) }

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
