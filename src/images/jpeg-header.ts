/**
 * Reads a JPEG's markers up to its first scan and says whether it is "plain": a baseline or
 * progressive 8-bit Huffman JPEG, grey or three-component, with nothing that makes sharp's decode
 * differ from libjpeg's own output. That is: no Exif block (sharp turns the photo upright by its
 * orientation), no APP2 block (an ICC profile, which sharp converts to sRGB), no Adobe block (CMYK
 * and colour-transform flags). Anything else, or anything malformed, is "not plain"; the caller then
 * uses sharp. Pure; reads only the header, never the compressed data.
 */

export interface JpegSize {
  width: number;
  height: number;
}

const SOI = 0xd8;
const SOS = 0xda;
/** Start-of-frame markers for Huffman-coded 8-bit photos: baseline, extended sequential, progressive. */
const PLAIN_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
/** Every other start-of-frame marker (lossless, hierarchical, arithmetic-coded). */
const OTHER_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
/** Define arithmetic coding conditioning. */
const DAC = 0xcc;
const EXIF_ID = Buffer.from("Exif\0\0", "latin1");

/** The size of a plain JPEG (see the module comment), or undefined. */
export function plainJpegSize(bytes: Uint8Array): JpegSize | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return undefined;
  let size: JpegSize | undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    // 0xFF fill bytes may precede a marker.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === SOS) return size;
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    const start = offset + 4;
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) return undefined;
    if (PLAIN_FRAMES.has(marker)) {
      if (size || length < 8) return undefined;
      const precision = bytes[start]!;
      const height = (bytes[start + 1]! << 8) | bytes[start + 2]!;
      const width = (bytes[start + 3]! << 8) | bytes[start + 4]!;
      const components = bytes[start + 5]!;
      if (precision !== 8 || width === 0 || height === 0 || (components !== 1 && components !== 3)) return undefined;
      size = { width, height };
    } else if (OTHER_FRAMES.has(marker) || marker === DAC || marker === APP2 || marker === APP14) {
      return undefined;
    } else if (marker === APP1 && Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(EXIF_ID.length, end - start)).equals(EXIF_ID)) {
      return undefined;
    } else if (marker < 0xc0 || marker === SOI || (marker >= 0xd0 && marker <= 0xd9)) {
      // Not a header segment: a restart or end marker before any scan, or not a marker at all.
      return undefined;
    }
    offset = end;
  }
  return undefined;
}
