// Ellipsoidal measures on WGS84: Vincenty's inverse formula for distances,
// and areas on the authalic sphere reached through the authalic latitude
// (the sphere of equal total area onto which the ellipsoid maps area for
// area), so that neither is a planar figure.
const A = 6378137;
const F = 1 / 298.257223563;
const B = A * (1 - F);
const E2 = F * (2 - F);
const E = Math.sqrt(E2);
const RAD = Math.PI / 180;

export function distance([lon1, lat1], [lon2, lat2]) {
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD));
  const [sU1, cU1, sU2, cU2] = [Math.sin(U1), Math.cos(U1), Math.sin(U2), Math.cos(U2)];
  let lambda = L;
  for (let i = 0; i < 200; i++) {
    const sl = Math.sin(lambda);
    const cl = Math.cos(lambda);
    const sSigma = Math.hypot(cU2 * sl, cU1 * sU2 - sU1 * cU2 * cl);
    if (sSigma === 0) return 0;
    const cSigma = sU1 * sU2 + cU1 * cU2 * cl;
    const sigma = Math.atan2(sSigma, cSigma);
    const sAlpha = (cU1 * cU2 * sl) / sSigma;
    const c2Alpha = 1 - sAlpha * sAlpha;
    const c2SigmaM = c2Alpha ? cSigma - (2 * sU1 * sU2) / c2Alpha : 0;
    const C = (F / 16) * c2Alpha * (4 + F * (4 - 3 * c2Alpha));
    const prev = lambda;
    lambda = L + (1 - C) * F * sAlpha * (sigma + C * sSigma * (c2SigmaM + C * cSigma * (-1 + 2 * c2SigmaM * c2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (c2Alpha * (A * A - B * B)) / (B * B);
      const a = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const b = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const dSigma = b * sSigma * (c2SigmaM + (b / 4) * (cSigma * (-1 + 2 * c2SigmaM * c2SigmaM) - (b / 6) * c2SigmaM * (-3 + 4 * sSigma * sSigma) * (-3 + 4 * c2SigmaM * c2SigmaM)));
      return B * a * (sigma - dSigma);
    }
  }
  return NaN; // nearly antipodal: no convergence
}

export function lineLength(coords) {
  let d = 0;
  for (let i = 1; i < coords.length; i++) d += distance(coords[i - 1], coords[i]);
  return d;
}

const qp = (1 - E2) * (1 / (1 - E2) - (1 / (2 * E)) * Math.log((1 - E) / (1 + E)));
const RQ = A * Math.sqrt(qp / 2); // authalic radius, 6371007.2 m

function authalicLat(phi) {
  const s = Math.sin(phi);
  const q = (1 - E2) * (s / (1 - E2 * s * s) - (1 / (2 * E)) * Math.log((1 - E * s) / (1 + E * s)));
  return Math.asin(Math.max(-1, Math.min(1, q / qp)));
}

// ringArea is the area in m² of a closed or open ring of [lon, lat].
export function ringArea(ring) {
  const n = ring.length;
  if (n < 3) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const [l1, p1] = ring[i];
    const [l2, p2] = ring[(i + 1) % n];
    const b1 = authalicLat(p1 * RAD);
    const b2 = authalicLat(p2 * RAD);
    // Spherical excess of the trapezoid to the pole (Chamberlain & Duquette).
    sum += (l2 - l1) * RAD * (2 + Math.sin(b1) + Math.sin(b2));
  }
  return Math.abs((sum * RQ * RQ) / 2);
}
