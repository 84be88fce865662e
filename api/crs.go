package api

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// OGC API – Features Part 2 (coordinate reference systems by reference).
//
// Storage is CGCS2000 lon/lat. A response in another CRS uses that CRS's
// axis order as its authority defines it (Part 2, requirement "crs-axis-order"):
//   - CRS84: (lon, lat), the GeoJSON default;
//   - EPSG:4490 and EPSG:4326: (lat, lon);
//   - the CGCS2000 Gauss–Krüger EPSG codes 4491–4554: (northing X, easting Y),
//     as EPSG defines them and as Chinese surveyors write them; `cs2cs
//     EPSG:4490 EPSG:4549` prints the same order.
// So a planner asking for EPSG:4549 gets what their survey files say, and
// GDAL, which honours the authority order, puts the axes back right.

const (
	crs84URI    = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	epsgURIBase = "http://www.opengis.net/def/crs/EPSG/0/"
)

// crsRef is a supported CRS.
type crsRef struct {
	EPSG int // 0 for CRS84
	Zone geo.Zone
}

var crs84 = crsRef{}

func (c crsRef) URI() string {
	if c.EPSG == 0 {
		return crs84URI
	}
	return epsgURIBase + strconv.Itoa(c.EPSG)
}

func (c crsRef) projected() bool { return c.Zone.Width != 0 }

// latLon reports whether the first axis is latitude (EPSG:4490, EPSG:4326).
func (c crsRef) latLon() bool { return c.EPSG == 4490 || c.EPSG == 4326 }

// supportedCRS lists every CRS the collections offer: CRS84 first (the
// default), the storage CRS, WGS 84, and every CGCS2000 GK zone.
func supportedCRS() []string {
	out := []string{crs84URI, epsgURIBase + "4490", epsgURIBase + "4326"}
	for code := 4491; code <= 4554; code++ {
		out = append(out, epsgURIBase+strconv.Itoa(code))
	}
	return out
}

// parseCRS accepts the forms clients send: the OGC URI (http or https),
// a safe CURIE [EPSG:4549], EPSG:4549, urn:ogc:def:crs:EPSG::4549, OGC:CRS84.
func parseCRS(s string) (crsRef, error) {
	v := strings.TrimSpace(s)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	lv := strings.ToLower(v)
	lv = strings.TrimPrefix(strings.TrimPrefix(lv, "http://"), "https://")
	switch lv {
	case "www.opengis.net/def/crs/ogc/1.3/crs84", "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "crs84":
		return crs84, nil
	}
	var code string
	for _, pre := range []string{"www.opengis.net/def/crs/epsg/0/", "epsg:", "urn:ogc:def:crs:epsg::", "urn:ogc:def:crs:epsg:"} {
		if rest, ok := strings.CutPrefix(lv, pre); ok {
			code = rest
			break
		}
	}
	n, err := strconv.Atoi(code)
	if err == nil {
		switch {
		case n == 4490 || n == 4326:
			return crsRef{EPSG: n}, nil
		default:
			if z, ok := geo.ZoneFromEPSG(n); ok {
				return crsRef{EPSG: n, Zone: z}, nil
			}
		}
	}
	return crsRef{}, apiErr(codeBadRequest,
		"不支持坐标参考系 %q；支持 CRS84、EPSG:4490、EPSG:4326 及 CGCS2000 高斯-克吕格 EPSG:4491–4554（见集合的 crs 列表）",
		"unsupported CRS %q; supported: CRS84, EPSG:4490, EPSG:4326 and the CGCS2000 Gauss–Krüger zones EPSG:4491–4554 (see the collection's crs list)", s)
}

// out maps a lon/lat position to the CRS, in its axis order.
func (c crsRef) out(p orb.Point) orb.Point {
	switch {
	case c.projected():
		x, y := c.Zone.Forward(p[0], p[1])
		return orb.Point{x, y} // northing, easting
	case c.latLon():
		return orb.Point{p[1], p[0]}
	}
	return p
}

// in maps a position written in the CRS's axis order to lon/lat.
func (c crsRef) in(p orb.Point) orb.Point {
	switch {
	case c.projected():
		lon, lat := c.Zone.Inverse(p[0], p[1])
		return orb.Point{lon, lat}
	case c.latLon():
		return orb.Point{p[1], p[0]}
	}
	return p
}

// transform returns a copy of g with every position mapped by f.
func transform(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	ring := func(r []orb.Point) []orb.Point {
		out := make([]orb.Point, len(r))
		for i, p := range r {
			out[i] = f(p)
		}
		return out
	}
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		return orb.MultiPoint(ring(g))
	case orb.LineString:
		return orb.LineString(ring(g))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = ring(l)
		}
		return out
	case orb.Ring:
		return orb.Ring(ring(g))
	case orb.Polygon:
		return transformPolygon(g, f)
	case orb.MultiPolygon:
		return transformMulti(g, f)
	case orb.Bound:
		return transform(g.ToPolygon(), f)
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, x := range g {
			out[i] = transform(x, f)
		}
		return out
	}
	panic(fmt.Sprintf("api.transform: unsupported geometry %T", g))
}

func transformPolygon(g orb.Polygon, f func(orb.Point) orb.Point) orb.Polygon {
	out := make(orb.Polygon, len(g))
	for i, r := range g {
		nr := make(orb.Ring, len(r))
		for j, p := range r {
			nr[j] = f(p)
		}
		out[i] = nr
	}
	return out
}

func transformMulti(g orb.MultiPolygon, f func(orb.Point) orb.Point) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(g))
	for i, p := range g {
		out[i] = transformPolygon(p, f)
	}
	return out
}

// parseBBox reads the bbox parameter (4 or 6 numbers) in CRS c and returns
// the lon/lat region it covers: a box for the geographic CRSs, else the
// projected box's outline, densified so its curved image is followed to
// well under a metre.
func parseBBox(s string, c crsRef) (*orb.Bound, orb.Geometry, error) {
	parts := strings.Split(s, ",")
	var v []float64
	for _, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil, apiErr(codeBadRequest, "bbox 应为 4 或 6 个以逗号分隔的有限数字：%q", "bbox must be 4 or 6 comma-separated finite numbers: %q", s)
		}
		v = append(v, f)
	}
	switch len(v) {
	case 4:
	case 6:
		v = []float64{v[0], v[1], v[3], v[4]}
	default:
		return nil, nil, apiErr(codeBadRequest, "bbox 应为 4 或 6 个以逗号分隔的数字：%q", "bbox must be 4 or 6 comma-separated numbers: %q", s)
	}
	if v[1] > v[3] {
		return nil, nil, apiErr(codeBadRequest, "bbox 的第二个下限大于上限：%q", "bbox has its second lower bound above its upper bound: %q", s)
	}
	if !c.projected() {
		// In the CRS's axis order; CRS84 boxes may cross the antimeridian
		// (minx > maxx), which no Chinese parcel does: refuse rather than guess.
		if v[0] > v[2] {
			return nil, nil, apiErr(codeBadRequest, "bbox 的第一个下限大于上限：%q", "bbox has its first lower bound above its upper bound: %q", s)
		}
		lo, hi := c.in(orb.Point{v[0], v[1]}), c.in(orb.Point{v[2], v[3]})
		b := orb.Bound{Min: lo, Max: hi}
		if b.Min[1] < -90 || b.Max[1] > 90 {
			return nil, nil, apiErr(codeBadRequest, "bbox 纬度超出 ±90°：%q（轴序是否颠倒？）", "bbox latitude outside ±90°: %q (axes swapped?)", s)
		}
		return &b, nil, nil
	}
	if v[0] > v[2] {
		return nil, nil, apiErr(codeBadRequest, "bbox 的第一个下限大于上限：%q", "bbox has its first lower bound above its upper bound: %q", s)
	}
	// Projected: corners in (northing, easting) order, walked counter-clockwise
	// in (easting, northing).
	const steps = 32
	var ring orb.Ring
	edge := func(a, b orb.Point) {
		for i := 0; i < steps; i++ {
			t := float64(i) / steps
			ring = append(ring, c.in(orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}))
		}
	}
	n0, e0, n1, e1 := v[0], v[1], v[2], v[3]
	edge(orb.Point{n0, e0}, orb.Point{n0, e1})
	edge(orb.Point{n0, e1}, orb.Point{n1, e1})
	edge(orb.Point{n1, e1}, orb.Point{n1, e0})
	edge(orb.Point{n1, e0}, orb.Point{n0, e0})
	ring = append(ring, ring[0])
	poly := orb.Polygon{ring}
	b := poly.Bound()
	return &b, poly, nil
}

// queryCRS reads a CRS query parameter (crs, bbox-crs, filter-crs), CRS84
// when absent.
func queryCRS(v string) (crsRef, error) {
	if v == "" {
		return crs84, nil
	}
	return parseCRS(v)
}

// checkLonLat refuses positions that cannot be lon/lat on CGCS2000, which
// is what a projected or axis-swapped geometry sent as CRS84 looks like.
func checkLonLat(g orb.Geometry, what string) error {
	b := g.Bound()
	if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		return &parcels.Error{Code: parcels.EINVALID,
			Message:   fmt.Sprintf("%s has coordinates outside lon −180…180, lat −90…90 (%.6g, %.6g … %.6g, %.6g): projected coordinates need the Content-Crs header or the crs parameter", what, b.Min[0], b.Min[1], b.Max[0], b.Max[1]),
			MessageZH: fmt.Sprintf("%s 的坐标超出经度 −180…180、纬度 −90…90（%.6g, %.6g … %.6g, %.6g）：投影坐标请用 Content-Crs 头或 crs 参数说明坐标系", what, b.Min[0], b.Min[1], b.Max[0], b.Max[1])}
	}
	return nil
}
