package crs

import "math"

// tmerc is an ellipsoidal transverse Mercator projection, computed with
// Krüger's series to order n⁶ as given by Karney (2011, "Transverse Mercator
// with an accuracy of a few nanometers", J. Geodesy 85:475–485, eqs. 35–36).
// Within 4,000 km of the central meridian it agrees with an exact
// projection to well under a millimetre, which covers every zone used in
// Vietnam (a TM-3 zone spans ±1.5°, a UTM zone ±3°). It is written here,
// not taken from PROJ through cgo, so that the binary stays pure Go (like
// the SQLite driver) and so the datum shift can be pinned to EPSG:6960;
// tmerc_test.go checks it against PROJ (gdaltransform) point by point.
type tmerc struct {
	lon0, k0, fe, fn float64 // central meridian (radians), scale, false easting and northing (metres)
	a, e, e2         float64 // semi-major axis, eccentricity and its square
	A                float64 // rectifying radius a/(1+n)·(1 + n²/4 + n⁴/64 + n⁶/256)
	alpha, beta      [6]float64
	cgb              [6]float64 // conformal → geodetic latitude series
	xi0              float64    // ξ of the latitude of origin
}

func newTmerc(ell ellipsoid, lat0, lon0, k0, fe, fn float64) *tmerc {
	f := 1 / ell.invF
	n := f / (2 - f)
	n2, n3 := n*n, n*n*n
	n4, n5, n6 := n2*n2, n2*n3, n3*n3
	t := &tmerc{lon0: lon0 * deg, k0: k0, fe: fe, fn: fn, a: ell.a, e2: f * (2 - f)}
	t.e = math.Sqrt(t.e2)
	t.A = ell.a / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	t.alpha = [6]float64{
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	t.beta = [6]float64{
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	// φ = χ + Σ cgb[j]·sin 2(j+1)χ (Krüger, as PROJ's tmerc has it, "KW
	// p190–191"); checked against the Newton solution in the tests.
	t.cgb = [6]float64{
		n * (2 + n*(-2.0/3+n*(-2+n*(116.0/45+n*(26.0/45+n*(-2854.0/675)))))),
		n2 * (7.0/3 + n*(-8.0/5+n*(-227.0/45+n*(2704.0/315+n*(2323.0/945))))),
		n3 * (56.0/15 + n*(-136.0/35+n*(-1262.0/105+n*(73814.0/2835)))),
		n4 * (4279.0/630 + n*(-332.0/35+n*(-399572.0/14175))),
		n5 * (4174.0/315 + n*(-144838.0/6237)),
		n6 * (601676.0 / 22275),
	}
	t.xi0, _ = t.xieta(lat0*deg, 0)
	return t
}

// xieta returns the normalised northing ξ and easting η of a latitude and
// a longitude from the central meridian, both in radians.
func (t *tmerc) xieta(phi, dlon float64) (xi, eta float64) {
	s := math.Sin(phi)
	tau := math.Sinh(math.Atanh(s) - t.e*math.Atanh(t.e*s)) // tan of the conformal latitude
	xiP := math.Atan2(tau, math.Cos(dlon))
	etaP := math.Atanh(math.Sin(dlon) / math.Sqrt(1+tau*tau))
	xi, eta = xiP, etaP
	for j, a := range t.alpha {
		k := 2 * float64(j+1)
		xi += a * math.Sin(k*xiP) * math.Cosh(k*etaP)
		eta += a * math.Cos(k*xiP) * math.Sinh(k*etaP)
	}
	return xi, eta
}

// forward projects longitude and latitude (degrees) to easting and northing
// (metres).
func (t *tmerc) forward(lon, lat float64) (x, y float64) {
	xi, eta := t.xieta(lat*deg, lon*deg-t.lon0)
	return t.fe + t.k0*t.A*eta, t.fn + t.k0*t.A*(xi-t.xi0)
}

// inverse maps easting and northing (metres) to longitude and latitude
// (degrees).
func (t *tmerc) inverse(x, y float64) (lon, lat float64) {
	xi := (y-t.fn)/(t.k0*t.A) + t.xi0
	eta := (x - t.fe) / (t.k0 * t.A)
	dxi, deta := clenshawSin(&t.beta, xi, eta)
	xiP, etaP := xi-dxi, eta-deta
	sh, c := math.Sinh(etaP), math.Cos(xiP)
	tauP := math.Sin(xiP) / math.Hypot(sh, c)
	dlon := math.Atan2(sh, c)
	return (t.lon0 + dlon) / deg, t.fromConformal(math.Atan(tauP)) / deg
}

// fromConformal is the geodetic latitude of the conformal latitude chi
// (radians), by the series summed with Clenshaw's recurrence: one sincos,
// where Newton's method on τ (tauFromConformal) takes a dozen calls.
func (t *tmerc) fromConformal(chi float64) float64 {
	s2, c2 := math.Sincos(2 * chi)
	a := 2 * c2
	var y1, y2 float64
	for j := len(t.cgb) - 1; j >= 0; j-- {
		y1, y2 = a*y1-y2+t.cgb[j], y1
	}
	return chi + y1*s2
}

// tauFromConformal solves tan φ from the tangent of the conformal latitude
// by Newton's method (Karney 2011, eqs. 19–21); it converges in 2–3 steps.
func (t *tmerc) tauFromConformal(tauP float64) float64 {
	tau := tauP
	for range 10 {
		s1 := math.Sqrt(1 + tau*tau)
		sig := math.Sinh(t.e * math.Atanh(t.e*tau/s1))
		tauI := tau*math.Sqrt(1+sig*sig) - sig*s1
		d := (tauP - tauI) / math.Sqrt(1+tauI*tauI) * (1 + (1-t.e2)*tau*tau) / ((1 - t.e2) * s1)
		tau += d
		if math.Abs(d) < 1e-14*math.Max(1, math.Abs(tau)) {
			break
		}
	}
	return tau
}

// clenshawSin sums Σ c[j]·sin(2(j+1)ζ) for the complex ζ = ξ + iη, returning
// its real and imaginary parts, by Clenshaw's recurrence on complex
// numbers: four transcendental calls instead of four per term. A bulk load
// inverts millions of vertices (Karney 2011, §5; PROJ sums it this way).
func clenshawSin(c *[6]float64, xi, eta float64) (re, im float64) {
	s2, c2 := math.Sincos(2 * xi)
	sh2, ch2 := math.Sinh(2*eta), math.Cosh(2*eta)
	// a = 2·cos 2ζ = 2(cos 2ξ cosh 2η − i sin 2ξ sinh 2η)
	ar, ai := 2*c2*ch2, -2*s2*sh2
	var y1r, y1i, y2r, y2i float64 // y(k+1), y(k+2)
	for j := len(c) - 1; j >= 0; j-- {
		yr := ar*y1r - ai*y1i - y2r + c[j]
		yi := ar*y1i + ai*y1r - y2i
		y2r, y2i, y1r, y1i = y1r, y1i, yr, yi
	}
	// Σ = y(1)·sin 2ζ, sin 2ζ = sin 2ξ cosh 2η + i cos 2ξ sinh 2η
	zr, zi := s2*ch2, c2*sh2
	return y1r*zr - y1i*zi, y1r*zi + y1i*zr
}
