package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"landplan/parcels"
)

// Bearer tokens: the client holds a random secret, the store holds only its
// SHA-256 (HashToken). A token has one role; the roles are ordered
// viewer < planner < editor: an editor may do what a planner may, and so on.
// A request without a token gets Config.AnonymousRole ("" = nothing).

// tokenPrefix marks our secrets so they are recognisable in a leaked log or
// a secret scanner.
const tokenPrefix = "lp_"

// HashToken is the hex SHA-256 of a token secret: what the store keeps and
// TokenByHash looks up. A fast hash is right here because the secret has 256
// random bits; there is nothing to brute-force.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// NewTokenSecret returns a new random token secret ("lp_" + 43 base64url
// characters = 256 bits).
func NewTokenSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func roleRank(r parcels.Role) int {
	switch r {
	case parcels.RoleViewer:
		return 1
	case parcels.RolePlanner:
		return 2
	case parcels.RoleEditor:
		return 3
	}
	return 0
}

// principal is who makes a request.
type principal struct {
	Role      parcels.Role
	Name      string // token name; "" for anonymous
	TokenID   int64
	Anonymous bool // no token was sent
}

// actor is the name recorded in the history for a write.
func (p principal) actor() string {
	if p.Anonymous {
		return "anonymous"
	}
	return p.Name
}

type principalKey struct{}

func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// tokenCache keeps recent TokenByHash answers (hits and misses) for a short
// time, so a map client fetching hundreds of features does not cost hundreds
// of store lookups. A revoked token keeps working here for at most ttl.
type tokenCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]tokenEntry
}

type tokenEntry struct {
	tok     parcels.Token
	found   bool
	expires time.Time
}

func (c *tokenCache) get(hash string, now time.Time) (tokenEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.After(e.expires) {
		return tokenEntry{}, false
	}
	return e, true
}

func (c *tokenCache) put(hash string, e tokenEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 { // bounded: a flood of bad tokens cannot grow it forever
		for k, v := range c.m {
			if now.After(v.expires) || len(c.m) > 10000 {
				delete(c.m, k)
			}
		}
	}
	e.expires = now.Add(c.ttl)
	c.m[hash] = e
}

// authenticate resolves the request's principal. A malformed, unknown or
// revoked token is a 401 whatever the route: a client that sends a token
// must learn that it is bad.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := principal{Role: s.cfg.AnonymousRole, Anonymous: true}
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, secret, _ := strings.Cut(h, " ")
			secret = strings.TrimSpace(secret)
			if !strings.EqualFold(scheme, "Bearer") || secret == "" {
				s.writeProblem(w, r, invalidToken{apiErr(parcels.EUNAUTHORIZED,
					"Authorization 头格式应为 \"Bearer <令牌>\"", "the Authorization header must be \"Bearer <token>\"")})
				return
			}
			tok, err := s.lookupToken(r.Context(), HashToken(secret))
			if err != nil {
				if parcels.ErrorCode(err) == parcels.ENOTFOUND {
					err = invalidToken{apiErr(parcels.EUNAUTHORIZED, "令牌无效或已吊销", "the token is unknown or revoked")}
				}
				s.writeProblem(w, r, err)
				return
			}
			p = principal{Role: tok.Role, Name: tok.Name, TokenID: tok.ID}
		}
		if info, ok := r.Context().Value(logInfoKey{}).(*logInfo); ok {
			info.user = p.actor()
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

func (s *Server) lookupToken(ctx context.Context, hash string) (parcels.Token, error) {
	now := time.Now()
	if e, ok := s.tokens.get(hash, now); ok {
		s.metrics.tokenCache.WithLabelValues("hit").Inc()
		if !e.found {
			return parcels.Token{}, parcels.Errorf(parcels.ENOTFOUND, "令牌不存在", "no such token")
		}
		return e.tok, nil
	}
	s.metrics.tokenCache.WithLabelValues("miss").Inc()
	tok, err := s.cfg.Store.TokenByHash(ctx, hash)
	switch {
	case err == nil:
		if !tok.Role.Valid() || !tok.RevokedAt.IsZero() {
			s.tokens.put(hash, tokenEntry{}, now)
			return parcels.Token{}, parcels.Errorf(parcels.ENOTFOUND, "令牌不存在", "no such token")
		}
		s.tokens.put(hash, tokenEntry{tok: tok, found: true}, now)
	case parcels.ErrorCode(err) == parcels.ENOTFOUND:
		s.tokens.put(hash, tokenEntry{}, now)
	}
	return tok, err
}

// allow checks that the request's principal has at least role need: none
// sent and not enough → 401 (log in), a token too weak → 403.
func allow(r *http.Request, need parcels.Role) error {
	p := principalFrom(r.Context())
	if roleRank(p.Role) >= roleRank(need) {
		return nil
	}
	if p.Anonymous {
		return apiErr(parcels.EUNAUTHORIZED, "需要登录：请在 Authorization 头中提供 %s 或更高角色的令牌（Bearer）",
			"authentication required: send a bearer token of role %s or higher", need)
	}
	return apiErr(parcels.EFORBIDDEN, "令牌“%s”的角色为 %s，此操作需要 %s 或更高角色",
		"token %q has role %s; this needs role %s or higher", p.Name, p.Role, need)
}
