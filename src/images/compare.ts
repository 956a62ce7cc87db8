/**
 * Deciding whether a live photo is the photo we rendered. Pure: works on fingerprints only.
 * The thresholds are justified by test/images/compare.test.ts, which measures them against
 * re-encoded, resized and altered portraits.
 */
import { deltaE, srgbToLab } from "./colour.js";
import type { Lab } from "./colour.js";
import { FINGERPRINT_VERSION, isFingerprint } from "./fingerprint.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { hammingDistance } from "./phash.js";

/** At most this many of the 64 hash bits may differ between renditions of the same photo. */
export const HASH_DISTANCE_MAX = 10;
/** Largest ΔE (CIE76) of any colour-grid cell between renditions of the same photo. */
export const COLOUR_DELTA_E_MAX = 8;
/** Below this hash detail (see PerceptualHash.detail) an image counts as near-flat and its hash as noise. */
export const FLAT_DETAIL_MIN = 8;
/**
 * Below this hash detail the hash is trusted only in part: more of its bits sit near the median and
 * flip when a photo is re-encoded (grainy, low-contrast portraits: test/images/compare.test.ts has
 * them). There, a hash distance up to twice HASH_DISTANCE_MAX counts as the same picture when the
 * small pixel rendition agrees within PIXEL_DELTA_E_MAX, which different people never do.
 */
export const LOW_DETAIL_MAX = 40;
/** For near-flat and low-detail images: largest ΔE of any cell of the small pixel rendition. */
export const PIXEL_DELTA_E_MAX = 6;
/** Aspect ratios (width / height) further apart than this are different pictures. */
export const ASPECT_TOLERANCE = 0.03;

export type Verdict = "same" | "different" | "too-small";

export interface Comparison {
  /** Same picture at an acceptable size: nothing to do. */
  same: boolean;
  /** Same picture, whatever its size. */
  samePicture: boolean;
  /** The actual image is at least as large as required. */
  sizeOk: boolean;
  verdict: Verdict;
  /**
   * One line a person can read: words first, the measurements after them in brackets, e.g. "too
   * small: 96 px where 648 px was asked (same picture, 96x96)", "a different picture (hash distance 31 > 10)".
   */
  reason: string;
  /** "hash" for ordinary photos, "pixels" when either image is near-flat. */
  method: "hash" | "pixels";
  distances: {
    /** Differing pHash bits (0..64). */
    hash: number;
    /** Largest colour-grid ΔE. */
    colour: number;
    /** Largest ΔE of the small pixel rendition. */
    pixels: number;
  };
}

export interface CompareOptions {
  /** The smallest acceptable edge of the actual image; default: the expected image's shorter edge. */
  minEdge?: number;
}

function labCells(colour: readonly number[]): Lab[] {
  const cells: Lab[] = [];
  for (let i = 0; i + 2 < colour.length; i += 3) cells.push([colour[i] as number, colour[i + 1] as number, colour[i + 2] as number]);
  return cells;
}

function pixelCells(hex: string): Lab[] {
  const bytes = Buffer.from(hex, "hex");
  const cells: Lab[] = [];
  for (let i = 0; i + 2 < bytes.length; i += 3) cells.push(srgbToLab(bytes[i] as number, bytes[i + 1] as number, bytes[i + 2] as number));
  return cells;
}

function maxDeltaE(a: Lab[], b: Lab[]): number {
  let max = 0;
  a.forEach((cell, i) => (max = Math.max(max, deltaE(cell, b[i] as Lab))));
  return Number(max.toFixed(2));
}

const size = (f: Fingerprint): string => `${f.width}x${f.height}`;

/** A low-detail pair whose hash distance is within twice the limit, and whose pixel renditions agree (see LOW_DETAIL_MAX). */
function pixelsVouch(expected: Fingerprint, actual: Fingerprint, distances: Comparison["distances"]): boolean {
  return Math.min(expected.detail, actual.detail) < LOW_DETAIL_MAX && distances.hash <= 2 * HASH_DISTANCE_MAX && distances.pixels <= PIXEL_DELTA_E_MAX;
}

/**
 * Compares the fingerprint of the expected image (our render) with that of the actual one (what a
 * service returned). Content decides `samePicture`; size decides `sizeOk`; `same` needs both.
 */
export function compare(expected: Fingerprint, actual: Fingerprint, options: CompareOptions = {}): Comparison {
  for (const f of [expected, actual]) {
    if (f.version !== FINGERPRINT_VERSION) throw new Error(`fingerprint version ${f.version} is not ${FINGERPRINT_VERSION}`);
  }
  if (!isFingerprint(expected) || !isFingerprint(actual)) throw new Error("malformed fingerprint");
  const distances = {
    hash: hammingDistance(expected.hash, actual.hash),
    colour: maxDeltaE(labCells(expected.colour), labCells(actual.colour)),
    pixels: maxDeltaE(pixelCells(expected.pixels), pixelCells(actual.pixels)),
  };
  const method = Math.min(expected.detail, actual.detail) < FLAT_DETAIL_MIN ? "pixels" : "hash";
  const minEdge = options.minEdge ?? Math.min(expected.width, expected.height);
  const sizeOk = Math.min(actual.width, actual.height) >= minEdge;

  let difference: string | undefined;
  const aspectGap = Math.abs(expected.width / expected.height - actual.width / actual.height);
  if (aspectGap > ASPECT_TOLERANCE) {
    difference = `a different shape (${size(actual)} where ${size(expected)} was expected)`;
  } else if (method === "pixels") {
    if (distances.pixels > PIXEL_DELTA_E_MAX) {
      difference = `a different picture (near-flat: pixel ΔE ${distances.pixels} > ${PIXEL_DELTA_E_MAX})`;
    }
  } else if (distances.hash > HASH_DISTANCE_MAX && !pixelsVouch(expected, actual, distances)) {
    difference = `a different picture (hash distance ${distances.hash} > ${HASH_DISTANCE_MAX})`;
  } else if (distances.colour > COLOUR_DELTA_E_MAX) {
    difference = `different colours (ΔE ${distances.colour} > ${COLOUR_DELTA_E_MAX})`;
  }

  const samePicture = difference === undefined;
  if (!samePicture) {
    return { same: false, samePicture, sizeOk, verdict: "different", reason: difference as string, method, distances };
  }
  if (!sizeOk) {
    const reason = `too small: ${Math.min(actual.width, actual.height)} px where ${minEdge} px was asked (same picture, ${size(actual)})`;
    return { same: false, samePicture, sizeOk, verdict: "too-small", reason, method, distances };
  }
  return { same: true, samePicture, sizeOk, verdict: "same", reason: "same picture", method, distances };
}
