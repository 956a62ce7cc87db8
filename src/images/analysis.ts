/**
 * A source photo's analysis: its format and upright size, where the square crop goes, and the
 * fingerprint of the cropped photo, all from one small decode. JPEG decodes at 1/2, 1/4 or 1/8
 * scale straight from the compressed data, so an analysis costs a small fraction of a render
 * (docs/performance.md has the figures).
 *
 * Two things rest on it:
 * - the crop: attention and entropy crops are decided here, once, and the render cuts the same
 *   square out of the full-size photo, so the render and the fingerprint show the same picture;
 * - plans: the desired photo's fingerprint comes from here, so a plan never renders. A fingerprint
 *   is a 32 px summary, and the render's own fingerprint matches this one well within the
 *   comparison's thresholds (test/images/analysis.test.ts measures it on every variant size).
 */
import type { RenderSettings } from "../model/desired.js";
import { parseHexColour } from "./colour.js";
import { focalSquare, isFocalPoint } from "./crop.js";
import type { Box } from "./crop.js";
import { openImage } from "./decode.js";
import { finestGridFor, fingerprintRendition, renditions } from "./fingerprint.js";
import type { Fingerprint } from "../model/fingerprint.js";
import type { RgbImage } from "./fingerprint.js";
import { GRAPH_MAX_EDGE } from "./graph-sizes.js";
import { SOURCE_FAIL_ON, SOURCE_FORMATS, SOURCE_FORMAT_NAMES } from "./settings.js";
import { attentionOffset, entropyOffset } from "./smart-crop.js";

/**
 * Shorter edge of the analysis rendition: three pixels per cell of the 32 px grid the crop search
 * and the hash work on. At most 96 lets JPEG decode sources from 768 px at 1/8 scale, its cheapest.
 */
export const ANALYSIS_EDGE = 96;
/** The finest fine-texture grid an analysis has (fingerprint.ts): what a plan compares a downloaded photo's texture on. */
export const PLAN_FINEST_GRID = finestGridFor(ANALYSIS_EDGE) ?? 0;

export interface SourceFacts {
  format: string;
  /** Upright size (after EXIF orientation). */
  width: number;
  height: number;
  /** Frames of an animation (1 for a still); only the first is used. */
  frames: number;
  /** Whether the file has an alpha channel (it may still be fully opaque). */
  hasAlpha: boolean;
}

/** A source opened for analysis: as strict as validation (settings.ts SOURCE_FAIL_ON). */
const openSource = (bytes: Buffer) => openImage(bytes, { failOn: SOURCE_FAIL_ON });

export interface SourceAnalysis {
  source: SourceFacts;
  /** The square cut out of the upright full-size photo. */
  crop: Box;
  /** Edge of the Graph photo (the master): the crop's side, at most GRAPH_MAX_EDGE, never enlarged. */
  edge: number;
  /** Fingerprint of the cropped photo, sized as the master (edge x edge). */
  fingerprint: Fingerprint;
  warnings: string[];
}

/** Format and upright size from the header, refusing what the pipeline cannot or must not decode. */
async function sourceFacts(bytes: Buffer): Promise<SourceFacts> {
  const metadata = await openSource(bytes).metadata();
  if (metadata.format === "heif" && metadata.compression === "hevc") {
    throw new Error("HEIC photos cannot be decoded here; export the photo as JPEG");
  }
  if (!SOURCE_FORMATS.includes(metadata.format)) {
    throw new Error(`unsupported image format "${metadata.format}" (accepted: ${SOURCE_FORMAT_NAMES})`);
  }
  return {
    format: metadata.format,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    frames: metadata.pages ?? 1,
    hasAlpha: metadata.hasAlpha,
  };
}

/** The upright photo with its shorter edge at ANALYSIS_EDGE (never enlarged), sRGB, flattened. */
async function analysisRendition(bytes: Buffer, background: string): Promise<RgbImage> {
  const { data, info } = await openSource(bytes)
    .resize(ANALYSIS_EDGE, ANALYSIS_EDGE, { fit: "outside", withoutEnlargement: true })
    .flatten({ background: parseHexColour(background) })
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

/** The crop square in rendition coordinates (attention and entropy as libvips places them). */
function renditionCrop(rendition: RgbImage, crop: RenderSettings["crop"]): Box {
  const { width, height } = rendition;
  if (isFocalPoint(crop)) return focalSquare(width, height, crop);
  if (crop !== "attention" && crop !== "entropy") return focalSquare(width, height, { x: 0.5, y: 0.5 });
  const side = Math.min(width, height);
  const offset = crop === "attention" ? attentionOffset(rendition, side, side) : entropyOffset(rendition, side, side);
  return { ...offset, width: side, height: side };
}

/** The rendition's crop scaled to the full-size photo (a focal point is placed exactly). */
function fullSizeCrop(source: SourceFacts, rendition: RgbImage, box: Box, crop: RenderSettings["crop"]): Box {
  if (isFocalPoint(crop)) return focalSquare(source.width, source.height, crop);
  const side = Math.min(source.width, source.height);
  const place = (offset: number, renditionSize: number, size: number): number =>
    Math.min(Math.max(Math.round((offset * size) / renditionSize), 0), size - side);
  return {
    left: place(box.left, rendition.width, source.width),
    top: place(box.top, rendition.height, source.height),
    width: side,
    height: side,
  };
}

/** Analyses a source photo for the given render settings (see the module comment). */
export async function analyseSource(bytes: Buffer, settings: RenderSettings): Promise<SourceAnalysis> {
  const source = await sourceFacts(bytes);
  const rendition = await analysisRendition(bytes, settings.background);
  const box = renditionCrop(rendition, settings.crop);
  const side = Math.min(source.width, source.height);
  const edge = Math.min(side, GRAPH_MAX_EDGE);
  const warnings: string[] = [];
  if (side < GRAPH_MAX_EDGE) {
    warnings.push(`source is ${source.width}x${source.height}: below ${GRAPH_MAX_EDGE} px, so the photo is ${edge}x${edge} (never enlarged)`);
  }
  const { hash, fine, concentration } = renditions(rendition, box);
  const fingerprint = fingerprintRendition(hash, edge, edge, fine, concentration);
  return { source, crop: fullSizeCrop(source, rendition, box, settings.crop), edge, fingerprint, warnings };
}
