/**
 * Whether compare() says "same" exactly when a person would: across the re-encoding and resizing
 * the services do, and not across different people, recoloured backgrounds or mirroring. These
 * measurements are what the threshold constants in src/images/compare.ts rest on.
 */
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { portraitSvg } from "../../src/demo/portrait.js";
import { sourcePhoto } from "../../bench/dataset.js";
import {
  COLOUR_DELTA_E_MAX,
  FLAT_DETAIL_MIN,
  HASH_DISTANCE_MAX,
  HASH_DISTANCE_VOUCHED_MAX,
  PIXEL_DELTA_E_MAX,
  STRUCTURE_VOUCH_MAX,
  TONE_SHIFT_MAX,
  compare,
  measureFitted,
} from "../../src/images/compare.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import { isFingerprint } from "../../src/images/fingerprint.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";
import { renderVariants } from "../../src/images/variants.js";
import type { RenderSettings } from "../../src/model/desired.js";
import { DEFAULT_THUMBNAILS, settings, solid } from "./helpers.js";

/** Varied test photos: different seeds, shapes and crop modes. */
const PHOTOS: Array<{ seed: string; width: number; height: number; render: RenderSettings }> = [
  { seed: "ada", width: 800, height: 800, render: settings() },
  { seed: "bob", width: 900, height: 1200, render: settings({ crop: "attention" }) },
  { seed: "cyd", width: 1200, height: 800, render: settings({ crop: "entropy" }) },
  { seed: "dee", width: 700, height: 900, render: settings({ crop: { x: 0.5, y: 0.4 } }) },
  { seed: "eve", width: 1000, height: 1000, render: settings() },
  { seed: "hal", width: 648, height: 648, render: settings() },
];

/** The portrait's SVG with its backdrop colour replaced, everything else identical. */
function recolouredSvg(seed: string, width: number, height: number, backdrop: string): string {
  const svg = portraitSvg({ seed, width, height });
  const original = /<rect width="100%" height="100%" fill="(#[0-9a-f]{6})"\/>/.exec(svg)![1]!;
  expect(original).not.toBe(backdrop);
  return svg.replaceAll(original, backdrop);
}

async function renderGraph(source: Buffer, render: RenderSettings): Promise<Buffer> {
  return (await renderVariants(source, render, DEFAULT_THUMBNAILS)).variants.graph.bytes;
}

/** What a service might hand back: resized and re-encoded in many ways. */
async function serviceCopies(graph: Buffer): Promise<Array<{ label: string; bytes: Buffer }>> {
  const copies: Array<{ label: string; bytes: Buffer }> = [];
  for (const size of [48, 64, 96, 120, 240, 360, 432, 504, 648]) {
    for (const quality of [50, 65, 80, 95]) {
      copies.push({ label: `${size}px q${quality}`, bytes: await sharp(graph).resize(size, size).jpeg({ quality }).toBuffer() });
    }
  }
  const at = (size: number) => sharp(graph).resize(size, size);
  copies.push(
    { label: "240px 4:2:0 progressive", bytes: await at(240).jpeg({ quality: 75, chromaSubsampling: "4:2:0", progressive: true }).toBuffer() },
    { label: "648px mozjpeg q60", bytes: await at(648).jpeg({ quality: 60, mozjpeg: true }).toBuffer() },
    { label: "96px webp q50", bytes: await at(96).webp({ quality: 50 }).toBuffer() },
    { label: "120px png", bytes: await at(120).png().toBuffer() },
    { label: "360px nearest-neighbour", bytes: await sharp(graph).resize(360, 360, { kernel: "nearest" }).jpeg({ quality: 85 }).toBuffer() },
    { label: "48px re-encoded twice", bytes: await sharp(await at(96).jpeg({ quality: 70 }).toBuffer()).resize(48, 48).jpeg({ quality: 70 }).toBuffer() },
  );
  return copies;
}

describe("compare: the same photo after the services re-encode and resize it", () => {
  const rendered: Array<{ seed: string; graph: Buffer; fingerprint: Fingerprint }> = [];

  beforeAll(async () => {
    for (const photo of PHOTOS) {
      const source = Buffer.from(portraitSvg(photo));
      const graph = await renderGraph(await sharp(source).png().toBuffer(), photo.render);
      rendered.push({ seed: photo.seed, graph, fingerprint: await fingerprintImage(graph) });
    }
  });

  it("says same picture for every copy, within the thresholds with room to spare", async () => {
    const worst = { hash: 0, colour: 0 };
    for (const { seed, graph, fingerprint } of rendered) {
      for (const copy of await serviceCopies(graph)) {
        const result = compare(fingerprint, await fingerprintImage(copy.bytes), { minEdge: 1 });
        expect(result.samePicture, `${seed} ${copy.label}: ${result.reason}`).toBe(true);
        expect(result.method).toBe("hash");
        worst.hash = Math.max(worst.hash, result.distances.hash);
        worst.colour = Math.max(worst.colour, result.distances.colour);
      }
    }
    // Measured: hash ≤ 4, colour ≤ 3.5. The thresholds sit well above.
    expect(worst.hash).toBeLessThanOrEqual(HASH_DISTANCE_MAX - 4);
    expect(worst.colour).toBeLessThanOrEqual(COLOUR_DELTA_E_MAX - 3);
  });

  it("decides a copy with nothing to forgive without fitting it, as the fit would have", async () => {
    let unfitted = 0;
    let copies = 0;
    for (const { seed, graph, fingerprint } of rendered) {
      const brighter = await sharp(graph).resize(240, 240).linear(1.15, 0).jpeg({ quality: 80 }).toBuffer();
      for (const copy of [...(await serviceCopies(graph)), { label: "240px 15 % brighter", bytes: brighter }]) {
        const actual = await fingerprintImage(copy.bytes);
        const result = compare(fingerprint, actual, { minEdge: 1 });
        const fitted = compare(fingerprint, actual, { minEdge: 1, measure: measureFitted });
        expect(result.verdict, `${seed} ${copy.label}: ${result.reason} / fitted: ${fitted.reason}`).toBe(fitted.verdict);
        copies++;
        if (result.distances.tone === 0 && result.distances.moved === 0) unfitted++;
        // A brighter copy has a tone shift to forgive: it is fitted, and the shift is reported.
        if (copy.bytes === brighter) expect(result.distances.tone, seed).toBeGreaterThan(10);
      }
    }
    // Most copies a plan reads are this close (in these, all but the brightened ones and a few 48 px ones).
    expect(unfitted / copies).toBeGreaterThan(0.8);
    // Different people are never decided without the fit, and are different either way.
    for (const [i, a] of rendered.entries()) {
      for (const b of rendered.slice(i + 1)) expect(compare(a.fingerprint, b.fingerprint).distances.tone, `${a.seed} vs ${b.seed}`).not.toBe(0);
    }
  });

  it("reports a small copy as the same picture but too small, and accepts it when that size is all that is asked", async () => {
    const { graph, fingerprint } = rendered[0]!;
    const small = await fingerprintImage(await sharp(graph).resize(96, 96).jpeg({ quality: 80 }).toBuffer());
    const result = compare(fingerprint, small);
    expect(result).toMatchObject({ same: false, samePicture: true, sizeOk: false, verdict: "too-small" });
    expect(result.reason).toBe("too small: 96 px where 648 px was asked (same picture, 96x96)");
    expect(compare(fingerprint, small, { minEdge: 96 })).toMatchObject({ same: true, verdict: "same" });
    expect(compare(fingerprint, await fingerprintImage(graph))).toMatchObject({ same: true, verdict: "same", reason: "same picture" });
  });

  it("says different for different people, pairwise", async () => {
    let closestHash = 64;
    for (const [i, a] of rendered.entries()) {
      for (const b of rendered.slice(i + 1)) {
        const result = compare(a.fingerprint, b.fingerprint);
        expect(result.verdict, `${a.seed} vs ${b.seed}`).toBe("different");
        closestHash = Math.min(closestHash, result.distances.hash);
      }
    }
    // Synthetic portraits share one layout, so some pairs are close in the (greyscale) hash:
    // for those the colour signature decides. The same is true of real head-and-shoulder photos.
    expect(closestHash).toBeLessThan(HASH_DISTANCE_MAX * 2);
  });

  it("says different for the same portrait with its background recoloured, even as a small re-encoded copy", async () => {
    for (const photo of PHOTOS.slice(0, 4)) {
      const expected = rendered.find((r) => r.seed === photo.seed)!.fingerprint;
      for (const backdrop of ["#3366cc", "#e0e0e0", "#f5cfe8"]) {
        const svg = recolouredSvg(photo.seed, photo.width, photo.height, backdrop);
        const graph = await renderGraph(await sharp(Buffer.from(svg)).png().toBuffer(), photo.render);
        for (const bytes of [graph, await sharp(graph).resize(96, 96).jpeg({ quality: 60 }).toBuffer()]) {
          const result = compare(expected, await fingerprintImage(bytes), { minEdge: 1 });
          expect(result.verdict, `${photo.seed} on ${backdrop}`).toBe("different");
        }
      }
    }
  });

  // Mirroring is checked on the corpus (test/corpus/differ.corpus.test.ts), on photographs and
  // half-body portraits: these synthetic faces are drawn symmetric, so a mirrored one is the same
  // face moved sideways, which the motion fit rightly follows.

  it("says different when the shape differs", async () => {
    const { graph, fingerprint } = rendered[0]!;
    const stretched = await fingerprintImage(await sharp(graph).resize(648, 400, { fit: "fill" }).jpeg().toBuffer());
    expect(compare(fingerprint, stretched).reason).toMatch(/^a different shape \(648x400 where 648x648 was expected\)$/);
  });

  it("fingerprints survive JSON (they are cached and stored in plans)", () => {
    const { fingerprint } = rendered[1]!;
    const copy: unknown = JSON.parse(JSON.stringify(fingerprint));
    expect(isFingerprint(copy)).toBe(true);
    expect(copy).toEqual(fingerprint);
    expect(compare(fingerprint, copy as Fingerprint).distances).toEqual({ hash: 0, colour: 0, pixels: 0, tone: 0, structure: 0, lost: 0, fine: 1, texture: 1, moved: 0, blocks: 1 });
    expect(isFingerprint({ ...fingerprint, hash: "xyz" })).toBe(false);
    expect(isFingerprint({ ...fingerprint, concentration: "2" })).toBe(false);
    expect(isFingerprint({ ...fingerprint, concentration: undefined })).toBe(false);
    expect(isFingerprint({ ...fingerprint, version: 99 })).toBe(false);
  });
});

describe("compare: near-flat images", () => {
  /** A 648 px gradient of `amplitude` levels from left to right around a mid grey-blue. */
  async function gradient(amplitude: number, reverse = false): Promise<Buffer> {
    const n = 648;
    const data = Buffer.alloc(n * n * 3);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const t = (reverse ? n - 1 - x : x) / (n - 1);
        [120, 140, 160].forEach((base, c) => (data[(y * n + x) * 3 + c] = Math.round(base - amplitude / 2 + amplitude * t)));
      }
    }
    return sharp(data, { raw: { width: n, height: n, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  }
  const copiesOf = async (bytes: Buffer) =>
    Promise.all(
      [48, 96, 240, 648].flatMap((size) => [50, 95].map((quality) => sharp(bytes).resize(size, size).jpeg({ quality }).toBuffer())),
    );

  it("solid colours and faint gradients match their own copies, compared by pixels, though their hashes are noise", async () => {
    let noisiestHash = 0;
    for (const bytes of [
      await solid(648, 648, [128, 128, 128]).jpeg().toBuffer(),
      await solid(648, 648, [250, 250, 250]).jpeg().toBuffer(),
      await gradient(12),
      await gradient(60),
    ]) {
      const expected = await fingerprintImage(bytes);
      expect(expected.detail).toBeLessThan(FLAT_DETAIL_MIN);
      for (const copy of await copiesOf(bytes)) {
        const result = compare(expected, await fingerprintImage(copy), { minEdge: 1 });
        expect(result.method).toBe("pixels");
        expect(result.samePicture, result.reason).toBe(true);
        expect(result.distances.pixels).toBeLessThan(PIXEL_DELTA_E_MAX / 2);
        noisiestHash = Math.max(noisiestHash, result.distances.hash);
      }
    }
    // Why the guard exists: the hash alone would have called some of these copies different.
    expect(noisiestHash).toBeGreaterThan(HASH_DISTANCE_MAX);
  });

  it("tells near-flat images apart when a person would", async () => {
    const fp = async (bytes: Buffer | Promise<Buffer>) => fingerprintImage(await bytes);
    const grey = await fp(solid(648, 648, [128, 128, 128]).jpeg().toBuffer());
    const cases: Array<[string, Fingerprint]> = [
      ["a much lighter grey", await fp(solid(648, 648, [200, 200, 200]).jpeg().toBuffer())],
      ["a blue", await fp(solid(648, 648, [40, 60, 200]).jpeg().toBuffer())],
      ["a gradient", await fp(gradient(60))],
      ["a portrait", await fp(sharp(Buffer.from(portraitSvg({ seed: "ada", width: 648, height: 648 }))).jpeg().toBuffer())],
    ];
    for (const [label, other] of cases) expect(compare(grey, other).verdict, label).toBe("different");
    // A flat picture a little lighter (128 to 150: 22 levels, as much as gamma 0.8 moves a mid-grey)
    // cannot be told from a service's tone shift of it: it is the same picture, its tone shift reported.
    const lighter = compare(grey, await fp(solid(648, 648, [150, 150, 150]).jpeg().toBuffer()));
    expect(lighter.verdict).toBe("same");
    expect(lighter.distances.tone).toBeGreaterThan(20);
    expect(lighter.distances.tone).toBeLessThanOrEqual(TONE_SHIFT_MAX);
    // A visible gradient reversed is a different picture; the hash could not have told.
    expect(compare(await fp(gradient(60)), await fp(gradient(60, true))).verdict).toBe("different");
  });
});

describe("compare: low-detail photos", () => {
  // Grainy, low-contrast portraits from the bench's data set (bench/dataset.ts), with hash detail above
  // FLAT_DETAIL_MIN but low (under 40); 8266 is the one whose own render differed from its source's
  // fingerprint by 16 hash bits at colour ΔE 0.4. (Below FLAT_DETAIL_MIN only pixels count, and a
  // mirrored symmetric face is the same picture there: see "near-flat images".)
  const seeds = ["bench-person-8266", "bench-person-1808", "bench-person-7490", "bench-person-1017"];
  const photos: Array<{ seed: string; graph: Buffer; fingerprint: Fingerprint }> = [];

  beforeAll(async () => {
    for (const seed of seeds) {
      const graph = await renderGraph(await sourcePhoto(seed), settings({ crop: "attention" }));
      photos.push({ seed, graph, fingerprint: await fingerprintImage(graph) });
    }
  });

  it("match every copy the services might hand back, though their hashes alone would not", async () => {
    let noisiestHash = 0;
    for (const { seed, graph, fingerprint } of photos) {
      expect(fingerprint.detail, seed).toBeGreaterThanOrEqual(FLAT_DETAIL_MIN);
      expect(fingerprint.detail, seed).toBeLessThan(40);
      for (const copy of await serviceCopies(graph)) {
        const result = compare(fingerprint, await fingerprintImage(copy.bytes), { minEdge: 1 });
        expect(result.samePicture, `${seed} ${copy.label}: ${result.reason}`).toBe(true);
        if (result.distances.hash > HASH_DISTANCE_MAX) {
          // Past the hash limit, only the structure check's vouching makes it the same picture.
          expect(result.distances.hash, `${seed} ${copy.label}`).toBeLessThanOrEqual(HASH_DISTANCE_VOUCHED_MAX);
          expect(result.distances.structure, `${seed} ${copy.label}`).toBeLessThanOrEqual(STRUCTURE_VOUCH_MAX);
        }
        noisiestHash = Math.max(noisiestHash, result.distances.hash);
      }
    }
    expect(noisiestHash).toBeGreaterThan(HASH_DISTANCE_MAX);
  });

  it("still tell different people and mirrored photos apart", async () => {
    for (const [i, a] of photos.entries()) {
      for (const b of photos.slice(i + 1)) expect(compare(a.fingerprint, b.fingerprint).verdict, `${a.seed} vs ${b.seed}`).toBe("different");
      const mirrored = await fingerprintImage(await sharp(a.graph).flop().jpeg({ quality: 90 }).toBuffer());
      expect(compare(a.fingerprint, mirrored).verdict, `${a.seed} mirrored`).toBe("different");
    }
  });
});
