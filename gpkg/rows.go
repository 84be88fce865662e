package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

const metaCols = "fid, version, created_at, updated_at, updated_by"

const parcelCols = metaCols + `, geom, code, name, owner, land_use, land_source, lease_start, lease_end,
  registered_area_m2, status, town, attrs, area_m2, area_mu, ellipsoidal_area_m2, footprint_area_m2,
  floor_area_m2, building_density, plot_ratio, building_count`

const buildingCols = metaCols + `, geom, parcel_id, name, use, floors, height_m, declared_floor_area_m2, attrs,
  footprint_area_m2, floor_area_m2`

const zoneCols = metaCols + `, geom, name, status, note, members, attrs, area_m2, members_area_m2, pieces_area_m2`

var kindCols = map[parcels.Kind]string{
	parcels.KindParcel:   parcelCols,
	parcels.KindBuilding: buildingCols,
	parcels.KindZone:     zoneCols,
}

// timeCol scans a DATETIME column. modernc's driver hands columns declared
// DATE or DATETIME over as time.Time when the text parses, else as text.
type timeCol struct{ t time.Time }

func (c *timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.t = time.Time{}
	case time.Time:
		c.t = x.UTC()
	case string:
		t, err := parseTime(x)
		c.t = t
		return err
	case []byte:
		t, err := parseTime(string(x))
		c.t = t
		return err
	default:
		return fmt.Errorf("gpkg: cannot read %T as a timestamp", v)
	}
	return nil
}

// dateCol scans a DATE column ("YYYY-MM-DD" or NULL).
type dateCol struct{ d parcels.Date }

func (c *dateCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.d = parcels.Date{}
	case time.Time:
		c.d = parcels.NewDate(x.Year(), x.Month(), x.Day())
	case string, []byte:
		s := fmt.Sprintf("%s", x)
		if len(s) > 10 {
			s = s[:10]
		}
		d, err := parcels.ParseDate(s)
		c.d = d
		return err
	default:
		return fmt.Errorf("gpkg: cannot read %T as a date", v)
	}
	return nil
}

// metaScan holds the scanned Meta columns.
type metaScan struct {
	id, version      int64
	created, updated timeCol
	updatedBy        string
}

func (m *metaScan) dest() []any {
	return []any{&m.id, &m.version, &m.created, &m.updated, &m.updatedBy}
}

func (m *metaScan) meta() (parcels.Meta, error) {
	return parcels.Meta{ID: m.id, Version: m.version, CreatedAt: m.created.t, UpdatedAt: m.updated.t, UpdatedBy: m.updatedBy}, nil
}

func scanParcel(sc scanner) (*parcels.Parcel, error) {
	var m metaScan
	var p parcels.Parcel
	var geom []byte
	var leaseStart, leaseEnd dateCol
	var attrs sql.NullString
	var code, name, owner, landUse, source, status, town sql.NullString
	var reg, area, mu, ell, fp, fl, dens, pr sql.NullFloat64
	var count sql.NullInt64
	dest := append(m.dest(), &geom, &code, &name, &owner, &landUse, &source, &leaseStart, &leaseEnd,
		&reg, &status, &town, &attrs, &area, &mu, &ell, &fp, &fl, &dens, &pr, &count)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if p.Meta, err = m.meta(); err != nil {
		return nil, err
	}
	p.Code, p.Name, p.Owner, p.LandUse = code.String, name.String, owner.String, landUse.String
	p.LandSource, p.Status, p.Town = parcels.LandSource(source.String), parcels.ParcelStatus(status.String), town.String
	p.LeaseStart, p.LeaseEnd = leaseStart.d, leaseEnd.d
	p.RegisteredAreaM2 = reg.Float64
	if p.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, fmt.Errorf("gpkg: parcel %d attrs: %w", m.id, err)
	}
	p.AreaM2, p.AreaMu, p.EllipsoidalAreaM2 = area.Float64, mu.Float64, ell.Float64
	p.FootprintAreaM2, p.FloorAreaM2 = fp.Float64, fl.Float64
	p.BuildingDensity, p.PlotRatio, p.BuildingCount = dens.Float64, pr.Float64, int(count.Int64)
	if p.Geometry, err = decodeMultiPolygon(geom); err != nil {
		return nil, fmt.Errorf("gpkg: parcel %d geometry: %w", m.id, err)
	}
	return &p, nil
}

func parcelArgs(p *parcels.Parcel) ([]any, error) {
	g, err := EncodeBlob(nilIfEmpty(p.Geometry), srsID)
	if err != nil {
		return nil, err
	}
	attrs, err := encodeAttrs(p.Attrs)
	if err != nil {
		return nil, err
	}
	return []any{p.ID, p.Version, fmtTime(p.CreatedAt), fmtTime(p.UpdatedAt), p.UpdatedBy,
		g, p.Code, p.Name, p.Owner, p.LandUse, string(p.LandSource), dateArg(p.LeaseStart), dateArg(p.LeaseEnd),
		p.RegisteredAreaM2, string(p.Status), p.Town, attrs, p.AreaM2, p.AreaMu, p.EllipsoidalAreaM2,
		p.FootprintAreaM2, p.FloorAreaM2, p.BuildingDensity, p.PlotRatio, p.BuildingCount}, nil
}

func scanBuilding(sc scanner) (*parcels.Building, error) {
	var m metaScan
	var b parcels.Building
	var geom []byte
	var attrs, name, use sql.NullString
	var pid, floors sql.NullInt64
	var h, decl, fp, fl sql.NullFloat64
	dest := append(m.dest(), &geom, &pid, &name, &use, &floors, &h, &decl, &attrs, &fp, &fl)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if b.Meta, err = m.meta(); err != nil {
		return nil, err
	}
	b.ParcelID, b.Name, b.Use, b.Floors = pid.Int64, name.String, parcels.BuildingUse(use.String), int(floors.Int64)
	b.HeightM, b.DeclaredFloorAreaM2, b.FootprintAreaM2, b.FloorAreaM2 = h.Float64, decl.Float64, fp.Float64, fl.Float64
	if b.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, fmt.Errorf("gpkg: building %d attrs: %w", m.id, err)
	}
	if b.Geometry, err = decodeMultiPolygon(geom); err != nil {
		return nil, fmt.Errorf("gpkg: building %d geometry: %w", m.id, err)
	}
	return &b, nil
}

func buildingArgs(b *parcels.Building) ([]any, error) {
	g, err := EncodeBlob(nilIfEmpty(b.Geometry), srsID)
	if err != nil {
		return nil, err
	}
	attrs, err := encodeAttrs(b.Attrs)
	if err != nil {
		return nil, err
	}
	var pid any
	if b.ParcelID != 0 {
		pid = b.ParcelID
	}
	return []any{b.ID, b.Version, fmtTime(b.CreatedAt), fmtTime(b.UpdatedAt), b.UpdatedBy,
		g, pid, b.Name, string(b.Use), b.Floors, b.HeightM, b.DeclaredFloorAreaM2, attrs,
		b.FootprintAreaM2, b.FloorAreaM2}, nil
}

// scanZone scans a zone row; members and pieces are loaded separately.
func scanZone(sc scanner) (*parcels.Zone, error) {
	var m metaScan
	var z parcels.Zone
	var geom []byte
	var name, status, note, members, attrs sql.NullString
	var area, marea, parea sql.NullFloat64
	dest := append(m.dest(), &geom, &name, &status, &note, &members, &attrs, &area, &marea, &parea)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if z.Meta, err = m.meta(); err != nil {
		return nil, err
	}
	z.Name, z.Status, z.Note = name.String, parcels.ZoneStatus(status.String), note.String
	z.AreaM2, z.MembersAreaM2, z.PiecesAreaM2 = area.Float64, marea.Float64, parea.Float64
	if members.Valid && members.String != "" {
		if err := json.Unmarshal([]byte(members.String), &z.Members); err != nil {
			return nil, fmt.Errorf("gpkg: zone %d members: %w", m.id, err)
		}
	}
	if z.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, fmt.Errorf("gpkg: zone %d attrs: %w", m.id, err)
	}
	if z.Geometry, err = decodeMultiPolygon(geom); err != nil {
		return nil, fmt.Errorf("gpkg: zone %d geometry: %w", m.id, err)
	}
	return &z, nil
}

func zoneArgs(z *parcels.Zone) ([]any, error) {
	g, err := EncodeBlob(nilIfEmpty(z.Geometry), srsID)
	if err != nil {
		return nil, err
	}
	attrs, err := encodeAttrs(z.Attrs)
	if err != nil {
		return nil, err
	}
	members := z.Members
	if members == nil {
		members = []int64{}
	}
	mj, err := json.Marshal(members)
	if err != nil {
		return nil, err
	}
	return []any{z.ID, z.Version, fmtTime(z.CreatedAt), fmtTime(z.UpdatedAt), z.UpdatedBy,
		g, z.Name, string(z.Status), z.Note, string(mj), attrs, z.AreaM2, z.MembersAreaM2, z.PiecesAreaM2}, nil
}

// nilIfEmpty stores an empty geometry as SQL NULL, which GIS tools treat as
// "no geometry".
func nilIfEmpty(g orb.MultiPolygon) orb.Geometry {
	if len(g) == 0 {
		return nil
	}
	return g
}

func dateArg(d parcels.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func encodeAttrs(a map[string]any) (any, error) {
	if len(a) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, &parcels.Error{Code: parcels.EINVALID, Message: "attrs cannot be encoded as JSON: " + err.Error(),
			MessageZH: "属性 attrs 无法编码为 JSON"}
	}
	return string(b), nil
}

// roundTripAttrs gives attrs the shape a later read returns (JSON numbers
// as float64 and so on), so a returned row equals what Get returns.
func roundTripAttrs(a map[string]any) (map[string]any, error) {
	v, err := encodeAttrs(a)
	if err != nil || v == nil {
		return nil, err
	}
	return decodeAttrs(sql.NullString{String: v.(string), Valid: true})
}

func decodeAttrs(s sql.NullString) (map[string]any, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(s.String), &a); err != nil {
		return nil, err
	}
	return a, nil
}

// insertSQL and updateSQL write every column of cols (the Meta and row columns).
func insertSQL(t, cols string) string {
	n := len(strings.Split(cols, ","))
	return "INSERT INTO " + t + " (" + cols + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

func updateSQL(t, cols string) string {
	parts := strings.Split(cols, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i]) + " = ?"
	}
	// The first column is fid: it is the WHERE, not a SET.
	return "UPDATE " + t + " SET " + strings.Join(parts[1:], ", ") + " WHERE fid = ?"
}
