/** Colour maths for fingerprints: sRGB to CIE Lab (D65) and the CIE76 colour difference. Pure. */

export type Lab = readonly [l: number, a: number, b: number];

function linearOf(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Every 8-bit value's linear light: comparisons convert thousands of pixel cells, and pow is slow. */
const LINEAR = Float64Array.from({ length: 256 }, (_, value) => linearOf(value));

function srgbToLinear(channel: number): number {
  return Number.isInteger(channel) && channel >= 0 && channel <= 255 ? (LINEAR[channel] as number) : linearOf(channel);
}

/** CIE Lab's companding of a tristimulus value relative to white. */
export function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116;
}

/** D65 white in XYZ, Y = 1. */
export const D65_WHITE = [0.95047, 1, 1.08883] as const;

/** Converts an 8-bit sRGB colour to CIE XYZ (D65), Y = 1 for white. */
export function srgbToXyz(r: number, g: number, b: number): [x: number, y: number, z: number] {
  const rl = srgbToLinear(r);
  const gl = srgbToLinear(g);
  const bl = srgbToLinear(b);
  return [
    0.4124564 * rl + 0.3575761 * gl + 0.1804375 * bl,
    0.2126729 * rl + 0.7151522 * gl + 0.072175 * bl,
    0.0193339 * rl + 0.119192 * gl + 0.9503041 * bl,
  ];
}

/** Converts an 8-bit sRGB colour to CIE Lab under D65. */
export function srgbToLab(r: number, g: number, b: number): Lab {
  const [x, y, z] = srgbToXyz(r, g, b);
  const fx = labF(x / D65_WHITE[0]);
  const fy = labF(y / D65_WHITE[1]);
  const fz = labF(z / D65_WHITE[2]);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** CIE76 ΔE: about 2.3 is a just-noticeable difference, above 10 colours look clearly different. */
export function deltaE(p: Lab, q: Lab): number {
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/** Parses "#rrggbb" (or "#rgb") into 8-bit channels; throws on anything else. */
export function parseHexColour(colour: string): { r: number; g: number; b: number } {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour.trim());
  if (!match) throw new Error(`invalid colour "${colour}": expected #rrggbb`);
  let hex = match[1] as string;
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  return {
    r: parseInt(hex.slice(0, 2), 16),
    g: parseInt(hex.slice(2, 4), 16),
    b: parseInt(hex.slice(4, 6), 16),
  };
}
