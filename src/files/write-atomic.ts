/**
 * Every file photosync or its emulator keeps (caches, indexes, emulator state, keys) is written
 * through a temporary file and a rename, so a reader or a killed process never sees half a file.
 * Parent folders are created as needed.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";

/** Durable files (write-file-atomic: flushed to disk, symlinks followed, mode and owner kept). */
export async function writeAtomic(file: string, data: string | Buffer, options: { mode?: number } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, data, options.mode !== undefined ? { mode: options.mode } : {});
}

let sequence = 0;

/**
 * Cache entries, which a cold plan writes by the ten thousand: a temporary file and a rename, and
 * nothing more. No fsync — every entry is verified when read, so one lost to a power cut is only a
 * miss — and none of write-file-atomic's per-file realpath, stat, chown and exit handler, which
 * were most of a cold plan's file-system time.
 */
export async function writeCacheEntry(file: string, data: string | Buffer | Iterable<string>): Promise<void> {
  const temporary = `${file}.${process.pid}.${++sequence}.tmp`;
  // Chunks (a large file written as it is produced) can be read once: their folder is made first.
  const once = typeof data !== "string" && !Buffer.isBuffer(data);
  if (once) await mkdir(path.dirname(file), { recursive: true });
  try {
    // The folder usually exists: create it only when the write says it does not.
    await writeFile(temporary, data).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT" || once) throw error;
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temporary, data);
    });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
