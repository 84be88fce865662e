package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"landplan/gpkg"
	"landplan/parcels"
	"landplan/postgis"
)

// defaultGpkg is where serve keeps its data when no store is named.
const defaultGpkg = "data/landplan.gpkg"

// storeFlags are the flags that choose a store, shared by serve and token.
type storeFlags struct {
	gpkg     string
	database string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.gpkg, "gpkg", "", "GeoPackage file to open (created empty when missing)")
	fs.StringVar(&f.database, "database", "", "PostgreSQL/PostGIS URL (default $DATABASE_URL)")
}

// openedStore is a store and what the wiring needs to know about it.
type openedStore struct {
	parcels.Store
	embedded  bool   // the GeoPackage store
	where     string // file or redacted URL, for logs
	isDefault bool   // the default file: seeded with the demo on first use
}

// open picks the store: --database or DATABASE_URL → PostGIS; --gpkg → that
// file; neither → the default GeoPackage file (its folder created).
func (f storeFlags) open(ctx context.Context, migrate bool) (*openedStore, error) {
	if f.gpkg != "" && f.database != "" {
		return nil, errors.New("give either --gpkg or --database, not both")
	}
	url := f.database
	if url == "" && f.gpkg == "" {
		url = os.Getenv("DATABASE_URL")
	}
	if url != "" {
		db, err := postgis.Open(ctx, url, postgis.Options{Zone: parcels.LinhaiZone, MigrateOnOpen: migrate})
		if err != nil {
			return nil, fmt.Errorf("open PostGIS store: %w", err)
		}
		return &openedStore{Store: db, where: "PostGIS"}, nil
	}
	path, isDefault := f.gpkg, false
	if path == "" {
		path, isDefault = defaultGpkg, true
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
	}
	s, err := gpkg.Open(ctx, path, gpkg.Options{Zone: parcels.LinhaiZone})
	if err != nil {
		return nil, fmt.Errorf("open GeoPackage %s: %w", path, err)
	}
	return &openedStore{Store: s, embedded: true, where: path, isDefault: isDefault}, nil
}
