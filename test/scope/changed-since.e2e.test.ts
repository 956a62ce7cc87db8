/**
 * `plan --changed-since`: real temporary git repos, a base commit, then changes (committed or only in
 * the working tree); the exact set of UPNs in scope is asserted.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { changedUsers, stateFromManifestText } from "../../src/scope/changed-since.js";
import { refProblem, resolveChangedSince as resolveWithEnv } from "../../src/scope/git.js";

/** Git runs with the test process's environment, as the CLI hands it its own (cli/settings.ts). */
const resolveChangedSince = (manifest: string, ref: string) => resolveWithEnv(manifest, ref, { env: process.env });

const BASE_MANIFEST = `version: 1
tenant:
  id: contoso.onmicrosoft.com
  stores: [exo, aad, spo]
  sharepoint:
    mySiteHost: contoso-my.sharepoint.com
    adminHost: contoso-admin.sharepoint.com
    thumbnails: { small: 48, medium: 72, large: 200 }
defaults:
  photo: photos/{alias}.jpg
  background: "#ffffff"
ignore:
  - svc-*@contoso.com
users:
  adele.vance@contoso.com:
  alex.wilber@contoso.com: photos/alex.jpg
  megan.bowen@contoso.com: { photo: photos/megan.png, crop: centre, background: "#102030" }
  lee.gu@contoso.com: { crop: entropy }
  pradeep.gupta@contoso.com: remove
`;

const BASE_PHOTOS: Record<string, string> = {
  "photos/adele.vance.jpg": "adele v1",
  "photos/alex.jpg": "alex v1",
  "photos/megan.png": "megan v1",
  "photos/lee.gu.jpg": "lee v1",
};

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

/** A git repo in a temporary directory; `dir` is where photos.yaml lives inside it. */
async function makeRepo(files: Record<string, string>, dir = ".") {
  const root = await mkdtemp(path.join(tmpdir(), "photosync-changed-"));
  roots.push(root);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  const write = async (relative: string, content: string) => {
    const target = path.join(root, dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  };
  const commit = (message: string) => {
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", message);
    return git("rev-parse", "HEAD");
  };
  git("init", "-q", "-b", "main");
  for (const [name, content] of Object.entries(files)) await write(name, content);
  const base = commit("base");
  return { root, manifest: path.join(root, dir, "photos.yaml"), git, write, commit, base };
}

const baseRepo = (dir?: string) => makeRepo({ "photos.yaml": BASE_MANIFEST, ...BASE_PHOTOS }, dir);

describe("resolveChangedSince", () => {
  it("finds nobody when nothing changed", async () => {
    const repo = await baseRepo();
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result).toMatchObject({ scope: "some", upns: [], dropped: [], reasons: {}, commit: repo.base, changedPhotoPaths: [] });
  });

  it("finds a new user, whether committed or only in the working tree", async () => {
    const repo = await baseRepo();
    await repo.write("photos.yaml", `${BASE_MANIFEST}  isaiah.langer@contoso.com:\n`);
    await repo.write("photos/isaiah.langer.jpg", "isaiah v1");
    const uncommitted = await resolveChangedSince(repo.manifest, repo.base);
    expect(uncommitted.upns).toEqual(["isaiah.langer@contoso.com"]);
    expect(uncommitted.reasons).toEqual({ "isaiah.langer@contoso.com": "new entry; photo file photos/isaiah.langer.jpg changed" });
    expect(uncommitted.changedPhotoPaths).toEqual(["photos/isaiah.langer.jpg"]);

    repo.commit("add isaiah");
    expect((await resolveChangedSince(repo.manifest, "main~1")).upns).toEqual(["isaiah.langer@contoso.com"]);
  });

  it("finds the user whose photo file changed at the same path", async () => {
    const repo = await baseRepo();
    await repo.write("photos/alex.jpg", "alex v2");
    repo.commit("new alex");
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.upns).toEqual(["alex.wilber@contoso.com"]);
    expect(result.reasons["alex.wilber@contoso.com"]).toBe("photo file photos/alex.jpg changed");
  });

  it("finds the user whose photo path changed (a rename lists both paths)", async () => {
    const repo = await baseRepo();
    repo.git("mv", "photos/megan.png", "photos/megan-2026.png");
    await repo.write("photos.yaml", BASE_MANIFEST.replace("photos/megan.png", "photos/megan-2026.png"));
    repo.commit("rename megan's photo");
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.upns).toEqual(["megan.bowen@contoso.com"]);
    expect(result.changedPhotoPaths).toEqual(["photos/megan-2026.png", "photos/megan.png"]);
    expect(result.reasons["megan.bowen@contoso.com"]).toBe("photo photos/megan.png → photos/megan-2026.png; photo file photos/megan-2026.png changed");
  });

  it("finds only the user whose crop changed", async () => {
    const repo = await baseRepo();
    await repo.write("photos.yaml", BASE_MANIFEST.replace("lee.gu@contoso.com: { crop: entropy }", "lee.gu@contoso.com: { crop: { x: 0.5, y: 0.3 } }"));
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.upns).toEqual(["lee.gu@contoso.com"]);
    expect(result.reasons["lee.gu@contoso.com"]).toBe('crop entropy → {"x":0.5,"y":0.3}');
  });

  it("a changed defaults.background finds only users without their own background", async () => {
    const repo = await baseRepo();
    await repo.write("photos.yaml", BASE_MANIFEST.replace('background: "#ffffff"', 'background: "#EEEEEE"'));
    const result = await resolveChangedSince(repo.manifest, repo.base);
    // megan keeps her own background; pradeep's photo is removed, so render settings mean nothing for him.
    expect(result.upns).toEqual(["adele.vance@contoso.com", "alex.wilber@contoso.com", "lee.gu@contoso.com"]);
    expect(result.reasons["alex.wilber@contoso.com"]).toBe("background #ffffff → #eeeeee");
    expect(result.scope).toBe("some");
  });

  it("a changed defaults.photo template finds only users who rely on it", async () => {
    const repo = await baseRepo();
    await repo.write("photos.yaml", BASE_MANIFEST.replace("photo: photos/{alias}.jpg", "photo: photos/{alias}.png"));
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.upns).toEqual(["adele.vance@contoso.com", "lee.gu@contoso.com"]);
  });

  it("a changed SharePoint thumbnail size puts everyone in scope", async () => {
    const repo = await baseRepo();
    await repo.write("photos.yaml", BASE_MANIFEST.replace("large: 200", "large: 240"));
    repo.commit("bigger thumbnails");
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.scope).toBe("all");
    expect(result.allReason).toBe("tenant.sharepoint.thumbnails changed: every user's plan may change");
    expect(result.upns).toEqual([
      "adele.vance@contoso.com",
      "alex.wilber@contoso.com",
      "lee.gu@contoso.com",
      "megan.bowen@contoso.com",
      "pradeep.gupta@contoso.com",
    ]);
  });

  it("reports a user removed from the manifest as no longer managed, without planning them", async () => {
    const repo = await baseRepo();
    await repo.write("photos.yaml", BASE_MANIFEST.replace("  pradeep.gupta@contoso.com: remove\n", ""));
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.upns).toEqual([]);
    expect(result.dropped).toEqual(["pradeep.gupta@contoso.com"]);
    expect(result.reasons).toEqual({ "pradeep.gupta@contoso.com": "no longer managed: removed from the manifest" });
  });

  it("reports a newly ignored user as no longer managed; someone no longer ignored is not in scope unless listed", async () => {
    const repo = await baseRepo();
    const manifest = BASE_MANIFEST.replace("  - svc-*@contoso.com\n", "  - lee.*@contoso.com\n").replace("  lee.gu@contoso.com: { crop: entropy }\n", "");
    await repo.write("photos.yaml", manifest);
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.upns).toEqual([]);
    expect(result.dropped).toEqual(["lee.gu@contoso.com"]);
    expect(result.reasons).toEqual({ "lee.gu@contoso.com": "no longer managed: now matches the ignore list" });
  });

  it("puts everyone in scope when the manifest was added in the range", async () => {
    const repo = await makeRepo({ "README.md": "photos\n" });
    await repo.write("photos.yaml", BASE_MANIFEST);
    for (const [name, content] of Object.entries(BASE_PHOTOS)) await repo.write(name, content);
    repo.commit("start managing photos");
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.scope).toBe("all");
    expect(result.allReason).toMatch(/^photos\.yaml did not exist at [0-9a-f]{40} \([0-9a-f]{12}\): planning everyone$/);
    expect(result.upns).toHaveLength(5);
    expect(result.dropped).toEqual([]);
  });

  it("puts everyone in scope when the manifest at the base is not valid", async () => {
    const repo = await makeRepo({ "photos.yaml": "version: 1\ntenant: {}\n" });
    await repo.write("photos.yaml", BASE_MANIFEST);
    for (const [name, content] of Object.entries(BASE_PHOTOS)) await repo.write(name, content);
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.scope).toBe("all");
    expect(result.allReason).toMatch(/^photos\.yaml@[0-9a-f]{12} is not a valid manifest \(.+\): planning everyone$/);
  });

  it("works with the manifest in a subdirectory of the repo", async () => {
    const repo = await baseRepo("people/contoso");
    await repo.write("photos/alex.jpg", "alex v2");
    await repo.write("photos/lee.gu.jpg", "lee v2");
    repo.commit("new photos");
    await writeFile(path.join(repo.root, "unrelated.txt"), "not a photo");
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.changedPhotoPaths).toEqual(["photos/alex.jpg", "photos/lee.gu.jpg"]);
    expect(result.upns).toEqual(["alex.wilber@contoso.com", "lee.gu@contoso.com"]);
  });

  it("counts an untracked photo and a deleted one", async () => {
    const repo = await baseRepo();
    await unlink(path.join(repo.root, "photos/adele.vance.jpg"));
    await repo.write("photos.yaml", BASE_MANIFEST.replace("photos/alex.jpg", "photos/alex-new.jpg"));
    await repo.write("photos/alex-new.jpg", "alex v2");
    const result = await resolveChangedSince(repo.manifest, repo.base);
    expect(result.changedPhotoPaths).toEqual(["photos/adele.vance.jpg", "photos/alex-new.jpg"]);
    expect(result.upns).toEqual(["adele.vance@contoso.com", "alex.wilber@contoso.com"]);
  });

  it("follows a symbolic link inside photos/ to a changed file", async () => {
    const repo = await baseRepo();
    await unlink(path.join(repo.root, "photos/lee.gu.jpg"));
    await symlink("alex.jpg", path.join(repo.root, "photos/lee.gu.jpg"));
    repo.commit("lee shares alex's photo");
    const linked = repo.git("rev-parse", "HEAD");
    await repo.write("photos/alex.jpg", "alex v2");
    const result = await resolveChangedSince(repo.manifest, linked);
    expect(result.changedPhotoPaths).toEqual(["photos/alex.jpg"]);
    expect(result.upns).toEqual(["alex.wilber@contoso.com", "lee.gu@contoso.com"]);
  });

  it("explains an unknown ref and how to fetch it", async () => {
    const repo = await baseRepo();
    await expect(resolveChangedSince(repo.manifest, "origin/nope")).rejects.toThrow(
      '--changed-since: "origin/nope" is not a commit in this repository; fetch the base first: actions/checkout with fetch-depth: 0, or git fetch origin <base>',
    );
    await expect(resolveChangedSince(repo.manifest, "0123456789abcdef0123456789abcdef01234567")).rejects.toThrow(/is not a commit in this repository/);
  });

  it("refuses a ref that git would read as an option, and runs nothing with it", async () => {
    const repo = await baseRepo();
    await expect(resolveChangedSince(repo.manifest, "--output=x")).rejects.toThrow(
      `--changed-since "--output=x" is refused: the ref starts with '-' (it would be read as an option)`,
    );
    expect(existsSync(path.join(repo.root, "x"))).toBe(false);
    expect(refProblem("main:photos.yaml")).toMatch(/contains ':'/);
    expect(refProblem("main photos")).toMatch(/space or control/);
    expect(refProblem("")).toBe("is empty");
    expect(refProblem("origin/main")).toBeUndefined();
    expect(refProblem("HEAD~1")).toBeUndefined();
  });

  it("says so when the manifest is not in a git repository", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "photosync-nogit-"));
    roots.push(root);
    await writeFile(path.join(root, "photos.yaml"), BASE_MANIFEST);
    await mkdir(path.join(root, "photos"));
    await expect(resolveChangedSince(path.join(root, "photos.yaml"), "main")).rejects.toThrow(
      /is not in a usable git repository .*; run photosync in a clone \(actions\/checkout\)$/,
    );
  });
});

describe("changedUsers", () => {
  const state = (text: string) => {
    const parsed = stateFromManifestText(text, "/repo/photos.yaml", "photos.yaml");
    if (!("state" in parsed)) throw new Error(parsed.error);
    return parsed.state;
  };

  it("a change of tenant id or stores puts everyone in scope; safety settings do not", () => {
    const base = state(BASE_MANIFEST);
    expect(changedUsers(base, state(BASE_MANIFEST.replace("id: contoso.onmicrosoft.com", "id: fabrikam.onmicrosoft.com")), new Set()).scope).toBe("all");
    expect(changedUsers(base, state(BASE_MANIFEST.replace("stores: [exo, aad, spo]", "stores: [exo, spo]")), new Set()).allReason).toBe(
      "tenant.stores changed: every user's plan may change",
    );
    const safety = changedUsers(base, state(`${BASE_MANIFEST}safety: { maxUpdateShare: 0.5 }\n`), new Set());
    expect(safety).toEqual({ scope: "some", upns: [], reasons: {}, dropped: [] });
  });

  it("without a base manifest, plans every managed user", () => {
    const result = changedUsers(undefined, state(BASE_MANIFEST), new Set());
    expect(result.scope).toBe("all");
    expect(result.upns).toHaveLength(5);
    expect(result.allReason).toBe("the manifest did not exist at the base");
  });

  it("ignores changed files nobody uses, and matches paths as users write them", () => {
    const base = state(BASE_MANIFEST);
    expect(changedUsers(base, base, new Set(["photos/unused.jpg", "photos/README.md"])).upns).toEqual([]);
    expect(changedUsers(base, base, new Set(["photos/./Alex.JPG"])).upns).toEqual(["alex.wilber@contoso.com"]);
  });

  it("a person turned to default, and the default picture's file changing, put the people who show it in scope", () => {
    const withPlaceholder = BASE_MANIFEST.replace('  background: "#ffffff"\n', '  background: "#ffffff"\n  placeholder: photos/_placeholder.png\n');
    const base = state(withPlaceholder);
    const current = state(withPlaceholder.replace("alex.wilber@contoso.com: photos/alex.jpg", "alex.wilber@contoso.com: default"));
    expect(changedUsers(base, current, new Set())).toMatchObject({
      scope: "some",
      upns: ["alex.wilber@contoso.com"],
      reasons: { "alex.wilber@contoso.com": "photo photos/alex.jpg → default (photos/_placeholder.png)" },
    });
    expect(changedUsers(current, current, new Set(["photos/_placeholder.png"]))).toMatchObject({
      upns: ["alex.wilber@contoso.com"],
      reasons: { "alex.wilber@contoso.com": "default picture file photos/_placeholder.png changed" },
    });
  });

  it("a changed id or own stores puts that user in scope", () => {
    const base = state(BASE_MANIFEST);
    const current = state(
      BASE_MANIFEST.replace("alex.wilber@contoso.com: photos/alex.jpg", "alex.wilber@contoso.com: { photo: photos/alex.jpg, id: 8a3c5f1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b }").replace(
        "pradeep.gupta@contoso.com: remove",
        "pradeep.gupta@contoso.com: { remove: true, stores: [aad] }",
      ),
    );
    const result = changedUsers(base, current, new Set());
    expect(result.upns).toEqual(["alex.wilber@contoso.com", "pradeep.gupta@contoso.com"]);
    expect(result.reasons["alex.wilber@contoso.com"]).toBe("id none → 8a3c5f1e-2b4d-4e6f-9a1b-3c5d7e9f1a2b");
    expect(result.reasons["pradeep.gupta@contoso.com"]).toBe("stores aad,exo,spo → aad (own)");
  });
});
