/**
 * The state file: `{dir}/state.json` (users, photo records, SPO files, tenant settings) next to
 * `{dir}/blobs/` (photo bytes by sha256). Writes are atomic (temp file + rename) and coalesced:
 * a burst of writes to the tenant costs one state-file write.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import type { TenantState } from "./model.js";

export function stateFile(dir: string): string {
  return join(dir, "state.json");
}

export function blobDir(dir: string): string {
  return join(dir, "blobs");
}

export async function loadState(dir: string): Promise<TenantState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile(dir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const state = JSON.parse(text) as TenantState;
  if (state.version !== 1) throw new Error(`${stateFile(dir)}: unsupported state version ${String(state.version)}`);
  return state;
}

export async function saveState(dir: string, state: TenantState): Promise<void> {
  await writeAtomic(stateFile(dir), JSON.stringify(state));
}

/**
 * Coalesces saves: at most one write in flight, one more queued, `delayMs` after the first change
 * or twice as long as the last save took, whichever is longer: a 10,000-user state file takes a
 * few hundred ms to write, and a tenant being seeded changes all the time.
 */
export class StateWriter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pending = false;
  private lastSaveMs = 0;

  constructor(
    private readonly dir: string,
    private readonly snapshot: () => TenantState,
    private readonly delayMs = 500,
  ) {}

  schedule(): void {
    this.pending = true;
    if (this.timer !== undefined || this.running !== undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.run();
      },
      Math.max(this.delayMs, 2 * this.lastSaveMs),
    );
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.pending = false;
    const started = performance.now();
    this.running = saveState(this.dir, this.snapshot()).finally(() => {
      this.lastSaveMs = performance.now() - started;
      this.running = undefined;
      if (this.pending) this.schedule();
    });
    return this.running;
  }

  /** Writes now if anything changed since the last write (close, tests). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running !== undefined) await this.running;
    if (this.pending) await this.run();
  }
}
