/**
 * One person through the pipeline: what the manifest asks for, the analysis of their photo, what
 * the tenant holds, and which stores apply to them. The routes are decided once, from the
 * directory's facts as the Exchange read corrected them, and every later stage reads them from here.
 */
import type { DesiredUser } from "./desired.js";
import type { DesiredImage } from "./plan.js";
import type { LiveUser } from "./observations.js";
import type { StoreRoute } from "./routing.js";

/** The source file the plan analysed: apply renders from it only while it still has this hash. */
export interface AnalysedSource {
  sha256: string;
}

export interface PersonRecord {
  desired: DesiredUser;
  /** The analysis of the desired photo (or "remove"). */
  image: DesiredImage;
  /** The photo file the analysis was made from (absent for "remove"). */
  source?: AnalysedSource;
  /** What was read of the person; its lookup holds the identity as corrected. Absent: not read. */
  live?: LiveUser;
  /** The stores that apply, when the person was found. */
  routes?: readonly StoreRoute[];
}
