/**
 * Fingerprints: what "the same photo" is decided on, for our renders and for whatever the
 * services hand back after re-encoding and resizing them. Plain JSON data (cached, stored in plans).
 */
import type { Fingerprint } from "../model/fingerprint.js";
import { srgbToLab } from "./colour.js";
import { PHASH_SIZE, perceptualHash } from "./phash.js";

/**
 * Bump when the fingerprint of the same image changes; fingerprints of other versions are not comparable.
 * 2: the PHASH_SIZE rendition is an area average computed here (1 used a libvips resize).
 * 3: adds the LUMA_GRID luma grid and the texture (structure.ts, compare.ts).
 * 4: adds the concentration of the gradient energy on the EDGE_GRID (a mosaic's block edges).
 */
export const FINGERPRINT_VERSION = 4;
/** Edge of the coarse Lab grid used as colour signature. */
export const COLOUR_GRID = 4;
/** Edge of the small RGB rendition compared for near-flat images. */
export const PIXEL_GRID = 8;
/**
 * Finer grids on which the texture is measured too, when the image (or its box) has at least
 * FINE_PIXELS_PER_CELL pixels a cell: detail a 32×32 grid cannot hold, such as a blur of a few
 * pixels or a mosaic, shows there.
 */
export const FINE_GRIDS = [64, 128] as const;
const FINE_PIXELS_PER_CELL = 1.5;
/** The grid the gradient energy's concentration is measured on: the finest a plan's 96 px analysis has. */
export const EDGE_GRID = 64;
/** Edge of the luma grid (the hash's rendition, kept) that local changes and lost detail are looked for on. */
export const LUMA_GRID = PHASH_SIZE;


// "+ 0" turns -0 into 0, so a fingerprint equals itself after a JSON round trip.
const round = (value: number, places: number): number => Number(value.toFixed(places)) + 0;

/** Mean of each block of a square RGB image, as a smaller square RGB image (float channels). */
function blockMeans(rgb: Uint8Array, size: number, grid: number): Float64Array {
  const block = size / grid;
  const means = new Float64Array(grid * grid * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cell = (Math.floor(y / block) * grid + Math.floor(x / block)) * 3;
      const pixel = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) means[cell + c] = (means[cell + c] as number) + (rgb[pixel + c] as number);
    }
  }
  return means.map((sum) => sum / (block * block));
}

/** The fingerprint of a PHASH_SIZE x PHASH_SIZE sRGB rendition (row-major RGB). Pure. */
export function fingerprintRendition(rgb: Uint8Array, width: number, height: number, fine: ReadonlyArray<number | null> = FINE_GRIDS.map(() => null), concentration: number | null = null): Fingerprint {
  const n = PHASH_SIZE;
  if (rgb.length !== n * n * 3) throw new Error(`rendition must be ${n}x${n} RGB`);
  // Rec. 601 luma, as JPEG uses: the hash follows what the encoders preserve best.
  const luma = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    luma[i] = 0.299 * (rgb[i * 3] as number) + 0.587 * (rgb[i * 3 + 1] as number) + 0.114 * (rgb[i * 3 + 2] as number);
  }

  const cells = blockMeans(rgb, n, COLOUR_GRID);
  const colour: number[] = [];
  for (let i = 0; i < COLOUR_GRID * COLOUR_GRID; i++) {
    const lab = srgbToLab(cells[i * 3] as number, cells[i * 3 + 1] as number, cells[i * 3 + 2] as number);
    colour.push(round(lab[0], 2), round(lab[1], 2), round(lab[2], 2));
  }
  const small = blockMeans(rgb, n, PIXEL_GRID);
  const pixels = Buffer.from(small.map((v) => Math.round(v))).toString("hex");

  const lumaGrid = roundedBytes(luma);
  const { hash, detail } = perceptualHash(luma);
  return {
    version: FINGERPRINT_VERSION,
    width,
    height,
    hash,
    colour,
    pixels,
    detail: round(detail, 3),
    luma: Buffer.from(lumaGrid).toString("base64"),
    texture: round(textureOf(luma, n), 3),
    fine: [...fine],
    concentration,
  };
}

/** What a fingerprint is computed from: the hash rendition and the texture on each of FINE_GRIDS (null where the image is too small). */
export interface Renditions {
  hash: Uint8Array;
  fine: Array<number | null>;
  /** See Fingerprint.concentration (null where the image has no EDGE_GRID). */
  concentration: number | null;
}

/**
 * The hash rendition and the fine textures of an image (or a box of it), from one area average of
 * its pixels at the finest grid that fits: every coarser grid is the means of blocks of the finer
 * one, which is exactly its area average (the grids divide each other). A plan fingerprints every
 * photo it downloads, and the pass over the pixels is most of what a fingerprint costs. Pure.
 */
export function renditions(image: RgbImage, box = { left: 0, top: 0, width: image.width, height: image.height }, finestWanted: number = Math.max(...FINE_GRIDS)): Renditions {
  const finest = finestGridFor(Math.min(box.width, box.height), finestWanted);
  if (finest === undefined) return { hash: hashRendition(image, box), fine: FINE_GRIDS.map(() => null), concentration: null };
  const rgb = areaAverage(image, finest, box);
  const textures = new Map<number, number>();
  let concentration: number | null = null;
  let grid: number = finest;
  let level = rgb;
  for (;;) {
    const luma = lumaOf(level);
    textures.set(grid, round(textureOf(luma, grid), 3));
    if (grid === EDGE_GRID) concentration = round(concentrationOf(luma, grid), 3);
    const coarser = grid / 2;
    if (!FINE_GRIDS.includes(coarser as (typeof FINE_GRIDS)[number])) break;
    level = blockMeansOf(level, grid, 2);
    grid = coarser;
  }
  const hash = roundedBytes(blockMeansOf(rgb, finest, finest / PHASH_SIZE));
  return { hash, fine: FINE_GRIDS.map((g) => textures.get(g) ?? null), concentration };
}

/** Values of 0..255 rounded to bytes. (A loop: Uint8Array.from with a mapping function is many times slower.) */
function roundedBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i]!);
  return out;
}

/** The finest of FINE_GRIDS (at most `upTo`) that an image of this shorter edge has enough pixels for. */
export function finestGridFor(edge: number, upTo: number = Math.max(...FINE_GRIDS)): number | undefined {
  return [...FINE_GRIDS].reverse().find((grid) => grid <= upTo && edge >= grid * FINE_PIXELS_PER_CELL);
}

/** Rec. 601 luma of each cell of an RGB grid. */
function lumaOf(rgb: Float64Array): Float64Array {
  const luma = new Float64Array(rgb.length / 3);
  for (let i = 0; i < luma.length; i++) luma[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  return luma;
}

/** The means of factor x factor blocks of an n x n RGB grid. */
function blockMeansOf(rgb: Float64Array, n: number, factor: number): Float64Array {
  const m = n / factor;
  const out = new Float64Array(m * m * 3);
  const cells = factor * factor;
  for (let by = 0; by < m; by++) {
    for (let bx = 0; bx < m; bx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = by * factor; y < (by + 1) * factor; y++) {
        for (let i = (y * n + bx * factor) * 3, end = i + factor * 3; i < end; i += 3) {
          r += rgb[i]!;
          g += rgb[i + 1]!;
          b += rgb[i + 2]!;
        }
      }
      const o = (by * m + bx) * 3;
      out[o] = r / cells;
      out[o + 1] = g / cells;
      out[o + 2] = b / cells;
    }
  }
  return out;
}

/**
 * Fine detail of an n x n luma image: the root mean square of each inner pixel's difference from
 * the mean of its four neighbours, in luma levels. A blurred, smeared or pixelated copy has much
 * less of it than the photo it was made from; re-encoding at a reasonable size keeps it.
 */
export function textureOf(luma: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const around = ((luma[i - 1] as number) + (luma[i + 1] as number) + (luma[i - n] as number) + (luma[i + n] as number)) / 4;
      const d = (luma[i] as number) - around;
      sum += d * d;
    }
  }
  return Math.sqrt(sum / ((n - 2) * (n - 2)));
}

/**
 * How unevenly the gradient energy of an n x n luma image falls on its columns, or on its rows,
 * whichever is more uneven: with e(j) the summed |difference| across column boundary j,
 * (n - 1) Σ e² / (Σ e)², 1 when every boundary carries the same and up to n - 1 when one carries it
 * all. A mosaic moves a photo's edges onto its block edges; re-encoding leaves them where they were
 * (test/corpus measures the ratio of the two sides).
 */
export function concentrationOf(luma: ArrayLike<number>, n: number): number {
  const columns = new Float64Array(n - 1);
  const rows = new Float64Array(n - 1);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const v = luma[y * n + x] as number;
      if (x + 1 < n) columns[x] = columns[x]! + Math.abs((luma[y * n + x + 1] as number) - v);
      if (y + 1 < n) rows[y] = rows[y]! + Math.abs((luma[(y + 1) * n + x] as number) - v);
    }
  }
  const unevenness = (energy: Float64Array): number => {
    let sum = 0;
    let squares = 0;
    for (const e of energy) {
      sum += e;
      squares += e * e;
    }
    return sum > 0 ? (energy.length * squares) / (sum * sum) : 1;
  };
  return Math.max(unevenness(columns), unevenness(rows));
}

export interface RgbImage {
  /** Row-major RGB, 3 bytes a pixel (or RGBA, 4 bytes a pixel, when `channels` is 4; alpha is ignored). */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels?: 3 | 4;
}

/** For each output cell along one axis: the source indexes it covers and how much of each (weights sum to 1). */
interface AxisWeights {
  /** Cell c uses entries first[c] .. first[c + 1] - 1 of index and weight. */
  first: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

const axisCache = new Map<string, AxisWeights>();

function areaWeights(size: number, offset: number, length: number, cells: number): AxisWeights {
  const key = `${size} ${offset} ${length} ${cells}`;
  const cached = axisCache.get(key);
  if (cached) return cached;
  const scale = length / cells;
  const first = new Int32Array(cells + 1);
  const index: number[] = [];
  const weight: number[] = [];
  for (let cell = 0; cell < cells; cell++) {
    first[cell] = index.length;
    const start = offset + cell * scale;
    const end = start + scale;
    for (let i = Math.floor(start); i < Math.min(Math.ceil(end), size); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 0) {
        index.push(i);
        weight.push(overlap / scale);
      }
    }
  }
  first[cells] = index.length;
  const weights = { first, index: Int32Array.from(index), weight: Float64Array.from(weight) };
  // Thumbnails come in a few sizes; analysis crops vary, so the memo stays bounded.
  if (axisCache.size > 256) axisCache.clear();
  axisCache.set(key, weights);
  return weights;
}

let scratchBuffer = new Float64Array(0);
/** A reused work area of at least `length` floats (a plan hashes tens of thousands of images; this spares the garbage collector). */
function scratch(length: number): Float64Array {
  if (scratchBuffer.length < length) scratchBuffer = new Float64Array(length);
  return scratchBuffer;
}

let averageBuffer = new Float64Array(0);
/** areaAverage's result, reused the same way: exactly `length` floats, valid until its next call. */
function averageScratch(length: number): Float64Array {
  if (averageBuffer.length < length) averageBuffer = new Float64Array(length);
  return averageBuffer.subarray(0, length);
}

/**
 * The PHASH_SIZE x PHASH_SIZE rendition of an RGB image, or of a box of it: every output pixel is
 * the mean of the source area it covers ("fill": the aspect ratio is not kept, so a non-square
 * image cannot be cropped into looking like our square render). Done here rather than by libvips,
 * whose resize alone costs more CPU than the rest of a thumbnail's fingerprint. Pure.
 */
export function hashRendition(image: RgbImage, box = { left: 0, top: 0, width: image.width, height: image.height }): Uint8Array {
  return areaRendition(image, PHASH_SIZE, box);
}

/** The n x n area-average rendition of an RGB image or of a box of it (see hashRendition). Pure. */
export function areaRendition(image: RgbImage, n: number, box = { left: 0, top: 0, width: image.width, height: image.height }): Uint8Array {
  return roundedBytes(areaAverage(image, n, box));
}

/** The same, unrounded, in a buffer that the next call reuses (callers use it at once and keep nothing of it). */
function areaAverage(image: RgbImage, n: number, box: { left: number; top: number; width: number; height: number }): Float64Array {
  const columns = areaWeights(image.width, box.left, box.width, n);
  const rows = areaWeights(image.height, box.top, box.height, n);
  const { pixels, width } = image;
  const channels = image.channels ?? 3;
  // Columns first, into floats, for just the rows the box covers.
  const firstRow = Math.floor(box.top);
  const lastRow = Math.min(Math.ceil(box.top + box.height), image.height);
  const narrowed = scratch((lastRow - firstRow) * n * 3);
  for (let y = firstRow; y < lastRow; y++) {
    const rowStart = y * width;
    for (let x = 0; x < n; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = columns.first[x]!; k < columns.first[x + 1]!; k++) {
        const p = (rowStart + columns.index[k]!) * channels;
        const w = columns.weight[k]!;
        r += pixels[p]! * w;
        g += pixels[p + 1]! * w;
        b += pixels[p + 2]! * w;
      }
      const q = ((y - firstRow) * n + x) * 3;
      narrowed[q] = r;
      narrowed[q + 1] = g;
      narrowed[q + 2] = b;
    }
  }
  const out = averageScratch(n * n * 3);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = rows.first[y]!; k < rows.first[y + 1]!; k++) {
        const q = ((rows.index[k]! - firstRow) * n + x) * 3;
        const w = rows.weight[k]!;
        r += narrowed[q]! * w;
        g += narrowed[q + 1]! * w;
        b += narrowed[q + 2]! * w;
      }
      const o = (y * n + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return out;
}

const HASH_PATTERN = /^[0-9a-f]{16}$/;
const PIXELS_PATTERN = new RegExp(`^[0-9a-f]{${PIXEL_GRID * PIXEL_GRID * 6}}$`);
// Base64 of LUMA_GRID² bytes (a multiple of 3 bytes would need no padding; 1024 bytes leave one "=" pair).
const LUMA_PATTERN = new RegExp(`^[A-Za-z0-9+/]{${Math.floor((LUMA_GRID * LUMA_GRID) / 3) * 4}}[A-Za-z0-9+/]{2}==$`);

/** True when value has the shape of a Fingerprint of the current version (for cached or stored data). */
export function isFingerprint(value: unknown): value is Fingerprint {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Record<string, unknown>;
  const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
  return (
    f.version === FINGERPRINT_VERSION &&
    positiveInt(f.width) &&
    positiveInt(f.height) &&
    typeof f.hash === "string" &&
    HASH_PATTERN.test(f.hash) &&
    Array.isArray(f.colour) &&
    f.colour.length === COLOUR_GRID * COLOUR_GRID * 3 &&
    f.colour.every((v) => typeof v === "number" && Number.isFinite(v)) &&
    typeof f.pixels === "string" &&
    PIXELS_PATTERN.test(f.pixels) &&
    typeof f.detail === "number" &&
    Number.isFinite(f.detail) &&
    typeof f.luma === "string" &&
    LUMA_PATTERN.test(f.luma) &&
    typeof f.texture === "number" &&
    Number.isFinite(f.texture) &&
    f.texture >= 0 &&
    Array.isArray(f.fine) &&
    f.fine.length === FINE_GRIDS.length &&
    f.fine.every((v) => v === null || (typeof v === "number" && Number.isFinite(v) && v >= 0)) &&
    (f.concentration === null || (typeof f.concentration === "number" && Number.isFinite(f.concentration) && f.concentration >= 1))
  );
}
