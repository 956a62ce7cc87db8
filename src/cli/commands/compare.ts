/**
 * `photosync compare A B`: for people and for bug reports. Compares two images as the planner
 * does (images/compare.ts) and prints the verdict, the reason in words and every distance with its
 * limit. A is the expected image, B the actual one (what the tenant serves); with --render, A is a
 * source photo as committed to the repo and is first rendered as apply would upload it to Graph.
 * The limits are compare.ts's own (limitsFor), never copied.
 */
import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import { stat } from "node:fs/promises";
import path from "node:path";
import { BLOCKS_MAX, LOST_MOVED_MAX, SMALL_EDGE, compare, limitsFor, movedCopy } from "../../images/compare.js";
import type { Comparison, Distances, Limit } from "../../images/compare.js";
import { fingerprintImage } from "../../images/fingerprint-image.js";
import { SOURCE_FORMAT_NAMES } from "../../images/settings.js";
import { renderVariants } from "../../images/variants.js";
import { buildDesiredState } from "../../manifest/build.js";
import { loadManifest } from "../../manifest/load.js";
import { parseManifestText } from "../../manifest/yaml-source.js";
import type { DesiredState, RenderSettings, ThumbnailSizes } from "../../model/desired.js";
import type { Fingerprint } from "../../model/fingerprint.js";
import { formatProblemLine } from "../../validate/format.js";
import { checkPhotoFile } from "../../validate/photo-content.js";
import { EXIT, useColour } from "../io.js";
import type { CommandContext } from "../io.js";
import { readSettings } from "../settings.js";

export const COMPARE_JSON_FORMAT = "photosync.compare/v1";

type DistanceName = keyof Distances;

/** What each distance means, in a short phrase; a Record so that a new distance cannot be left out. */
const MEANINGS: Record<DistanceName, { label: string; meaning: string }> = {
  hash: { label: "hash bits", meaning: "perceptual-hash bits that differ, of 64" },
  colour: { label: "colour ΔE", meaning: "worst 4×4 colour cell, tone matched" },
  pixels: { label: "pixels ΔE", meaning: "worst 8×8 pixel, tone matched" },
  tone: { label: "tone shift", meaning: "brightness/contrast change, levels" },
  structure: { label: "structure", meaning: "worst local change once tone and motion fit, levels" },
  moved: { label: "moved", meaning: "largest shift of any part, 32nds of the edge" },
  lost: { label: "detail lost", meaning: "share of the expected fine detail missing" },
  texture: { label: "texture", meaning: "detail relative to the expected (1: as detailed)" },
  fine: { label: "fine detail", meaning: "finest detail relative to the expected, where both are large enough" },
  blocks: { label: "block edges", meaning: "how much more its edges crowd onto few columns or rows than ours (a mosaic)" },
}
const DISTANCE_NAMES = Object.keys(MEANINGS) as DistanceName[];

export interface CompareSide {
  file: string;
  width: number;
  height: number;
}

export interface CompareJson {
  format: typeof COMPARE_JSON_FORMAT;
  verdict: Comparison["verdict"];
  reason: string;
  method: Comparison["method"];
  expected: CompareSide & { render?: RenderOrigin & RenderSettings };
  actual: CompareSide;
  /** The smallest accepted edge of the actual image (--min-edge), when one was asked. */
  minEdge?: number;
  distances: Distances;
  limits: Record<DistanceName, Limit>;
  /** Whether the verdict applied each distance's limit, given the images' sizes and detail. */
  checked: Record<DistanceName, boolean>;
}

/** Where the render settings of --render came from. */
interface RenderOrigin {
  settingsFrom: "photos.yaml" | "defaults";
  /** The manifest read (settingsFrom photos.yaml). */
  manifest?: string;
  /** The person whose photo A is, when it is one: their crop and background were used. */
  user?: string;
}

interface CompareCommandOptions {
  render?: boolean;
  format: "text" | "json";
  manifest?: string;
  minEdge?: number;
}

/** Nothing was compared: one line on stderr (after the problems it names, if any), exit 64. */
class Refusal {
  constructor(
    readonly message: string,
    readonly problems: readonly string[] = [],
  ) {}
}

function parseEdge(value: string): number {
  const edge = Number(value);
  if (!Number.isInteger(edge) || edge < 1) throw new InvalidArgumentError("a number of pixels, a whole number of 1 or more.");
  return edge;
}

function checkedDistances(result: Comparison): Record<DistanceName, boolean> {
  return {
    hash: result.method === "hash",
    colour: true,
    // In the hash method the pixels only vouch for a hash between the two hash limits.
    pixels: result.method === "pixels",
    tone: true,
    structure: result.checked.structure,
    // `moved` decides which limit `lost` has: a moved copy is measured against ours moved the same way.
    moved: result.checked.texture,
    lost: result.checked.texture,
    texture: result.checked.texture,
    fine: result.checked.texture,
    // `blocks` decides, with `moved`, which limit `lost` has: a mosaic is not a moved copy.
    blocks: result.checked.texture,
  };
}

/** The render settings of photos.yaml when none is at hand: the manifest's own defaults, built from an empty manifest. */
function builtInDefaults(cwd: string): { render: RenderSettings; thumbnails: ThumbnailSizes } {
  const file = path.join(cwd, "photos.yaml");
  const { sourceMap } = parseManifestText(file, "{}\n");
  const { state } = buildDesiredState({ tenant: { id: "" }, users: {} }, file, sourceMap!);
  return { render: state.defaults.render, thumbnails: state.tenant.sharepoint.thumbnails };
}

/** The render settings for --render: the person's whose photo A is, else photos.yaml's defaults, else the built-in ones. */
async function renderSettingsFor(
  sourcePath: string,
  options: CompareCommandOptions,
  cwd: string,
): Promise<{ render: RenderSettings; thumbnails: ThumbnailSizes; origin: RenderOrigin }> {
  const manifestPath = path.resolve(cwd, options.manifest ?? "photos.yaml");
  const displayName = path.relative(cwd, manifestPath) || manifestPath;
  if (options.manifest === undefined) {
    const exists = await stat(manifestPath).then(
      () => true,
      () => false,
    );
    if (!exists) return { ...builtInDefaults(cwd), origin: { settingsFrom: "defaults" } };
  }
  const loaded = await loadManifest(manifestPath, { displayName });
  if (!loaded.state) {
    const problems = loaded.problems.filter((problem) => problem.severity === "error").map((problem) => formatProblemLine(problem));
    throw new Refusal(`--render needs the render settings of ${displayName}; fix it (photosync validate shows every problem) or pass --manifest`, problems);
  }
  const state: DesiredState = loaded.state;
  const user = state.users.find((candidate) => candidate.photo.kind !== "remove" && candidate.photo.absolutePath === sourcePath);
  const origin: RenderOrigin = { settingsFrom: "photos.yaml", manifest: displayName, ...(user ? { user: user.upn } : {}) };
  return { render: user ? user.render : state.defaults.render, thumbnails: state.tenant.sharepoint.thumbnails, origin };
}

/**
 * Reads one image file and checks it as validate checks a photo (sniffed type, pixel budget,
 * complete decode). Files taken as-is may be what a service served: only a source photo (--render)
 * must decode without a warning, as apply requires; a served one is then decoded the planner's way.
 */
async function readImage(file: string, cwd: string, asSource: boolean, render: RenderSettings): Promise<Buffer> {
  const absolutePath = path.resolve(cwd, file);
  const info = await stat(absolutePath).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    const what = info.code === "ENOENT" ? "does not exist" : `cannot be read (${info.code ?? info.message})`;
    throw new Refusal(`${file} ${what}; give the path of an image file (${SOURCE_FORMAT_NAMES})`);
  }
  if (info.isDirectory()) throw new Refusal(`${file} is a directory; give the path of an image file`);
  const check = await checkPhotoFile(absolutePath, file, { minSize: 1, render });
  const refusal = check.findings.find((finding) => finding.severity === "error" && (asSource || finding.code !== "photo-corrupt"));
  if (refusal || !check.bytes) throw new Refusal(`${file} ${refusal?.message ?? "cannot be read"}; nothing was compared`);
  return check.bytes;
}

async function fingerprintFile(file: string, bytes: Buffer): Promise<Fingerprint> {
  try {
    return await fingerprintImage(bytes);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new Refusal(`${file} cannot be decoded as an image (${reason}); the file is truncated or not an image: nothing was compared`);
  }
}

/** Limits such as 1 / TEXTURE_RATIO_MAX are shown as the distances are: to 2 decimals. */
const format = (value: number): string => String(Number(value.toFixed(2)));

function limitText(name: DistanceName, limit: Limit): string {
  if (name === "hash" && limit.vouched) return `${limit.max} (${limit.vouched.max} when the structure vouches)`;
  if (limit.max === undefined) return `at least ${format(limit.min ?? 0)}×`;
  if (name === "moved") return `${format(limit.max)} (then detail lost ≤ ${format(LOST_MOVED_MAX)}, unless block edges are over ${format(BLOCKS_MAX)})`;
  if (name === "blocks") return `${format(limit.max)} (over it, a moved copy gets no looser detail limit)`;
  if (limit.min !== undefined) return `${format(limit.min)}–${format(limit.max)}×`;
  return format(limit.max);
}

/** What the verdict made of one distance: within, over, or why it was not checked. */
function statusText(name: DistanceName, result: Comparison, limits: Record<DistanceName, Limit>, checked: Record<DistanceName, boolean>, actualEdge: number): string {
  const value = result.distances[name];
  const limit = limits[name];
  if (!checked[name]) {
    if (name === "hash") return "not used: both pictures near-flat, their pixels decide";
    if (name === "pixels") return "used only to vouch for the hash";
    if (result.method === "pixels" && ["structure", "moved", "lost", "texture", "fine", "blocks"].includes(name) && actualEdge >= SMALL_EDGE) return "not checked: near-flat pictures";
    return `not checked: under ${SMALL_EDGE} px`;
  }
  const within = (limit.max === undefined || value <= limit.max) && (limit.min === undefined || value >= limit.min);
  if (within) return "ok";
  if (name === "moved") return movedCopy(result.distances) ? "moved: detail lost measured against ours moved" : "moved, but its edges sit on a block grid: detail lost measured as it is";
  if (name === "blocks") return "over: edges on a block grid (a mosaic), no moved-copy allowance";
  if (name === "hash" && limit.vouched && value <= limit.vouched.max) {
    const vouched = result.distances.structure <= limit.vouched.structureMax && result.distances.pixels <= (limits.pixels.max ?? 0);
    return vouched ? "ok: the structure vouches" : "over";
  }
  return "over";
}

/** Rows as aligned columns; the columns in `numeric` are aligned right. */
function table(rows: string[][], indent: string, numeric: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd())
    .join("\n");
}

function renderNote(origin: RenderOrigin | undefined): string {
  if (!origin) return "";
  if (origin.settingsFrom === "defaults") return "  (photosync's render, default settings: no photos.yaml here)";
  if (origin.user) return `  (photosync's render, ${origin.user}'s settings in ${origin.manifest})`;
  return `  (photosync's render, the defaults of ${origin.manifest})`;
}

function formatText(report: CompareJson, result: Comparison, origin: RenderOrigin | undefined, paint: (code: number, text: string) => string): string {
  const verdictColour = report.verdict === "same" ? 32 : report.verdict === "different" ? 31 : 33;
  // "same picture" and "too small: …" say their verdict themselves.
  const headline = report.verdict === "different" ? `different: ${report.reason}` : report.reason;
  const sides = table(
    [
      ["expected", report.expected.file, `${report.expected.width}x${report.expected.height}${renderNote(origin)}`],
      ["actual", report.actual.file, `${report.actual.width}x${report.actual.height}${report.minEdge !== undefined ? `  (at least ${report.minEdge} px asked)` : ""}`],
    ],
    "  ",
  );
  const rows = [
    ["distance", "value", "limit", "check", "what it measures"],
    ...DISTANCE_NAMES.map((name) => [
      MEANINGS[name].label,
      format(report.distances[name]) + (name === "texture" || name === "fine" ? "×" : ""),
      limitText(name, report.limits[name]),
      statusText(name, result, report.limits, report.checked, Math.min(report.actual.width, report.actual.height)),
      MEANINGS[name].meaning,
    ]),
  ];
  const distances = table(rows, "  ", new Set([1]))
    .split("\n")
    .map((line, index) => (index > 0 && / over {2}/.test(line) ? paint(31, line) : line))
    .join("\n");
  return `${paint(verdictColour, headline)}\n${sides}\n\n${distances}\n`;
}

export function registerCompare(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command("compare")
    .description(
      "Compare two images as plan does: print the verdict, the reason and every distance with its limit. A is the expected image, B the actual one (what the tenant serves). Exit 0: the same picture, 1: different (or smaller than --min-edge), 64: a file is missing or not an image.",
    )
    .argument("<A>", "the expected image (with --render: a source photo as committed)")
    .argument("<B>", "the actual image, e.g. what Graph or SharePoint serves")
    .option("-r, --render", "render A first as apply would upload it to Graph (settings from photos.yaml, else the defaults), and compare that render with B")
    .option("-m, --manifest <file>", "with --render: the manifest whose render settings apply (default: photos.yaml, when there is one)")
    .addOption(new Option("--min-edge <px>", "also require B's shorter edge to be at least this many px (default: only the picture is compared)").argParser(parseEdge))
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (fileA: string, fileB: string, options: CompareCommandOptions) => {
      const colour = useColour(io, readSettings(io.env, io.cwd).colour);
      const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
      try {
        const sourcePath = path.resolve(io.cwd, fileA);
        const settings = options.render ? await renderSettingsFor(sourcePath, options, io.cwd) : { ...builtInDefaults(io.cwd), origin: undefined };
        const bytesA = await readImage(fileA, io.cwd, options.render === true, settings.render);
        const bytesB = await readImage(fileB, io.cwd, false, settings.render);
        const expected = options.render
          ? (await renderVariants(bytesA, settings.render, settings.thumbnails)).variants.graph.fingerprint
          : await fingerprintFile(fileA, bytesA);
        const actual = await fingerprintFile(fileB, bytesB);
        const actualEdge = Math.min(actual.width, actual.height);
        // Without --min-edge only the picture is compared: a service serves smaller sizes of the same photo.
        const result = compare(expected, actual, { minEdge: options.minEdge ?? actualEdge });
        const origin = settings.origin;
        const report: CompareJson = {
          format: COMPARE_JSON_FORMAT,
          verdict: result.verdict,
          reason: result.reason,
          method: result.method,
          expected: { file: fileA, width: expected.width, height: expected.height, ...(origin ? { render: { ...origin, ...settings.render } } : {}) },
          actual: { file: fileB, width: actual.width, height: actual.height },
          ...(options.minEdge !== undefined ? { minEdge: options.minEdge } : {}),
          distances: result.distances,
          limits: limitsFor(actualEdge, result.distances),
          checked: checkedDistances(result),
        };
        io.stdout.write(options.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatText(report, result, origin, paint));
        setExitCode(result.same ? EXIT.ok : EXIT.failure);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        for (const line of error.problems) io.stderr.write(`${line}\n`);
        io.stderr.write(`photosync: ${error.message}\n`);
        setExitCode(EXIT.usage);
      }
    });
}
