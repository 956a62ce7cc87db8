/**
 * Debian's Chromium, headless, for tests that check a page the way a person sees it. Each launch
 * gets a fresh profile (launchPersistentContext is playwright's way of passing --user-data-dir),
 * removed on close. No chromium is a failure, not a skip: .ci/run installs it.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps dialling out, and this machine's closed
// network refuses it many times a run.
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface OpenBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<OpenBrowser> {
  await stat(CHROMIUM);
  const userDataDir = await mkdtemp(path.join(tmpdir(), "photosync-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport, deviceScaleFactor: 1 } : {}),
    args: FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
