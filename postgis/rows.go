package postgis

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"landplan/parcels"
)

// Column lists, in the order the scan functions read them.
const (
	parcelCols = `id, version, created_at, updated_at, updated_by, code, name, owner, land_use,
	land_source, lease_start, lease_end, registered_area_m2, status, town, attrs, ST_AsEWKB(geom),
	area_m2, area_mu, ellipsoidal_area_m2, footprint_area_m2, floor_area_m2, building_density,
	plot_ratio, building_count`
	buildingCols = `id, version, created_at, updated_at, updated_by, coalesce(parcel_id, 0), name, use,
	floors, height_m, declared_floor_area_m2, attrs, ST_AsEWKB(geom), footprint_area_m2, floor_area_m2`
	zoneCols = `id, version, created_at, updated_at, updated_by, name, status, note, attrs,
	ST_AsEWKB(geom), area_m2, members_area_m2, pieces_area_m2`
)

// encodeGeom is the EWKB of a lon/lat multipolygon in SRID 4490.
func encodeGeom(g orb.MultiPolygon) ([]byte, error) {
	if len(g) == 0 {
		return nil, nil
	}
	return ewkb.Marshal(g, srid)
}

// decodeGeom reads EWKB from ST_AsEWKB; NULL gives nil.
func decodeGeom(b []byte) (orb.MultiPolygon, error) {
	if b == nil {
		return nil, nil
	}
	g, s, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode EWKB: %w", err)
	}
	if s != srid {
		return nil, fmt.Errorf("geometry has SRID %d, want %d", s, srid)
	}
	switch v := g.(type) {
	case orb.MultiPolygon:
		return v, nil
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	}
	return nil, fmt.Errorf("geometry is a %s, want MultiPolygon", g.GeoJSONType())
}

func decodeAttrs(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode attrs: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// normAttrs encodes attrs for the jsonb column and returns them as the
// database will give them back (numbers as float64, nested values as
// map[string]any and []any), so a returned row equals a later Get.
func normAttrs(feature string, m map[string]any) ([]byte, map[string]any, error) {
	if len(m) == 0 {
		return []byte("{}"), nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, nil, invalidf(feature, "自由属性无法编码为 JSON（如 NaN 或无穷大）",
			"free attributes cannot be encoded as JSON (NaN, infinity or an unsupported type): %v", err)
	}
	if strings.Contains(string(b), `\u0000`) {
		return nil, nil, invalidf(feature, "自由属性含有 NUL 字符", "free attributes contain a NUL character")
	}
	if flat := flatAttrs(m); flat != nil {
		return b, flat, nil
	}
	back, err := decodeAttrs(b)
	return b, back, err
}

// flatAttrs returns a copy of m when every value already has the type and
// value JSON decoding would give (valid UTF-8 strings, float64, bool, nil),
// which saves the bulk path a decode per row; nil otherwise.
func flatAttrs(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !utf8.ValidString(k) {
			return nil
		}
		switch x := v.(type) {
		case nil, bool, float64:
		case string:
			if !utf8.ValidString(x) {
				return nil
			}
		default:
			return nil
		}
		out[k] = v
	}
	return out
}

func dateArg(d parcels.Date) pgtype.Date {
	if d.IsZero() {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: d.Time, Valid: true}
}

// normDate keeps only the calendar date, as the date column does.
func normDate(d parcels.Date) parcels.Date {
	if d.IsZero() {
		return d
	}
	y, m, dd := d.Date()
	return parcels.NewDate(y, m, dd)
}

func dateOf(d pgtype.Date) parcels.Date {
	if !d.Valid {
		return parcels.Date{}
	}
	y, m, dd := d.Time.Date()
	return parcels.NewDate(y, m, dd)
}

func scanParcel(row pgx.Row, extra ...any) (*parcels.Parcel, error) {
	p := &parcels.Parcel{}
	var ls, le pgtype.Date
	var attrs, g []byte
	var src, st string
	dst := []any{&p.ID, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.UpdatedBy, &p.Code, &p.Name, &p.Owner, &p.LandUse,
		&src, &ls, &le, &p.RegisteredAreaM2, &st, &p.Town, &attrs, &g,
		&p.AreaM2, &p.AreaMu, &p.EllipsoidalAreaM2, &p.FootprintAreaM2, &p.FloorAreaM2, &p.BuildingDensity,
		&p.PlotRatio, &p.BuildingCount}
	if err := row.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	p.LandSource, p.Status = parcels.LandSource(src), parcels.ParcelStatus(st)
	p.LeaseStart, p.LeaseEnd = dateOf(ls), dateOf(le)
	p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	var err error
	if p.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, err
	}
	if p.Geometry, err = decodeGeom(g); err != nil {
		return nil, fmt.Errorf("parcel %d: %w", p.ID, err)
	}
	return p, nil
}

func scanBuilding(row pgx.Row, extra ...any) (*parcels.Building, error) {
	b := &parcels.Building{}
	var attrs, g []byte
	var use string
	dst := []any{&b.ID, &b.Version, &b.CreatedAt, &b.UpdatedAt, &b.UpdatedBy, &b.ParcelID, &b.Name, &use,
		&b.Floors, &b.HeightM, &b.DeclaredFloorAreaM2, &attrs, &g, &b.FootprintAreaM2, &b.FloorAreaM2}
	if err := row.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	b.Use = parcels.BuildingUse(use)
	b.CreatedAt, b.UpdatedAt = utc(b.CreatedAt), utc(b.UpdatedAt)
	var err error
	if b.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, err
	}
	if b.Geometry, err = decodeGeom(g); err != nil {
		return nil, fmt.Errorf("building %d: %w", b.ID, err)
	}
	return b, nil
}

func scanZone(row pgx.Row, extra ...any) (*parcels.Zone, error) {
	z := &parcels.Zone{}
	var attrs, g []byte
	var st string
	dst := []any{&z.ID, &z.Version, &z.CreatedAt, &z.UpdatedAt, &z.UpdatedBy, &z.Name, &st, &z.Note, &attrs,
		&g, &z.AreaM2, &z.MembersAreaM2, &z.PiecesAreaM2}
	if err := row.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	z.Status = parcels.ZoneStatus(st)
	z.CreatedAt, z.UpdatedAt = utc(z.CreatedAt), utc(z.UpdatedAt)
	var err error
	if z.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, err
	}
	if z.Geometry, err = decodeGeom(g); err != nil {
		return nil, fmt.Errorf("zone %d: %w", z.ID, err)
	}
	return z, nil
}

// Field checks. The database has the same checks as constraints; doing
// them here first gives the caller a message that names the field.

func checkText(feature, field, s string) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return invalidf(feature, fmt.Sprintf("字段 %s 含有非法字符（NUL 或非 UTF-8）", field),
			"%s contains a NUL character or invalid UTF-8", field)
	}
	return nil
}

func checkNonNeg(feature, field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return invalidf(feature, fmt.Sprintf("字段 %s 必须是非负有限数，实际为 %v", field, v),
			"%s must be a finite number ≥ 0, not %v", field, v)
	}
	return nil
}

func checkEnum(feature, field, v string, allowed ...string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalidf(feature, fmt.Sprintf("字段 %s 的取值 %q 无效，应为 %s 之一或留空", field, v, strings.Join(allowed, "、")),
		"%s %q is not one of %s (or empty)", field, v, strings.Join(allowed, ", "))
}

// prepParcel checks and normalises a parcel for writing: geometry through
// parcels.Normalize, fields checked, attrs and dates as the database keeps
// them, and its areas derived. It returns the geometry's EWKB and the attrs
// JSON. p is modified.
func (db *DB) prepParcel(feature string, p *parcels.Parcel) (geom, attrs []byte, err error) {
	for _, f := range []struct{ name, v string }{{"code", p.Code}, {"name", p.Name}, {"owner", p.Owner},
		{"land_use", p.LandUse}, {"town", p.Town}} {
		if err := checkText(feature, f.name, f.v); err != nil {
			return nil, nil, err
		}
	}
	if err := checkEnum(feature, "land_source", string(p.LandSource), "transferred", "allocated", "collective"); err != nil {
		return nil, nil, err
	}
	if err := checkEnum(feature, "status", string(p.Status), "in_use", "inefficient", "redeveloping", "idle"); err != nil {
		return nil, nil, err
	}
	if err := checkNonNeg(feature, "registered_area_m2", p.RegisteredAreaM2); err != nil {
		return nil, nil, err
	}
	if attrs, p.Attrs, err = normAttrs(feature, p.Attrs); err != nil {
		return nil, nil, err
	}
	p.LeaseStart, p.LeaseEnd = normDate(p.LeaseStart), normDate(p.LeaseEnd)
	if p.Geometry, err = parcels.Normalize(parcels.KindParcel, feature, p.Geometry); err != nil {
		return nil, nil, err
	}
	db.der.ParcelAreas(p)
	geom, err = encodeGeom(p.Geometry)
	return geom, attrs, err
}

// prepBuilding is prepParcel for buildings (footprint and floor area derived).
func (db *DB) prepBuilding(feature string, b *parcels.Building) (geom, attrs []byte, err error) {
	if err := checkText(feature, "name", b.Name); err != nil {
		return nil, nil, err
	}
	if err := checkEnum(feature, "use", string(b.Use), "production", "office", "dormitory", "canteen", "service", "other"); err != nil {
		return nil, nil, err
	}
	if b.Floors < 0 {
		return nil, nil, invalidf(feature, fmt.Sprintf("层数不能为负：%d", b.Floors), "floors must be ≥ 0, not %d", b.Floors)
	}
	if err := checkNonNeg(feature, "height_m", b.HeightM); err != nil {
		return nil, nil, err
	}
	if err := checkNonNeg(feature, "declared_floor_area_m2", b.DeclaredFloorAreaM2); err != nil {
		return nil, nil, err
	}
	if attrs, b.Attrs, err = normAttrs(feature, b.Attrs); err != nil {
		return nil, nil, err
	}
	if b.Geometry, err = parcels.Normalize(parcels.KindBuilding, feature, b.Geometry); err != nil {
		return nil, nil, err
	}
	db.der.BuildingValues(b)
	geom, err = encodeGeom(b.Geometry)
	return geom, attrs, err
}

// now is a write's timestamp as the database stores it (microseconds, UTC).
func now(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
