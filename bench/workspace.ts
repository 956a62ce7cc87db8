/**
 * The benchmark's repo and tenant fixture in a temporary directory: photos.yaml for N people,
 * their photos (hard links into the data set, replaced — never edited — when the bench changes
 * one), a git repository for pull-request plans, and the emulator fixture (apps and users; the
 * photos are seeded later through the admin API).
 */
import { execFile } from "node:child_process";
import { link, mkdir, rm, writeFile, copyFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "../src/emulator/demo-tenant.js";
import type { Dataset } from "./dataset.js";

const run = promisify(execFile);

export const DOMAIN = "contoso.com";

export function upnOf(i: number): string {
  return `person.${String(i).padStart(6, "0")}@${DOMAIN}`;
}

export function photoPathOf(i: number): string {
  return `photos/${String(i).padStart(6, "0")}.jpg`;
}

export interface Workspace {
  root: string;
  manifest: string;
  fixture: string;
  n: number;
}

function manifestText(n: number): string {
  const lines = [
    "version: 1",
    "tenant:",
    "  id: contoso.onmicrosoft.com",
    "  stores: [exo, aad, spo]",
    "  sharepoint:",
    "    mySiteHost: contoso-my.sharepoint.com",
    "    adminHost: contoso-admin.sharepoint.com",
    "    thumbnails: { small: 48, medium: 72, large: 200 }",
    "    exchangeSyncState: 1",
    "defaults:",
    "  crop: attention",
    '  background: "#ffffff"',
    "  minSize: 240",
    "safety:",
    // The apply scenario changes 1,000 people on purpose.
    "  maxUpdateShare: 1",
    "  maxRemoveShare: 0.1",
    "  minManagedForShare: 10",
    "users:",
  ];
  for (let i = 0; i < n; i++) lines.push(`  ${upnOf(i)}: ${photoPathOf(i)}`);
  return `${lines.join("\n")}\n`;
}

function fixtureText(n: number): string {
  const app = (clientId: string, graph: string, sharepoint: string): string[] => [
    `  - clientId: ${clientId}`,
    "    certificates: [generate]",
    `    roles: { graph: [${graph}], sharepoint: [${sharepoint}] }`,
  ];
  const lines = [
    "tenant:",
    "  domain: contoso.onmicrosoft.com",
    "  name: contoso",
    "  behaviour: current",
    // The bench measures photosync, not Graph's read-after-write delay (whose real length is unknown).
    "  propagation: { graphSeconds: 0 }",
    // The whole workflow, as the demo tenant shows it: profile writes with the writer's app-only token allowed.
    "  sharepoint: { appOnlyProfileWrites: allowed }",
    "apps:",
    // The permissions the README's app registrations get: without SharePoint User.Read.All the plan
    // would skip every profile read (notice spo-profile-read-denied) and the bench measure less work.
    ...app(DEMO_READER_CLIENT_ID, "ProfilePhoto.Read.All, User.Read.All, PeopleSettings.Read.All", "Sites.Read.All, User.Read.All"),
    ...app(DEMO_WRITER_CLIENT_ID, "ProfilePhoto.ReadWrite.All, User.Read.All, PeopleSettings.Read.All", "Sites.FullControl.All, User.ReadWrite.All"),
    "users:",
  ];
  for (let i = 0; i < n; i++) lines.push(`  - { upn: ${upnOf(i)}, mailbox: cloud, licensed: true }`);
  return `${lines.join("\n")}\n`;
}

// No compression (the photos are JPEGs), and no automatic `git gc`: after the first commit of
// 10,000 photos it would pack them in the background for minutes, on the cores being measured.
async function git(root: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-c", "core.compression=0", "-c", "core.looseCompression=0", "-c", "gc.auto=0", "-c", "user.name=bench", "-c", "user.email=bench@localhost", ...args], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

/** Creates the repo (committed on branch main) and the tenant fixture for persons 0..n-1. */
export async function createWorkspace(root: string, data: Dataset, n: number): Promise<Workspace> {
  await rm(root, { recursive: true, force: true });
  await mkdir(path.join(root, "repo", "photos"), { recursive: true });
  const repo = path.join(root, "repo");
  for (let i = 0; i < n; i++) await link(data.source(i), path.join(repo, photoPathOf(i)));
  await writeFile(path.join(repo, "photos.yaml"), manifestText(n));
  await writeFile(path.join(repo, ".gitignore"), ".photosync/\n");
  const fixture = path.join(root, "tenant.yaml");
  await writeFile(fixture, fixtureText(n));
  await git(repo, "init", "-q", "-b", "main");
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "bench: initial photos");
  return { root: repo, manifest: path.join(repo, "photos.yaml"), fixture, n };
}

/** Replaces person i's photo in the repo with another file (a new inode, as an editor's save would be). */
export async function replacePhoto(workspace: Workspace, i: number, from: string): Promise<void> {
  const target = path.join(workspace.root, photoPathOf(i));
  await rm(target);
  await copyFile(from, target);
}

/** Commits everything on a new branch; returns the base commit (the pull request's base). */
export async function commitOnBranch(workspace: Workspace, branch: string, message: string): Promise<string> {
  const base = await git(workspace.root, "rev-parse", "HEAD");
  await git(workspace.root, "checkout", "-q", "-b", branch);
  await git(workspace.root, "add", "-A");
  await git(workspace.root, "commit", "-q", "-m", message);
  return base;
}

export async function checkout(workspace: Workspace, ref: string): Promise<void> {
  await git(workspace.root, "checkout", "-q", "-f", ref);
}
