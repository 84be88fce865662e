package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"landplan/parcels"
)

func (s *Store) CreateToken(ctx context.Context, t parcels.Token) (parcels.Token, error) {
	if !t.Role.Valid() {
		return parcels.Token{}, &parcels.Error{Code: parcels.EINVALID,
			Message:   fmt.Sprintf("role %q is not one of editor, planner, viewer", t.Role),
			MessageZH: fmt.Sprintf("角色 %q 无效：应为 editor、planner 或 viewer", t.Role)}
	}
	if t.Hash == "" || t.Name == "" {
		return parcels.Token{}, &parcels.Error{Code: parcels.EINVALID,
			Message: "a token needs a name and a hash", MessageZH: "令牌需要名称和哈希"}
	}
	s.lockWriter()
	defer s.wmu.Unlock()
	// Checked once, then run uncancelled: see wtx.ctx.
	if err := ctx.Err(); err != nil {
		return parcels.Token{}, err
	}
	ctx = context.WithoutCancel(ctx)
	t.CreatedAt = now()
	t.RevokedAt = parcels.Token{}.RevokedAt
	r, err := s.wc.ExecContext(ctx, "INSERT INTO landplan_tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)",
		t.Name, string(t.Role), t.Hash, fmtTime(t.CreatedAt))
	if err != nil {
		var other int64
		if s.wc.QueryRowContext(ctx, "SELECT id FROM landplan_tokens WHERE hash = ?", t.Hash).Scan(&other) == nil {
			return parcels.Token{}, &parcels.Error{Code: parcels.EINVALID,
				Message: "a token with this hash exists already", MessageZH: "已存在相同哈希的令牌"}
		}
		return parcels.Token{}, fmt.Errorf("gpkg: create token: %w", err)
	}
	if t.ID, err = r.LastInsertId(); err != nil {
		return parcels.Token{}, err
	}
	return t, nil
}

const tokenCols = "id, name, role, hash, created_at, revoked_at"

func scanToken(sc scanner) (parcels.Token, error) {
	var t parcels.Token
	var role string
	var created, revoked timeCol
	if err := sc.Scan(&t.ID, &t.Name, &role, &t.Hash, &created, &revoked); err != nil {
		return t, err
	}
	t.Role = parcels.Role(role)
	t.CreatedAt, t.RevokedAt = created.t, revoked.t
	return t, nil
}

func (s *Store) TokenByHash(ctx context.Context, hash string) (parcels.Token, error) {
	t, err := scanToken(s.rq.QueryRowContext(ctx, "SELECT "+tokenCols+" FROM landplan_tokens WHERE hash = ? AND revoked_at IS NULL", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return parcels.Token{}, &parcels.Error{Code: parcels.ENOTFOUND, Message: "no such token, or it was revoked", MessageZH: "令牌不存在或已吊销"}
	}
	return t, err
}

func (s *Store) ListTokens(ctx context.Context) ([]parcels.Token, error) {
	ts, err := queryRows(ctx, s.rq, "SELECT "+tokenCols+" FROM landplan_tokens ORDER BY id", scanToken)
	if ts == nil && err == nil {
		ts = []parcels.Token{}
	}
	return ts, err
}

func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	s.lockWriter()
	defer s.wmu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	r, err := s.wc.ExecContext(ctx, "UPDATE landplan_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("gpkg: revoke token: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return &parcels.Error{Code: parcels.ENOTFOUND, Message: fmt.Sprintf("token %d not found", id), MessageZH: fmt.Sprintf("令牌 %d 不存在", id)}
	}
	return nil
}
