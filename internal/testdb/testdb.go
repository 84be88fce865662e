// Package testdb gives tests a PostGIS database. The base URL comes from
// LANDPLAN_TEST_DATABASE (set by scripts/test). Without it a test skips —
// unless CI is set, where a missing database is a failure, never a skip.
package testdb

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL returns the base test database URL (with the postgis extension).
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("LANDPLAN_TEST_DATABASE")
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("LANDPLAN_TEST_DATABASE is not set and CI is: database tests must run (use scripts/test)")
		}
		tb.Skip("LANDPLAN_TEST_DATABASE not set; run scripts/test to bring up PostGIS")
	}
	return u
}

var seq atomic.Int64

// Fresh creates an empty database cloned from landplan_template (so PostGIS
// is installed) and drops it when the test ends. It returns its URL.
func Fresh(tb testing.TB) string {
	tb.Helper()
	base := URL(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("testdb: connect %s: %v", redact(base), err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("lp_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, seq.Add(1))
	// scripts/pg-up makes this template (with PostGIS) and nothing connects
	// to it, because CREATE DATABASE … TEMPLATE needs no other session on it.
	// The retry covers two clones racing for it.
	const tmpl = "landplan_template"
	var lastErr error
	for i := 0; i < 50; i++ {
		_, lastErr = conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", pgx.Identifier{name}.Sanitize(), pgx.Identifier{tmpl}.Sanitize()))
		if lastErr == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if lastErr != nil {
		tb.Fatalf("testdb: create database: %v", lastErr)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", pgx.Identifier{name}.Sanitize()))
	})
	u := mustParse(tb, base)
	u.Path = "/" + name
	return u.String()
}

func mustParse(tb testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatalf("testdb: bad URL: %v", err)
	}
	return u
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
