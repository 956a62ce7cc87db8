/**
 * The benchmark's photos: N distinct synthetic portraits (src/demo/portrait.ts) as realistic
 * sources — 1000 × 1200 px (1.2 MP) JPEGs with sensor-like grain, a few hundred KB each — plus,
 * per person, the 648 px photo a tenant in sync holds (photosync's own Graph render, in a folder
 * named after the pipeline version that made it). Generated once into a data directory and reused
 * by later runs (generation is set-up, never measured).
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import sharp from "sharp";
import { portraitSvg } from "../src/demo/portrait.js";
import { writeAtomic } from "../src/files/write-atomic.js";
import { normalise } from "../src/images/normalise.js";
import { PIPELINE_VERSION } from "../src/images/settings.js";
import { renderFromMaster } from "../src/images/variants.js";

export const SOURCE_WIDTH = 1000;
export const SOURCE_HEIGHT = 1200;
/** The Exchange photo edge a tenant in sync holds (photosync's Graph rendition). */
export const TENANT_EDGE = 648;
/** Renders of another pipeline version are not what photosync would upload today. */
const TENANT_DIR = `tenant-pipeline${PIPELINE_VERSION}`;

export interface Dataset {
  dir: string;
  /** The source photo of person i (0-based). */
  source(i: number): string;
  /** The 648 px rendition of person i's photo, as a tenant in sync stores it. */
  tenantPhoto(i: number): string;
}

const name = (i: number): string => `p${String(i).padStart(6, "0")}`;

export function dataset(dir: string): Dataset {
  return {
    dir,
    source: (i) => path.join(dir, "sources", `${name(i)}.jpg`),
    tenantPhoto: (i) => path.join(dir, TENANT_DIR, `${name(i)}.jpg`),
  };
}

/**
 * The data set seen through a pool of `pool` photos: person i gets photo i mod pool. At 100,000
 * people distinct photos would be ~30 GB of sources to generate and keep; what the scale preset
 * measures (reads, plans, memory) is per person, and the report says the photos repeat.
 */
export function pooled(data: Dataset, pool: number): Dataset {
  return { dir: data.dir, source: (i) => data.source(i % pool), tenantPhoto: (i) => data.tenantPhoto(i % pool) };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

let grain: Int8Array | undefined;
/** Gaussian-ish grain (sum of uniforms), made once and added to every portrait. */
function grainLayer(): Int8Array {
  if (grain) return grain;
  let state = 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  grain = new Int8Array(SOURCE_WIDTH * SOURCE_HEIGHT * 3);
  for (let i = 0; i < grain.length; i++) grain[i] = Math.round((next() + next() + next() - 1.5) * 24);
  return grain;
}

/** A source photo for a seed: a portrait drawn small, enlarged, with grain (so it compresses like a photo). */
export async function sourcePhoto(seed: string): Promise<Buffer> {
  const pixels = await sharp(Buffer.from(portraitSvg({ seed, width: 300, height: 360 })))
    .removeAlpha()
    .resize(SOURCE_WIDTH, SOURCE_HEIGHT, { kernel: "linear" })
    .raw()
    .toBuffer();
  const noise = grainLayer();
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(255, Math.max(0, (pixels[i] as number) + (noise[i] as number)));
  return sharp(pixels, { raw: { width: SOURCE_WIDTH, height: SOURCE_HEIGHT, channels: 3 } }).jpeg({ quality: 88 }).toBuffer();
}

/**
 * What a tenant in sync stores for a source: the Graph photo photosync itself renders and uploads
 * (the emulator then stores it as the service would), so "in sync" means exactly what apply leaves.
 */
export async function tenantRendition(source: Buffer): Promise<Buffer> {
  const master = await normalise(source, { crop: "attention", background: "#ffffff" });
  const { variants } = await renderFromMaster(master, { small: 48, medium: 72, large: 200 });
  return variants.graph.bytes;
}

/** Makes sure persons 0..n-1 exist in the data directory; returns how many were generated. */
export async function ensureDataset(data: Dataset, n: number, onProgress?: (done: number, total: number) => void): Promise<number> {
  await mkdir(path.join(data.dir, "sources"), { recursive: true });
  await mkdir(path.join(data.dir, TENANT_DIR), { recursive: true });
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!(await exists(data.tenantPhoto(i)))) missing.push(i);
  const limit = pLimit(2);
  let done = 0;
  await Promise.all(
    missing.map((i) =>
      limit(async () => {
        let source: Buffer;
        if (await exists(data.source(i))) source = await readFile(data.source(i));
        else {
          source = await sourcePhoto(`bench-person-${i}`);
          await writeAtomic(data.source(i), source);
        }
        await writeAtomic(data.tenantPhoto(i), await tenantRendition(source));
        onProgress?.(++done, missing.length);
      }),
    ),
  );
  return missing.length;
}
