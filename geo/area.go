package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Project maps a lon/lat geometry into the zone's plane as (easting, northing).
func (z Zone) Project(g orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(g))
	for i, p := range g {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, len(r))
			for k, pt := range r {
				x, y := z.Forward(pt[0], pt[1])
				nr[k] = orb.Point{y, x}
			}
			out[i][j] = nr
		}
	}
	return out
}

// Unproject maps a plane geometry (easting, northing) back to lon/lat.
func (z Zone) Unproject(g orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(g))
	for i, p := range g {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, len(r))
			for k, pt := range r {
				lon, lat := z.Inverse(pt[1], pt[0])
				nr[k] = orb.Point{lon, lat}
			}
			out[i][j] = nr
		}
	}
	return out
}

// RingPlaneArea is the signed shoelace area of a ring in plane coordinates:
// positive when counter-clockwise. Sums are taken relative to the ring's first
// vertex so that prefixed eastings (≈4×10⁷) lose no precision. A missing
// closing vertex is treated as present.
func RingPlaneArea(r orb.Ring) float64 {
	n := len(r)
	if n < 3 {
		return 0
	}
	ox, oy := r[0][0], r[0][1]
	var s float64
	px, py := 0.0, 0.0 // r[0] - origin
	for i := 1; i <= n; i++ {
		q := r[i%n]
		qx, qy := q[0]-ox, q[1]-oy
		s += px*qy - qx*py
		px, py = qx, qy
	}
	return s / 2
}

// PlaneArea is the area of a plane polygon or multipolygon: shells minus
// holes, each ring's magnitude taken whatever its orientation.
func PlaneArea(g orb.MultiPolygon) float64 {
	var s float64
	for _, p := range g {
		for j, r := range p {
			a := math.Abs(RingPlaneArea(r))
			if j == 0 {
				s += a
			} else {
				s -= a
			}
		}
	}
	return s
}

// CadastralArea is the 坐标解析法 area (area_m2) of a lon/lat geometry: the
// shoelace area of its vertices projected into zone z.
func CadastralArea(g orb.MultiPolygon, z Zone) float64 {
	var s float64
	for _, p := range g {
		for j, r := range p {
			a := math.Abs(ringProjectedArea(r, z))
			if j == 0 {
				s += a
			} else {
				s -= a
			}
		}
	}
	return s
}

// ringProjectedArea projects and sums in one pass, without allocating.
func ringProjectedArea(r orb.Ring, z Zone) float64 {
	n := len(r)
	if n < 3 {
		return 0
	}
	ox, oy := z.Forward(r[0][0], r[0][1])
	var s, px, py float64
	for i := 1; i <= n; i++ {
		q := r[i%n]
		x, y := z.Forward(q[0], q[1])
		qx, qy := y-oy, x-ox // easting, northing relative to the first vertex
		s += px*qy - qx*py
		px, py = qx, qy
	}
	return s / 2
}

// EllipsoidalArea is the ellipsoidal area (ellipsoidal_area_m2) of a lon/lat
// geometry on CGCS2000: the land surveys' method in its exact closed form.
// With F(B) the area between the equator and latitude B per radian of
// longitude, F(B) = b²[sin B/(2(1−e² sin²B)) + (1/(4e)) ln((1+e sin B)/(1−e sin B))],
// a ring's area is −∮ F(B) dL, integrated along each edge (B linear in L) by
// 3-point Gauss–Legendre, relative to F at the ring's first vertex.
func EllipsoidalArea(g orb.MultiPolygon) float64 {
	var s float64
	for _, p := range g {
		for j, r := range p {
			a := math.Abs(RingEllipsoidalArea(r))
			if j == 0 {
				s += a
			} else {
				s -= a
			}
		}
	}
	return s
}

var (
	ellB2 = CGCS2000.B() * CGCS2000.B()
	ellE  = CGCS2000.E()
	ellE2 = CGCS2000.E2()
)

// authalicF is F(B) above, with B in radians.
func authalicF(b float64) float64 {
	sb := math.Sin(b)
	es := ellE * sb
	return ellB2 * (sb/(2*(1-ellE2*sb*sb)) + math.Atanh(es)/(2*ellE))
}

// RingEllipsoidalArea is the signed ellipsoidal area of a lon/lat ring,
// positive when counter-clockwise.
func RingEllipsoidalArea(r orb.Ring) float64 {
	n := len(r)
	if n < 3 {
		return 0
	}
	const d2r = math.Pi / 180
	// 3-point Gauss–Legendre on [0,1].
	const w0, w1 = 4.0 / 9, 5.0 / 18
	g := math.Sqrt(0.6) / 2
	f0 := authalicF(r[0][1] * d2r)
	var s float64
	for i := 0; i < n; i++ {
		p, q := r[i], r[(i+1)%n]
		dl := (q[0] - p[0]) * d2r
		if dl == 0 {
			continue
		}
		b1, b2 := p[1]*d2r, q[1]*d2r
		db := b2 - b1
		fm := authalicF(b1+0.5*db) - f0
		fa := authalicF(b1+(0.5-g)*db) - f0
		fb := authalicF(b1+(0.5+g)*db) - f0
		s += dl * (w0*fm + w1*(fa+fb))
	}
	return -s
}
