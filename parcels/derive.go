package parcels

import (
	"fmt"

	"github.com/paulmach/orb"

	"landplan/geo"
)

// Deriver computes the derived values that stores keep with each row. All
// areas are cadastral plane areas in one Gauss–Krüger zone (the city's), and
// overlay runs on plane coordinates in that zone, so an area that comes out of
// an overlay is exactly the cadastral area of the resulting polygon.
type Deriver struct {
	Zone geo.Zone
}

// LinhaiZone is Linhai's zone: CGCS2000 3° zone 40, CM 120°E (EPSG:4528).
var LinhaiZone = geo.Zone3(40)

// NewDeriver returns a Deriver for zone z.
func NewDeriver(z geo.Zone) Deriver { return Deriver{Zone: z} }

// Normalize prepares a lon/lat geometry for storage. Problems that geo marks
// Fixable (ring orientation, repeated consecutive vertices) are repaired with
// geo.Repair, because RFC 7946 tells readers not to reject on winding; any
// other problem gives EINVALID carrying every problem and naming the feature.
// Self-intersections are never "made valid" here: that is the caller's
// explicit choice (geo.MakeValid).
func Normalize(kind Kind, feature string, g orb.MultiPolygon) (orb.MultiPolygon, error) {
	if len(g) == 0 {
		return nil, &Error{Code: EINVALID, Feature: feature,
			Message:   fmt.Sprintf("%s has no geometry: a MultiPolygon or Polygon is required", kind),
			MessageZH: fmt.Sprintf("%s 缺少几何：需要 Polygon 或 MultiPolygon", kind.ZH())}
	}
	probs := geo.ValidateLonLat(g)
	if len(probs) == 0 {
		return g, nil // the common case: one validation pass, no copy
	}
	if allFixable(probs) {
		g, _ = geo.Repair(g)
		probs = geo.ValidateLonLat(g)
	}
	if len(probs) > 0 {
		return nil, &Error{Code: EINVALID, Feature: feature, Problems: probs,
			Message:   fmt.Sprintf("%s geometry is invalid: %s", kind, probs[0].Message),
			MessageZH: fmt.Sprintf("%s 几何无效：%s", kind.ZH(), probs[0].MessageZH)}
	}
	return g, nil
}

func allFixable(probs []geo.Problem) bool {
	for _, p := range probs {
		if !p.Fixable {
			return false
		}
	}
	return true
}

// ParcelAreas sets the parcel's area fields from its geometry.
func (d Deriver) ParcelAreas(p *Parcel) {
	p.AreaM2 = geo.CadastralArea(p.Geometry, d.Zone)
	p.AreaMu = geo.MuFromM2(p.AreaM2)
	p.EllipsoidalAreaM2 = geo.EllipsoidalArea(p.Geometry)
}

// BuildingValues sets the building's footprint and floor area.
func (d Deriver) BuildingValues(b *Building) {
	b.FootprintAreaM2 = geo.CadastralArea(b.Geometry, d.Zone)
	switch {
	case b.DeclaredFloorAreaM2 > 0:
		b.FloorAreaM2 = b.DeclaredFloorAreaM2
	case b.Floors > 0:
		b.FloorAreaM2 = b.FootprintAreaM2 * float64(b.Floors)
	default:
		b.FloorAreaM2 = 0
	}
}

// AssignParcel returns the id of the candidate parcel the building overlaps
// most (by plane intersection area), 0 when it overlaps none. Ties go to the
// lower id, so the answer does not depend on candidate order.
func (d Deriver) AssignParcel(b *Building, candidates []*Parcel) (int64, error) {
	fp := d.Zone.Project(b.Geometry)
	var best int64
	var bestArea float64
	for _, p := range candidates {
		a, err := geo.IntersectionArea(fp, d.Zone.Project(p.Geometry))
		if err != nil {
			return 0, fmt.Errorf("building %d on parcel %d: %w", b.ID, p.ID, err)
		}
		if a > bestArea || (a == bestArea && a > 0 && p.ID < best) {
			best, bestArea = p.ID, a
		}
	}
	return best, nil
}

// ParcelSite sets the parcel's site values from the buildings assigned to it:
// footprint = area of (union of footprints) ∩ parcel; floor area = Σ building
// floor areas; density and plot ratio over AreaM2 (which must be current).
func (d Deriver) ParcelSite(p *Parcel, buildings []*Building) error {
	p.BuildingCount = len(buildings)
	p.FloorAreaM2 = 0
	p.FootprintAreaM2 = 0
	fps := make([]orb.MultiPolygon, 0, len(buildings))
	for _, b := range buildings {
		p.FloorAreaM2 += b.FloorAreaM2
		fps = append(fps, d.Zone.Project(b.Geometry))
	}
	if len(fps) > 0 {
		u, err := geo.Union(fps...)
		if err != nil {
			return fmt.Errorf("parcel %d: union of %d footprints: %w", p.ID, len(fps), err)
		}
		a, err := geo.IntersectionArea(u, d.Zone.Project(p.Geometry))
		if err != nil {
			return fmt.Errorf("parcel %d: footprints ∩ parcel: %w", p.ID, err)
		}
		p.FootprintAreaM2 = a
	}
	p.BuildingDensity, p.PlotRatio = 0, 0
	if p.AreaM2 > 0 {
		p.BuildingDensity = p.FootprintAreaM2 / p.AreaM2
		p.PlotRatio = p.FloorAreaM2 / p.AreaM2
	}
	return nil
}

// ZoneValues sets a zone's geometry (members ∪ pieces, lon/lat), its areas and
// its pieces' areas. members are the zone's member parcels.
func (d Deriver) ZoneValues(z *Zone, members []*Parcel) error {
	var mem []orb.MultiPolygon
	for _, p := range members {
		mem = append(mem, d.Zone.Project(p.Geometry))
	}
	all := append([]orb.MultiPolygon(nil), mem...)
	z.PiecesAreaM2 = 0
	for i := range z.Pieces {
		pp := d.Zone.Project(z.Pieces[i].Geometry)
		z.Pieces[i].AreaM2 = geo.PlaneArea(pp)
		z.Pieces[i].AreaMu = geo.MuFromM2(z.Pieces[i].AreaM2)
		z.PiecesAreaM2 += z.Pieces[i].AreaM2
		all = append(all, pp)
	}
	z.MembersAreaM2, z.AreaM2, z.Geometry = 0, 0, nil
	if len(mem) > 0 {
		u, err := geo.Union(mem...)
		if err != nil {
			return fmt.Errorf("zone %d: union of members: %w", z.ID, err)
		}
		z.MembersAreaM2 = geo.PlaneArea(u)
	}
	if len(all) > 0 {
		u, err := geo.Union(all...)
		if err != nil {
			return fmt.Errorf("zone %d: union of members and pieces: %w", z.ID, err)
		}
		z.AreaM2 = geo.PlaneArea(u)
		z.Geometry = d.Zone.Unproject(u)
	}
	return nil
}
