/**
 * A generated corpus of hostile or awkward image files, each built from scratch so nothing binary
 * needs to be committed and each case is obvious from its code.
 */
import sharp from "sharp";
import { crc32, deflateSync } from "node:zlib";
import { renderPortrait } from "../../src/demo/portrait.js";

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, checksum]);
}

/** A valid PNG header that claims width × height pixels, with almost no pixel data behind it. */
export function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.alloc(64))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The start of an ISO-BMFF HEIC file as an iPhone writes it (ftyp box, brand heic). */
export function heicHeader(): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic", "ascii"), Buffer.from([0, 0, 0, 0]), Buffer.from("mif1heic", "ascii")]);
  return Buffer.concat([ftyp, Buffer.alloc(64)]);
}

const solid = (width: number, height: number, colour: string) =>
  sharp({ create: { width, height, channels: 3, background: colour } });

export async function hostileCorpus(): Promise<Record<string, Buffer>> {
  const portrait = await renderPortrait({ seed: "corpus", width: 500, height: 500 });
  const frame = (colour: string) => solid(300, 300, colour).png().toBuffer();
  return {
    "truncated.jpg": portrait.subarray(0, Math.floor(portrait.length / 2)),
    "empty.jpg": Buffer.alloc(0),
    "text.jpg": Buffer.from("This is a plain text file that someone named .jpg\n"),
    "drawing.svg": Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400" fill="red"/></svg>'),
    "bomb.png": pngClaiming(100_000, 100_000),
    "cmyk.jpg": await solid(400, 400, "#3366cc").toColourspace("cmyk").jpeg().toBuffer(),
    "deep.png": await solid(400, 400, "#3366cc").toColourspace("rgb16").png().toBuffer(),
    "grey-alpha.png": await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 40, g: 40, b: 40, alpha: 0.5 } } })
      .toColourspace("b-w")
      .png()
      .toBuffer(),
    "animated.gif": await sharp([await frame("#ff0000"), await frame("#0000ff")], { join: { animated: true } }).gif().toBuffer(),
    "tiny.png": await solid(16, 16, "#ff8800").png().toBuffer(),
    "iphone.heic": heicHeader(),
    "scan.pdf": Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"),
    "portrait.jpg": portrait,
    "wide.jpg": await renderPortrait({ seed: "wide", width: 600, height: 400 }),
    "png-named.jpg": await renderPortrait({ seed: "named", width: 400, height: 400 }, "png"),
  };
}
