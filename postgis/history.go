package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"landplan/parcels"
)

// History lists every change of one row, oldest first.
func (db *DB) History(ctx context.Context, kind parcels.Kind, id int64) ([]parcels.Change, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT seq, kind, id, version, op, actor, at, before, after
		FROM history WHERE kind = $1 AND id = $2 ORDER BY seq`, string(kind), id)
	if err != nil {
		return nil, translate(ctx, err)
	}
	defer rows.Close()
	var out []parcels.Change
	for rows.Next() {
		var c parcels.Change
		var k, op string
		var before, after []byte
		if err := rows.Scan(&c.Seq, &k, &c.ID, &c.Version, &op, &c.Actor, &c.At, &before, &after); err != nil {
			return nil, translate(ctx, err)
		}
		c.Kind, c.Op, c.At = parcels.Kind(k), parcels.Op(op), c.At.UTC()
		c.Before, c.After = before, after
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(ctx, err)
	}
	if len(out) == 0 {
		return nil, parcels.NotFound(kind, id)
	}
	return out, nil
}

func checkKind(kind parcels.Kind) error {
	switch kind {
	case parcels.KindParcel, parcels.KindBuilding, parcels.KindZone:
		return nil
	}
	return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("未知的数据类别 %q", kind), "unknown kind %q", kind)
}

// Restore writes back row (kind, id) as it was at version, as version
// current+1, undeleting it if needed and recomputing derived values.
func (db *DB) Restore(ctx context.Context, kind parcels.Kind, id, version, current int64, actor string) error {
	if err := checkKind(kind); err != nil {
		return err
	}
	return db.write(ctx, actor, func(w *wtx) error {
		// Lock the row first: its current version decides the conflict.
		var cur int64
		var deleted bool
		err := w.tx.QueryRow(ctx, "SELECT version, deleted_at IS NOT NULL FROM "+pgx.Identifier{tables[kind]}.Sanitize()+
			" WHERE id = $1 FOR UPDATE", id).Scan(&cur, &deleted)
		if err == pgx.ErrNoRows {
			return parcels.NotFound(kind, id)
		}
		if err != nil {
			return err
		}
		if err := checkVersion(kind, id, current, cur); err != nil {
			return err
		}
		var after []byte
		err = w.tx.QueryRow(ctx, "SELECT after FROM history WHERE kind = $1 AND id = $2 AND version = $3", string(kind), id, version).Scan(&after)
		if err == pgx.ErrNoRows || (err == nil && after == nil) {
			what := "does not exist"
			if err == nil {
				what = "is a deletion"
			}
			return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("%s %d 没有可恢复的版本 %d", kind.ZH(), id, version),
				"%s %d: version %d %s; restore a version that holds the row", kind, id, version, what)
		}
		if err != nil {
			return err
		}
		switch kind {
		case parcels.KindParcel:
			return w.restoreParcel(id, after, deleted)
		case parcels.KindBuilding:
			return w.restoreBuilding(id, after, deleted)
		default:
			return w.restoreZone(id, after, deleted)
		}
	})
}

var tables = map[parcels.Kind]string{
	parcels.KindParcel:   "parcels",
	parcels.KindBuilding: "buildings",
	parcels.KindZone:     "zones",
}

func (w *wtx) restoreParcel(id int64, after []byte, deleted bool) error {
	old, _, err := w.lockParcel(id, true)
	if err != nil {
		return err
	}
	p, err := parcels.DecodeParcel(after)
	if err != nil {
		return fmt.Errorf("decode parcel %d from history: %w", id, err)
	}
	p = copyParcel(p)
	p.ID = id
	geom, attrs, err := w.db.prepParcel("", p)
	if err != nil {
		return err
	}
	n := len(w.hist)
	if err := w.saveParcel(p, old, geom, attrs, parcels.OpRestore, deleted); err != nil {
		return err
	}
	if deleted {
		w.hist[n].before = nil // restored over a deleted row: nothing was live before
	}
	return nil
}

func (w *wtx) restoreBuilding(id int64, after []byte, deleted bool) error {
	old, _, err := w.lockBuilding(id, true)
	if err != nil {
		return err
	}
	b, err := parcels.DecodeBuilding(after)
	if err != nil {
		return fmt.Errorf("decode building %d from history: %w", id, err)
	}
	b = copyBuilding(b)
	b.ID = id
	geom, attrs, err := w.db.prepBuilding("", b)
	if err != nil {
		return err
	}
	if deleted {
		old.ParcelID = 0 // a deleted building counts on no parcel
	}
	n := len(w.hist)
	if err := w.saveBuilding(b, old, geom, attrs, parcels.OpRestore); err != nil {
		return err
	}
	if deleted {
		w.hist[n].before = nil
	}
	return nil
}

func (w *wtx) restoreZone(id int64, after []byte, deleted bool) error {
	old, _, err := w.lockZone(id, true)
	if err != nil {
		return err
	}
	z, err := parcels.DecodeZone(after)
	if err != nil {
		return fmt.Errorf("decode zone %d from history: %w", id, err)
	}
	z = copyZone(z)
	z.ID = id
	attrs, err := w.db.prepZone(z)
	if err != nil {
		return err
	}
	z.Version, z.CreatedAt = old.Version+1, old.CreatedAt
	n := len(w.hist)
	if err := w.saveZone(z, old, attrs, parcels.OpRestore); err != nil {
		return err
	}
	if deleted {
		w.hist[n].before = nil
	}
	return nil
}

// Tokens.

func tokenNotFound(id int64) *parcels.Error {
	return parcels.Errorf(parcels.ENOTFOUND, fmt.Sprintf("令牌 %d 不存在", id), "token %d not found", id)
}

// CreateToken stores t (Hash, Name, Role).
func (db *DB) CreateToken(ctx context.Context, t parcels.Token) (parcels.Token, error) {
	if !t.Role.Valid() {
		return parcels.Token{}, parcels.Errorf(parcels.EINVALID, fmt.Sprintf("角色 %q 无效，应为 editor、planner 或 viewer", t.Role),
			"role %q is not editor, planner or viewer", t.Role)
	}
	if t.Hash == "" {
		return parcels.Token{}, parcels.Errorf(parcels.EINVALID, "令牌缺少哈希", "the token has no hash")
	}
	if err := checkText("", "name", t.Name); err != nil {
		return parcels.Token{}, err
	}
	err := db.pool.QueryRow(ctx, `INSERT INTO tokens (name, role, hash, created_at) VALUES ($1, $2, $3, date_trunc('microseconds', clock_timestamp()))
		RETURNING id, created_at`, t.Name, string(t.Role), t.Hash).Scan(&t.ID, &t.CreatedAt)
	if err != nil {
		return parcels.Token{}, translate(ctx, err)
	}
	t.CreatedAt, t.RevokedAt = t.CreatedAt.UTC(), time.Time{}
	return t, nil
}

func scanToken(row pgx.Row, _ ...any) (parcels.Token, error) {
	var t parcels.Token
	var role string
	var revoked *time.Time
	if err := row.Scan(&t.ID, &t.Name, &role, &t.Hash, &t.CreatedAt, &revoked); err != nil {
		return t, err
	}
	t.Role, t.CreatedAt = parcels.Role(role), t.CreatedAt.UTC()
	if revoked != nil {
		t.RevokedAt = revoked.UTC()
	}
	return t, nil
}

const tokenCols = "id, name, role, hash, created_at, revoked_at"

// TokenByHash returns the unrevoked token with this hash.
func (db *DB) TokenByHash(ctx context.Context, hash string) (parcels.Token, error) {
	t, err := scanToken(db.pool.QueryRow(ctx, "SELECT "+tokenCols+" FROM tokens WHERE hash = $1 AND revoked_at IS NULL", hash))
	if err == pgx.ErrNoRows {
		return parcels.Token{}, parcels.Errorf(parcels.ENOTFOUND, "令牌不存在或已吊销", "no such token, or it was revoked")
	}
	if err != nil {
		return parcels.Token{}, translate(ctx, err)
	}
	return t, nil
}

// ListTokens lists every token (revoked ones too), by id.
func (db *DB) ListTokens(ctx context.Context) ([]parcels.Token, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+tokenCols+" FROM tokens ORDER BY id")
	if err != nil {
		return nil, translate(ctx, err)
	}
	ts, err := collect(rows, scanToken)
	if err != nil {
		return nil, translate(ctx, err)
	}
	if ts == nil {
		ts = []parcels.Token{}
	}
	return ts, nil
}

// RevokeToken marks token id revoked (revoking twice keeps the first time).
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	tag, err := db.pool.Exec(ctx, "UPDATE tokens SET revoked_at = coalesce(revoked_at, date_trunc('microseconds', clock_timestamp())) WHERE id = $1", id)
	if err != nil {
		return translate(ctx, err)
	}
	if tag.RowsAffected() == 0 {
		return tokenNotFound(id)
	}
	return nil
}
