/** Where the square crop of a photo goes. Pure. */
import type { CropMode, FocalPoint } from "../model/desired.js";

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The largest square inside a width x height image centred on the focal point (fractions 0..1 of
 * width/height), pushed back inside the image where the point is too close to an edge.
 */
export function focalSquare(width: number, height: number, focal: FocalPoint): Box {
  const side = Math.min(width, height);
  const clamp = (value: number, max: number): number => Math.min(Math.max(value, 0), max);
  const fraction = (value: number): number => (Number.isFinite(value) ? clamp(value, 1) : 0.5);
  return {
    left: clamp(Math.round(fraction(focal.x) * width - side / 2), width - side),
    top: clamp(Math.round(fraction(focal.y) * height - side / 2), height - side),
    width: side,
    height: side,
  };
}

export function isFocalPoint(crop: CropMode): crop is FocalPoint {
  return typeof crop === "object" && crop !== null;
}

/** A crop mode as text, for warnings and the cache key. */
export function describeCrop(crop: CropMode): string {
  return isFocalPoint(crop) ? `focal point (${crop.x}, ${crop.y})` : crop;
}
