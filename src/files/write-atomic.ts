/**
 * Every file photosync or its emulator keeps (caches, indexes, emulator state, keys) is written
 * through a temporary file and a rename (write-file-atomic), so a reader or a killed process never
 * sees half a file. Parent folders are created as needed.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";

export async function writeAtomic(file: string, data: string | Buffer, options: { mode?: number } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, data, options.mode !== undefined ? { mode: options.mode } : {});
}
