/** Temporary photosync repos for tests: a photos.yaml plus generated photos, removed afterwards. */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderPortrait } from "../../src/demo/portrait.js";

export interface TempRepo {
  root: string;
  manifest: string;
  write(relativePath: string, content: string | Buffer): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempRepo(manifestText: string, photos: Record<string, Buffer> = {}): Promise<TempRepo> {
  const root = await mkdtemp(path.join(tmpdir(), "photosync-test-"));
  const write = async (relativePath: string, content: string | Buffer) => {
    const target = path.join(root, relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    return target;
  };
  await mkdir(path.join(root, "photos"), { recursive: true });
  for (const [name, bytes] of Object.entries(photos)) await write(name, bytes);
  const manifest = await write("photos.yaml", manifestText);
  return { root, manifest, write, remove: () => rm(root, { recursive: true, force: true }) };
}

/** Two valid square portraits most fixtures refer to: photos/alex.jpg and photos/megan.png. */
export async function standardPhotos(): Promise<Record<string, Buffer>> {
  return {
    "photos/alex.jpg": await renderPortrait({ seed: "alex", width: 648, height: 648 }),
    "photos/megan.png": await renderPortrait({ seed: "megan", width: 648, height: 648 }, "png"),
  };
}
