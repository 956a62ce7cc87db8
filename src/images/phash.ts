/**
 * The 64-bit DCT perceptual hash (pHash): a 32x32 luma rendition goes through a 2-D DCT-II; the
 * 64 lowest-frequency AC coefficients (zig-zag order, DC skipped because it is only the mean
 * brightness) are each compared with their median. Pure: the caller supplies the pixels.
 */

export const PHASH_SIZE = 32;
const BITS = 64;

/** cos((2x+1)uπ/2N) for every frequency u and position x. */
const COSINES: Float64Array = (() => {
  const table = new Float64Array(PHASH_SIZE * PHASH_SIZE);
  for (let u = 0; u < PHASH_SIZE; u++) {
    for (let x = 0; x < PHASH_SIZE; x++) {
      table[u * PHASH_SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIZE));
    }
  }
  return table;
})();

/** (row, column) of the first 64 AC coefficients in JPEG-style zig-zag order. */
const ZIGZAG: ReadonlyArray<readonly [number, number]> = (() => {
  const order: Array<[number, number]> = [];
  for (let sum = 1; order.length < BITS; sum++) {
    for (let i = 0; i <= sum && order.length < BITS; i++) {
      // Alternate the walking direction on each anti-diagonal, as JPEG does.
      order.push(sum % 2 === 0 ? [sum - i, i] : [i, sum - i]);
    }
  }
  return order;
})();

/** Unnormalised 2-D DCT-II of an N x N block (row-major), only the rows/columns the hash needs. */
function lowFrequencyDct(luma: ArrayLike<number>): (row: number, column: number) => number {
  const n = PHASH_SIZE;
  const needed = ZIGZAG.reduce((max, [r, c]) => Math.max(max, r, c), 0) + 1;
  // First along rows: rowPass[y][v] = Σx luma[y][x] cos(v, x).
  const rowPass = new Float64Array(n * needed);
  for (let y = 0; y < n; y++) {
    for (let v = 0; v < needed; v++) {
      let sum = 0;
      for (let x = 0; x < n; x++) sum += (luma[y * n + x] as number) * (COSINES[v * n + x] as number);
      rowPass[y * needed + v] = sum;
    }
  }
  return (u, v) => {
    let sum = 0;
    for (let y = 0; y < n; y++) sum += (rowPass[y * needed + v] as number) * (COSINES[u * n + y] as number);
    return sum;
  };
}

export interface PerceptualHash {
  /** 64 bits as 16 lowercase hex digits. */
  hash: string;
  /**
   * Median distance of the 64 coefficients from their median, in luma levels (orthonormal DCT).
   * Near 0 means most bits sit on the threshold and flip with encoder noise: the image is too
   * flat (or too plain, like a smooth gradient) for the hash to mean anything.
   */
  detail: number;
}

/** pHash of a PHASH_SIZE x PHASH_SIZE luma image (row-major). */
export function perceptualHash(luma: ArrayLike<number>): PerceptualHash {
  if (luma.length !== PHASH_SIZE * PHASH_SIZE) {
    throw new Error(`perceptualHash needs ${PHASH_SIZE}x${PHASH_SIZE} pixels, got ${luma.length}`);
  }
  const coefficient = lowFrequencyDct(luma);
  const values = ZIGZAG.map(([u, v]) => coefficient(u, v));
  const sorted = [...values].sort((a, b) => a - b);
  const median = medianOf(sorted);
  let hex = "";
  for (let nibble = 0; nibble < BITS / 4; nibble++) {
    let bits = 0;
    for (let i = 0; i < 4; i++) bits = (bits << 1) | ((values[nibble * 4 + i] as number) > median ? 1 : 0);
    hex += bits.toString(16);
  }
  // Orthonormal scaling of an AC coefficient of an N x N DCT-II is 2/N.
  const spread = values.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  return { hash: hex, detail: (medianOf(spread) * 2) / PHASH_SIZE };
}

function medianOf(sorted: readonly number[]): number {
  const mid = sorted.length / 2;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Number of differing bits between two hashes of equal length. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new Error("hashes differ in length");
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i] as string, 16) ^ parseInt(b[i] as string, 16);
    while (x) {
      distance += x & 1;
      x >>= 1;
    }
  }
  return distance;
}
