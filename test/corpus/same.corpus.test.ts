/**
 * Zero false drift: every way a service hands our render back, at every size it serves, is the
 * same picture. Prints, per class, the worst value of each distance and its margin to the limit
 * (docs/comparison.md quotes this table; a limit moves only with these numbers).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compare, measureFitted, movedCopy } from "../../src/images/compare.js";
import type { Comparison } from "../../src/images/compare.js";
import { fingerprintImage } from "../../src/images/fingerprint-image.js";
import type { Fingerprint } from "../../src/model/fingerprint.js";
import * as corpus from "./corpus.js";
import { marginTable, recordWorst } from "./margins.js";
import type { Worst } from "./margins.js";

interface Rendered {
  name: string;
  render: Buffer;
  expected: Fingerprint;
}

const rendered: Rendered[] = [];
const worst: Worst = new Map();

beforeAll(async () => {
  const photos = await corpus.photoSources();
  const portraits = await corpus.halfBodyPortraits(photos);
  const sources = [...photos, ...(await corpus.generatedScenes()), ...(await corpus.lowContrastSources(photos)), ...portraits];
  for (const source of sources) rendered.push({ name: source.name, render: await corpus.renderOf(source.bytes), expected: await corpus.expectedOf(source.bytes) });
}, 300_000);

afterAll(() => {
  console.log(`\nSame picture: worst distance per class and size band, and its margin to the limit\n${marginTable(worst)}`);
});

describe("the corpus: a service's copy of our render is the same picture", () => {
  for (const size of corpus.SERVED_SIZES) {
    it(`at ${size} px, in every re-encode class`, async () => {
      const failures: string[] = [];
      for (const { name, render, expected } of rendered) {
        for (const copy of await corpus.servedCopies(render, size)) {
          const actual = await fingerprintImage(copy.bytes);
          // The margins are the fit's: what the limits rest on. A plan skips the fit where a pair
          // passes as it is (compare.ts, plainlySame); that must never change the verdict.
          const result: Comparison = compare(expected, actual, { minEdge: 1, measure: measureFitted });
          const planned = compare(expected, actual, { minEdge: 1 });
          recordWorst(worst, `${copy.kind}${movedCopy(result.distances) ? ", moved" : ""}`, size, Math.min(actual.width, actual.height), result);
          if (!result.samePicture) failures.push(`${name}, ${copy.kind}: ${result.reason}`);
          if (planned.samePicture !== result.samePicture) failures.push(`${name}, ${copy.kind}: as planned "${planned.reason}", fitted "${result.reason}"`);
        }
      }
      expect(failures, `false drift at ${size} px`).toEqual([]);
    }, 600_000);
  }
});
