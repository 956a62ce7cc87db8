/**
 * The fixed rules of the image pipeline. Everything here is part of the render cache key
 * (through PIPELINE_VERSION and ENCODER_SETTINGS), so changing a value re-renders every photo.
 */
// Types only: importing this module must not load sharp (the planner uses these rules).
import type { FailOnOptions, JpegOptions } from "sharp";

/** Bump when the pipeline's output changes for the same input (invalidates the render cache). */
// 3: attention and entropy crops are placed by smart-crop.ts, no longer by libvips.
// 4: the analysis rendition's shorter edge is 96 px, not 128 (crops and fingerprints move slightly).
export const PIPELINE_VERSION = 4;

/**
 * JPEG encoder settings for every variant. Baseline (not progressive) JPEG because it is the
 * most widely accepted form; 4:4:4 chroma keeps colour edges crisp in 48 px thumbnails.
 * mozjpeg is off: its trellis search is slower and buys little at these sizes.
 */
export const ENCODER_SETTINGS = {
  quality: 90,
  chromaSubsampling: "4:4:4",
  progressive: false,
  optimiseCoding: true,
  mozjpeg: false,
} as const satisfies JpegOptions;

/** Qualities tried in turn when a Graph render would exceed GRAPH_MAX_BYTES (never happens at 648 px in practice). */
export const QUALITY_STEPS: readonly number[] = [90, 85, 80, 75, 70, 65, 60, 55, 50];

/**
 * Sources are untrusted files from pull requests. 100 megapixels (the limit `photosync validate`
 * enforces too) admits ordinary cameras while refusing decompression bombs well below sharp's
 * 268 MP default. Live photos from the services are far smaller.
 */
export const MAX_INPUT_PIXELS = 100_000_000;

/** Files larger than this are refused before decoding (the same limit as `photosync validate`). */
export const MAX_SOURCE_BYTES = 50 * 1024 * 1024;

/**
 * Abort on decoder errors and truncated data, but tolerate warnings: the services' own photos
 * (and a full-size render of a source that passed the stricter check below) may carry harmless
 * ones (extraneous bytes, odd markers) that sharp's 'warning' rejects.
 */
export const FAIL_ON: FailOnOptions = "error";

/**
 * Repo photos are analysed as strictly as `photosync validate` checks them, by the same decode
 * (validate/photo-content.ts runs the analysis): a photo that validate refuses is refused by plan,
 * apply and render too, never planned as a change.
 */
export const SOURCE_FAIL_ON: FailOnOptions = "warning";

/**
 * Formats accepted as sources, as sharp names them ("heif" is AVIF; HEIC, also "heif", is refused
 * separately because prebuilt sharp cannot decode it). No SVG or PDF: they can script and fetch.
 */
export const SOURCE_FORMATS: readonly string[] = ["jpeg", "png", "webp", "gif", "heif", "tiff"];

/** The accepted formats as people name them (sharp's "heif" source format is AVIF here). */
export const SOURCE_FORMAT_NAMES = "JPEG, PNG, WebP, AVIF, TIFF or GIF";

/** Every variant the pipeline produces: the Graph photo and SharePoint's three thumbnails. */
export type VariantName = "graph" | "spo-S" | "spo-M" | "spo-L";
export const VARIANT_NAMES: readonly VariantName[] = ["graph", "spo-S", "spo-M", "spo-L"];
