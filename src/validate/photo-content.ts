/**
 * Checks one photo file's content: what it really is (sniffed from its bytes, never trusted from its
 * name), whether it decodes completely within a pixel budget, whether it is big enough, and what
 * the render will have to do to it (crop, flatten, take the first frame). The decode is the
 * analysis plan and apply use (images/analysis.ts), so validate, plan, apply and render accept and
 * refuse exactly the same photos. Photos are untrusted input: every failure is a specific
 * problem, never a crash.
 */
import { fileTypeFromBuffer } from "file-type";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { analyseSource } from "../images/analysis.js";
import type { SourceAnalysis } from "../images/analysis.js";
import { GRAPH_MAX_EDGE } from "../images/graph-sizes.js";
import { MAX_INPUT_PIXELS, MAX_SOURCE_BYTES, SOURCE_FAIL_ON, SOURCE_FORMAT_NAMES } from "../images/settings.js";
import type { Problem } from "../manifest/problems.js";
import type { DesiredUser, PhotoFile, RenderSettings } from "../model/desired.js";

/** Source files larger than this are refused before decoding (a 50 MP JPEG is ~25 MB). */
export const MAX_PHOTO_BYTES = MAX_SOURCE_BYTES;
/** 100 MP: beyond any portrait camera, far below what exhausts memory when decoded. */
export const MAX_PHOTO_PIXELS = MAX_INPUT_PIXELS;

/** The formats photosync renders; everything else is refused. */
export const ACCEPTED_FORMATS: Readonly<Record<string, string>> = {
  "image/jpeg": "JPEG",
  "image/png": "PNG",
  "image/webp": "WebP",
  "image/avif": "AVIF",
  "image/tiff": "TIFF",
  "image/gif": "GIF",
};

const EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  "image/jpeg": [".jpg", ".jpeg", ".jfif"],
  "image/png": [".png"],
  "image/webp": [".webp"],
  "image/avif": [".avif"],
  "image/tiff": [".tif", ".tiff"],
  "image/gif": [".gif"],
};

export interface PhotoFinding {
  severity: "error" | "warning";
  code: string;
  message: string;
}

export interface PhotoFacts {
  format: string;
  width: number;
  height: number;
}

export interface PhotoCheckOptions {
  minSize: number;
  /** The settings the photo is analysed with (the crop and the background of the first user using it). */
  render: RenderSettings;
}

export interface PhotoCheck {
  findings: PhotoFinding[];
  facts?: PhotoFacts;
  /** Present when the photo decoded: what plan compares (see images/analysis.ts). */
  analysis?: SourceAnalysis;
}

function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString("utf8").replace(/^\uFEFF/, "").trimStart().toLowerCase();
  return head.startsWith("<") && head.includes("<svg");
}

/** Names what a refused file is, with what to do about it. */
function refusal(mime: string | undefined, bytes: Buffer): PhotoFinding {
  if (mime === "image/heic" || mime === "image/heif" || mime === "image/heic-sequence" || mime === "image/heif-sequence") {
    return { severity: "error", code: "photo-heic", message: "is a HEIC/HEIF photo, which photosync cannot decode; export it as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible)" };
  }
  if ((!mime || mime === "application/xml") && looksLikeSvg(bytes)) {
    return { severity: "error", code: "photo-svg", message: "is an SVG drawing; SVG can carry scripts and external links and is refused: export it as PNG or JPEG" };
  }
  if (mime === "application/pdf") {
    return { severity: "error", code: "photo-type", message: "is a PDF document, not an image; export the photo as JPEG or PNG" };
  }
  if (mime) {
    return { severity: "error", code: "photo-type", message: `is ${mime}, which is not accepted; use ${SOURCE_FORMAT_NAMES}` };
  }
  return { severity: "error", code: "photo-type", message: `is not an image photosync recognises (its bytes are not ${SOURCE_FORMAT_NAMES})` };
}

/** The size findings of a photo of width x height: refused below minSize, a warning below the largest Graph size. Pure. */
export function sizeFindings(width: number, height: number, minSize: number): PhotoFinding[] {
  const shorter = Math.min(width, height);
  if (shorter < minSize) {
    return [{ severity: "error", code: "photo-too-small", message: `is ${width}×${height} px; photos need at least ${minSize} px on the shorter side (${GRAPH_MAX_EDGE} px or more looks best)` }];
  }
  if (shorter < GRAPH_MAX_EDGE) {
    return [{ severity: "warning", code: "photo-small", message: `is ${width}×${height} px; it will be uploaded at ${shorter}×${shorter} px, never enlarged (${GRAPH_MAX_EDGE} px or more looks best)` }];
  }
  return [];
}

/** Checks the bytes of one photo; `name` (the path as written) is used for the extension check. */
export async function checkPhotoBytes(bytes: Buffer, name: string, options: PhotoCheckOptions): Promise<PhotoCheck> {
  if (bytes.length === 0) return { findings: [{ severity: "error", code: "photo-empty", message: "is an empty file (0 bytes)" }] };
  if (bytes.length > MAX_PHOTO_BYTES) return { findings: [tooLarge(bytes.length)] };
  const findings: PhotoFinding[] = [];
  const type = await fileTypeFromBuffer(bytes);
  const format = type ? ACCEPTED_FORMATS[type.mime] : undefined;
  if (!type || !format) return { findings: [refusal(type?.mime, bytes)] };

  const extension = path.extname(name).toLowerCase();
  if (!EXTENSIONS[type.mime]!.includes(extension)) {
    findings.push({ severity: "warning", code: "photo-extension", message: `is named ${extension || "without an extension"} but is really a ${format}; rename it to avoid confusion` });
  }

  let analysis: SourceAnalysis;
  try {
    // Reads the header and decodes all of the data (shrunk on load where the format allows), so
    // truncated and corrupt files are found here.
    analysis = await analyseSource(bytes, options.render);
  } catch (error) {
    return { findings: [...findings, decodeFailure(error, format)] };
  }
  const { width, height, frames, hasAlpha } = analysis.source;
  findings.push(...sizeFindings(width, height, options.minSize));
  if (width !== height) {
    const shorter = Math.min(width, height);
    findings.push({ severity: "warning", code: "photo-not-square", message: `is ${width}×${height} px, not square; it will be cropped to ${shorter}×${shorter}` });
  }
  if (frames > 1) {
    findings.push({ severity: "warning", code: "photo-animated", message: `is an animated ${format} with ${frames} frames; only the first frame is used` });
  }
  if (hasAlpha) {
    const { isOpaque } = await sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: SOURCE_FAIL_ON }).stats();
    if (!isOpaque) {
      findings.push({ severity: "warning", code: "photo-transparent", message: `has transparent areas; they will be filled with ${options.render.background}` });
    }
  }
  return { findings, facts: { format, width, height }, analysis };
}

function tooLarge(size: number): PhotoFinding {
  const mebibytes = (size / 1024 / 1024).toFixed(1);
  return { severity: "error", code: "photo-too-large", message: `is ${mebibytes} MiB; photos may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MiB` };
}

function decodeFailure(error: unknown, format: string): PhotoFinding {
  const reason = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(reason)) {
    return {
      severity: "error",
      code: "photo-too-many-pixels",
      message: `claims more than ${MAX_PHOTO_PIXELS / 1_000_000} megapixels; refused as a likely decompression bomb (resize it first)`,
    };
  }
  return {
    severity: "error",
    code: "photo-corrupt",
    message: `cannot be decoded as ${format} (${reason.split("\n")[0]}); the file is truncated or corrupt: export it again`,
  };
}

/** Reads and checks one photo file; `bytes` is what was read, for a caller that needs it again. */
export async function checkPhotoFile(absolutePath: string, name: string, options: PhotoCheckOptions): Promise<PhotoCheck & { bytes?: Buffer }> {
  let bytes: Buffer;
  try {
    const { size } = await stat(absolutePath);
    if (size > MAX_PHOTO_BYTES) return { findings: [tooLarge(size)] };
    bytes = await readFile(absolutePath);
  } catch (error) {
    return { findings: [unreadable(error)] };
  }
  return { ...(await checkPhotoBytes(bytes, name, options)), bytes };
}

/** A photo file that could not be read (permissions, a file replaced by a folder, ...). */
export function unreadable(error: unknown): PhotoFinding {
  const reason = (error as NodeJS.ErrnoException).code ?? String(error);
  return { severity: "error", code: "photo-unreadable", message: `cannot be read (${reason})` };
}

/** A photo finding as a problem of the manifest: at the user's photo entry, named by UPN and path, as validate reports it. */
export function photoProblem(user: DesiredUser, finding: PhotoFinding): Problem {
  // The default picture is one file for everyone set to default: its problem is said once, at defaults.placeholder.
  if (user.photo.kind === "default") return placeholderProblem(user.photo, finding);
  const written = user.photo.kind === "photo" ? user.photo.path : "";
  const position = user.photo.kind === "photo" ? user.photo.position : user.position;
  return { ...finding, message: `${user.upn}: photo ${written} ${finding.message}`, position, photo: written };
}

/** A finding about the default picture (defaults.placeholder), at its line, the same whoever uses it. */
export function placeholderProblem(placeholder: PhotoFile, finding: PhotoFinding): Problem {
  return { ...finding, message: `defaults.placeholder ${placeholder.path} ${finding.message}`, position: placeholder.position, photo: placeholder.path };
}
