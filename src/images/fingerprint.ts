/**
 * Fingerprints: what "the same photo" is decided on, for our renders and for whatever the
 * services hand back after re-encoding and resizing them. Plain JSON data (cached, stored in plans).
 */
import { srgbToLab } from "./colour.js";
import { openImage } from "./decode.js";
import { PHASH_SIZE, perceptualHash } from "./phash.js";

/** Bump when the fingerprint of the same image changes; fingerprints of other versions are not comparable. */
export const FINGERPRINT_VERSION = 1;
/** Edge of the coarse Lab grid used as colour signature. */
export const COLOUR_GRID = 4;
/** Edge of the small RGB rendition compared for near-flat images. */
export const PIXEL_GRID = 8;

export interface Fingerprint {
  version: number;
  /** Size of the image as decoded (after EXIF orientation). */
  width: number;
  height: number;
  /** 64-bit DCT perceptual hash, 16 hex digits. */
  hash: string;
  /** Mean CIE Lab colour of each cell of a COLOUR_GRID x COLOUR_GRID grid, row-major, [L,a,b] flattened. */
  colour: number[];
  /** PIXEL_GRID x PIXEL_GRID sRGB rendition, row-major RGB, as hex. */
  pixels: string;
  /** How far the hash's coefficients sit from its threshold (luma levels): low means near-flat, hash unreliable. */
  detail: number;
}

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
export function fingerprintRendition(rgb: Uint8Array, width: number, height: number): Fingerprint {
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

  const { hash, detail } = perceptualHash(luma);
  return { version: FINGERPRINT_VERSION, width, height, hash, colour, pixels, detail: round(detail, 3) };
}

/**
 * Fingerprints any image bytes (our renders, or a JPEG/PNG/GIF a service returned). Transparent
 * areas are read as white; animations by their first frame.
 */
export async function fingerprintImage(bytes: Buffer): Promise<Fingerprint> {
  const image = openImage(bytes);
  const { autoOrient } = await image.metadata();
  const { data } = await image
    .flatten({ background: "#ffffff" })
    // fill, not cover: a non-square image must not be cropped into looking like our square render.
    .resize(PHASH_SIZE, PHASH_SIZE, { fit: "fill" })
    .toColourspace("srgb")
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return fingerprintRendition(data, autoOrient.width, autoOrient.height);
}

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
    /^[0-9a-f]{16}$/.test(f.hash) &&
    Array.isArray(f.colour) &&
    f.colour.length === COLOUR_GRID * COLOUR_GRID * 3 &&
    f.colour.every((v) => typeof v === "number" && Number.isFinite(v)) &&
    typeof f.pixels === "string" &&
    new RegExp(`^[0-9a-f]{${PIXEL_GRID * PIXEL_GRID * 6}}$`).test(f.pixels) &&
    typeof f.detail === "number" &&
    Number.isFinite(f.detail)
  );
}
