/**
 * Synthetic portraits: simple, clearly artificial faces drawn from a seed. They stand in for
 * real people's photos everywhere photosync needs sample images (the example repo, the demo
 * tenant, tests and benchmarks), so no real person's photo is ever committed.
 */
import sharp from "sharp";

export interface PortraitOptions {
  /** Any string; the same seed always draws the same face. */
  seed: string;
  width?: number;
  height?: number;
  /** Overrides the seeded background colour (e.g. "#3366cc"). */
  background?: string;
}

/** Mulberry32: a tiny deterministic PRNG, seeded from an FNV-1a hash of the seed string. */
function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKIN = ["#f5d0b5", "#e8b894", "#c68863", "#a0674b", "#7a4a32", "#5a3825"];
const HAIR = ["#1f1a17", "#3b2a20", "#6b4a2b", "#a8763e", "#d9b56c", "#8c8c8c", "#b5432f"];
const SHIRT = ["#2d4e8a", "#8a2d3b", "#2d8a5a", "#5a2d8a", "#8a6a2d", "#333333", "#dddddd"];
const BACKDROP = ["#cfe3f5", "#f5e6cf", "#dff5cf", "#f5cfe8", "#e0e0e0", "#cff5f0", "#f0f0c8"];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** The SVG source of a portrait; exposed for tests that want to vary one element. */
export function portraitSvg(options: PortraitOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 800;
  const random = seededRandom(options.seed);
  // Always draw the seeded colour, so an override changes the background and nothing else.
  const seededBackdrop = pick(random, BACKDROP);
  const backdrop = options.background ?? seededBackdrop;
  const skin = pick(random, SKIN);
  const hair = pick(random, HAIR);
  const shirt = pick(random, SHIRT);
  const cx = width / 2 + (random() - 0.5) * width * 0.1;
  const cy = height * (0.42 + (random() - 0.5) * 0.06);
  const unit = Math.min(width, height);
  const rx = unit * (0.17 + random() * 0.05);
  const ry = rx * (1.2 + random() * 0.15);
  const eyeY = cy - ry * 0.1;
  const eyeDx = rx * (0.38 + random() * 0.1);
  const eyeR = unit * (0.018 + random() * 0.01);
  const mouthW = rx * (0.5 + random() * 0.3);
  const mouthY = cy + ry * 0.45;
  const smile = unit * (0.02 + random() * 0.04);
  const hairTop = cy - ry * (1.05 + random() * 0.2);
  const stripes = Math.floor(random() * 4);
  const stripeMarkup = Array.from({ length: stripes }, (_, i) => {
    const y = height * (0.82 + i * 0.05);
    return `<rect x="0" y="${y}" width="${width}" height="${unit * 0.015}" fill="${backdrop}" opacity="0.35"/>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="${backdrop}"/>
<circle cx="${width * random()}" cy="${height * 0.2 * random()}" r="${unit * 0.25}" fill="#ffffff" opacity="0.25"/>
<ellipse cx="${cx}" cy="${height * 1.02}" rx="${rx * 2.3}" ry="${height * 0.3}" fill="${shirt}"/>
${stripeMarkup}
<rect x="${cx - rx * 0.35}" y="${cy + ry * 0.7}" width="${rx * 0.7}" height="${ry * 0.6}" fill="${skin}"/>
<ellipse cx="${cx}" cy="${hairTop + ry * 0.55}" rx="${rx * 1.12}" ry="${ry * 0.75}" fill="${hair}"/>
<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="${skin}"/>
<path d="M ${cx - rx * 1.02} ${cy - ry * 0.25} Q ${cx} ${hairTop - ry * 0.15} ${cx + rx * 1.02} ${cy - ry * 0.25} Q ${cx} ${cy - ry * 0.75} ${cx - rx * 1.02} ${cy - ry * 0.25} Z" fill="${hair}"/>
<circle cx="${cx - eyeDx}" cy="${eyeY}" r="${eyeR}" fill="#222"/>
<circle cx="${cx + eyeDx}" cy="${eyeY}" r="${eyeR}" fill="#222"/>
<path d="M ${cx - mouthW / 2} ${mouthY} Q ${cx} ${mouthY + smile} ${cx + mouthW / 2} ${mouthY}" stroke="#6b2c2c" stroke-width="${unit * 0.012}" fill="none" stroke-linecap="round"/>
</svg>`;
}

/** Renders a portrait to an image buffer (JPEG by default). */
export async function renderPortrait(
  options: PortraitOptions,
  format: "jpeg" | "png" | "webp" = "jpeg",
): Promise<Buffer> {
  const image = sharp(Buffer.from(portraitSvg(options)));
  switch (format) {
    case "png":
      return image.png().toBuffer();
    case "webp":
      return image.webp({ quality: 90 }).toBuffer();
    default:
      return image.jpeg({ quality: 90, mozjpeg: true }).toBuffer();
  }
}

/**
 * The default picture of the example repo (photos/_placeholder.png): a neutral silhouette, head and
 * shoulders in one grey on a lighter grey, with no face, no initials and nothing seeded, so it is
 * the same for everyone it stands in for.
 */
export function placeholderSvg(edge = 648): string {
  const c = edge / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${edge}" height="${edge}" viewBox="0 0 ${edge} ${edge}">
<rect width="100%" height="100%" fill="#e3e6ea"/>
<circle cx="${c}" cy="${edge * 0.4}" r="${edge * 0.18}" fill="#a9b0b8"/>
<ellipse cx="${c}" cy="${edge * 0.98}" rx="${edge * 0.36}" ry="${edge * 0.3}" fill="#a9b0b8"/>
</svg>`;
}

/** Renders the default picture to a PNG. */
export async function renderPlaceholder(edge = 648): Promise<Buffer> {
  return sharp(Buffer.from(placeholderSvg(edge))).png().toBuffer();
}
