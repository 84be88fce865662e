package planning

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"

	"landplan/internal/realdata"
)

// Real cadastral shapes: the Cambridge MA parcels moved to Linhai
// (internal/realdata: every coordinate moved by the same amount, so the
// topology — shared edges, slivers, small overlaps — is kept exactly).
type realParcel struct {
	id int64
	g  orb.MultiPolygon // lon/lat in Linhai
	c  orb.Point        // plane centroid of the bound
}

func loadCambridge(tb testing.TB) []realParcel {
	tb.Helper()
	var out []realParcel
	for _, p := range realdata.Cambridge(tb) {
		out = append(out, realParcel{id: p.ID, g: p.Geometry, c: parcels.LinhaiZone.Project(p.Geometry).Bound().Center()})
	}
	return out
}

// block is the seed parcel and its n−1 nearest neighbours by bound centre.
func block(all []realParcel, seed int64, n int) []realParcel {
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
	return sorted[:n]
}

// postgisBlocks are PostGIS's areas of the union of each block, recorded
// once with PostGIS 3.3.2 / GEOS 3.11.1 / PROJ 9.1.1 by
//
//	SELECT ST_Area(ST_Transform(ST_SetSRID(ST_Union(ST_Translate(ST_GeomFromGeoJSON(g), 192.24, -13.535)), 4490), 4549))
//	FROM (VALUES ('<geometry of each member as GeoJSON>'), …) AS t(g);
//
// (TestRealShapesPostGISLive runs the same query against a live PostGIS.)
var postgisBlocks = []struct {
	seed   int64
	n      int
	areaM2 float64
}{
	{1, 5, 2521.0877342025988},
	{1, 20, 10566.48134544616},
	{1, 60, 57442.74965615258},
	{50, 5, 2325.5265995647237},
	{50, 20, 9184.442685659156},
	{50, 60, 28106.067255988735},
	{120, 5, 2067.4551140484687},
	{120, 20, 18089.20384184218},
	{120, 60, 77769.03212346969},
	{200, 5, 2865.3547540687564},
	{200, 20, 25107.353120930853},
	{200, 60, 58918.75728691353},
	{333, 5, 18880.692478510748},
	{333, 20, 73035.94676281154},
	{333, 60, 250787.0257279581},
	{480, 5, 2031.0411470875274},
	{480, 20, 9330.590768001657},
	{480, 60, 99211.25549641399},
	{600, 5, 1698.5002158486295},
	{600, 20, 24053.427127537936},
	{600, 60, 332172.3995404216},
}

func memberParcels(b []realParcel) []*parcels.Parcel {
	out := make([]*parcels.Parcel, len(b))
	for i, p := range b {
		out[i] = &parcels.Parcel{Meta: parcels.Meta{ID: p.id}, Geometry: p.g}
	}
	return out
}

func others(all, b []realParcel) []*parcels.Parcel {
	in := map[int64]bool{}
	for _, p := range b {
		in[p.id] = true
	}
	var out []*parcels.Parcel
	for _, p := range all {
		if !in[p.id] {
			out = append(out, &parcels.Parcel{Meta: parcels.Meta{ID: p.id}, Geometry: p.g})
		}
	}
	return out
}

func TestRealShapesNeverCrash(t *testing.T) {
	p := mustProfile(t)
	all := loadCambridge(t)
	type blk struct {
		seed int64
		n    int
	}
	var blocks []blk
	for seed := int64(1); seed <= int64(len(all)); seed += 37 {
		blocks = append(blocks, blk{seed, 20})
	}
	for seed := int64(5); seed <= int64(len(all)); seed += 111 {
		blocks = append(blocks, blk{seed, 80})
	}
	for _, bl := range blocks {
		seed := bl.seed
		b := block(all, seed, bl.n)
		r, err := Leftover(p, LeftoverInput{Members: memberParcels(b), Detect: true, Others: others(all, b)})
		if err != nil {
			t.Errorf("block at %d: %v", seed, err)
			continue
		}
		if r.MergedAreaM2 < r.MembersAreaM2-1e-6 {
			t.Errorf("block at %d: merged %.4f < members %.4f", seed, r.MergedAreaM2, r.MembersAreaM2)
		}
		// The members' union is never larger than the sum of their areas.
		if r.MembersAreaM2 > r.MembersSumAreaM2+1e-6 {
			t.Errorf("block at %d: union %.4f > sum %.4f", seed, r.MembersAreaM2, r.MembersSumAreaM2)
		}
		sum := 0.0
		var inc []orb.MultiPolygon
		for _, pc := range r.Pieces {
			if pc.Included {
				sum += pc.AreaM2
				inc = append(inc, pc.plane)
			}
			if pc.AreaM2 < p.MinPocketAreaM2 && pc.Detected {
				t.Errorf("block at %d: detected sliver %s of %.3f m²", seed, pc.ID, pc.AreaM2)
			}
		}
		// The leftover figures, summed over disjoint pieces, are those of
		// the pieces' union: the plane area to rounding, the ellipsoidal
		// one within 1e-3 m² (the union walks shared edges through other
		// vertices).
		if len(inc) > 0 {
			lu, err := geo.Union(inc...)
			if err != nil {
				t.Fatal(err)
			}
			approx(t, "leftover vs union of pieces", r.LeftoverAreaM2, geo.PlaneArea(lu), math.Max(1e-6, 1e-12*r.LeftoverAreaM2))
			approx(t, "ellipsoidal leftover vs union", r.LeftoverEllipsoidalAreaM2, geo.EllipsoidalArea(p.GeoZone().Unproject(lu)), 1e-3)
		}
		// Pieces lie outside the members: merged = members + leftover.
		approx(t, "merged = members + leftover", r.MergedAreaM2, r.MembersAreaM2+r.LeftoverAreaM2, math.Max(1e-3, r.MergedAreaM2*1e-6))
		if len(r.Text("zh")) == 0 {
			t.Error("empty text")
		}
	}
}

func TestRealShapesMatchPostGIS(t *testing.T) {
	p := mustProfile(t)
	all := loadCambridge(t)
	if len(postgisBlocks) == 0 {
		t.Fatal("no recorded PostGIS values")
	}
	for _, c := range postgisBlocks {
		b := block(all, c.seed, c.n)
		r, err := Leftover(p, LeftoverInput{Members: memberParcels(b)})
		if err != nil {
			t.Fatal(err)
		}
		// Without pieces, merged = the members' union: PostGIS's ST_Union area.
		approx(t, "merged vs PostGIS", r.MergedAreaM2, c.areaM2, 1e-3)
		// And the plain cadastral area of each member agrees with geo's.
		sum := 0.0
		for _, m := range b {
			sum += geo.CadastralArea(m.g, p.GeoZone())
		}
		approx(t, "Σ members", r.MembersSumAreaM2, sum, 1e-9*sum)
	}
}

// On real blocks with detection: a drawn piece that touches no member never
// changes the other pieces' verdicts, the merged area or the ratio; shuffling
// members and others never changes the report.
func TestRealShapesProperties(t *testing.T) {
	p := mustProfile(t)
	all := loadCambridge(t)
	for _, seed := range []int64{7, 222, 444} {
		b := block(all, seed, 25)
		in := LeftoverInput{Members: memberParcels(b), Detect: true, Others: others(all, b)}
		base, err := Leftover(p, in)
		if err != nil {
			t.Fatal(err)
		}
		// Far from the block: 2 km east of its first member.
		c := parcels.LinhaiZone.Project(b[0].g).Bound().Max
		far := parcels.LinhaiZone.Unproject(orb.MultiPolygon{{{{c[0] + 2000, c[1]}, {c[0] + 2050, c[1]}, {c[0] + 2050, c[1] + 50}, {c[0] + 2000, c[1]}}}})
		in2 := in
		in2.Pieces = []parcels.Piece{{ID: "zz-far", Geometry: far}}
		more, err := Leftover(p, in2)
		if err != nil {
			t.Fatal(err)
		}
		vb, vm := verdicts(base), verdicts(more)
		for id, e := range vb {
			if vm[id] != e {
				t.Errorf("block %d: piece %s changed %v → %v", seed, id, e, vm[id])
			}
		}
		if vm["zz-far"] || base.MergedAreaM2 != more.MergedAreaM2 || base.LeftoverRatio != more.LeftoverRatio {
			t.Errorf("block %d: far piece changed the zone", seed)
		}
		rev := in
		rev.Members = slices.Clone(in.Members)
		rev.Others = slices.Clone(in.Others)
		slices.Reverse(rev.Members)
		slices.Reverse(rev.Others)
		r2, err := Leftover(p, rev)
		if err != nil {
			t.Fatal(err)
		}
		if r2.Text("en") != base.Text("en") {
			t.Errorf("block %d: reversed input changed the report", seed)
		}
	}
}
