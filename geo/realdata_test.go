package geo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"landplan/internal/realdata"
)

// Real cadastral shapes for overlay tests and benchmarks: the Cambridge MA
// parcels (internal/realdata, moved to Linhai) projected to 3° GK zone 40 with
// the zone prefix (eastings ≈ 40.5 million metres, as in production).
type realParcel struct {
	id int64
	g  orb.MultiPolygon // plane metres
	c  orb.Point        // centre of the bound
}

func loadCambridgePlane(tb testing.TB) []realParcel {
	tb.Helper()
	z := Zone3(40)
	var out []realParcel
	for _, p := range realdata.Cambridge(tb) {
		g := z.Project(p.Geometry)
		out = append(out, realParcel{id: p.ID, g: g, c: g.Bound().Center()})
	}
	return out
}

// realBlock is the seed parcel and its n−1 nearest neighbours by bound
// centre, in id order (as planning's BenchmarkLeftover500Real picks them).
func realBlock(all []realParcel, seed int64, n int) []orb.MultiPolygon {
	var s realParcel
	for _, p := range all {
		if p.id == seed {
			s = p
		}
	}
	sorted := slices.Clone(all)
	slices.SortStableFunc(sorted, func(a, b realParcel) int {
		return cmp.Compare(math.Hypot(a.c[0]-s.c[0], a.c[1]-s.c[1]), math.Hypot(b.c[0]-s.c[0], b.c[1]-s.c[1]))
	})
	sorted = sorted[:n]
	slices.SortFunc(sorted, func(a, b realParcel) int { return cmp.Compare(a.id, b.id) })
	out := make([]orb.MultiPolygon, n)
	for i, p := range sorted {
		out[i] = p.g
	}
	return out
}

// BenchmarkUnion500Real: Union of 500 real parcels (the members of planning's
// BenchmarkLeftover500Real).
func BenchmarkUnion500Real(b *testing.B) {
	gs := realBlock(loadCambridgePlane(b), 333, 500)
	b.ReportMetric(float64(countVertices(flatten(gs))), "vertices")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Union(gs...); err != nil {
			b.Fatal(err)
		}
	}
}

func flatten(gs []orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, g := range gs {
		out = append(out, g...)
	}
	return out
}

// TestUnionRealMatchesPostGIS: the union of blocks of real parcels has
// PostGIS's area. Values recorded in planning/realshapes_test.go with
// PostGIS 3.3.2 / GEOS 3.11.1: ST_Area(ST_Transform(ST_SetSRID(ST_Union(
// ST_Translate(geom, 192.24, −13.535)), 4490), 4549)) over the same blocks
// (EPSG:4549 is zone 40 without the prefix: the same plane areas).
func TestUnionRealMatchesPostGIS(t *testing.T) {
	all := loadCambridgePlane(t)
	for _, c := range []struct {
		seed   int64
		n      int
		areaM2 float64
	}{
		{1, 60, 57442.74965615258},
		{120, 60, 77769.03212346969},
		{333, 60, 250787.0257279581},
		{600, 60, 332172.3995404216},
	} {
		u, err := Union(realBlock(all, c.seed, c.n)...)
		if err != nil {
			t.Fatal(err)
		}
		near(t, fmt.Sprintf("block %d/%d", c.seed, c.n), PlaneArea(u), c.areaM2, 1e-3)
		if probs := Validate(u); len(probs) != 0 {
			t.Errorf("block %d/%d: union invalid: %v", c.seed, c.n, probs[0])
		}
	}
	// All 500 members of planning's benchmark: no parcel lost (every fifth
	// one's area is covered by the union; all would take seconds).
	gs := realBlock(all, 333, 500)
	u, err := Union(gs...)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(gs); i += 5 {
		g := gs[i]
		var local orb.MultiPolygon // the union's polygons near g
		for _, p := range u {
			if p.Bound().Intersects(g.Bound()) {
				local = append(local, p)
			}
		}
		a, err := IntersectionArea(g, local)
		if err != nil || PlaneArea(g)-a > 1e-3 {
			t.Errorf("member %d: %.3f of %.3f m² covered (%v)", i, a, PlaneArea(g), err)
		}
	}
}
