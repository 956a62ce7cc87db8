/**
 * The review sheet's colours and border styles, shared by its PNG pages and its HTML page so that
 * both look alike. Every text colour has a contrast of at least 4.5:1 (WCAG AA) on the backgrounds
 * it is drawn on (white, EMPTY); the browser test checks the HTML page's. Pure.
 */
import type { Action } from "../model/plan.js";

export const COLOURS = {
  text: "#1b1b1b",
  muted: "#474747",
  /** The frame of every tile. */
  tileFrame: "#595959",
  /** Around a picture that is not square. */
  letterbox: "#e4e4e4",
  /** A tile without a picture. */
  empty: "#f4f4f4",
  /** The stripes of an "unavailable" tile. */
  hatch: "#d2d2d2",
  rule: "#c4c4c4",
} as const;

/** The panel's border per action: its colour (also the action's words), width and style; the style alone tells the actions apart. */
export const BORDER: Record<Action, { colour: string; width: number; style: "solid" | "dashed" | "dotted" }> = {
  create: { colour: "#1a7f37", width: 4, style: "solid" },
  update: { colour: "#0b57d0", width: 4, style: "dashed" },
  delete: { colour: "#b3261e", width: 4, style: "dotted" },
  noop: { colour: "#5e5e5e", width: 1, style: "solid" },
  pending: { colour: "#5e5e5e", width: 2, style: "dotted" },
  skip: { colour: "#5e5e5e", width: 1, style: "solid" },
  unknown: { colour: "#8a4b00", width: 2, style: "dashed" },
};
