package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"landplan/api"
	"landplan/demo"
	"landplan/parcels"
	"landplan/postgis"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	seed := fs.Bool("demo", false, "seed the demo industrial area into an empty store")
	migrate := fs.Bool("migrate", false, "apply database migrations before serving (PostGIS)")
	anon := fs.String("anonymous-role", "", "role of requests without a token: viewer|planner|editor|none (default: viewer on GeoPackage, none on PostGIS)")
	profile := fs.String("profile", "linhai", "planning policy profile")
	cors := fs.String("cors", "", "comma-separated browser origins allowed to call the API (\"*\" = any)")
	tileCache := fs.Int("tile-cache-mb", 64, "vector tile cache size in MiB (0: no cache)")
	tileMaxAge := fs.Duration("tile-max-age", 0, "how long clients and CDNs may reuse a tile without revalidating (0: always revalidate, edits show at once)")
	glyphs := fs.String("style-glyphs", "", "glyph URL template for the MapLibre style (default: MapLibre's demo font server)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	st, err := sf.open(ctx, *migrate)
	if err != nil {
		return err
	}
	defer st.Close()
	if *seed || st.isDefault {
		// demo.Seed does nothing when the store already has parcels.
		t0 := time.Now()
		if err := demo.Seed(ctx, st); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		log.Info("demo data ready", "store", st.where, "took", time.Since(t0).Round(time.Millisecond))
	}

	role := parcels.Role(*anon)
	switch {
	case *anon == "" && st.embedded:
		role = parcels.RoleViewer
	case *anon == "" || *anon == "none":
		role = ""
	case !role.Valid():
		return fmt.Errorf("--anonymous-role %q: want viewer, planner, editor or none", *anon)
	}
	if *tileCache < 0 {
		return fmt.Errorf("--tile-cache-mb %d: want a size in MiB, or 0 for no cache", *tileCache)
	}
	cacheBytes := int64(*tileCache) << 20
	if cacheBytes == 0 {
		cacheBytes = -1 // api: negative = no cache
	}
	srv, err := api.New(api.Config{
		Store: st, Zone: parcels.LinhaiZone, Profile: *profile,
		AnonymousRole: role, Logger: log, Version: version, CORSOrigins: splitList(*cors),
		TileCacheBytes: cacheBytes, TileMaxAge: *tileMaxAge, StyleGlyphs: *glyphs,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	// Writes by other replicas and imports reach this replica's tile cache
	// through PostgreSQL's LISTEN/NOTIFY feed; the embedded store has one
	// writer, this process, whose writes the API invalidates itself.
	if db, ok := st.Store.(*postgis.DB); ok {
		go followChanges(ctx, db, srv, log)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Requests get their own contexts, not the signal's: on SIGTERM the
	// server stops accepting and lets in-flight requests finish.
	hs := srv.NewHTTPServer(ln.Addr().String())
	// Tests and scripts read this line to find the port when --addr ends in :0.
	fmt.Fprintf(stderr, "landplan: listening on http://%s (store: %s)\n", ln.Addr(), st.where)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// followChanges drops the tiles each committed change makes stale, for as
// long as ctx lives. When the feed breaks, changes may have been missed:
// every tile is dropped and the feed is opened again.
func followChanges(ctx context.Context, db *postgis.DB, srv *api.Server, log *slog.Logger) {
	for ctx.Err() == nil {
		ch, err := db.Changes(ctx)
		if err != nil {
			log.Warn("tile cache: change feed unavailable; retrying in 5 s", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Second):
			}
			continue
		}
		srv.InvalidateAllTiles() // whatever happened before the feed opened
		for c := range ch {
			srv.InvalidateTiles(c.BBox)
		}
		if ctx.Err() == nil {
			log.Warn("tile cache: change feed closed; dropping all tiles and listening again")
			srv.InvalidateAllTiles()
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
