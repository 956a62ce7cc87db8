/**
 * Photo bytes the plan's reads downloaded anyway (to fingerprint them), kept instead of thrown
 * away when a run draws a before/after sheet (`--pictures`): the sheet's "before" pictures then
 * cost no extra request. Bounded by a byte budget, so a cold read of a whole tenant cannot hold
 * every photo in memory: past it, bytes are not kept and the sheet downloads the few it needs.
 */

/** 32 MiB: a few thousand 96 px Graph downloads and SharePoint large thumbnails. */
export const KEPT_PHOTO_BYTES = 32 * 1024 * 1024;

/** Where kept bytes came from: a store, or the Graph v1.0 read before the tenant model names its store. */
export type KeptSource = "exo" | "aad" | "spo" | "graph-v1.0";

export class KeptPhotos {
  private readonly bytes = new Map<string, Buffer>();
  private total = 0;
  /** Photos offered past the budget (not kept). */
  dropped = 0;

  constructor(readonly budgetBytes = KEPT_PHOTO_BYTES) {}

  /** Keeps a copy (the read's buffer may be a slice of a whole batch response). */
  keep(source: KeptSource, key: string, bytes: Buffer): void {
    const id = `${source}|${key}`;
    const previous = this.bytes.get(id)?.length ?? 0;
    if (this.total - previous + bytes.length > this.budgetBytes) {
      this.dropped++;
      return;
    }
    this.bytes.set(id, Buffer.from(bytes));
    this.total += bytes.length - previous;
  }

  get(source: KeptSource, key: string): Buffer | undefined {
    return this.bytes.get(`${source}|${key}`);
  }

  /** The v1.0 read turned out to be this store's photo (aad in a current tenant, exo in a legacy one). */
  rename(from: KeptSource, to: KeptSource): void {
    for (const [id, bytes] of [...this.bytes]) {
      if (!id.startsWith(`${from}|`)) continue;
      this.bytes.delete(id);
      this.bytes.set(`${to}|${id.slice(from.length + 1)}`, bytes);
    }
  }

  get size(): number {
    return this.bytes.size;
  }
}
