package postgis

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"landplan/parcels"
)

// writeLockKey is the transaction-level advisory lock every write of
// parcels, buildings and zones takes first (see the package doc).
const writeLockKey int64 = 0x6c616e64706c616e // "landplan"

// wtx is one write transaction: the rows it changed, their history records
// and notifications, all flushed just before commit.
type wtx struct {
	db    *DB
	ctx   context.Context
	tx    pgx.Tx
	at    time.Time
	actor string

	// primary are the parcels the caller wrote; recomputing them sets
	// their site values without a separate version (their own write is
	// the change).
	primary map[int64]*parcels.Parcel
	// preHist indexes the history records with a pre-encoded after, by parcel id.
	preHist map[int64]int
	// dirty are parcels whose site values must be recomputed before commit.
	dirty map[int64]bool
	// moved are parcels whose geometry the write changed: the zones that
	// list them are recomputed before commit.
	moved []int64
	hist  []histRec
	notes []Change
}

// histRec is a history record; after is encoded at flush time, so it shows
// the row as committed.
type histRec struct {
	kind    parcels.Kind
	id      int64
	version int64
	op      parcels.Op
	before  json.RawMessage
	after   any // *parcels.Parcel, *parcels.Building, *parcels.Zone or nil
	// pre is after already encoded (the bulk path encodes in parallel
	// while COPY runs); settle clears it when it changes the row.
	pre json.RawMessage
}

// write runs fn in a write transaction holding the write lock, then
// recomputes dirty parcels, appends history, queues NOTIFY and commits.
func (db *DB) write(ctx context.Context, actor string, fn func(w *wtx) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return translate(ctx, err)
	}
	defer tx.Rollback(context.Background())
	w := &wtx{db: db, ctx: ctx, tx: tx, actor: actor, primary: map[int64]*parcels.Parcel{}, dirty: map[int64]bool{}}
	// clock_timestamp after the lock: a writer that waited gets a later
	// time than the one it waited for.
	if err := tx.QueryRow(ctx, "SELECT clock_timestamp() FROM (SELECT pg_advisory_xact_lock($1)) l", writeLockKey).Scan(&w.at); err != nil {
		return translate(ctx, err)
	}
	w.at = now(w.at)
	if err := fn(w); err != nil {
		return translate(ctx, err)
	}
	if err := w.settle(); err != nil {
		return translate(ctx, err)
	}
	if err := w.settleZones(); err != nil {
		return translate(ctx, err)
	}
	if err := w.flush(); err != nil {
		return translate(ctx, err)
	}
	return translate(ctx, tx.Commit(ctx))
}

func encodeRow(row any) (json.RawMessage, error) {
	if row == nil {
		return nil, nil
	}
	return parcels.EncodeRow(row)
}

// record appends a history record; before is encoded now, after at flush.
func (w *wtx) record(kind parcels.Kind, id, version int64, op parcels.Op, before, after any) error {
	b, err := encodeRow(before)
	if err != nil {
		return err
	}
	w.hist = append(w.hist, histRec{kind: kind, id: id, version: version, op: op, before: b, after: after})
	return nil
}

// notify queues a change notification with the bound of the given geometries.
func (w *wtx) notify(kind parcels.Kind, id int64, op parcels.Op, gs ...orb.MultiPolygon) {
	c := Change{Kind: kind, ID: id, Op: op}
	first := true
	for _, g := range gs {
		if len(g) == 0 {
			continue
		}
		if first {
			c.BBox, first = g.Bound(), false
		} else {
			c.BBox = c.BBox.Union(g.Bound())
		}
	}
	w.notes = append(w.notes, c)
}

// copyHistoryMin is the batch size from which history goes in by COPY.
const copyHistoryMin = 64

// maxNotes caps the notifications of one write; beyond it, the changes of
// each kind are merged into one with ID 0 and the union of their boxes
// (a 100,000-row import must not queue 100,000 notifications).
const maxNotes = 100

// flush writes the history records and queues the notifications (delivered
// by PostgreSQL only if and when the transaction commits).
func (w *wtx) flush() error {
	if len(w.hist) > 0 {
		afters, err := encodeAll(w.hist)
		if err != nil {
			return err
		}
		if len(w.hist) >= copyHistoryMin {
			rows := make([][]any, len(w.hist))
			for i, h := range w.hist {
				rows[i] = []any{string(h.kind), h.id, h.version, string(h.op), w.actor, w.at, jsonArg(h.before), jsonArg(afters[i])}
			}
			if _, err := w.tx.CopyFrom(w.ctx, pgx.Identifier{"history"},
				[]string{"kind", "id", "version", "op", "actor", "at", "before", "after"}, pgx.CopyFromRows(rows)); err != nil {
				return err
			}
		} else {
			b := &pgx.Batch{}
			for i, h := range w.hist {
				b.Queue(`INSERT INTO history (kind, id, version, op, actor, at, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
					string(h.kind), h.id, h.version, string(h.op), w.actor, w.at, jsonArg(h.before), jsonArg(afters[i]))
			}
			if err := w.tx.SendBatch(w.ctx, b).Close(); err != nil {
				return err
			}
		}
	}
	notes := mergeNotes(w.notes)
	if len(notes) == 0 {
		return nil
	}
	payloads := make([]string, len(notes))
	for i, c := range notes {
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		payloads[i] = string(b)
	}
	_, err := w.tx.Exec(w.ctx, "SELECT pg_notify('"+channel+"', p) FROM unnest($1::text[]) AS p", payloads)
	return err
}

// jsonArg passes a JSON document to a jsonb parameter, nil as NULL.
func jsonArg(b json.RawMessage) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

// encodeAll encodes the after rows of the history records, in parallel
// when there are many (the bulk import path).
func encodeAll(hs []histRec) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(hs))
	err := parallel(len(hs), func(i int) error {
		if hs[i].pre != nil {
			out[i] = hs[i].pre
			return nil
		}
		b, err := encodeRow(hs[i].after)
		out[i] = b
		return err
	})
	return out, err
}

func mergeNotes(cs []Change) []Change {
	if len(cs) <= maxNotes {
		return cs
	}
	byKind := map[parcels.Kind]*Change{}
	var kinds []parcels.Kind
	for _, c := range cs {
		m, ok := byKind[c.Kind]
		if !ok {
			m = &Change{Kind: c.Kind, Op: c.Op, BBox: c.BBox}
			byKind[c.Kind] = m
			kinds = append(kinds, c.Kind)
			continue
		}
		m.BBox = m.BBox.Union(c.BBox)
		if m.Op != c.Op {
			m.Op = parcels.OpUpdate
		}
	}
	out := make([]Change, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, *byKind[k])
	}
	return out
}

// markDirty asks for parcel ids' site values to be recomputed before commit.
func (w *wtx) markDirty(ids ...int64) {
	for _, id := range ids {
		if id != 0 {
			w.dirty[id] = true
		}
	}
}

// lockParcel loads parcel id for update. It returns ENOTFOUND when the
// parcel does not exist, or is deleted and !allowDeleted.
func (w *wtx) lockParcel(id int64, allowDeleted bool) (*parcels.Parcel, bool, error) {
	var deleted bool
	p, err := scanParcel(w.tx.QueryRow(w.ctx, "SELECT "+parcelCols+", deleted_at IS NOT NULL FROM parcels WHERE id = $1 FOR UPDATE", id), &deleted)
	if err == pgx.ErrNoRows || (err == nil && deleted && !allowDeleted) {
		return nil, false, parcels.NotFound(parcels.KindParcel, id)
	}
	return p, deleted, err
}

func (w *wtx) lockBuilding(id int64, allowDeleted bool) (*parcels.Building, bool, error) {
	var deleted bool
	b, err := scanBuilding(w.tx.QueryRow(w.ctx, "SELECT "+buildingCols+", deleted_at IS NOT NULL FROM buildings WHERE id = $1 FOR UPDATE", id), &deleted)
	if err == pgx.ErrNoRows || (err == nil && deleted && !allowDeleted) {
		return nil, false, parcels.NotFound(parcels.KindBuilding, id)
	}
	return b, deleted, err
}

// candidates are the live parcels that intersect g, the buildings' possible
// parcels. The primary parcels of this write are read as written (the
// database has them too, in this transaction).
func (w *wtx) candidates(g []byte) ([]*parcels.Parcel, error) {
	rows, err := w.tx.Query(w.ctx, candidatesSQL, g)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanParcel)
}

// candidatesSQL selects the live parcels intersecting the EWKB $1: && so
// the GiST index finds them, ST_Intersects for the exact test.
const candidatesSQL = "SELECT " + parcelCols + ` FROM parcels
	WHERE deleted_at IS NULL AND geom && ST_GeomFromEWKB($1) AND ST_Intersects(geom, ST_GeomFromEWKB($1)) ORDER BY id`

func collect[T any](rows pgx.Rows, scan func(pgx.Row, ...any) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// assign sets b.ParcelID to the live parcel b overlaps most.
func (w *wtx) assign(b *parcels.Building, geom []byte) error {
	cands, err := w.candidates(geom)
	if err != nil {
		return err
	}
	id, err := w.db.der.AssignParcel(b, cands)
	if err != nil {
		return err
	}
	b.ParcelID = id
	return nil
}

// reassignAround re-derives the parcel of every live building that is on
// one of the parcels ids or intersects one of them (as they are now in the
// transaction). A building whose parcel changes gets a new version and a
// history record; its old and new parcels are marked dirty.
func (w *wtx) reassignAround(ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := w.tx.Query(w.ctx, `
		SELECT b.id FROM parcels p JOIN buildings b ON b.geom && p.geom AND ST_Intersects(b.geom, p.geom)
		WHERE p.id = ANY($1) AND p.deleted_at IS NULL AND b.deleted_at IS NULL
		UNION
		SELECT id FROM buildings WHERE parcel_id = ANY($1) AND deleted_at IS NULL`, ids)
	if err != nil {
		return err
	}
	return w.reassignRows(rows)
}

// reassignNew is reassignAround for a batch of new parcels with the ids
// first..last and the given extent: the buildings in the extent are looked
// up through their GiST index and tested against the batch's id range, so
// a 100,000-parcel import over an empty area costs one index probe instead
// of a join over a 100,000-element array.
func (w *wtx) reassignNew(first, last int64, extent orb.Bound) error {
	rows, err := w.tx.Query(w.ctx, `
		SELECT b.id FROM buildings b
		WHERE b.deleted_at IS NULL AND b.geom && ST_MakeEnvelope($3, $4, $5, $6, 4490)
		AND EXISTS (SELECT 1 FROM parcels p WHERE p.geom && b.geom AND p.deleted_at IS NULL
			AND p.id BETWEEN $1 AND $2 AND ST_Intersects(p.geom, b.geom))`,
		first, last, extent.Min[0], extent.Min[1], extent.Max[0], extent.Max[1])
	if err != nil {
		return err
	}
	return w.reassignRows(rows)
}

// reassignRows re-derives the parcel of the buildings whose ids rows lists.
func (w *wtx) reassignRows(rows pgx.Rows) error {
	bids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(bids) == 0 {
		return err
	}
	rows, err = w.tx.Query(w.ctx, "SELECT "+buildingCols+" FROM buildings WHERE id = ANY($1) ORDER BY id FOR UPDATE", bids)
	if err != nil {
		return err
	}
	bs, err := collect(rows, scanBuilding)
	if err != nil {
		return err
	}
	// All candidate lookups in one round trip.
	batch := &pgx.Batch{}
	for _, b := range bs {
		g, err := encodeGeom(b.Geometry)
		if err != nil {
			return err
		}
		batch.Queue(candidatesSQL, g)
	}
	br := w.tx.SendBatch(w.ctx, batch)
	cands := make([][]*parcels.Parcel, len(bs))
	for i := range bs {
		rows, err := br.Query()
		if err == nil {
			cands[i], err = collect(rows, scanParcel)
		}
		if err != nil {
			br.Close()
			return err
		}
	}
	if err := br.Close(); err != nil {
		return err
	}
	updates := &pgx.Batch{}
	for i, b := range bs {
		old := *b
		id, err := w.db.der.AssignParcel(b, cands[i])
		if err != nil {
			return err
		}
		if id == old.ParcelID {
			continue
		}
		b.ParcelID = id
		b.Version++
		b.UpdatedAt, b.UpdatedBy = w.at, w.actor
		updates.Queue(`UPDATE buildings SET parcel_id = $2, version = $3, updated_at = $4, updated_by = $5 WHERE id = $1`,
			b.ID, nullID(b.ParcelID), b.Version, w.at, w.actor)
		if err := w.record(parcels.KindBuilding, b.ID, b.Version, parcels.OpUpdate, &old, b); err != nil {
			return err
		}
		w.notify(parcels.KindBuilding, b.ID, parcels.OpUpdate, b.Geometry)
		w.markDirty(old.ParcelID, b.ParcelID)
	}
	if updates.Len() == 0 {
		return nil
	}
	return w.tx.SendBatch(w.ctx, updates).Close()
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// settle recomputes the site values of every dirty parcel from the
// buildings now assigned to it. A primary parcel takes them as part of its
// own write; any other parcel whose values change gets a new version and a
// history record.
func (w *wtx) settle() error {
	ids := make([]int64, 0, len(w.dirty))
	for id := range w.dirty {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		p, isPrimary := w.primary[id]
		var before parcels.Parcel
		if !isPrimary {
			var deleted bool
			var err error
			p, deleted, err = w.lockParcel(id, true)
			if err != nil {
				if parcels.ErrorCode(err) == parcels.ENOTFOUND {
					continue
				}
				return err
			}
			if deleted {
				continue
			}
			before = *p
		}
		rows, err := w.tx.Query(w.ctx, "SELECT "+buildingCols+" FROM buildings WHERE parcel_id = $1 AND deleted_at IS NULL ORDER BY id", id)
		if err != nil {
			return err
		}
		bs, err := collect(rows, scanBuilding)
		if err != nil {
			return err
		}
		old := p.ParcelDerived
		if err := w.db.der.ParcelSite(p, bs); err != nil {
			return err
		}
		if p.ParcelDerived == old {
			continue
		}
		if !isPrimary {
			p.Version++
			p.UpdatedAt, p.UpdatedBy = w.at, w.actor
		}
		if _, err := w.tx.Exec(w.ctx, `UPDATE parcels SET version = $2, updated_at = $3, updated_by = $4,
			footprint_area_m2 = $5, floor_area_m2 = $6, building_density = $7, plot_ratio = $8, building_count = $9
			WHERE id = $1`, p.ID, p.Version, p.UpdatedAt, p.UpdatedBy,
			p.FootprintAreaM2, p.FloorAreaM2, p.BuildingDensity, p.PlotRatio, p.BuildingCount); err != nil {
			return err
		}
		if i, ok := w.preHist[p.ID]; ok && isPrimary {
			w.hist[i].pre = nil // encode the row as it is now
		}
		if !isPrimary {
			if err := w.record(parcels.KindParcel, p.ID, p.Version, parcels.OpUpdate, &before, p); err != nil {
				return err
			}
			w.notify(parcels.KindParcel, p.ID, parcels.OpUpdate, p.Geometry)
		}
	}
	return nil
}

// checkVersion returns Conflict when have is not the current version.
func checkVersion(kind parcels.Kind, id, have, current int64) error {
	if have != current {
		return parcels.Conflict(kind, id, have, current)
	}
	return nil
}
