/**
 * Normalisation: any accepted source photo to one square, upright, sRGB, opaque master image
 * (raw pixels, at most GRAPH_MAX_EDGE) from which every store's variant is made.
 */
import sharp from "sharp";
import type { RenderSettings } from "../manifest/types.js";
import { parseHexColour } from "./colour.js";
import { focalSquare, isFocalPoint } from "./crop.js";
import { openImage } from "./decode.js";
import { GRAPH_MAX_EDGE, SOURCE_FORMATS } from "./settings.js";

export interface NormalisedImage {
  /** Raw sRGB pixels, 3 channels, edge x edge, row-major. */
  pixels: Buffer;
  edge: number;
  source: {
    format: string;
    /** Upright size (after EXIF orientation). */
    width: number;
    height: number;
  };
  warnings: string[];
}

/**
 * Decodes source bytes and makes the square master: EXIF orientation applied, colour converted to
 * sRGB (embedded ICC profile or CMYK), transparency flattened onto the configured background,
 * cropped square by the crop mode, shrunk to at most GRAPH_MAX_EDGE and never enlarged.
 * Raw output carries no metadata at all, so nothing of the source's EXIF/XMP/GPS can survive.
 */
export async function normalise(bytes: Buffer, settings: RenderSettings): Promise<NormalisedImage> {
  const background = parseHexColour(settings.background);
  const metadata = await openImage(bytes).metadata();
  if (metadata.format === "heif" && metadata.compression === "hevc") {
    throw new Error("HEIC photos cannot be decoded here; export the photo as JPEG");
  }
  if (!SOURCE_FORMATS.includes(metadata.format)) {
    throw new Error(`unsupported image format "${metadata.format}" (accepted: ${SOURCE_FORMATS.join(", ")})`);
  }
  const { width, height } = metadata.autoOrient;
  const side = Math.min(width, height);
  const edge = Math.min(side, GRAPH_MAX_EDGE);
  const warnings: string[] = [];
  if (side < GRAPH_MAX_EDGE) {
    warnings.push(`source is ${width}x${height}: below ${GRAPH_MAX_EDGE} px, so the photo is ${edge}x${edge} (never enlarged)`);
  }

  let image = openImage(bytes);
  if (isFocalPoint(settings.crop)) {
    image = image.extract(focalSquare(width, height, settings.crop)).resize(edge, edge);
  } else {
    const position =
      settings.crop === "attention" ? sharp.strategy.attention : settings.crop === "entropy" ? sharp.strategy.entropy : "centre";
    image = image.resize(edge, edge, { fit: "cover", position });
  }
  const { data, info } = await image
    .flatten({ background })
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== edge || info.height !== edge || info.channels !== 3) {
    throw new Error(`normalised image is ${info.width}x${info.height}x${info.channels}, expected ${edge}x${edge}x3`);
  }
  return { pixels: data, edge, source: { format: metadata.format, width, height }, warnings };
}
