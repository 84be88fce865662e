package tiles

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"landplan/geo"
)

// Options are the encoder's knobs; DefaultOptions is what the service uses.
type Options struct {
	// Extent is the tile's size in tile units (MVT's extent).
	Extent int
	// Buffer is how far, in tile units, geometries reach beyond the tile's
	// edge before they are clipped, so strokes at tile seams join.
	Buffer int
	// Pixel is the size of a screen pixel in tile units. MapLibre draws a
	// vector tile 512 pixels wide, so a pixel is 4096/512 = 8 units.
	Pixel float64
	// Simplify is the Douglas–Peucker tolerance in tile units; 0 = none.
	// Kept below a pixel so simplification never shows.
	Simplify float64
}

// DefaultOptions: extent 4096, buffer 64, 8-unit pixels, simplification at
// a quarter pixel.
var DefaultOptions = Options{Extent: 4096, Buffer: 64, Pixel: 8, Simplify: 2}

// LayerFeatures are the features of one layer to put into a tile.
type LayerFeatures struct {
	Layer    *Layer
	Features []Feature
}

// Encode builds the MVT bytes (uncompressed) of tile t from the given
// layers' features, for the given view. Layers come out in the order given,
// features by ascending id, attributes by name, so the same input always
// gives the same bytes (the ETag is a hash of them). It returns the number
// of features written; a tile with none has no layers (and no bytes).
//
// For every feature: project to tile units, drop it when its whole
// footprint is smaller than a pixel both ways, clip to the buffered tile,
// simplify, snap to the integer grid (round half to even, as PostGIS's
// ST_AsMVTGeom does), drop repeated vertices and rings that collapsed, and
// orient rings as MVT 2.1 wants (exterior positive area in tile units with
// y down, holes negative).
func Encode(t Tile, layers []LayerFeatures, view View, opt Options) ([]byte, int, error) {
	var out mvt.Layers
	n := 0
	for _, lf := range layers {
		fs := slices.Clone(lf.Features)
		slices.SortFunc(fs, func(a, b Feature) int { return cmp.Compare(a.ID, b.ID) })
		ml := &mvt.Layer{Name: lf.Layer.Name, Version: 2, Extent: uint32(opt.Extent)}
		fields := lf.Layer.FieldsFor(view)
		for _, f := range fs {
			g := TileGeometry(f.Geometry, t, opt)
			if len(g) == 0 {
				continue
			}
			gf := geojson.NewFeature(g)
			gf.ID = uint64(f.ID)
			gf.Properties = propsFor(fields, f.Props)
			ml.Features = append(ml.Features, gf)
		}
		if len(ml.Features) > 0 {
			out = append(out, ml)
			n += len(ml.Features)
		}
	}
	if n == 0 {
		return nil, 0, nil
	}
	b, err := mvt.Marshal(out)
	return b, n, err
}

// propsFor keeps the given fields (those the view may see); empty strings
// are left out (MVT has no null, and a missing key reads as null in MapLibre).
func propsFor(fields []Field, all map[string]any) geojson.Properties {
	p := make(geojson.Properties, len(fields))
	for _, f := range fields {
		v, ok := all[f.Name]
		if !ok || v == nil || v == "" {
			continue
		}
		p[f.Name] = v
	}
	return p
}

// TileGeometry is a lon/lat multipolygon in tile t's integer units (y down),
// clipped, simplified and oriented as Encode writes it; nil when nothing of
// it is left or it is smaller than a pixel.
func TileGeometry(g orb.MultiPolygon, t Tile, opt Options) orb.MultiPolygon {
	if len(g) == 0 {
		return nil
	}
	e := float64(opt.Extent)
	proj := make(orb.MultiPolygon, 0, len(g))
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, poly := range g {
		pp := make(orb.Polygon, 0, len(poly))
		for _, r := range poly {
			pr := make(orb.Ring, len(r))
			for i, p := range r {
				x, y := tileXY(p, t.Z)
				pr[i] = orb.Point{(x - float64(t.X)) * e, (y - float64(t.Y)) * e}
				b = b.Extend(pr[i])
			}
			pp = append(pp, pr)
		}
		proj = append(proj, pp)
	}
	// The whole footprint, not the clipped part: a big parcel whose sliver
	// reaches into this tile is kept.
	if b.Max[0]-b.Min[0] < opt.Pixel && b.Max[1]-b.Min[1] < opt.Pixel {
		return nil
	}
	buf := float64(opt.Buffer)
	box := orb.Bound{Min: orb.Point{-buf, -buf}, Max: orb.Point{e + buf, e + buf}}
	if !b.Intersects(box) {
		return nil
	}
	if !box.Contains(b.Min) || !box.Contains(b.Max) {
		proj = clip.MultiPolygon(box, proj)
	}
	if opt.Simplify > 0 {
		dp := simplify.DouglasPeucker(opt.Simplify)
		for _, poly := range proj {
			for i, r := range poly {
				if len(r) > 4 {
					poly[i] = dp.Ring(r)
				}
			}
		}
	}
	out := snapOrient(proj)
	if out == nil {
		return nil
	}
	// Snapping to integers can fold a part narrower than a unit onto
	// itself: a ring touching or crossing itself, which MVT 2.1 forbids
	// and renderers fill wrongly. Repair those (rare: none among the demo
	// area's 10,000 tile geometries) the way PostGIS's ST_AsMVTGeom does,
	// with MakeValid, and snap the result.
	// What cannot be repaired is dropped rather than sent invalid: e.g. a
	// tile wholly inside a hole, whose clip is a shell with an equal hole
	// (nothing to draw).
	if invalid(out) {
		if mv, err := geo.MakeValid(out); err == nil {
			if fixed := snapOrient(mv); fixed != nil && !invalid(fixed) {
				return fixed
			}
		}
		return nil
	}
	return out
}

// invalid reports a problem beyond orientation and repeated vertices (which
// Validate calls fixable; our orientation is MVT's, not RFC 7946's).
// Single convex rings — most parcels and buildings — are simple by
// construction and skip the full check (a fifth of the encode otherwise).
func invalid(g orb.MultiPolygon) bool {
	if len(g) == 1 && len(g[0]) == 1 && convex(g[0][0]) {
		return false
	}
	for _, p := range geo.Validate(g) {
		if !p.Fixable {
			return true
		}
	}
	return false
}

// convex reports whether a closed ring turns the same way at every vertex
// and its x coordinate changes direction at most twice around it: then it
// winds once and is a simple convex polygon.
func convex(r orb.Ring) bool {
	n := len(r) - 1 // closed: r[n] == r[0]
	if n < 3 {
		return false
	}
	sign, turns, prevDX := 0.0, 0, 0.0
	for i := 0; i < n; i++ {
		a, b, c := r[i], r[(i+1)%n], r[(i+2)%n]
		cross := (b[0]-a[0])*(c[1]-b[1]) - (b[1]-a[1])*(c[0]-b[0])
		if cross == 0 {
			return false
		}
		if sign == 0 {
			sign = cross
		} else if (cross > 0) != (sign > 0) {
			return false
		}
		if dx := b[0] - a[0]; dx != 0 {
			if prevDX != 0 && (dx > 0) != (prevDX > 0) {
				turns++
			}
			prevDX = dx
		}
	}
	// Close the cycle: the first non-zero dx against the last.
	for i := 0; i < n; i++ {
		if dx := r[i+1][0] - r[i][0]; dx != 0 {
			if (dx > 0) != (prevDX > 0) {
				turns++
			}
			break
		}
	}
	return turns <= 2
}

// snapOrient snaps every ring to the integer grid, drops collapsed rings
// (a polygon whose exterior collapsed goes with its holes) and orients
// exteriors positive and holes negative; nil when nothing is left.
func snapOrient(g orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(g))
	for _, poly := range g {
		var op orb.Polygon
		for i, r := range poly {
			r = snapRing(r)
			if r == nil {
				if i == 0 {
					break
				}
				continue
			}
			if (i == 0) != (signedArea(r) > 0) {
				slices.Reverse(r)
			}
			op = append(op, r)
		}
		if len(op) > 0 {
			out = append(out, op)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// snapRing rounds to integers, drops repeated vertices, closes the ring and
// returns nil when fewer than three distinct vertices or no area remain.
func snapRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, p := range r {
		q := orb.Point{math.RoundToEven(p[0]), math.RoundToEven(p[1])}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	if signedArea(out) == 0 {
		return nil
	}
	return out
}

// signedArea is the surveyor's formula in tile units (y down): positive for
// what MVT calls an exterior ring (clockwise on screen).
func signedArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}
