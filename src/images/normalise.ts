/**
 * Normalisation: any accepted source photo to one square, upright, sRGB, opaque master image
 * (raw pixels, at most GRAPH_MAX_EDGE) from which every store's variant is made.
 */
import type { RenderSettings } from "../model/desired.js";
import { analyseSource } from "./analysis.js";
import type { SourceAnalysis, SourceFacts } from "./analysis.js";
import { parseHexColour } from "./colour.js";
import { openImage } from "./decode.js";

export interface NormalisedImage {
  /** Raw sRGB pixels, 3 channels, edge x edge, row-major. */
  pixels: Buffer;
  edge: number;
  source: SourceFacts;
  /** Where the crop went and the cropped photo's fingerprint (analysis.ts). */
  analysis: SourceAnalysis;
  warnings: string[];
}

/**
 * Decodes source bytes and makes the square master: EXIF orientation applied, colour converted to
 * sRGB (embedded ICC profile or CMYK), transparency flattened onto the configured background,
 * the analysis' square cut out, shrunk to at most GRAPH_MAX_EDGE and never enlarged.
 * Raw output carries no metadata at all, so nothing of the source's EXIF/XMP/GPS can survive.
 */
export async function normalise(bytes: Buffer, settings: RenderSettings): Promise<NormalisedImage> {
  const analysis = await analyseSource(bytes, settings);
  const { edge } = analysis;
  const { data, info } = await openImage(bytes)
    .extract(analysis.crop)
    .resize(edge, edge)
    .flatten({ background: parseHexColour(settings.background) })
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== edge || info.height !== edge || info.channels !== 3) {
    throw new Error(`normalised image is ${info.width}x${info.height}x${info.channels}, expected ${edge}x${edge}x3`);
  }
  return { pixels: data, edge, source: analysis.source, analysis, warnings: analysis.warnings };
}
