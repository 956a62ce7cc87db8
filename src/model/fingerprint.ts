/** A fingerprint: what "the same photo" is decided on (computed by images/fingerprint.ts). Plain JSON data, cached and stored in plans. */
export interface Fingerprint {
  version: number;
  /** Size of the image as decoded (after EXIF orientation). */
  width: number;
  height: number;
  /** 64-bit DCT perceptual hash, 16 hex digits. */
  hash: string;
  /** Mean CIE Lab colour of each cell of a COLOUR_GRID x COLOUR_GRID grid, row-major, [L,a,b] flattened. */
  colour: number[];
  /** PIXEL_GRID x PIXEL_GRID sRGB rendition, row-major RGB, as hex. */
  pixels: string;
  /** How far the hash's coefficients sit from its threshold (luma levels): low means near-flat, hash unreliable. */
  detail: number;
  /** LUMA_GRID x LUMA_GRID Rec. 601 luma, row-major, base64: where local changes and lost detail are looked for. */
  luma: string;
  /** Fine detail of the hash's luma rendition (levels): low for a blurred or pixelated copy. */
  texture: number;
  /** The texture on each finer grid (images/fingerprint.ts FINE_GRIDS), null where the image is too small for it. */
  fine: Array<number | null>;
  /**
   * How unevenly the gradient energy of the EDGE_GRID luma falls on its columns and rows (1: evenly;
   * more where a few columns or rows carry it, as a mosaic's block edges do); null where the image is
   * too small for that grid.
   */
  concentration: number | null;
}
