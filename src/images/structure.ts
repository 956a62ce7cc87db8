/**
 * How the actual image's luma grid differs from the expected one once everything a service may do
 * to a whole photo is allowed for: a tone curve (gamma, squeezed levels, a brightness shift) and a
 * small affine motion (a 1–2 px crop or shift, a slightly different scale). What is left over is
 * what a person would call "part of the picture changed": a covered face, a pasted patch, a
 * smeared area; and, cell by cell, the fine detail a blurred or pixelated copy lost. Pure; works on
 * square grids of 0..255 luma (the fingerprint's LUMA_GRID).
 *
 * The model, per cell i at centred position (x, y) with expected luma e and gradients Gx, Gy:
 *   actual ≈ tone(e) + (m0 + m1·x + m2·y)·Gx + (m3 + m4·x + m5·y)·Gy
 * where tone is piecewise linear between KNOTS,
 * fitted by iteratively reweighted least squares (Huber), so that a local change does not bend
 * the tone curve or the motion to hide itself. Ridge terms pull the fit towards "no change", which
 * decides it when the grid has no contrast or no edges to fit on.
 */

/** Luma levels beyond which a cell's residual is down-weighted (Huber's k). */
const HUBER_K = 6;
const ITERATIONS = 5;
/** Pull of the tone curve towards the identity, and of the motion towards none (cells). */
const TONE_RIDGE = 0.5;
const TONE_BEND = 20;
const MOTION_RIDGE = 40;
/** Knots of the piecewise-linear tone curve (luma levels): enough to follow gamma, squeezed levels and clipped highlights. */
const KNOTS = [0, 51, 102, 153, 204, 255] as const;
const TONE_PARAMETERS = KNOTS.length;
const PARAMETERS = TONE_PARAMETERS + 6;
/** Motion terms of one row of the design matrix (besides its two tone knots): (1, x, y)·Gx and (1, x, y)·Gy. */
const MOTION_TERMS = 6;
/** A local change is looked for in blocks of this many cells a side (an eighth of the picture's edge on a 32-cell grid). */
export const LOCAL_BLOCK = 4;

export interface StructureFit {
  /** The fitted tone curve: what the expected luma v (0..255) became. */
  tone(v: number): number;
  /** The whole-picture shift found (cells), and our grid moved by it. */
  shift: { dx: number; dy: number };
  shifted: Float64Array;
  /** Where the actual grid shows what the expected one has at (x, y), in cells: the fitted motion. */
  motion(x: number, y: number): { dx: number; dy: number };
  /** Largest displacement of the fitted motion anywhere on the grid (cells). */
  moved: number;
  /** Largest |tone(v) − v| over the expected grid's luma range (levels). */
  toneShift: number;
  /** Largest mean residual of any LOCAL_BLOCK x LOCAL_BLOCK block of cells (levels): a local change. */
  local: number;
  /** Root mean square residual over the grid (levels). */
  rms: number;
  /** The same with our unsmoothed grid moved as the fitted motion says (bilinear): for a copy that was moved. */
  rmsMoved: number;
}

function solve(matrix: Float64Array, vector: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const b = Float64Array.from(vector);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = row;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
      [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    }
    const diagonal = a[col * n + col]!;
    for (let row = col + 1; row < n; row++) {
      const factor = a[row * n + col]! / diagonal;
      if (factor === 0) continue;
      for (let k = col; k < n; k++) a[row * n + k] = a[row * n + k]! - factor * a[col * n + k]!;
      b[row] = b[row]! - factor * b[col]!;
    }
  }
  const x = new Float64Array(n);
  for (let row = n - 1; row >= 0; row--) {
    let sum = b[row]!;
    for (let k = row + 1; k < n; k++) sum -= a[row * n + k]! * x[k]!;
    x[row] = sum / a[row * n + row]!;
  }
  return x;
}

/** Where a luma value sits on the tone curve: its knot segment (the knot below it). */
function toneKnot(v: number): number {
  const clamped = Math.min(255, Math.max(0, v));
  let k = 0;
  while (k < TONE_PARAMETERS - 2 && clamped > KNOTS[k + 1]!) k++;
  return k;
}

/** How far along its knot segment k a luma value sits (0..1). */
function toneAlong(v: number, k: number): number {
  return (Math.min(255, Math.max(0, v)) - KNOTS[k]!) / (KNOTS[k + 1]! - KNOTS[k]!);
}

/** The grid convolved with [1 2 1]/4 along both axes, edges repeated. */
function smooth(grid: ArrayLike<number>, edge: number): Float64Array {
  const across = new Float64Array(edge * edge);
  for (let y = 0; y < edge; y++) {
    for (let x = 0; x < edge; x++) {
      const left = grid[y * edge + Math.max(0, x - 1)]!;
      const right = grid[y * edge + Math.min(edge - 1, x + 1)]!;
      across[y * edge + x] = (left + 2 * grid[y * edge + x]! + right) / 4;
    }
  }
  const out = new Float64Array(edge * edge);
  for (let y = 0; y < edge; y++) {
    for (let x = 0; x < edge; x++) {
      const up = across[Math.max(0, y - 1) * edge + x]!;
      const down = across[Math.min(edge - 1, y + 1) * edge + x]!;
      out[y * edge + x] = (up + 2 * across[y * edge + x]! + down) / 4;
    }
  }
  return out;
}

/** Bilinear sample of a square grid at (x, y), clamped at its edges. */
export function sampleAt(grid: ArrayLike<number>, edge: number, x: number, y: number): number {
  const cx = Math.min(edge - 1, Math.max(0, x));
  const cy = Math.min(edge - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(edge - 1, x0 + 1);
  const y1 = Math.min(edge - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = grid[y0 * edge + x0]! * (1 - fx) + grid[y0 * edge + x1]! * fx;
  const bottom = grid[y1 * edge + x0]! * (1 - fx) + grid[y1 * edge + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/** A grid's 2×2 means: the search for a shift runs on a quarter of the cells. */
function halved(grid: ArrayLike<number>, edge: number): Float64Array {
  const half = edge / 2;
  const out = new Float64Array(half * half);
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      const i = 2 * y * edge + 2 * x;
      out[y * half + x] = (grid[i]! + grid[i + 1]! + grid[i + edge]! + grid[i + edge + 1]!) / 4;
    }
  }
  return out;
}

/** Largest whole-picture shift looked for, in cells of the full grid: a 2 px crop of a 48 px thumbnail is 1.33 cells. More would line up a mirrored face with itself. */
const SHIFT_MAX = 1.5;
// Half cells, on the smoothed grids; the fit's motion terms take the rest.
const SHIFT_STEP = 0.5;
/** A shift is taken only when it leaves at most this share of the unshifted misfit. */
const SHIFT_GAIN = 0.6;

/**
 * The shift of the whole picture (in full-grid cells) that best lines the two grids up, allowing
 * any gain and offset: a 1–2 px crop or shift of a small thumbnail moves it by more than the
 * linearised motion of the fit can follow. Searched on the halved grids, ignoring a border as wide
 * as the largest shift, where a shift brings in what neither grid holds.
 */
function bestShift(expected: ArrayLike<number>, actual: ArrayLike<number>, edge: number): { dx: number; dy: number } {
  const half = edge / 2;
  const e = halved(expected, edge);
  const a = halved(actual, edge);
  const border = Math.ceil(SHIFT_MAX / 2);
  let best = { dx: 0, dy: 0, error: Infinity };
  let unshifted = Infinity;
  for (let dy = -SHIFT_MAX; dy <= SHIFT_MAX; dy += SHIFT_STEP) {
    for (let dx = -SHIFT_MAX; dx <= SHIFT_MAX; dx += SHIFT_STEP) {
      let n = 0;
      let se = 0;
      let sa = 0;
      let see = 0;
      let saa = 0;
      let sea = 0;
      // sampleAt(e, half, x + dx / 2, y + dy / 2), written out: inside the border no sample needs
      // clamping, and the bilinear weights are the same for every cell of one shift.
      const ox = Math.floor(dx / 2);
      const oy = Math.floor(dy / 2);
      const fx = dx / 2 - ox;
      const fy = dy / 2 - oy;
      for (let y = border; y < half - border; y++) {
        const row0 = (y + oy) * half + ox;
        const row1 = row0 + half;
        for (let x = border; x < half - border; x++) {
          const top = e[row0 + x]! * (1 - fx) + e[row0 + x + 1]! * fx;
          const bottom = e[row1 + x]! * (1 - fx) + e[row1 + x + 1]! * fx;
          const ev = top * (1 - fy) + bottom * fy;
          const av = a[y * half + x]!;
          n++;
          se += ev;
          sa += av;
          see += ev * ev;
          saa += av * av;
          sea += ev * av;
        }
      }
      // Residual of the best gain/offset fit of a on e: Saa − Sea² / See (centred sums).
      const cee = see - (se * se) / n;
      const caa = saa - (sa * sa) / n;
      const cea = sea - (se * sa) / n;
      const error = cee > 1e-9 ? caa - (cea * cea) / cee : caa;
      if (dx === 0 && dy === 0) unshifted = error;
      if (error < best.error - 1e-9) best = { dx, dy, error };
    }
  }
  // A shift must earn its place: re-encoding noise on a smooth or plain picture lets some shift fit
  // a little better by chance, while a picture that was moved fits far better moved back.
  return best.error < SHIFT_GAIN * unshifted ? { dx: best.dx, dy: best.dy } : { dx: 0, dy: 0 };
}

/** A knot's second difference: the taps of the tone-bend penalty, as (offset, weight). */
const BEND_TAPS: ReadonlyArray<readonly [number, number]> = [
  [-1, 1],
  [0, -2],
  [1, 1],
];

/**
 * The fit's design matrix, one row per cell, kept sparse: the cell's tone segment `knot` with its
 * two weights (1 − t, t) on knots knot and knot + 1, and its MOTION_TERMS motion terms.
 */
interface Design {
  knot: Int32Array;
  along: Float64Array;
  motion: Float64Array;
}

/**
 * The weighted normal equations (AᵀWA, AᵀWb) of the design. Written out for its structure (two
 * tone columns a row, motion columns in every row; the motion block is summed in locals) because
 * this loop is most of a comparison's cost, and a plan compares every photo of every store.
 */
function normalEquations(design: Design, weights: Float64Array, actual: Float64Array): { normal: Float64Array; right: Float64Array } {
  const n = PARAMETERS;
  const m = TONE_PARAMETERS;
  const normal = new Float64Array(n * n);
  const right = new Float64Array(n);
  // Tone knot × motion term, per knot.
  const toneMotion = new Float64Array(TONE_PARAMETERS * MOTION_TERMS);
  let m00 = 0, m01 = 0, m02 = 0, m03 = 0, m04 = 0, m05 = 0;
  let m11 = 0, m12 = 0, m13 = 0, m14 = 0, m15 = 0;
  let m22 = 0, m23 = 0, m24 = 0, m25 = 0;
  let m33 = 0, m34 = 0, m35 = 0;
  let m44 = 0, m45 = 0;
  let m55 = 0;
  let r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0;
  const { knot, along, motion } = design;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    const target = actual[i]!;
    const k = knot[i]!;
    const t = along[i]!;
    const wu = w * (1 - t);
    const wt = w * t;
    normal[k * n + k] = normal[k * n + k]! + wu * (1 - t);
    normal[k * n + k + 1] = normal[k * n + k + 1]! + wu * t;
    normal[(k + 1) * n + k + 1] = normal[(k + 1) * n + k + 1]! + wt * t;
    right[k] = right[k]! + wu * target;
    right[k + 1] = right[k + 1]! + wt * target;
    const base = i * MOTION_TERMS;
    const g0 = motion[base]!, g1 = motion[base + 1]!, g2 = motion[base + 2]!, g3 = motion[base + 3]!, g4 = motion[base + 4]!, g5 = motion[base + 5]!;
    const lower = k * MOTION_TERMS;
    const upper = lower + MOTION_TERMS;
    toneMotion[lower] = toneMotion[lower]! + wu * g0;
    toneMotion[lower + 1] = toneMotion[lower + 1]! + wu * g1;
    toneMotion[lower + 2] = toneMotion[lower + 2]! + wu * g2;
    toneMotion[lower + 3] = toneMotion[lower + 3]! + wu * g3;
    toneMotion[lower + 4] = toneMotion[lower + 4]! + wu * g4;
    toneMotion[lower + 5] = toneMotion[lower + 5]! + wu * g5;
    toneMotion[upper] = toneMotion[upper]! + wt * g0;
    toneMotion[upper + 1] = toneMotion[upper + 1]! + wt * g1;
    toneMotion[upper + 2] = toneMotion[upper + 2]! + wt * g2;
    toneMotion[upper + 3] = toneMotion[upper + 3]! + wt * g3;
    toneMotion[upper + 4] = toneMotion[upper + 4]! + wt * g4;
    toneMotion[upper + 5] = toneMotion[upper + 5]! + wt * g5;
    const w0 = w * g0, w1 = w * g1, w2 = w * g2, w3 = w * g3, w4 = w * g4, w5 = w * g5;
    m00 += w0 * g0; m01 += w0 * g1; m02 += w0 * g2; m03 += w0 * g3; m04 += w0 * g4; m05 += w0 * g5;
    m11 += w1 * g1; m12 += w1 * g2; m13 += w1 * g3; m14 += w1 * g4; m15 += w1 * g5;
    m22 += w2 * g2; m23 += w2 * g3; m24 += w2 * g4; m25 += w2 * g5;
    m33 += w3 * g3; m34 += w3 * g4; m35 += w3 * g5;
    m44 += w4 * g4; m45 += w4 * g5;
    m55 += w5 * g5;
    r0 += w0 * target; r1 += w1 * target; r2 += w2 * target; r3 += w3 * target; r4 += w4 * target; r5 += w5 * target;
  }
  const motionBlock = [
    [m00, m01, m02, m03, m04, m05],
    [m01, m11, m12, m13, m14, m15],
    [m02, m12, m22, m23, m24, m25],
    [m03, m13, m23, m33, m34, m35],
    [m04, m14, m24, m34, m44, m45],
    [m05, m15, m25, m35, m45, m55],
  ];
  const motionRight = [r0, r1, r2, r3, r4, r5];
  for (let a = 0; a < MOTION_TERMS; a++) {
    right[m + a] = motionRight[a]!;
    for (let b = 0; b < MOTION_TERMS; b++) normal[(m + a) * n + m + b] = motionBlock[a]![b]!;
    for (let k = 0; k < TONE_PARAMETERS; k++) {
      normal[k * n + m + a] = toneMotion[k * MOTION_TERMS + a]!;
      normal[(m + a) * n + k] = toneMotion[k * MOTION_TERMS + a]!;
    }
  }
  // The tone block was summed into its upper triangle.
  for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) normal[j * n + k] = normal[k * n + j]!;
  return { normal, right };
}

/** What the design predicts for cell i with parameters p. */
function predict(design: Design, p: Float64Array, i: number): number {
  const k = design.knot[i]!;
  const t = design.along[i]!;
  const base = i * MOTION_TERMS;
  const g = design.motion;
  const m = TONE_PARAMETERS;
  return (
    p[k]! * (1 - t) +
    p[k + 1]! * t +
    g[base]! * p[m]! +
    g[base + 1]! * p[m + 1]! +
    g[base + 2]! * p[m + 2]! +
    g[base + 3]! * p[m + 3]! +
    g[base + 4]! * p[m + 4]! +
    g[base + 5]! * p[m + 5]!
  );
}

/** The largest |mean| of any LOCAL_BLOCK x LOCAL_BLOCK window (overlapping) of a residual grid. */
function largestBlockMean(residual: Float64Array, edge: number): number {
  // Block sums from a summed-area table.
  const table = new Float64Array((edge + 1) * (edge + 1));
  for (let y = 0; y < edge; y++) {
    for (let x = 0; x < edge; x++) {
      table[(y + 1) * (edge + 1) + x + 1] = residual[y * edge + x]! + table[y * (edge + 1) + x + 1]! + table[(y + 1) * (edge + 1) + x]! - table[y * (edge + 1) + x]!;
    }
  }
  let local = 0;
  const block = Math.min(LOCAL_BLOCK, edge);
  for (let y = 0; y + block <= edge; y++) {
    for (let x = 0; x + block <= edge; x++) {
      const sum = table[(y + block) * (edge + 1) + x + block]! - table[y * (edge + 1) + x + block]! - table[(y + block) * (edge + 1) + x]! + table[y * (edge + 1) + x]!;
      local = Math.max(local, Math.abs(sum) / (block * block));
    }
  }
  return local;
}

/**
 * The "fit" of no change at all: identity tone, no shift, no motion, measured the way fitStructure
 * measures. Most copies a plan reads are this close to ours; when they are, fitting them changes
 * nothing a decision rests on (compare.ts, measure), and it costs a tenth as much.
 */
export function unfitted(expectedGrid: Uint8Array, actual: Uint8Array, edge: number): StructureFit {
  const cells = edge * edge;
  if (expectedGrid.length !== cells || actual.length !== cells) throw new Error(`luma grids must be ${edge}x${edge}`);
  const smoothExpected = smooth(expectedGrid, edge);
  const smoothActual = smooth(actual, edge);
  const residual = new Float64Array(cells);
  let squares = 0;
  for (let i = 0; i < cells; i++) {
    residual[i] = smoothActual[i]! - smoothExpected[i]!;
    squares += (actual[i]! - expectedGrid[i]!) ** 2;
  }
  const rms = Math.sqrt(squares / cells);
  return {
    tone: (v) => v,
    shift: { dx: 0, dy: 0 },
    shifted: Float64Array.from(expectedGrid),
    motion: () => ({ dx: 0, dy: 0 }),
    moved: 0,
    toneShift: 0,
    local: largestBlockMean(residual, edge),
    rms,
    rmsMoved: rms,
  };
}

/** Fits actual ≈ model(expected) and measures what is left. Both grids are edge x edge luma. */
export function fitStructure(expectedGrid: Uint8Array, actual: Uint8Array, edge: number): StructureFit {
  const cells = edge * edge;
  if (expectedGrid.length !== cells || actual.length !== cells) throw new Error(`luma grids must be ${edge}x${edge}`);
  // The fit runs on both grids lightly smoothed: a local change spans blocks of cells and survives,
  // while a sub-cell shift of fine detail, which the linearised motion cannot follow, mostly does not.
  const smoothExpected = smooth(expectedGrid, edge);
  const smoothActual = smooth(actual, edge);
  const shift = bestShift(smoothExpected, smoothActual, edge);
  const expected = new Float64Array(cells);
  const shiftedRaw = new Float64Array(cells);
  for (let y = 0; y < edge; y++) {
    for (let x = 0; x < edge; x++) {
      expected[y * edge + x] = sampleAt(smoothExpected, edge, x + shift.dx, y + shift.dy);
      shiftedRaw[y * edge + x] = sampleAt(expectedGrid, edge, x + shift.dx, y + shift.dy);
    }
  }
  const at = (x: number, y: number): number => expected[Math.min(edge - 1, Math.max(0, y)) * edge + Math.min(edge - 1, Math.max(0, x))]!;
  const design: Design = { knot: new Int32Array(cells), along: new Float64Array(cells), motion: new Float64Array(cells * MOTION_TERMS) };
  const half = (edge - 1) / 2;
  for (let y = 0; y < edge; y++) {
    for (let x = 0; x < edge; x++) {
      const i = y * edge + x;
      const gx = (at(x + 1, y) - at(x - 1, y)) / 2;
      const gy = (at(x, y + 1) - at(x, y - 1)) / 2;
      const cx = (x - half) / half;
      const cy = (y - half) / half;
      const k = toneKnot(expected[i]!);
      design.knot[i] = k;
      design.along[i] = toneAlong(expected[i]!, k);
      const base = i * MOTION_TERMS;
      design.motion[base] = gx;
      design.motion[base + 1] = gx * cx;
      design.motion[base + 2] = gx * cy;
      design.motion[base + 3] = gy;
      design.motion[base + 4] = gy * cx;
      design.motion[base + 5] = gy * cy;
    }
  }
  // The identity tone curve and no motion.
  const prior = Float64Array.from([...KNOTS, 0, 0, 0, 0, 0, 0]);
  const ridge = Float64Array.from([...KNOTS.map(() => TONE_RIDGE), ...Array.from({ length: 6 }, () => MOTION_RIDGE)]);
  const weights = new Float64Array(cells).fill(1);
  const residual = new Float64Array(cells);
  let params: Float64Array = prior;
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const { normal, right } = normalEquations(design, weights, smoothActual);
    for (let j = 0; j < PARAMETERS; j++) {
      normal[j * PARAMETERS + j] = normal[j * PARAMETERS + j]! + ridge[j]!;
      right[j] = right[j]! + ridge[j]! * prior[j]!;
    }
    // The tone curve bends only where the data make it: a penalty on each knot's second difference
    // carries the curve on straight beyond the grid's luma range, where a channel of a saturated
    // colour may still lie (a red at 230 in a picture whose luma stops at 150).
    for (let k = 1; k + 1 < TONE_PARAMETERS; k++) {
      for (const [a, wa] of BEND_TAPS) for (const [b, wb] of BEND_TAPS) normal[(k + a) * PARAMETERS + k + b] = normal[(k + a) * PARAMETERS + k + b]! + TONE_BEND * wa * wb;
    }
    params = solve(normal, right, PARAMETERS);
    let reweighted = false;
    for (let i = 0; i < cells; i++) {
      residual[i] = smoothActual[i]! - predict(design, params, i);
      const size = Math.abs(residual[i]!);
      const weight = size <= HUBER_K ? 1 : HUBER_K / size;
      if (weight !== weights[i]) reweighted = true;
      weights[i] = weight;
    }
    // Unchanged weights would solve to the same parameters again: the fit has converged (a copy
    // with no cell off by more than HUBER_K, the common case, converges after one solve).
    if (!reweighted) break;
  }
  const knotValues = params.slice(0, TONE_PARAMETERS);
  const [m0, m1, m2, m3, m4, m5] = params.slice(TONE_PARAMETERS) as unknown as [number, number, number, number, number, number];
  // actual(x) ≈ expected(x) + d·∇expected(x) is expected(x + d) to first order.
  const motion = (x: number, y: number) => {
    const cx = (x - half) / half;
    const cy = (y - half) / half;
    return { dx: shift.dx + m0 + m1 * cx + m2 * cy, dy: shift.dy + m3 + m4 * cx + m5 * cy };
  };
  const tone = (v: number): number => {
    // toneKnot and toneAlong, written out: this runs for every cell, twice.
    const clamped = Math.min(255, Math.max(0, v));
    let k = 0;
    while (k < TONE_PARAMETERS - 2 && clamped > KNOTS[k + 1]!) k++;
    const t = (clamped - KNOTS[k]!) / (KNOTS[k + 1]! - KNOTS[k]!);
    return knotValues[k]! * (1 - t) + knotValues[k + 1]! * t;
  };
  let low = 255;
  let high = 0;
  for (const v of expectedGrid) {
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  let toneShift = 0;
  for (let step = 0; step <= 16; step++) {
    const v = low + ((high - low) * step) / 16;
    toneShift = Math.max(toneShift, Math.abs(tone(v) - v));
  }
  const local = largestBlockMean(residual, edge);
  // The detail measure compares the unsmoothed grids, tone only: it is meant for copies that line up.
  let squares = 0;
  for (let i = 0; i < cells; i++) squares += (actual[i]! - tone(shiftedRaw[i]!)) ** 2;
  let moved = 0;
  for (const [x, y] of [[0, 0], [edge - 1, 0], [0, edge - 1], [edge - 1, edge - 1]] as const) {
    const { dx, dy } = motion(x, y);
    moved = Math.max(moved, Math.hypot(dx, dy));
  }
  let squaresMoved = 0;
  for (let y = 0; y < edge; y++) {
    for (let x = 0; x < edge; x++) {
      // motion(x, y), written out: this loop runs over every cell.
      const cx = (x - half) / half;
      const cy = (y - half) / half;
      const dx = shift.dx + m0 + m1 * cx + m2 * cy;
      const dy = shift.dy + m3 + m4 * cx + m5 * cy;
      squaresMoved += (actual[y * edge + x]! - tone(sampleAt(expectedGrid, edge, x + dx, y + dy))) ** 2;
    }
  }
  return { moved, shift, shifted: shiftedRaw, tone, motion, toneShift, local, rms: Math.sqrt(squares / cells), rmsMoved: Math.sqrt(squaresMoved / cells) };
}
