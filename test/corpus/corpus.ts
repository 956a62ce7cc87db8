/**
 * The comparison corpus: the photographs in photos/ (see SOURCES.md), scenes generated here, and
 * synthetic half-body portraits; every way a service may hand a photo back (must be the same) and
 * every edit a reviewer would call a change (must differ), at the sizes the services serve. No real
 * person's face anywhere: the portraits are photosync's own drawings.
 */
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import type { KernelEnum, Sharp } from "sharp";
import { portraitSvg } from "../../src/demo/portrait.js";
import { analyseSource } from "../../src/images/analysis.js";
import { renderVariants } from "../../src/images/variants.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";
import { DEFAULT_THUMBNAILS, settings } from "../images/helpers.js";

const PHOTOS = path.join(path.dirname(new URL(import.meta.url).pathname), "photos");

/** The sizes Graph serves and SharePoint's thumbnails (48, 72, 300). */
export const SERVED_SIZES = [48, 64, 72, 96, 120, 240, 300, 360, 432, 504, 648] as const;

export interface Source {
  name: string;
  /** What kind of picture it is: decides nothing, names the rows of the margins table. */
  kind: "photo" | "scene" | "portrait" | "low-contrast";
  /** Image bytes as an admin would commit them. */
  bytes: Buffer;
}

/** A face's eyes, for the edits that cover them (portraits only). */
export interface Eyes {
  left: { x: number; y: number };
  right: { x: number; y: number };
  radius: number;
}

export function photoNames(): string[] {
  return readdirSync(PHOTOS)
    .filter((name) => name.endsWith(".jpg"))
    .sort();
}

export async function photoSources(): Promise<Source[]> {
  return Promise.all(photoNames().map(async (name) => ({ name: name.replace(/\.jpg$/, ""), kind: "photo" as const, bytes: await readFile(path.join(PHOTOS, name)) })));
}

/** 8-bit lookup applied to every channel: the tone changes services and CDNs are reported to make. */
async function mapChannels(image: Sharp, lookup: (v: number) => number): Promise<Sharp> {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const table = Uint8Array.from({ length: 256 }, (_, v) => Math.max(0, Math.min(255, Math.round(lookup(v)))));
  for (let i = 0; i < data.length; i++) data[i] = table[data[i]!]!;
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}

export const gamma = (g: number) => (v: number) => 255 * (v / 255) ** g;
export const levels = (low: number, high: number) => (v: number) => low + (v * (high - low)) / 255;
export const brightness = (factor: number) => (v: number) => v * factor;

/**
 * Low-contrast versions of two photos: fog (the photo squeezed towards a light grey) and night (the
 * photo at a fifth of its light). Two different photos in fog are still two different photos.
 */
export async function lowContrastSources(photos: readonly Source[]): Promise<Source[]> {
  const out: Source[] = [];
  // Four detailed photos: fog and night must not turn them into one another.
  const detailed = ["forest-stream", "mountain-rocks", "dragonfly-leaves", "red-marigold"];
  for (const photo of photos.filter((p) => detailed.includes(p.name))) {
    const fog = await mapChannels(sharp(photo.bytes), (v) => 170 + (v - 128) * 0.22);
    out.push({ name: `${photo.name} in fog`, kind: "low-contrast", bytes: await fog.jpeg({ quality: 92 }).toBuffer() });
    const dark = await mapChannels(sharp(photo.bytes), (v) => 255 * ((v / 255) ** 2.2 * 0.06) ** (1 / 2.2));
    out.push({ name: `${photo.name} at night`, kind: "low-contrast", bytes: await dark.jpeg({ quality: 92 }).toBuffer() });
  }
  return out;
}

/** Scenes drawn here: a night sky with thin bright structure, a sunset gradient, fine noise. */
/** The generated scene of random grain: mirrored, it is the same grain to a person (differ.corpus.test.ts). */
export const GRAIN = "generated grain";

export async function generatedScenes(): Promise<Source[]> {
  const edge = 720;
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const stars = Array.from({ length: 90 }, () => `<circle cx="${random() * edge}" cy="${random() * edge}" r="${0.6 + random() * 1.6}" fill="#fff" opacity="${0.5 + random() * 0.5}"/>`).join("");
  const streaks = Array.from({ length: 5 }, () => {
    const x = random() * edge;
    const y = random() * edge;
    return `<line x1="${x}" y1="${y}" x2="${x + 80 + random() * 200}" y2="${y + 30 + random() * 120}" stroke="#dde6ff" stroke-width="1.3" opacity="0.8"/>`;
  }).join("");
  const night = `<svg xmlns="http://www.w3.org/2000/svg" width="${edge}" height="${edge}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#050a1c"/><stop offset="1" stop-color="#1b2340"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${stars}${streaks}<path d="M0 640 L120 590 L260 620 L400 570 L560 610 L720 580 L720 720 L0 720 Z" fill="#020305"/></svg>`;
  const sunset = `<svg xmlns="http://www.w3.org/2000/svg" width="${edge}" height="${edge}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2b3a6b"/><stop offset="0.55" stop-color="#e07b4f"/><stop offset="1" stop-color="#f6d28b"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="420" cy="470" r="60" fill="#fff3c4" opacity="0.9"/></svg>`;
  const noise = await sharp({ create: { width: edge, height: edge, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .blur(1.2)
    .png()
    .toBuffer();
  return [
    { name: "generated night sky", kind: "scene", bytes: await sharp(Buffer.from(night)).png().toBuffer() },
    { name: "generated sunset", kind: "scene", bytes: await sharp(Buffer.from(sunset)).png().toBuffer() },
    { name: GRAIN, kind: "scene", bytes: noise },
  ];
}

export interface Portrait extends Source {
  eyes: Eyes;
  /** The portrait's figure without the backdrop, to redraw with the eyes covered. */
  svg: (cover: string) => string;
}

const PORTRAIT_EDGE = 800;
const FIGURE = { x: 140, y: 280, edge: 520 };

/**
 * Half-body portraits: photosync's synthetic figure, smaller, in front of a blurred photograph (as
 * in an office portrait), so the face is a small part of the picture.
 */
export async function halfBodyPortraits(photos: readonly Source[]): Promise<Portrait[]> {
  const portraits: Portrait[] = [];
  const seeds = ["ines", "jomo", "kai", "lena", "mats", "noor"];
  for (const [index, seed] of seeds.entries()) {
    const backdrop = photos[index % photos.length]!;
    const background = await sharp(backdrop.bytes).resize(PORTRAIT_EDGE, PORTRAIT_EDGE).blur(6).jpeg({ quality: 90 }).toBuffer();
    const figure = portraitSvg({ seed, width: 800, height: 800 })
      .replace(/^<svg[^>]*>/, "")
      .replace(/<\/svg>\s*$/, "")
      .replace(/<rect width="100%" height="100%"[^>]*\/>/, "")
      .replace(/<circle [^>]*fill="#ffffff" opacity="0.25"\/>/, "");
    const eyesFound = [...figure.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="#222"\/>/g)];
    if (eyesFound.length !== 2) throw new Error(`portrait ${seed}: expected two eyes`);
    const scale = FIGURE.edge / 800;
    const eye = (match: RegExpMatchArray) => ({ x: FIGURE.x + Number(match[1]) * scale, y: FIGURE.y + Number(match[2]) * scale });
    const eyes: Eyes = { left: eye(eyesFound[0]!), right: eye(eyesFound[1]!), radius: Number(eyesFound[0]![3]) * scale };
    const svg = (cover: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${PORTRAIT_EDGE}" height="${PORTRAIT_EDGE}">` +
      `<image width="${PORTRAIT_EDGE}" height="${PORTRAIT_EDGE}" xlink:href="data:image/jpeg;base64,${background.toString("base64")}"/>` +
      `<svg x="${FIGURE.x}" y="${FIGURE.y}" width="${FIGURE.edge}" height="${FIGURE.edge}" viewBox="0 0 800 800">${figure}</svg>${cover}</svg>`;
    portraits.push({ name: `half-body portrait ${seed}`, kind: "portrait", bytes: await sharp(Buffer.from(svg(""))).png().toBuffer(), eyes, svg });
  }
  return portraits;
}

/** Dark sunglasses over both eyes. */
export function sunglasses(eyes: Eyes): string {
  const r = eyes.radius;
  const lens = (x: number, y: number) => `<ellipse cx="${x}" cy="${y}" rx="${r * 3}" ry="${r * 2.2}" fill="#0d0d10"/>`;
  return `${lens(eyes.left.x, eyes.left.y)}${lens(eyes.right.x, eyes.right.y)}<rect x="${eyes.left.x}" y="${eyes.left.y - r * 0.5}" width="${eyes.right.x - eyes.left.x}" height="${r}" fill="#0d0d10"/>`;
}

/** A dark band across the face at the eyes, as photos are anonymised. */
export function eyeBand(eyes: Eyes): string {
  const r = eyes.radius;
  const width = eyes.right.x - eyes.left.x;
  return `<rect x="${eyes.left.x - width * 0.6}" y="${eyes.left.y - r * 2}" width="${width * 2.2}" height="${r * 4}" fill="#000"/>`;
}

/**
 * The fingerprint a plan expects for a source: the planner never fingerprints its own render, it
 * predicts it from the source's analysis (images/analysis.ts), so that is what the corpus checks.
 */
export async function expectedOf(source: Buffer): Promise<Fingerprint> {
  return (await analyseSource(source, settings())).fingerprint;
}

/** photosync's render of a source: what it uploads to Graph (648 px), and what expected fingerprints are of. */
export async function renderOf(source: Buffer): Promise<Buffer> {
  return (await renderVariants(source, settings(), DEFAULT_THUMBNAILS)).variants.graph.bytes;
}

export interface Served {
  /** The class of the re-encoding, e.g. "jpeg q50 4:2:0". */
  kind: string;
  size: number;
  bytes: Buffer;
}

const jpeg = (image: Sharp, quality: number, chroma: "4:2:0" | "4:4:4") => image.jpeg({ quality, chromaSubsampling: chroma }).toBuffer();

/**
 * Every way a service is known or reported to hand back our render at a served size: JPEG from q50
 * to q95 in both chroma modes, PNG, WebP, re-encoded twice, other resize kernels, stored rotated
 * with an EXIF orientation, cropped or shifted by 1–2 px, and tone-shifted (gamma, squeezed levels,
 * ±10 % brightness).
 */
export async function servedCopies(render: Buffer, size: number): Promise<Served[]> {
  const at = (kernel: keyof KernelEnum = "lanczos3") => sharp(render).resize(size, size, { kernel });
  const copies: Array<Promise<Served>> = [];
  const add = (kind: string, bytes: Promise<Buffer>) => copies.push(bytes.then((b) => ({ kind, size, bytes: b })));
  for (const quality of [50, 60, 75, 95]) {
    for (const chroma of ["4:2:0", "4:4:4"] as const) add(`jpeg q${quality} ${chroma}`, jpeg(at(), quality, chroma));
  }
  add("png", at().png().toBuffer());
  add("webp q50", at().webp({ quality: 50 }).toBuffer());
  add("webp q80", at().webp({ quality: 80 }).toBuffer());
  add("jpeg twice (q70, then q60)", jpeg(sharp(render).resize(Math.min(648, size * 2)).jpeg({ quality: 70 }), 60, "4:2:0").then((once) => jpeg(sharp(once).resize(size, size), 60, "4:2:0")));
  for (const kernel of ["nearest", "linear", "cubic", "mitchell", "lanczos2"] as const) add(`${kernel} resize`, jpeg(at(kernel), 75, "4:2:0"));
  add("stored rotated, EXIF orientation 6", at().rotate(-90).jpeg({ quality: 80 }).withMetadata({ orientation: 6 }).toBuffer());
  for (const px of [1, 2]) {
    const crop = Math.round((px * 648) / size);
    add(`${px} px cropped off two edges`, jpeg(sharp(render).extract({ left: crop, top: crop, width: 648 - crop, height: 648 - crop }).resize(size, size), 75, "4:2:0"));
    add(
      `shifted ${px} px`,
      sharp(render)
        .extend({ left: crop, top: crop, extendWith: "copy" })
        .png()
        .toBuffer()
        .then((extended) => jpeg(sharp(extended).extract({ left: 0, top: 0, width: 648, height: 648 }).resize(size, size), 75, "4:2:0")),
    );
  }
  for (const [kind, lookup] of [
    ["gamma 0.8", gamma(0.8)],
    ["gamma 1.2", gamma(1.2)],
    ["levels squeezed to 16–235", levels(16, 235)],
    ["10 % brighter", brightness(1.1)],
    ["10 % darker", brightness(0.9)],
  ] as const) {
    add(kind, mapChannels(at(), lookup).then((image) => jpeg(image, 75, "4:2:0")));
  }
  return Promise.all(copies);
}

export interface Edited {
  kind: string;
  /** What the edited picture would be committed as (full size): served at each size by servedAt. */
  bytes: Buffer;
  /** The smallest served size at which a person sees the change, and at which it must be found. */
  visibleFrom: number;
}

/** Serves edited bytes at a size the way an ordinary service does (JPEG q75 4:2:0). */
export async function servedAt(bytes: Buffer, size: number): Promise<Buffer> {
  return jpeg(sharp(bytes).resize(size, size), 75, "4:2:0");
}

/** Edits of a render that a reviewer calls a change: blurred beyond recognition, pixelated, a tiny copy blown up. */
export async function degradedCopies(render: Buffer): Promise<Edited[]> {
  const mosaic = async (blocks: number) => sharp(await sharp(render).resize(blocks, blocks).toBuffer()).resize(648, 648, { kernel: "nearest" }).png().toBuffer();
  return [
    { kind: "blurred beyond recognition (σ 16 px)", bytes: await sharp(render).blur(16).png().toBuffer(), visibleFrom: 96 },
    { kind: "blurred (σ 8 px)", bytes: await sharp(render).blur(8).png().toBuffer(), visibleFrom: 96 },
    { kind: "pixelated (16×16 blocks)", bytes: await mosaic(16), visibleFrom: 96 },
    { kind: "pixelated (24×24 blocks)", bytes: await mosaic(24), visibleFrom: 96 },
    { kind: "a 40 px copy blown up", bytes: await sharp(await sharp(render).resize(40, 40).jpeg({ quality: 30 }).toBuffer()).resize(648, 648).png().toBuffer(), visibleFrom: 96 },
  ];
}
