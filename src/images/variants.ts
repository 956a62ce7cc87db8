/** Every store's variant of one source photo: the Graph photo and SharePoint's S/M/L thumbnails. */
import { createHash } from "node:crypto";
import sharp from "sharp";
import type { Sharp } from "sharp";
import type { RenderSettings, ThumbnailSizes } from "../model/desired.js";
import { fingerprintImage } from "./fingerprint-image.js";
import type { Fingerprint } from "../model/fingerprint.js";
import { normalise } from "./normalise.js";
import type { NormalisedImage } from "./normalise.js";
import { GRAPH_MAX_BYTES } from "./graph-sizes.js";
import { ENCODER_SETTINGS, QUALITY_STEPS } from "./settings.js";
import type { VariantName } from "./settings.js";

export interface Variant {
  name: VariantName;
  /** JPEG bytes, no metadata. */
  bytes: Buffer;
  /** Square edge in pixels. */
  edge: number;
  /** JPEG quality used (ENCODER_SETTINGS.quality unless stepped down to fit GRAPH_MAX_BYTES). */
  quality: number;
  sha256: string;
  fingerprint: Fingerprint;
}

export interface RenderedPhoto {
  source: { sha256: string; format: string; width: number; height: number };
  settings: RenderSettings;
  thumbnails: ThumbnailSizes;
  variants: Record<VariantName, Variant>;
  warnings: string[];
}

export interface RenderOptions {
  /** Upper bound for the Graph photo's size in bytes (tests lower it). */
  maxGraphBytes?: number;
}

export const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

function fromMaster(master: NormalisedImage, edge: number): Sharp {
  const image = sharp(master.pixels, { raw: { width: master.edge, height: master.edge, channels: 3 } });
  return edge === master.edge ? image : image.resize(edge, edge, { kernel: "lanczos3" });
}

async function encode(master: NormalisedImage, edge: number, quality: number): Promise<Buffer> {
  return fromMaster(master, edge)
    .jpeg({ ...ENCODER_SETTINGS, quality })
    .toBuffer();
}

async function variant(name: VariantName, bytes: Buffer, edge: number, quality: number): Promise<Variant> {
  return { name, bytes, edge, quality, sha256: sha256(bytes), fingerprint: await fingerprintImage(bytes) };
}

/** The Graph photo at the master's edge; quality steps down only if the bytes would exceed the limit. */
async function graphVariant(master: NormalisedImage, maxBytes: number, warnings: string[]): Promise<Variant> {
  for (const quality of QUALITY_STEPS) {
    const bytes = await encode(master, master.edge, quality);
    if (bytes.length <= maxBytes) {
      if (quality !== ENCODER_SETTINGS.quality) {
        warnings.push(`Graph photo encoded at quality ${quality} to stay under ${maxBytes} bytes`);
      }
      return variant("graph", bytes, master.edge, quality);
    }
  }
  throw new Error(`Graph photo exceeds ${maxBytes} bytes even at JPEG quality ${QUALITY_STEPS.at(-1)}`);
}

function checkThumbnailSizes(thumbnails: ThumbnailSizes): void {
  for (const [key, size] of Object.entries(thumbnails)) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`thumbnail size ${key} must be a positive integer, got ${size}`);
  }
}

/** Renders the variants from an already normalised master (pure function of its pixels). */
export async function renderFromMaster(
  master: NormalisedImage,
  thumbnails: ThumbnailSizes,
  options: RenderOptions = {},
): Promise<{ variants: Record<VariantName, Variant>; warnings: string[] }> {
  checkThumbnailSizes(thumbnails);
  const warnings: string[] = [];
  const graph = await graphVariant(master, options.maxGraphBytes ?? GRAPH_MAX_BYTES, warnings);
  const thumbnail = async (name: VariantName, wanted: number): Promise<Variant> => {
    const edge = Math.min(wanted, master.edge);
    if (edge < wanted) warnings.push(`${name} thumbnail is ${edge} px, below the configured ${wanted} (never enlarged)`);
    return variant(name, await encode(master, edge, ENCODER_SETTINGS.quality), edge, ENCODER_SETTINGS.quality);
  };
  const [small, medium, large] = await Promise.all([
    thumbnail("spo-S", thumbnails.small),
    thumbnail("spo-M", thumbnails.medium),
    thumbnail("spo-L", thumbnails.large),
  ]);
  return { variants: { graph, "spo-S": small, "spo-M": medium, "spo-L": large }, warnings };
}

/** Renders one source photo into every store's variant. Same bytes and settings give the same output on one machine. */
export async function renderVariants(
  source: Buffer,
  settings: RenderSettings,
  thumbnails: ThumbnailSizes,
  options: RenderOptions = {},
): Promise<RenderedPhoto> {
  const master = await normalise(source, settings);
  const { variants, warnings } = await renderFromMaster(master, thumbnails, options);
  return {
    source: { sha256: sha256(source), format: master.source.format, width: master.source.width, height: master.source.height },
    settings,
    thumbnails,
    variants,
    warnings: [...master.warnings, ...warnings],
  };
}
