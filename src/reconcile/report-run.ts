/**
 * `photosync report`'s pipeline: the managed people as the planner sees them (runPlan: the same
 * batched, cached reads and the same verdicts), every other person of the tenant (listDirectory)
 * read through the same store adapters and live cache, and the pure report built from both.
 * Read-only: it signs in as the reader and writes nothing to the tenant.
 */
import type { Problem } from "../manifest/problems.js";
import { ignoreMatcher } from "../manifest/build.js";
import { upnKey } from "../model/desired.js";
import type { DirectoryUser, PhotoObservation, SpoObservation } from "../model/observations.js";
import type { UserPlan } from "../model/plan.js";
import { fingerprintThumbnail } from "../images/fingerprint-thumbnail.js";
import { LiveCache } from "../stores/live-cache.js";
import { listDirectory } from "../stores/graph/directory.js";
import { readGraphPhotos } from "../stores/graph/read.js";
import type { GraphPhotoRead, PhotoReadTarget } from "../stores/graph/read.js";
import { readSharePoint } from "../stores/sharepoint/read.js";
import { largestThumbnail, buildReport, reportRow } from "../report/model.js";
import type { PersonReading, Report } from "../report/model.js";
import { runPlan } from "./plan-run.js";
import type { PlanRunOptions } from "./plan-run.js";
import { readOptions } from "./session.js";

export interface ReportRunOptions extends Omit<PlanRunOptions, "users" | "changedSince" | "keepSession" | "callerSavesMeasures"> {
  /** Make the small pictures the HTML page shows (from the fingerprints read: no extra download). */
  thumbnails?: boolean;
  /** Called as the directory's pages arrive (progress). */
  onListed?: (listed: number) => void;
  now?: () => Date;
}

export type ReportRunResult = { ok: false; problems: Problem[] } | { ok: true; report: Report };

/**
 * The Graph photo as a report shows it. In a legacy tenant the plan reads two (the mailbox's and
 * Entra ID's): a photo in either is a photo; a failed read of either is unknown before "none".
 */
function graphPhoto(live: { aad?: PhotoObservation; exo?: PhotoObservation } | undefined): PhotoObservation | undefined {
  const reads = [live?.aad, live?.exo].filter((read): read is PhotoObservation => read !== undefined);
  return reads.find((read) => read.state === "present") ?? reads.find((read) => read.state === "unknown") ?? reads[0];
}

export async function runReport(options: ReportRunOptions): Promise<ReportRunResult> {
  const planned = await runPlan({ ...options, keepSession: true, callerSavesMeasures: true });
  if (!planned.ok) return planned;
  const { state, records, plan, measures } = planned;
  const session = planned.session!;
  try {
    const connection = session.connection;
    const read = options.read ?? readOptions(options.settings.retry);
    const directory = await listDirectory(connection.graph, options.onListed);

    // The managed people, by object id (the manifest's UPN may be an old one: the lookup followed it).
    const managedById = new Map<string, { graph?: PhotoObservation; spo?: SpoObservation; plan?: UserPlan }>();
    const plans = new Map(plan.users.map((user) => [upnKey(user.upn), user]));
    for (const [key, record] of records) {
      if (record.live?.lookup.state !== "found") continue;
      const graph = graphPhoto(record.live);
      const userPlan = plans.get(key);
      managedById.set(record.live.lookup.user.id, { ...(graph ? { graph } : {}), ...(record.live.spo ? { spo: record.live.spo } : {}), ...(userPlan ? { plan: userPlan } : {}) });
    }

    // Whatever the plan did not read (people it does not manage, stores it does not manage for
    // someone) is read here, through the same adapters and the same cache.
    const cache = LiveCache.forRepo(state.rootDir);
    await cache.load();
    const needsGraph = directory.filter((user) => managedById.get(user.id)?.graph === undefined);
    const needsSpo = directory.filter((user) => managedById.get(user.id)?.spo === undefined);
    const target = (user: DirectoryUser): PhotoReadTarget => ({ key: user.id, userId: user.id });
    const [v1, spoReads] = await Promise.all([
      needsGraph.length > 0 ? readGraphPhotos(connection.graph, "v1.0", "exo", needsGraph.map(target), cache, read.graph) : Promise.resolve(new Map<string, GraphPhotoRead>()),
      needsSpo.length > 0 ? readSharePoint(connection.sharePoint, needsSpo.map((user) => ({ key: user.id, upn: user.upn })), cache, read.sharePoint) : Promise.resolve(new Map<string, SpoObservation>()),
    ]);
    // A legacy tenant answers v1.0 "no mailbox" for people without one: their Entra ID photo is beta's.
    const noMailbox = needsGraph.filter((user) => v1.get(user.id)?.state === "no-mailbox");
    const beta = noMailbox.length > 0 ? await readGraphPhotos(connection.graph, "beta", "aad", noMailbox.map(target), cache, read.graph) : new Map<string, GraphPhotoRead>();
    await cache.save();

    const asPhoto = (photo: GraphPhotoRead | undefined): PhotoObservation | undefined => (photo === undefined || photo.state === "no-mailbox" ? undefined : photo);
    const isIgnored = ignoreMatcher(state.ignore);
    const readings: PersonReading[] = directory.map((user) => {
      const managed = managedById.get(user.id);
      const graph = managed?.graph ?? asPhoto(beta.get(user.id)) ?? asPhoto(v1.get(user.id));
      const spo = managed?.spo ?? spoReads.get(user.id);
      return {
        user,
        managed: managed !== undefined,
        ignored: managed === undefined && isIgnored(user.upn),
        ...(graph ? { graph } : {}),
        ...(spo ? { spo } : {}),
        ...(managed?.plan ? { plan: managed.plan } : {}),
      };
    });
    // The report's own comparisons (Graph's photo against SharePoint's) are remembered with the
    // plan's: the pairs of the whole tenant, as a full plan keeps its own.
    const rows = readings.map((reading) => reportRow(reading, measures.measure));
    await measures.save({ onlyUsed: true }).catch(() => undefined);
    if (options.thumbnails) {
      await Promise.all(
        readings.map(async (reading, index) => {
          const graphPrint = reading.graph?.state === "present" ? reading.graph.fingerprint : undefined;
          const spoPrint = largestThumbnail(reading.spo);
          const [graph, sharePoint] = await Promise.all([graphPrint ? fingerprintThumbnail(graphPrint) : undefined, spoPrint ? fingerprintThumbnail(spoPrint) : undefined]);
          if (graph || sharePoint) rows[index]!.thumbnails = { ...(graph ? { graph } : {}), ...(sharePoint ? { sharePoint } : {}) };
        }),
      );
    }
    return { ok: true, report: buildReport(rows, state.tenant.id, (options.now ?? (() => new Date()))()) };
  } finally {
    await session.close();
  }
}
