/**
 * Deciding whether a live photo is the photo we rendered. Pure: works on fingerprints only.
 * The thresholds rest on the corpus (test/corpus), which prints every margin; docs/comparison.md
 * records the numbers behind each.
 */
import { deltaE, srgbToLab } from "./colour.js";
import type { Lab } from "./colour.js";
import { COLOUR_GRID, FINGERPRINT_VERSION, LUMA_GRID, PIXEL_GRID, isFingerprint } from "./fingerprint.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { hammingDistance, perceptualHash } from "./phash.js";
import { fitStructure, sampleAt, unfitted } from "./structure.js";
import type { StructureFit } from "./structure.js";

/** At most this many of the 64 hash bits may differ between renditions of the same photo. */
export const HASH_DISTANCE_MAX = 10;
/**
 * A hash distance up to this counts as the same picture when the structure check vouches for it
 * (the luma grids agree once tone and a small motion are allowed for): a 1–2 px crop of a 48 px
 * thumbnail, or a grainy low-detail photo, flips more bits than HASH_DISTANCE_MAX.
 */
export const HASH_DISTANCE_VOUCHED_MAX = 20;
/** Largest ΔE (CIE76) of any colour-grid cell, after tone matching, between renditions of the same photo; at reads under SMALL_EDGE, COLOUR_DELTA_E_SMALL_MAX (a 1–2 px crop of a 48 px thumbnail moves colour edges by a twentieth of a cell). */
export const COLOUR_DELTA_E_MAX = 8;
export const COLOUR_DELTA_E_SMALL_MAX = 12;
/** Below this hash detail (see PerceptualHash.detail) an image's hash is noise; when both images are this plain, only their pixels are compared. */
export const FLAT_DETAIL_MIN = 8;
/** Largest ΔE of any cell of the small pixel rendition, after tone matching, for near-flat pairs; at reads under SMALL_EDGE, PIXEL_DELTA_E_SMALL_MAX. */
export const PIXEL_DELTA_E_MAX = 6;
export const PIXEL_DELTA_E_SMALL_MAX = 9;
/** Largest tone change (luma levels) a service's re-encoding is allowed: gamma 0.8–1.2, levels squeezed to 16–235, ±10 % brightness are within. */
export const TONE_SHIFT_MAX = 40;
/** Largest mean residual of a 2×2 block of the luma grid (levels) once tone and motion are fitted: above it, part of the picture changed. */
export const STRUCTURE_MAX = 17;
/** The vouching limit for HASH_DISTANCE_VOUCHED_MAX. */
export const STRUCTURE_VOUCH_MAX = 8;
/** At most this share of the expected fine detail may be missing (see Distances.lost) at reads of SMALL_EDGE and up. */
export const LOST_MAX = 0.6;
/** On the finer grids the actual texture may fall to this share of ours (a blur of a few pixels, a mosaic, a blown-up small copy fall further). */
export const FINE_RATIO_MIN = 0.5;
/** Below this texture (levels) on a finer grid our picture has no fine detail to lose there. */
export const FINE_MIN = 1.5;
/** Above this fitted motion (cells) a copy counts as moved, and its detail lost is measured against ours moved the same way, with LOST_MOVED_MAX (moving ours resamples it, which loses some detail of its own). */
export const MOVED_MAX = 0.2;
export const LOST_MOVED_MAX = 1;
/**
 * A moved copy is allowed LOST_MOVED_MAX only while its edges fall where ours do: when its gradient
 * energy is more concentrated on a few columns or rows than ours by more than this factor (see
 * Distances.blocks), it is a mosaic, whose block edges make the fit see a move that is not there.
 */
export const BLOCKS_MAX = 1.5;
/** The actual image's texture may be at most this many times lower or higher than the expected one's. */
export const TEXTURE_RATIO_MAX = 1.8;
/** Below this texture (levels) on both sides a picture is too smooth for the texture check to mean anything. */
export const TEXTURE_MIN = 2;
/** Reads smaller than this edge are too coarse for the structure and texture checks (a 1 px shift of a 48 px thumbnail is a sixth of a grid cell). */
export const SMALL_EDGE = 96;
/** Aspect ratios (width / height) further apart than this are different pictures. */
export const ASPECT_TOLERANCE = 0.03;

/**
 * Bump when measure() (or the fit in structure.ts it rests on) gives other distances for the same
 * pair of fingerprints: remembered distances (measure-cache.ts) are then not used.
 */
export const MEASURE_VERSION = 3;

export type Verdict = "same" | "different" | "too-small";

export interface Distances {
  /** Differing pHash bits (0..64). */
  hash: number;
  /** Largest colour-grid ΔE after tone matching. */
  colour: number;
  /** Largest ΔE of the small pixel rendition after tone matching. */
  pixels: number;
  /** Largest change of the fitted tone curve (luma levels). */
  tone: number;
  /** Largest local residual of the luma grid once tone and motion are fitted (levels). */
  structure: number;
  /** The fitted residual's RMS over the expected texture: the share of the fine detail not found in the actual image. */
  lost: number;
  /** Smallest actual / expected texture on the finer grids both images are large enough for (1 when none). */
  fine: number;
  /** How far the fitted motion moves any part of the picture (grid cells; 1 cell is a 32nd of the edge). */
  moved: number;
  /** Actual texture / expected texture (1: as detailed as expected; 0.2: a blurred or pixelated copy). */
  texture: number;
  /** Actual / expected concentration of the gradient energy on columns and rows (Fingerprint.concentration; 1 where either image is too small): above 1.5, edges moved onto a block grid. */
  blocks: number;
}

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
  /** "hash" for ordinary photos, "pixels" when both images are near-flat. */
  method: "hash" | "pixels";
  distances: Distances;
  /** Which checks the actual image's size allowed: structure and texture need reads of SMALL_EDGE and up. */
  checked: { structure: boolean; texture: boolean };
}

/** One distance's accepted range. */
export interface Limit {
  /** The largest accepted value (absent where only a smallest one applies). */
  max?: number;
  /** The smallest accepted value (texture and fine detail). */
  min?: number;
  /** hash only: up to `max` is accepted when structure ≤ `structureMax` and pixels ≤ the pixels limit. */
  vouched?: { max: number; structureMax: number };
}

/** Whether the looser lost-detail limit of a moved copy applies (see MOVED_MAX and BLOCKS_MAX). */
export function movedCopy(distances: Pick<Distances, "moved" | "blocks">): boolean {
  return distances.moved > MOVED_MAX && distances.blocks <= BLOCKS_MAX;
}

/**
 * The limits compare() applies to an actual image whose shorter edge is actualEdge, with the fit's
 * motion and the block measure of `distances`. Whether a limit applies at all is Comparison.checked
 * and Comparison.method.
 */
export function limitsFor(actualEdge: number, distances: Pick<Distances, "moved" | "blocks">): Record<keyof Distances, Limit> {
  const small = actualEdge < SMALL_EDGE;
  return {
    hash: { max: HASH_DISTANCE_MAX, vouched: { max: HASH_DISTANCE_VOUCHED_MAX, structureMax: STRUCTURE_VOUCH_MAX } },
    colour: { max: small ? COLOUR_DELTA_E_SMALL_MAX : COLOUR_DELTA_E_MAX },
    pixels: { max: small ? PIXEL_DELTA_E_SMALL_MAX : PIXEL_DELTA_E_MAX },
    tone: { max: TONE_SHIFT_MAX },
    structure: { max: STRUCTURE_MAX },
    moved: { max: MOVED_MAX },
    // Detail is compared cell by cell only where the copy lines up with ours: the fit's motion terms
    // follow a moved copy, but not its finest detail, so a moved one is allowed more.
    lost: { max: movedCopy(distances) ? LOST_MOVED_MAX : LOST_MAX },
    texture: { min: 1 / TEXTURE_RATIO_MAX, max: TEXTURE_RATIO_MAX },
    fine: { min: FINE_RATIO_MIN },
    blocks: { max: BLOCKS_MAX },
  };
}

export interface CompareOptions {
  /** The smallest acceptable edge of the actual image; default: the expected image's shorter edge. */
  minEdge?: number;
  /** How the distances are measured: `measure` itself, or one that remembers them (measure-cache.ts). */
  measure?: Measure;
}

export type Measure = (expected: Fingerprint, actual: Fingerprint) => Distances;

const round2 = (value: number): number => Number(value.toFixed(2)) + 0;

function rgbCells(hex: string): number[] {
  return [...Buffer.from(hex, "hex")];
}

/** The 2×2 means of an 8×8 RGB grid, as Lab: the 4×4 colour grid. */
function coarseLab(rgb: readonly number[]): Lab[] {
  const cells: Lab[] = [];
  const edge = PIXEL_GRID / COLOUR_GRID;
  for (let y = 0; y < COLOUR_GRID; y++) {
    for (let x = 0; x < COLOUR_GRID; x++) {
      const sum = [0, 0, 0];
      for (let dy = 0; dy < edge; dy++) {
        for (let dx = 0; dx < edge; dx++) {
          const i = ((y * edge + dy) * PIXEL_GRID + x * edge + dx) * 3;
          for (let c = 0; c < 3; c++) sum[c] = sum[c]! + rgb[i + c]!;
        }
      }
      cells.push(srgbToLab(sum[0]! / (edge * edge), sum[1]! / (edge * edge), sum[2]! / (edge * edge)));
    }
  }
  return cells;
}

function fineLab(rgb: readonly number[]): Lab[] {
  const cells: Lab[] = [];
  for (let i = 0; i + 2 < rgb.length; i += 3) cells.push(srgbToLab(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!));
  return cells;
}

function maxDeltaE(a: readonly Lab[], b: readonly Lab[]): number {
  let max = 0;
  a.forEach((cell, i) => (max = Math.max(max, deltaE(cell, b[i] as Lab))));
  return round2(max);
}

const size = (f: Fingerprint): string => `${f.width}x${f.height}`;

/** The expected 8×8 RGB grid as the actual image shows it: moved as the fitted motion says, then toned. */
function matchedPixels(rgb: readonly number[], fit: StructureFit): number[] {
  const scale = LUMA_GRID / PIXEL_GRID;
  // One plane per channel, so each is sampled like a luma grid.
  const planes = [0, 1, 2].map(() => new Float64Array(PIXEL_GRID * PIXEL_GRID));
  for (let i = 0; i < PIXEL_GRID * PIXEL_GRID; i++) for (let c = 0; c < 3; c++) planes[c]![i] = rgb[i * 3 + c]!;
  const out: number[] = [];
  for (let y = 0; y < PIXEL_GRID; y++) {
    for (let x = 0; x < PIXEL_GRID; x++) {
      const { dx, dy } = fit.motion((x + 0.5) * scale - 0.5, (y + 0.5) * scale - 0.5);
      for (let c = 0; c < 3; c++) out.push(Math.max(0, Math.min(255, fit.tone(sampleAt(planes[c]!, PIXEL_GRID, x + dx / scale, y + dy / scale)))));
    }
  }
  return out;
}

/** See Distances.fine: grids where our picture has too little texture to lose are left out. */
function fineRatio(expected: Fingerprint, actual: Fingerprint): number {
  let ratio = 1;
  expected.fine.forEach((ours, grid) => {
    const theirs = actual.fine[grid];
    if (ours === null || theirs === null || theirs === undefined || ours < FINE_MIN) return;
    ratio = Math.min(ratio, theirs / ours);
  });
  return ratio;
}

/** Every distance between two fingerprints, with the tone, shift and motion that `fit` found. */
function distancesWith(expected: Fingerprint, actual: Fingerprint, fit: StructureFit): Distances {
  // The tone and motion the luma grid showed, applied to the expected colours: a brighter, gamma-
  // shifted or slightly cropped copy is compared with what the same change makes of ours; a
  // recoloured one still differs.
  const toned = matchedPixels(rgbCells(expected.pixels), fit);
  const actualPixels = rgbCells(actual.pixels);
  const texture = expected.texture < TEXTURE_MIN && actual.texture < TEXTURE_MIN ? 1 : actual.texture / Math.max(expected.texture, TEXTURE_MIN / 2);
  // After a whole-picture shift, our grid's hash is taken again where the shifted picture lies: a
  // 1–2 px shift of a 48 px thumbnail flips 12–22 bits (test/corpus).
  const hash = fit.shift.dx === 0 && fit.shift.dy === 0 ? hammingDistance(expected.hash, actual.hash) : Math.min(hammingDistance(expected.hash, actual.hash), hammingDistance(perceptualHash(fit.shifted).hash, actual.hash));
  const moved = round2(fit.moved);
  const blocks = round2(expected.concentration !== null && actual.concentration !== null ? actual.concentration / expected.concentration : 1);
  return {
    hash,
    colour: maxDeltaE(coarseLab(toned), coarseLab(actualPixels)),
    pixels: maxDeltaE(fineLab(toned), fineLab(actualPixels)),
    tone: round2(fit.toneShift),
    structure: round2(fit.local),
    // A copy that lines up is compared as it is; a moved one with ours moved the same way.
    lost: round2((movedCopy({ moved, blocks }) ? Math.min(fit.rms, fit.rmsMoved) : fit.rms) / Math.max(expected.texture, TEXTURE_MIN)),
    texture: round2(texture),
    moved,
    fine: round2(fineRatio(expected, actual)),
    blocks,
  };
}

/**
 * True when a pair measured without any fit already passes, at every read size, every check the
 * fit could change: its luma agrees block by block within the vouching limit (so no tone shift
 * can exceed it), its hash, colours, pixels and detail within the strictest limits. Fitting only
 * ever forgives; a pair with nothing to forgive is decided without it.
 */
function plainlySame(d: Distances): boolean {
  return d.structure <= STRUCTURE_VOUCH_MAX && d.hash <= HASH_DISTANCE_MAX && d.colour <= COLOUR_DELTA_E_MAX && d.pixels <= PIXEL_DELTA_E_MAX && d.lost <= LOST_MAX;
}

/**
 * Every distance between two fingerprints (both of the current version). Pure. A pair that is
 * plainly the same as it is (plainlySame) is measured as it is: most copies a plan reads are, and
 * the fit costs ten times as much. Any other pair is fitted (structure.ts).
 */
export function measure(expected: Fingerprint, actual: Fingerprint): Distances {
  const expectedLuma = Buffer.from(expected.luma, "base64");
  const actualLuma = Buffer.from(actual.luma, "base64");
  const plain = distancesWith(expected, actual, unfitted(expectedLuma, actualLuma, LUMA_GRID));
  if (plainlySame(plain)) return plain;
  return distancesWith(expected, actual, fitStructure(expectedLuma, actualLuma, LUMA_GRID));
}

/** measure() without the shortcut: every pair fitted (to check that the shortcut changes no verdict). */
export function measureFitted(expected: Fingerprint, actual: Fingerprint): Distances {
  return distancesWith(expected, actual, fitStructure(Buffer.from(expected.luma, "base64"), Buffer.from(actual.luma, "base64"), LUMA_GRID));
}

/** Fingerprints already checked by isFingerprint: a plan compares ours with every store's copy, and the luma grid's base64 pattern is not cheap to check again for each. */
const checkedFingerprints = new WeakSet<Fingerprint>();

function wellFormed(fingerprint: Fingerprint): boolean {
  if (checkedFingerprints.has(fingerprint)) return true;
  if (!isFingerprint(fingerprint)) return false;
  checkedFingerprints.add(fingerprint);
  return true;
}

/**
 * Compares the fingerprint of the expected image (our render) with that of the actual one (what a
 * service returned). Content decides `samePicture`; size decides `sizeOk`; `same` needs both.
 */
export function compare(expected: Fingerprint, actual: Fingerprint, options: CompareOptions = {}): Comparison {
  for (const f of [expected, actual]) {
    if (f.version !== FINGERPRINT_VERSION) throw new Error(`fingerprint version ${f.version} is not ${FINGERPRINT_VERSION}`);
  }
  if (!wellFormed(expected) || !wellFormed(actual)) throw new Error("malformed fingerprint");
  const distances = (options.measure ?? measure)(expected, actual);
  const method = Math.max(expected.detail, actual.detail) < FLAT_DETAIL_MIN ? "pixels" : "hash";
  const minEdge = options.minEdge ?? Math.min(expected.width, expected.height);
  const actualEdge = Math.min(actual.width, actual.height);
  const sizeOk = actualEdge >= minEdge;
  const large = actualEdge >= SMALL_EDGE && Math.min(expected.width, expected.height) >= SMALL_EDGE;
  // Near-flat pictures have no structure or detail to speak of: their pixels decide.
  const checked = { structure: large && method === "hash", texture: large && method === "hash" };
  const limits = limitsFor(actualEdge, distances);
  const pixelLimit = limits.pixels.max!;

  let difference: string | undefined;
  const aspectGap = Math.abs(expected.width / expected.height - actual.width / actual.height);
  if (aspectGap > ASPECT_TOLERANCE) {
    difference = `a different shape (${size(actual)} where ${size(expected)} was expected)`;
  } else if (method === "pixels") {
    if (distances.pixels > pixelLimit) difference = `a different picture (near-flat: pixel ΔE ${distances.pixels} > ${pixelLimit})`;
    else if (distances.tone > TONE_SHIFT_MAX) difference = `much ${toneWord(expected, actual)} overall (tone shift ${distances.tone} > ${TONE_SHIFT_MAX})`;
  } else if (distances.hash > HASH_DISTANCE_MAX && !(distances.hash <= HASH_DISTANCE_VOUCHED_MAX && distances.structure <= STRUCTURE_VOUCH_MAX && distances.pixels <= pixelLimit)) {
    difference = `a different picture (hash distance ${distances.hash} > ${HASH_DISTANCE_MAX})`;
  } else if (distances.tone > TONE_SHIFT_MAX) {
    // After the hash: two different people are "a different picture", not "much darker".
    difference = `much ${toneWord(expected, actual)} overall (tone shift ${distances.tone} > ${TONE_SHIFT_MAX})`;
  } else if (checked.structure && distances.structure > STRUCTURE_MAX) {
    difference = `part of the picture differs (structure ${distances.structure} > ${STRUCTURE_MAX})`;
  }
  const lostLimit = limits.lost.max!;
  if (difference === undefined && checked.texture && distances.lost > lostLimit) {
    difference = `a blurred, pixelated or low-quality copy (detail lost ${distances.lost} > ${lostLimit})`;
  }
  if (difference === undefined && checked.texture && distances.fine < FINE_RATIO_MIN) {
    difference = `a blurred, pixelated or low-quality copy (fine detail ${distances.fine}× ours, limit ${FINE_RATIO_MIN}×)`;
  }
  if (difference === undefined && checked.texture && (distances.texture < 1 / TEXTURE_RATIO_MAX || distances.texture > TEXTURE_RATIO_MAX)) {
    const word = distances.texture < 1 ? "a blurred, pixelated or low-quality copy" : "a sharper picture";
    difference = `${word} (texture ${distances.texture}× the expected, limit ${TEXTURE_RATIO_MAX}×)`;
  }
  const colourLimit = limits.colour.max!;
  if (difference === undefined && distances.colour > colourLimit) {
    difference = `different colours (ΔE ${distances.colour} > ${colourLimit})`;
  }

  const samePicture = difference === undefined;
  if (!samePicture) {
    return { same: false, samePicture, sizeOk, verdict: "different", reason: difference as string, method, distances, checked };
  }
  if (!sizeOk) {
    const reason = `too small: ${actualEdge} px where ${minEdge} px was asked (same picture, ${size(actual)})`;
    return { same: false, samePicture, sizeOk, verdict: "too-small", reason, method, distances, checked };
  }
  return { same: true, samePicture, sizeOk, verdict: "same", reason: "same picture", method, distances, checked };
}

function meanLuma(f: Fingerprint): number {
  const cells = Buffer.from(f.luma, "base64");
  return cells.reduce((sum, v) => sum + v, 0) / cells.length;
}

function toneWord(expected: Fingerprint, actual: Fingerprint): string {
  return meanLuma(actual) >= meanLuma(expected) ? "brighter" : "darker";
}
