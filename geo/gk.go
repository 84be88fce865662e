package geo

import (
	"fmt"
	"math"
)

// Zone is a CGCS2000 Gauss–Krüger zone: transverse Mercator with k0 = 1,
// false northing 0 and false easting 500 km, plus the zone number × 10⁶ when
// Prefix is set (the "带号" written in front of the easting).
type Zone struct {
	Width  int  // 3 or 6 (degrees)
	Number int  // zone number: 3° zone n has CM 3n; 6° zone n has CM 6n−3
	Prefix bool // easting carries the zone number ×10⁶
}

// Zone3 returns the 3° zone with the zone prefix whose central meridian is 3n.
func Zone3(n int) Zone { return Zone{Width: 3, Number: n, Prefix: true} }

// Zone3ForLon returns the 3° zone (with prefix) whose central meridian is nearest lon.
func Zone3ForLon(lon float64) Zone { return Zone3(int(math.Round(lon / 3))) }

// CentralMeridian is the zone's central meridian in degrees east.
func (z Zone) CentralMeridian() float64 {
	if z.Width == 6 {
		return float64(6*z.Number - 3)
	}
	return float64(3 * z.Number)
}

// FalseEasting is 500 km, plus the zone number × 10⁶ when the zone is prefixed.
func (z Zone) FalseEasting() float64 {
	if z.Prefix {
		return float64(z.Number)*1e6 + 500000
	}
	return 500000
}

// Valid reports whether z is one of the CGCS2000 zones that have EPSG codes
// (3° zones 25–45, 6° zones 13–23).
func (z Zone) Valid() bool {
	switch z.Width {
	case 3:
		return z.Number >= 25 && z.Number <= 45
	case 6:
		return z.Number >= 13 && z.Number <= 23
	}
	return false
}

// EPSG returns the zone's EPSG code, or 0 when it has none.
//
//	3° with prefix 4513–4533 (zones 25–45), without 4534–4554;
//	6° with prefix 4491–4501 (zones 13–23), without 4502–4512.
func (z Zone) EPSG() int {
	if !z.Valid() {
		return 0
	}
	switch {
	case z.Width == 3 && z.Prefix:
		return 4488 + z.Number
	case z.Width == 3:
		return 4509 + z.Number
	case z.Prefix:
		return 4478 + z.Number
	default:
		return 4489 + z.Number
	}
}

// ZoneFromEPSG maps an EPSG code 4491–4554 to its CGCS2000 Gauss–Krüger zone.
func ZoneFromEPSG(code int) (Zone, bool) {
	switch {
	case code >= 4491 && code <= 4501:
		return Zone{Width: 6, Number: code - 4478, Prefix: true}, true
	case code >= 4502 && code <= 4512:
		return Zone{Width: 6, Number: code - 4489}, true
	case code >= 4513 && code <= 4533:
		return Zone{Width: 3, Number: code - 4488, Prefix: true}, true
	case code >= 4534 && code <= 4554:
		return Zone{Width: 3, Number: code - 4509}, true
	}
	return Zone{}, false
}

func (z Zone) String() string {
	p := "no prefix"
	if z.Prefix {
		p = "prefixed"
	}
	return fmt.Sprintf("CGCS2000 GK %d° zone %d (CM %g°E, %s, EPSG:%d)", z.Width, z.Number, z.CentralMeridian(), p, z.EPSG())
}

// Krüger series to order n⁶ (Karney 2011, "Transverse Mercator with an
// accuracy of a few nanometers"): accurate to ~5 nm within 3.5° of the CM.
type tmSeries struct {
	a1, e, e2 float64 // rectifying radius A, eccentricity, e²
	alp, bet  [7]float64
}

var cgcsTM = newTMSeries(CGCS2000)

func newTMSeries(el Ellipsoid) tmSeries {
	n := el.F / (2 - el.F)
	n2 := n * n
	n3 := n2 * n
	n4, n5, n6 := n2*n2, n2*n2*n, n3*n3
	s := tmSeries{e2: el.E2(), e: el.E()}
	s.a1 = el.A / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	s.alp = [7]float64{0,
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	s.bet = [7]float64{0,
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	return s
}

// taupf maps tan φ to tan of the conformal latitude.
func (s *tmSeries) taupf(tau float64) float64 {
	tau1 := math.Hypot(1, tau)
	sig := math.Sinh(s.e * math.Atanh(s.e*tau/tau1))
	return math.Hypot(1, sig)*tau - sig*tau1
}

// tauf inverts taupf by Newton's method (converges in 2–3 steps).
func (s *tmSeries) tauf(taup float64) float64 {
	e2m := 1 - s.e2
	tau := taup / e2m
	for i := 0; i < 5; i++ {
		tp := s.taupf(tau)
		d := (taup - tp) * (1 + e2m*tau*tau) / (e2m * math.Hypot(1, tau) * math.Hypot(1, tp))
		tau += d
		if math.Abs(d) <= 1e-15*math.Max(1, math.Abs(tau)) {
			break
		}
	}
	return tau
}

// Forward projects (lon, lat) in degrees to the zone's plane:
// x = northing, y = easting (with the zone prefix when the zone has one), metres.
func (z Zone) Forward(lon, lat float64) (x, y float64) {
	s := &cgcsTM
	lam := (lon - z.CentralMeridian()) * math.Pi / 180
	x, y = s.conformal(s.taupf(math.Tan(lat*math.Pi/180)), lam)
	return x, y + z.FalseEasting()
}

// conformal maps tan of the conformal latitude and the longitude from the
// CM (radians) to (northing, easting − false easting), metres. The Krüger
// series is summed with Clenshaw's recurrence on complex numbers, as in
// GeographicLib: one sin/cos/sinh/cosh for all six terms.
func (s *tmSeries) conformal(taup, lam float64) (x, y float64) {
	slam, clam := math.Sincos(lam)
	xip := math.Atan2(taup, clam)
	etap := math.Asinh(slam / math.Hypot(taup, clam))
	// ζ = ζ′ + Σ α_j sin(2jζ′), ζ′ = ξ′ + iη′.
	s2, c2 := math.Sincos(2 * xip)
	sh2, ch2 := math.Sinh(2*etap), math.Cosh(2*etap)
	// a = 2 cos(2ζ′) = 2(cos 2ξ′ cosh 2η′ − i sin 2ξ′ sinh 2η′)
	ar, ai := 2*c2*ch2, -2*s2*sh2
	var y0r, y0i, y1r, y1i float64
	for j := 6; j >= 1; j-- {
		// y0 = a·y1 − y2 + α_j
		y0r, y0i, y1r, y1i = ar*y0r-ai*y0i-y1r+s.alp[j], ar*y0i+ai*y0r-y1i, y0r, y0i
	}
	// Σ α_j sin(2jζ′) = sin(2ζ′)·y0, sin(2ζ′) = sin 2ξ′ cosh 2η′ + i cos 2ξ′ sinh 2η′
	sr, si := s2*ch2, c2*sh2
	xi := xip + sr*y0r - si*y0i
	eta := etap + sr*y0i + si*y0r
	return s.a1 * xi, s.a1 * eta
}

// Inverse maps plane coordinates (x = northing, y = easting as written in the
// zone, prefix included when the zone has one) back to (lon, lat) in degrees.
func (z Zone) Inverse(x, y float64) (lon, lat float64) {
	s := &cgcsTM
	xi := x / s.a1
	eta := (y - z.FalseEasting()) / s.a1
	// ζ′ = ζ − Σ β_j sin(2jζ), by Clenshaw as in conformal.
	s2, c2 := math.Sincos(2 * xi)
	sh2, ch2 := math.Sinh(2*eta), math.Cosh(2*eta)
	ar, ai := 2*c2*ch2, -2*s2*sh2
	var y0r, y0i, y1r, y1i float64
	for j := 6; j >= 1; j-- {
		y0r, y0i, y1r, y1i = ar*y0r-ai*y0i-y1r+s.bet[j], ar*y0i+ai*y0r-y1i, y0r, y0i
	}
	sr, si := s2*ch2, c2*sh2
	xip := xi - (sr*y0r - si*y0i)
	etap := eta - (sr*y0i + si*y0r)
	taup := math.Sin(xip) / math.Hypot(math.Sinh(etap), math.Cos(xip))
	lam := math.Atan2(math.Sinh(etap), math.Cos(xip))
	phi := math.Atan(s.tauf(taup))
	return z.CentralMeridian() + lam*180/math.Pi, phi * 180 / math.Pi
}
