/**
 * How visible a change is to a person, measured on the two served images themselves: the mean
 * structural similarity (SSIM, Wang et al. 2004) of their luma over 8×8 windows. 1 is identical;
 * the corpus asks photosync to find an edit where the served pair's SSIM is below VISIBLE_SSIM.
 */
import sharp from "sharp";

/** Below this mean SSIM a served edit is a change a reviewer sees at that size. */
export const VISIBLE_SSIM = 0.8;

/**
 * Whether a reviewer sees the difference between two served images, and sees it at the resolution
 * a plan compares at: photosync predicts the fingerprint it expects from a 96 px analysis of the
 * source (src/images/analysis.ts, ANALYSIS_EDGE), so a change that shows only above 96 px (fine
 * grain smoothed away) is beyond what a plan can see. Both are reported.
 */
export async function visibility(original: Buffer, edited: Buffer, analysisEdge: number): Promise<"visible" | "only-above-analysis" | "invisible"> {
  if ((await ssim(original, edited)) >= VISIBLE_SSIM) return "invisible";
  const shrink = (bytes: Buffer) => sharp(bytes).resize(analysisEdge, analysisEdge).png().toBuffer();
  return (await ssim(await shrink(original), await shrink(edited))) < VISIBLE_SSIM ? "visible" : "only-above-analysis";
}

async function luma(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export async function ssim(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([luma(a), luma(b)]);
  if (x.width !== y.width || x.height !== y.height) throw new Error("ssim needs images of one size");
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const window = 8;
  const step = 4;
  let total = 0;
  let count = 0;
  for (let top = 0; top + window <= x.height; top += step) {
    for (let left = 0; left + window <= x.width; left += step) {
      let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let dy = 0; dy < window; dy++) {
        for (let dx = 0; dx < window; dx++) {
          const i = (top + dy) * x.width + left + dx;
          const p = x.data[i]!;
          const q = y.data[i]!;
          sx += p; sy += q; sxx += p * p; syy += q * q; sxy += p * q;
        }
      }
      const n = window * window;
      const mx = sx / n, my = sy / n;
      const vx = sxx / n - mx * mx, vy = syy / n - my * my, cov = sxy / n - mx * my;
      total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count++;
    }
  }
  return total / count;
}
