// @ts-check
/**
 * The layering of src/ (docs/architecture.md, "Layering"), checked by `npm run lint`: a wrong
 * arrow or an import cycle fails CI. Each rule names the folder it guards and says why.
 */
const layer = (name) => `^src/${name}/`;
const only = (...names) => `^src/(${names.join("|")})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "An import cycle hides which module is the lower one.", from: {}, to: { circular: true } },
    {
      name: "model-imports-nothing",
      severity: "error",
      comment: "src/model holds the domain types and pure rules every layer shares; it depends on no other layer.",
      from: { path: layer("model") },
      to: { path: "^src/", pathNot: layer("model") },
    },
    {
      name: "plan-is-pure",
      severity: "error",
      comment: "The planner takes plain data and returns plain data: model, the pure half of images, the stores' naming rules.",
      from: { path: layer("plan") },
      to: { path: "^src/", pathNot: [only("model", "plan"), "^src/images/(compare|colour|phash|fingerprint|graph-sizes)\\.ts$", "^src/stores/sharepoint/names\\.ts$"] },
    },
    {
      name: "plan-never-loads-sharp",
      severity: "error",
      comment: "Importing the planner must not load sharp (a plan of an unchanged repo decodes nothing).",
      from: { path: layer("plan") },
      to: { path: "^node_modules/sharp/", reachable: true },
    },
    {
      name: "doctor-is-pure",
      severity: "error",
      comment:
        "doctor's checks and formatters judge plain findings (the pipeline, reconcile/doctor-run.ts, gathers them): model, the planner's pure wording, and only the types of the session and stores whose answers they judge.",
      from: { path: layer("doctor") },
      to: { path: "^src/", pathNot: only("model", "plan", "doctor"), dependencyTypesNot: ["type-only"] },
    },
    {
      name: "report-is-pure",
      severity: "error",
      comment: "The report's model and formatters take plain findings (reconcile/report-run.ts gathers them): model, the pure half of images, the planner's markdown helpers.",
      from: { path: layer("report") },
      to: { path: "^src/", pathNot: [only("model", "report"), "^src/images/(compare|colour|phash|fingerprint)\\.ts$", "^src/plan/format-markdown\\.ts$"] },
    },
    {
      name: "report-never-loads-sharp",
      severity: "error",
      comment: "The report's formatters decode nothing: the pipeline makes the thumbnails.",
      from: { path: layer("report") },
      to: { path: "^node_modules/sharp/", reachable: true },
    },
    {
      name: "names-are-pure",
      severity: "error",
      comment: "A store's names module (URLs, file names, error codes) is pure, so the planner and validate may use it.",
      from: { path: "^src/stores/[^/]+/names\\.ts$" },
      to: { path: "^src/", pathNot: layer("model") },
    },
    {
      name: "tenant-is-the-session",
      severity: "error",
      comment: "src/tenant is the session only (endpoints, sign-in, HTTP policy); it knows no store and no decision.",
      from: { path: layer("tenant"), pathNot: "^src/tenant/local-emulator\\.ts$" },
      to: { path: "^src/", pathNot: only("tenant", "model", "files") },
    },
    {
      name: "stores-sit-on-the-session",
      severity: "error",
      comment: "Store adapters use the session, the model and the image fingerprint; they never decide what to plan or apply.",
      from: { path: layer("stores") },
      to: { path: "^src/", pathNot: only("stores", "tenant", "model", "images", "files") },
    },
    {
      name: "images-know-no-pipeline",
      severity: "error",
      comment: "The image pipeline works on bytes and settings; it does not know the tenant, the plan or the commands.",
      from: { path: layer("images") },
      to: { path: "^src/", pathNot: only("images", "model", "files") },
    },
    {
      name: "pictures-draw-what-they-are-given",
      severity: "error",
      comment: "The review sheet draws the pictures and words the pipeline gathered (reconcile); it knows no tenant, plan run or command: model, images, files only.",
      from: { path: layer("pictures") },
      to: { path: "^src/", pathNot: only("pictures", "model", "images", "files") },
    },
    {
      name: "manifest-and-scope-read-files",
      severity: "error",
      comment: "Loading photos.yaml and choosing whom to plan need no network and no images.",
      from: { path: only("manifest", "scope") },
      to: { path: "^src/", pathNot: only("manifest", "scope", "model", "files") },
    },
    {
      name: "validate-checks-the-repo",
      severity: "error",
      comment: "validate checks the manifest and the photos; it never reaches the tenant.",
      from: { path: layer("validate") },
      to: { path: "^src/", pathNot: [only("validate", "manifest", "images", "model", "files"), "^src/stores/sharepoint/names\\.ts$"] },
    },
    {
      name: "apply-writes-through-stores",
      severity: "error",
      comment: "apply executes a plan through the store adapters; wiring belongs to reconcile, presentation to cli and github.",
      from: { path: layer("apply") },
      to: { path: "^src/", pathNot: only("apply", "plan", "stores", "tenant", "images", "model", "files") },
    },
    {
      name: "reconcile-wires-below-the-cli",
      severity: "error",
      comment: "reconcile wires the stages together; it never calls the CLI or GitHub glue that sit on top of it.",
      from: { path: layer("reconcile") },
      to: { path: only("cli", "github") },
    },
    {
      name: "github-is-glue",
      severity: "error",
      comment: "The GitHub Actions glue presents results; it does not run pipelines or talk to the tenant.",
      from: { path: layer("github") },
      to: { path: only("cli", "reconcile", "stores", "tenant", "emulator") },
    },
    {
      name: "nothing-imports-the-cli",
      severity: "error",
      comment: "The CLI is the top layer.",
      from: { path: "^src/", pathNot: layer("cli") },
      to: { path: layer("cli") },
    },
    {
      name: "emulator-is-separate",
      severity: "error",
      comment: "The emulator follows Microsoft's documentation, not photosync's logic: it may share only small utilities.",
      from: { path: layer("emulator") },
      to: { path: "^src/", pathNot: only("emulator", "files", "demo") },
    },
    {
      name: "emulator-reached-in-two-places",
      severity: "error",
      comment: "Product code reaches the emulator only for --emulator (tenant/local-emulator.ts, loaded lazily) and through the emulator command.",
      from: { path: "^src/", pathNot: [layer("emulator"), "^src/tenant/local-emulator\\.ts$", "^src/cli/commands/emulator\\.ts$"] },
      to: { path: layer("emulator") },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A module nobody imports is dead code (entry points excepted).",
      from: { orphan: true, path: "^src/", pathNot: ["^src/cli/main\\.ts$", "\\.d\\.ts$"] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
