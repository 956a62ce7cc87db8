/**
 * Checks one photo file's content without rendering it: what it really is (sniffed from its bytes,
 * never trusted from its name), whether it decodes completely within a pixel budget, whether it is
 * big enough, and what the render will have to do to it (crop, flatten, take the first frame).
 * Photos are untrusted input: every failure is a specific problem, never a crash.
 */
import { fileTypeFromBuffer } from "file-type";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import type { Metadata } from "sharp";

/** Source files larger than this are refused before decoding (a 50 MP JPEG is ~25 MB). */
export const MAX_PHOTO_BYTES = 50 * 1024 * 1024;
/** 100 MP: beyond any portrait camera, far below what exhausts memory when decoded. */
export const MAX_PHOTO_PIXELS = 100_000_000;

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
  background: string;
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
    return { severity: "error", code: "photo-type", message: `is ${mime}, which is not accepted; use JPEG, PNG, WebP, AVIF, TIFF or GIF` };
  }
  return { severity: "error", code: "photo-type", message: "is not an image photosync recognises (its bytes are not JPEG, PNG, WebP, AVIF, TIFF or GIF)" };
}

/** Checks the bytes of one photo; `name` (the path as written) is used for the extension check. */
export async function checkPhotoBytes(
  bytes: Buffer,
  name: string,
  options: PhotoCheckOptions,
): Promise<{ findings: PhotoFinding[]; facts?: PhotoFacts }> {
  if (bytes.length === 0) return { findings: [{ severity: "error", code: "photo-empty", message: "is an empty file (0 bytes)" }] };
  const findings: PhotoFinding[] = [];
  const type = await fileTypeFromBuffer(bytes);
  const format = type ? ACCEPTED_FORMATS[type.mime] : undefined;
  if (!type || !format) return { findings: [refusal(type?.mime, bytes)] };

  const extension = path.extname(name).toLowerCase();
  if (!EXTENSIONS[type.mime]!.includes(extension)) {
    findings.push({ severity: "warning", code: "photo-extension", message: `is named ${extension || "without an extension"} but is really a ${format}; rename it to avoid confusion` });
  }

  const sharpOptions = { limitInputPixels: MAX_PHOTO_PIXELS, failOn: "warning" as const };
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, sharpOptions).metadata();
  } catch (error) {
    return { findings: [...findings, decodeFailure(error, format)] };
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  try {
    // A full decode (shrunk on load where the format allows) finds truncated and corrupt data.
    await sharp(bytes, sharpOptions).resize(64, 64, { fit: "inside" }).raw().toBuffer();
  } catch (error) {
    return { findings: [...findings, decodeFailure(error, format)] };
  }

  const shorter = Math.min(width, height);
  if (shorter < options.minSize) {
    findings.push({
      severity: "error",
      code: "photo-too-small",
      message: `is ${width}×${height} px; photos need at least ${options.minSize} px on the shorter side (648 px or more looks best)`,
    });
  }
  if (width !== height) {
    findings.push({ severity: "warning", code: "photo-not-square", message: `is ${width}×${height} px, not square; it will be cropped to ${shorter}×${shorter}` });
  }
  if ((metadata.pages ?? 1) > 1) {
    findings.push({ severity: "warning", code: "photo-animated", message: `is an animated ${format} with ${metadata.pages} frames; only the first frame is used` });
  }
  if (metadata.hasAlpha) {
    const { isOpaque } = await sharp(bytes, sharpOptions).stats();
    if (!isOpaque) {
      findings.push({ severity: "warning", code: "photo-transparent", message: `has transparent areas; they will be filled with ${options.background}` });
    }
  }
  return { findings, facts: { format, width, height } };
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

/** Reads and checks one photo file. */
export async function checkPhotoFile(
  absolutePath: string,
  name: string,
  options: PhotoCheckOptions,
): Promise<{ findings: PhotoFinding[]; facts?: PhotoFacts }> {
  let bytes: Buffer;
  try {
    const { size } = await stat(absolutePath);
    if (size > MAX_PHOTO_BYTES) {
      const mebibytes = (size / 1024 / 1024).toFixed(1);
      return { findings: [{ severity: "error", code: "photo-too-large", message: `is ${mebibytes} MiB; photos may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MiB` }] };
    }
    bytes = await readFile(absolutePath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return { findings: [{ severity: "error", code: "photo-unreadable", message: `cannot be read (${reason})` }] };
  }
  return checkPhotoBytes(bytes, name, options);
}
