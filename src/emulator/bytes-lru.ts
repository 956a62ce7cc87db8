/**
 * Buffers by key, bounded by their total bytes: the one used longest ago goes first. For the
 * emulator's blob store (blobs.ts) and its renditions (images.ts), which keep bytes to serve again.
 */
export class BytesLru {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  /** `maxBytes` Infinity: keep everything. `maxEntryBytes`: a larger entry is not kept at all. */
  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes = maxBytes,
  ) {}

  get(key: string): Buffer | undefined {
    const found = this.entries.get(key);
    if (found !== undefined) {
      // Used now: to the end of the map's order, the last to go.
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, value: Buffer): void {
    if (value.length > this.maxEntryBytes || this.entries.has(key)) return;
    this.entries.set(key, value);
    this.bytes += value.length;
    for (const [oldest, bytes] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= bytes.length;
    }
  }
}
