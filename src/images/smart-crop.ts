/**
 * Where libvips' smartcrop would place a square, computed here on the small analysis rendition.
 *
 * The two strategies follow libvips' smartcrop (libvips/conversion/smartcrop.c, 8.x), which sharp
 * exposes as `position: "attention" | "entropy"`; the schema documents them in those terms. Asking
 * libvips runs a dozen float image operations at the photo's size, and dominated a cold plan's
 * analysis; on a 32 px grid the same arithmetic is nearly free. Where two regions score almost alike, the square can land on
 * the other one than libvips' would: our 32 px reduction averages areas where libvips uses a
 * Lanczos kernel. Pure.
 */
import { D65_WHITE, labF, srgbToXyz } from "./colour.js";
import { hashRendition } from "./fingerprint.js";
import type { RgbImage } from "./fingerprint.js";

export interface Offset {
  left: number;
  top: number;
}

/** Attention works on this grid: it sets how precisely the crop is placed, as in libvips. */
const GRID = 32;
/** libvips' skin colour: a direction in XYZ, from smartcrop.js. */
const SKIN = [0.78, 0.57, 0.44] as const;
/** Pixels darker than this (Y, 0..100) score neither as skin nor as saturated. */
const DARK_Y = 5;
/** libvips' Gaussian masks stop where the curve falls below this fraction of its peak. */
const GAUSS_MIN_AMPLITUDE = 0.2;

const clampIndex = (i: number, size: number): number => (i < 0 ? 0 : i >= size ? size - 1 : i);

/** Separable Gaussian blur of a size x size float image, edges extended (as libvips' convolutions do). */
function gaussianBlur(image: Float64Array, size: number, sigma: number): Float64Array {
  const radius = Math.floor(sigma * Math.sqrt(-2 * Math.log(GAUSS_MIN_AMPLITUDE)));
  const mask = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = mask.reduce((sum, v) => sum + v, 0);
  const pass = (input: Float64Array, dx: number, dy: number): Float64Array => {
    const output = new Float64Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          sum += mask[k + radius]! * input[clampIndex(y + k * dy, size) * size + clampIndex(x + k * dx, size)]!;
        }
        output[y * size + x] = sum / total;
      }
    }
    return output;
  };
  return pass(pass(image, 1, 0), 0, 1);
}

/**
 * libvips' attention strategy: on a 32 x 32 reduction, add up edges (a Laplacian of luminance),
 * skin (closeness of the XYZ colour direction to skin's) and red-green saturation (Lab a*),
 * ignoring dark pixels for the last two; blur by an amount tied to the crop's size, and centre
 * the crop on the maximum.
 */
export function attentionOffset(image: RgbImage, width: number, height: number): Offset {
  const small = hashRendition(image); // GRID x GRID, each cell the mean of the area it covers
  if (small.length !== GRID * GRID * 3) throw new Error(`attention needs a ${GRID} px reduction`);
  const luminance = new Float64Array(GRID * GRID);
  const score = new Float64Array(GRID * GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const [x, y, z] = srgbToXyz(small[i * 3]!, small[i * 3 + 1]!, small[i * 3 + 2]!);
    // Y on libvips' scale (white = 100) for the edges and the darkness test.
    luminance[i] = 100 * y;
    if (100 * y <= DARK_Y) continue;
    const magnitude = Math.hypot(x, y, z);
    const skin = 100 - 100 * Math.hypot(x / magnitude - SKIN[0], y / magnitude - SKIN[1], z / magnitude - SKIN[2]);
    const a = 500 * (labF(x / D65_WHITE[0]) - labF(y / D65_WHITE[1]));
    score[i] = skin + a;
  }
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const at = (dx: number, dy: number): number => luminance[clampIndex(y + dy, GRID) * GRID + clampIndex(x + dx, GRID)]!;
      const laplacian = 4 * at(0, 0) - at(-1, 0) - at(1, 0) - at(0, -1) - at(0, 1);
      score[y * GRID + x] = score[y * GRID + x]! + Math.abs(5 * laplacian);
    }
  }
  const hScale = GRID / image.width;
  const vScale = GRID / image.height;
  const sigma = Math.max(Math.hypot(width * hScale, height * vScale) / 10, 1);
  const blurred = gaussianBlur(score, GRID, sigma);
  let best = 0;
  for (let i = 1; i < blurred.length; i++) if (blurred[i]! > blurred[best]!) best = i;
  const place = (cell: number, scale: number, crop: number, size: number): number =>
    Math.min(Math.max(Math.trunc(cell / scale - Math.trunc(crop / 2)), 0), size - crop);
  return { left: place(best % GRID, hScale, width, image.width), top: place(Math.floor(best / GRID), vScale, height, image.height) };
}

/** Shannon entropy (bits) of the pooled 8-bit histograms of the R, G and B channels of a box. */
function boxEntropy(image: RgbImage, left: number, top: number, width: number, height: number): number {
  const counts = new Uint32Array(256 * 3);
  for (let y = top; y < top + height; y++) {
    let p = (y * image.width + left) * 3;
    for (let x = 0; x < width; x++, p += 3) {
      counts[image.pixels[p]!]!++;
      counts[256 + image.pixels[p + 1]!]!++;
      counts[512 + image.pixels[p + 2]!]!++;
    }
  }
  const total = width * height * 3;
  let entropy = 0;
  for (const count of counts) if (count > 0) entropy -= (count / total) * Math.log2(count / total);
  return entropy;
}

/**
 * libvips' entropy strategy: shave slices off the image (about 8 steps on the axis that needs most),
 * each time from whichever end has the lower entropy, until the crop remains.
 */
export function entropyOffset(image: RgbImage, width: number, height: number): Offset {
  let left = 0;
  let top = 0;
  let w = image.width;
  let h = image.height;
  const maxSlice = Math.max(Math.ceil((w - width) / 8), Math.ceil((h - height) / 8));
  while (w > width || h > height) {
    const sliceWidth = Math.min(w - width, maxSlice);
    const sliceHeight = Math.min(h - height, maxSlice);
    if (sliceWidth > 0) {
      const leftScore = boxEntropy(image, left, top, sliceWidth, h);
      const rightScore = boxEntropy(image, left + w - sliceWidth, top, sliceWidth, h);
      w -= sliceWidth;
      if (leftScore < rightScore) left += sliceWidth;
    }
    if (sliceHeight > 0) {
      const topScore = boxEntropy(image, left, top, w, sliceHeight);
      const bottomScore = boxEntropy(image, left, top + h - sliceHeight, w, sliceHeight);
      h -= sliceHeight;
      if (topScore < bottomScore) top += sliceHeight;
    }
  }
  return { left, top };
}
