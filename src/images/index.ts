/**
 * The image pipeline: normalise a source photo, render every store's variant, fingerprint and
 * compare photos, cache the desired side. Import from here rather than from the modules.
 */
export { renderAll, renderJobs } from "./batch.js";
export type { RenderAllOptions, RenderJob, RenderJobSelection, RenderOutcome } from "./batch.js";
export { RenderCache, cacheKey, defaultCacheDir, emptyStats, renderCached } from "./cache.js";
export type { RenderStats } from "./cache.js";
export {
  ASPECT_TOLERANCE,
  COLOUR_DELTA_E_MAX,
  FLAT_DETAIL_MIN,
  HASH_DISTANCE_MAX,
  LOW_DETAIL_MAX,
  PIXEL_DELTA_E_MAX,
  compare,
} from "./compare.js";
export type { CompareOptions, Comparison, Verdict } from "./compare.js";
export { contactSheet } from "./contact-sheet.js";
export type { SheetEntry, SheetOptions } from "./contact-sheet.js";
export { FINGERPRINT_VERSION, fingerprintImage, isFingerprint } from "./fingerprint.js";
export type { Fingerprint } from "./fingerprint.js";
export { normalise } from "./normalise.js";
export type { NormalisedImage } from "./normalise.js";
export { createProgress } from "./progress.js";
export type { Progress, ProgressStream } from "./progress.js";
export {
  ENCODER_SETTINGS,
  GRAPH_HD_SIZES,
  GRAPH_MAX_BYTES,
  GRAPH_MAX_EDGE,
  PIPELINE_VERSION,
  VARIANT_NAMES,
  largestGraphSizeAtMost,
  libraryVersions,
} from "./settings.js";
export type { VariantName } from "./settings.js";
export { renderVariants } from "./variants.js";
export type { RenderOptions, RenderedPhoto, Variant } from "./variants.js";
