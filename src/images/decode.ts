/** Opening untrusted image bytes with sharp, with the same safety limits everywhere. */
import sharp from "sharp";
import type { Sharp } from "sharp";
import type { FailOnOptions } from "sharp";
import { FAIL_ON, MAX_INPUT_PIXELS, MAX_SOURCE_BYTES } from "./settings.js";

// Every image photosync opens is decoded once: libvips' operation cache would only hold on to up to
// 50 MB of decoded pixels nobody asks for again (a cold plan decodes 40,000 images of 10,000 people).
sharp.cache(false);

/**
 * A sharp instance over untrusted bytes: EXIF orientation applied, pixel count limited,
 * corrupt data refused, and only the first frame of an animation.
 */
export function openImage(bytes: Buffer, options: { failOn?: FailOnOptions } = {}): Sharp {
  if (bytes.length > MAX_SOURCE_BYTES) {
    throw new Error(`image is ${bytes.length} bytes, more than the ${MAX_SOURCE_BYTES} accepted`);
  }
  return sharp(bytes, {
    failOn: options.failOn ?? FAIL_ON,
    limitInputPixels: MAX_INPUT_PIXELS,
    autoOrient: true,
    animated: false,
  });
}
