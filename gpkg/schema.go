package gpkg

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// GeoPackage 1.3: application_id "GPKG" and user_version 10300. 1.3 rather
// than 1.4 because GDAL 3.6 (Debian 12) knows 1.3 and the 1.3 R-tree triggers;
// the file is equally readable by newer GDAL and QGIS.
const (
	applicationID = 0x47504B47
	userVersion   = 10300
	srsID         = 4490
	schemaVersion = 1
)

// Feature tables: each is a GeoPackage features layer with a MULTIPOLYGON
// column "geom" in EPSG:4490 and a gpkg_rtree_index spatial index.
var featureTables = []struct{ name, identifier, description string }{
	{"parcels", "parcels", "宗地 land parcels"},
	{"buildings", "buildings", "建筑 building footprints"},
	{"zones", "zones", "联合改造片区 joint redevelopment zones (members ∪ pieces)"},
	{"zone_pieces", "zone_pieces", "边角地、夹心地 leftover pieces of the zones"},
}

const srsCGCS2000 = `GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]`
const srsWGS84 = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`

// The metadata tables of GeoPackage (spec Annex C), as GDAL writes them.
const coreDDL = `
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL, min_x DOUBLE NOT NULL,
  min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
  CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL, matrix_width INTEGER NOT NULL,
  matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL, tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL,
  pixel_y_size DOUBLE NOT NULL, CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
  CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name));
`

// The landplan tables. Feature tables keep live rows only: a deleted row is
// removed from its layer (so QGIS shows what is live) and lives on in
// landplan_history, from where Restore brings it back under the same id.
// AUTOINCREMENT keeps ids from being reused. Dates are ISO 8601 text, which
// GeoPackage defines for DATE and DATETIME.
const dataDDL = `
CREATE TABLE parcels (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON,
  version INTEGER NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL,
  code TEXT, name TEXT, owner TEXT, land_use TEXT, land_source TEXT, lease_start DATE, lease_end DATE,
  registered_area_m2 REAL, status TEXT, town TEXT, attrs TEXT,
  area_m2 REAL, area_mu REAL, ellipsoidal_area_m2 REAL, footprint_area_m2 REAL, floor_area_m2 REAL,
  building_density REAL, plot_ratio REAL, building_count INTEGER);
CREATE UNIQUE INDEX parcels_code ON parcels(code) WHERE code IS NOT NULL AND code <> '';
CREATE TABLE buildings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON,
  version INTEGER NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL,
  parcel_id INTEGER, name TEXT, use TEXT, floors INTEGER, height_m REAL, declared_floor_area_m2 REAL, attrs TEXT,
  footprint_area_m2 REAL, floor_area_m2 REAL);
CREATE INDEX buildings_parcel ON buildings(parcel_id);
CREATE TABLE zones (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON,
  version INTEGER NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL,
  name TEXT, status TEXT, note TEXT, members TEXT, attrs TEXT,
  area_m2 REAL, members_area_m2 REAL, pieces_area_m2 REAL);
CREATE TABLE zone_pieces (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON,
  zone_id INTEGER NOT NULL, ord INTEGER NOT NULL, piece_id TEXT NOT NULL, name TEXT, detected BOOLEAN,
  area_m2 REAL, area_mu REAL);
CREATE INDEX zone_pieces_zone ON zone_pieces(zone_id, ord);
CREATE TABLE landplan_zone_members (
  zone_id INTEGER NOT NULL, ord INTEGER NOT NULL, parcel_id INTEGER NOT NULL, PRIMARY KEY (zone_id, ord));
CREATE INDEX landplan_zone_members_parcel ON landplan_zone_members(parcel_id);
CREATE TABLE landplan_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, row_id INTEGER NOT NULL, version INTEGER NOT NULL,
  op TEXT NOT NULL, actor TEXT NOT NULL, at DATETIME NOT NULL, before TEXT, after TEXT);
CREATE INDEX landplan_history_row ON landplan_history(kind, row_id, seq);
CREATE TABLE landplan_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  created_at DATETIME NOT NULL, revoked_at DATETIME);
CREATE TABLE landplan_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`

// rtreeDDL is the gpkg_rtree_index extension for table t, column geom, with
// the GeoPackage 1.3 triggers (byte for byte what GDAL writes).
func rtreeDDL(t string) string {
	r := `"rtree_` + t + `_geom"`
	q := `"` + t + `"`
	ins := `INSERT OR REPLACE INTO ` + r + ` VALUES (NEW."fid",ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"),ST_MinY(NEW."geom"), ST_MaxY(NEW."geom"));`
	var b strings.Builder
	fmt.Fprintf(&b, `CREATE VIRTUAL TABLE %s USING rtree(id, minx, maxx, miny, maxy);`+"\n", r)
	fmt.Fprintf(&b, `CREATE TRIGGER "rtree_%s_geom_insert" AFTER INSERT ON %s WHEN (new."geom" NOT NULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN %s END;`+"\n", t, q, ins)
	fmt.Fprintf(&b, `CREATE TRIGGER "rtree_%s_geom_update1" AFTER UPDATE OF "geom" ON %s WHEN OLD."fid" = NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN %s END;`+"\n", t, q, ins)
	fmt.Fprintf(&b, `CREATE TRIGGER "rtree_%s_geom_update2" AFTER UPDATE OF "geom" ON %s WHEN OLD."fid" = NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM %s WHERE id = OLD."fid"; END;`+"\n", t, q, r)
	fmt.Fprintf(&b, `CREATE TRIGGER "rtree_%s_geom_update3" AFTER UPDATE ON %s WHEN OLD."fid" != NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM %s WHERE id = OLD."fid"; %s END;`+"\n", t, q, r, ins)
	fmt.Fprintf(&b, `CREATE TRIGGER "rtree_%s_geom_update4" AFTER UPDATE ON %s WHEN OLD."fid" != NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM %s WHERE id IN (OLD."fid", NEW."fid"); END;`+"\n", t, q, r)
	fmt.Fprintf(&b, `CREATE TRIGGER "rtree_%s_geom_delete" AFTER DELETE ON %s WHEN old."geom" NOT NULL BEGIN DELETE FROM %s WHERE id = OLD."fid"; END;`+"\n", t, q, r)
	return b.String()
}

// filterIndexes serve the common property filters. They index the
// expressions the SQL translation of Where compares (see column in
// where.go: NULL reads as ""), so "status = 'idle'" is an index search.
// A GeoPackage may carry extra indexes; CREATE … IF NOT EXISTS lets Open
// add them to files made before them.
var filterIndexes = []string{
	`CREATE INDEX IF NOT EXISTS parcels_q_code ON parcels (coalesce("code", ''))`,
	`CREATE INDEX IF NOT EXISTS parcels_q_status ON parcels (coalesce("status", ''))`,
	`CREATE INDEX IF NOT EXISTS parcels_q_land_use ON parcels (coalesce("land_use", ''))`,
	`CREATE INDEX IF NOT EXISTS parcels_q_town ON parcels (coalesce("town", ''))`,
}

// schemaSQL is every statement that creates a new landplan GeoPackage.
func schemaSQL() []string {
	stmts := []string{
		fmt.Sprintf("PRAGMA application_id = %d", applicationID),
		fmt.Sprintf("PRAGMA user_version = %d", userVersion),
	}
	stmts = append(stmts, splitSQL(coreDDL)...)
	stmts = append(stmts,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system')`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system')`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, '`+srsWGS84+`', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('China Geodetic Coordinate System 2000', 4490, 'EPSG', 4490, '`+srsCGCS2000+`', 'CGCS2000 longitude/latitude in decimal degrees (国家2000大地坐标系)')`,
	)
	stmts = append(stmts, splitSQL(dataDDL)...)
	for _, t := range featureTables {
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('%s', 'features', '%s', '%s', %d)`, t.name, t.identifier, t.description, srsID),
			fmt.Sprintf(`INSERT INTO gpkg_geometry_columns VALUES ('%s', 'geom', 'MULTIPOLYGON', %d, 0, 0)`, t.name, srsID),
			fmt.Sprintf(`INSERT INTO gpkg_extensions VALUES ('%s', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`, t.name),
		)
		stmts = append(stmts, splitSQL(rtreeDDL(t.name))...)
	}
	// Registering the history as an attributes table does two things: GIS
	// users can browse the change log, and GDAL stops listing the other
	// internal tables (its LIST_ALL_TABLES=AUTO lists unregistered tables
	// only in files without registered attributes tables).
	stmts = append(stmts, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('landplan_history', 'attributes', 'landplan_history', '变更历史 change history of parcels, buildings and zones')`)
	stmts = append(stmts, filterIndexes...)
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO landplan_meta VALUES ('schema_version', '%d')`, schemaVersion))
	return stmts
}

// splitSQL splits a script on ";\n" (no statement here has that inside).
func splitSQL(s string) []string {
	var out []string
	for _, st := range strings.Split(s, ";\n") {
		if st = strings.TrimSpace(st); st != "" {
			out = append(out, st)
		}
	}
	return out
}

var registerOnce sync.Once

// registerFunctions registers the SQL functions that the gpkg_rtree_index
// triggers call (ST_MinX, ST_MaxX, ST_MinY, ST_MaxY, ST_IsEmpty) with
// modernc's driver, once per process: every connection it opens has them.
func registerFunctions() {
	registerOnce.Do(func() {
		bound := func(pick func(minx, maxx, miny, maxy float64) float64) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
			return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				b, ok := args[0].([]byte)
				if !ok {
					return nil, nil
				}
				bb, ok := blobBound(b)
				if !ok {
					return nil, nil
				}
				return pick(bb.Min[0], bb.Max[0], bb.Min[1], bb.Max[1]), nil
			}
		}
		// Another package of the same binary may have registered these
		// names already (the driver refuses a second registration); any
		// correct implementation serves the triggers, so that is fine.
		_ = sqlite.RegisterDeterministicScalarFunction("ST_MinX", 1, bound(func(a, _, _, _ float64) float64 { return a }))
		_ = sqlite.RegisterDeterministicScalarFunction("ST_MaxX", 1, bound(func(_, a, _, _ float64) float64 { return a }))
		_ = sqlite.RegisterDeterministicScalarFunction("ST_MinY", 1, bound(func(_, _, a, _ float64) float64 { return a }))
		_ = sqlite.RegisterDeterministicScalarFunction("ST_MaxY", 1, bound(func(_, _, _, a float64) float64 { return a }))
		_ = sqlite.RegisterDeterministicScalarFunction("ST_IsEmpty", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			b, ok := args[0].([]byte)
			if !ok {
				return nil, nil
			}
			h, _, err := DecodeHeader(b)
			if err != nil {
				return nil, nil
			}
			if h.Empty {
				return int64(1), nil
			}
			return int64(0), nil
		})
	})
}
