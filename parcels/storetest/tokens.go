package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"landplan/parcels"
)

func hashOf(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func testTokens(t *testing.T, newStore Factory) {
	t.Run("CreateFindListRevoke", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		t0 := time.Now()
		ed, err := s.CreateToken(ctx, parcels.Token{Name: "国土局 张三", Role: parcels.RoleEditor, Hash: hashOf("secret-1")})
		if err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		vw, err := s.CreateToken(ctx, parcels.Token{Name: "指挥中心大屏", Role: parcels.RoleViewer, Hash: hashOf("secret-2")})
		if err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		t1 := time.Now()
		for _, tk := range []parcels.Token{ed, vw} {
			if tk.ID <= 0 || tk.CreatedAt.Before(t0.Add(-clockSlack)) || tk.CreatedAt.After(t1.Add(clockSlack)) || !tk.RevokedAt.IsZero() {
				t.Errorf("created token %+v: want an id, CreatedAt within the call, not revoked", tk)
			}
		}
		if ed.ID == vw.ID {
			t.Errorf("two tokens got the same id %d", ed.ID)
		}
		checkToken := func(what string, got, want parcels.Token) {
			t.Helper()
			if got.ID != want.ID || got.Name != want.Name || got.Role != want.Role || got.Hash != want.Hash ||
				!got.CreatedAt.Equal(want.CreatedAt) || !got.RevokedAt.Equal(want.RevokedAt) {
				t.Errorf("%s: %+v, want %+v", what, got, want)
			}
		}
		byHash, err := s.TokenByHash(ctx, hashOf("secret-1"))
		if err != nil {
			t.Fatalf("TokenByHash: %v", err)
		}
		checkToken("TokenByHash", byHash, ed)
		_, err = s.TokenByHash(ctx, hashOf("wrong secret"))
		WantCode(t, err, parcels.ENOTFOUND, "TokenByHash of an unknown hash")

		list, err := s.ListTokens(ctx)
		if err != nil {
			t.Fatalf("ListTokens: %v", err)
		}
		found := map[int64]parcels.Token{}
		for _, tk := range list {
			found[tk.ID] = tk
		}
		if len(list) != 2 {
			t.Errorf("ListTokens: %d tokens, want 2", len(list))
		}
		checkToken("listed editor token", found[ed.ID], ed)
		checkToken("listed viewer token", found[vw.ID], vw)

		if err := s.RevokeToken(ctx, ed.ID); err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
		_, err = s.TokenByHash(ctx, hashOf("secret-1"))
		WantCode(t, err, parcels.ENOTFOUND, "TokenByHash of a revoked token")
		if got, err := s.TokenByHash(ctx, hashOf("secret-2")); err != nil {
			t.Errorf("TokenByHash of the other token after a revoke: %v", err)
		} else {
			checkToken("other token", got, vw)
		}
		list, err = s.ListTokens(ctx)
		if err != nil {
			t.Fatalf("ListTokens: %v", err)
		}
		for _, tk := range list {
			if tk.ID == ed.ID && tk.RevokedAt.IsZero() {
				t.Errorf("ListTokens shows the revoked token %d without RevokedAt", tk.ID)
			}
		}
		WantCode(t, s.RevokeToken(ctx, 987654), parcels.ENOTFOUND, "RevokeToken of a missing token")
	})
}
