package geo

import "math"

// Ellipsoid is a reference ellipsoid of revolution.
type Ellipsoid struct {
	A float64 // semi-major axis, metres
	F float64 // flattening
}

// CGCS2000 is the China Geodetic Coordinate System 2000 ellipsoid (EPSG:1024),
// which shares a and f with GRS80 to the digits that matter here.
var CGCS2000 = Ellipsoid{A: 6378137, F: 1 / 298.257222101}

// B is the semi-minor axis.
func (e Ellipsoid) B() float64 { return e.A * (1 - e.F) }

// E2 is the first eccentricity squared.
func (e Ellipsoid) E2() float64 { return e.F * (2 - e.F) }

// E is the first eccentricity.
func (e Ellipsoid) E() float64 { return math.Sqrt(e.E2()) }
