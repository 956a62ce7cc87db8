/**
 * Decodes the small plain JPEGs the services hand back (48–200 px thumbnails) without sharp.
 *
 * Why: a plan fingerprints four or five of them per person, and a sharp call has a fixed cost
 * whatever the image's size (much of it on the main thread, reading sharp's options), several
 * times what mozjpeg compiled to WebAssembly (@jsquash/jpeg, from Google's Squoosh) needs for a
 * thumbnail. It is the same decoder libvips uses here, so the pixels are the same, bit for bit
 * (test/images/small-jpeg.test.ts checks it); and WebAssembly keeps the hostile bytes in a sandbox.
 *
 * Only plain JPEGs no larger than SMALL_JPEG_MAX_EDGE are decoded here (jpeg-header.ts), so the
 * sandbox's memory stays small. Anything the decoder says about the data — a warning such as
 * "premature end of JPEG file", or an error — makes the result undefined: the caller then decodes
 * with sharp, which is the one to decide what a damaged image is worth.
 *
 * The decoder's Emscripten glue defines a global `ImageData` class when Node has none (a plain
 * holder of data, width and height); nothing else of it is global.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import mozjpegFactory from "@jsquash/jpeg/codec/dec/mozjpeg_dec.js";
import { plainJpegSize } from "./jpeg-header.js";

/** Larger images go to sharp, which shrinks them while decoding. */
export const SMALL_JPEG_MAX_EDGE = 256;

export interface RgbaImage {
  /** Row-major RGBA, 4 bytes a pixel (alpha is always opaque: JPEG has none). */
  pixels: Uint8Array;
  width: number;
  height: number;
}

interface MozjpegDecoder {
  decode(data: Uint8Array, preserveOrientation: boolean): { data: Uint8ClampedArray; width: number; height: number } | null;
}
type DecoderFactory = (options: Record<string, unknown>) => Promise<MozjpegDecoder>;

// The parts of the WebAssembly global used here (Node's type definitions do not declare it).
interface WasmInstance {
  exports: object;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiled once; instantiated again only after a decode fails. */
let compiled: object | undefined;
let decoder: Promise<MozjpegDecoder> | undefined;
/** What libjpeg printed during the current decode (its warnings and errors). */
let messages: string[] = [];

function instantiate(): Promise<MozjpegDecoder> {
  compiled ??= new wasm.Module(readFileSync(createRequire(import.meta.url).resolve("@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm")));
  const module = compiled;
  return (mozjpegFactory as unknown as DecoderFactory)({
    noInitialRun: true,
    instantiateWasm: (imports: object, ready: (instance: WasmInstance) => void) => {
      const instance = new wasm.Instance(module, imports);
      ready(instance);
      return instance.exports;
    },
    print: (text: string) => messages.push(text),
    printErr: (text: string) => messages.push(text),
  });
}

/**
 * The RGBA pixels of a plain JPEG of at most SMALL_JPEG_MAX_EDGE px, decoded cleanly; undefined
 * for anything else (see the module comment).
 */
export async function decodeSmallJpeg(bytes: Uint8Array): Promise<RgbaImage | undefined> {
  const size = plainJpegSize(bytes);
  if (!size || size.width > SMALL_JPEG_MAX_EDGE || size.height > SMALL_JPEG_MAX_EDGE) return undefined;
  decoder ??= instantiate();
  const mozjpeg = await decoder;
  messages = [];
  let image: ReturnType<MozjpegDecoder["decode"]>;
  try {
    image = mozjpeg.decode(bytes, false);
  } catch {
    // libjpeg's errors unwind through the WebAssembly instance: start the next decode on a fresh one.
    decoder = undefined;
    return undefined;
  }
  if (!image || messages.length > 0 || image.width !== size.width || image.height !== size.height) return undefined;
  return { pixels: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height };
}
