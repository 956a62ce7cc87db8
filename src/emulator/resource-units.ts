/**
 * SharePoint Online's per-app budget of resource units ("Avoid getting throttled or blocked in
 * SharePoint Online", learn.microsoft.com, 2024-07 revision): every request an app makes to
 * SharePoint, Graph, CSOM or REST, and every part of a `$batch`, spends units from a budget per
 * tenant per minute and per 24 hours, sized by the tenant's licences. Over it, SharePoint answers
 * 429 with `Retry-After`; throttled requests still count, so hammering makes it worse.
 *
 * What Microsoft publishes: the tiers below, and Graph's costs (1 unit for a single item or a file
 * download, 2 for a multi-item query or a write). What it does not: REST's costs ("no
 * predetermined cost … usually cost more"). The emulator's default charges REST twice Graph's
 * costs, the harsher reading; `costs` sets them. Whether SharePoint sends the preview
 * `RateLimit-*` headers near the limit is optional in the docs: off by default (`rateLimitHeaders`).
 */
export type OperationKind = "read" | "list" | "download" | "write";

export interface SharePointBudget {
  /** Licences in the tenant, which choose Microsoft's tier (default: the tenant's users). */
  licences?: number;
  /** Units per app per minute and per 24 h (default: the tier's). */
  perMinute?: number;
  perDay?: number;
  /** Units each kind of operation costs (default: REST_COSTS). */
  costs?: Partial<Record<OperationKind, number>>;
  /** Send `RateLimit-Limit/Remaining/Reset` once 80% of the minute's budget is used (a preview feature). */
  rateLimitHeaders?: boolean;
}

/**
 * Microsoft's published tiers: licences up to `upTo` → units per app per minute and per 24 h.
 * (The same page limits the whole tenant, every app together, to 15 times an app's minute per
 * 5 minutes: 18,750 to 93,750; photosync is one app, so the app's budget is the one it meets.)
 */
export const SHAREPOINT_TIERS: ReadonlyArray<{ upTo: number; perMinute: number; perDay: number }> = [
  { upTo: 1_000, perMinute: 1_250, perDay: 1_200_000 },
  { upTo: 5_000, perMinute: 2_500, perDay: 2_400_000 },
  { upTo: 15_000, perMinute: 3_750, perDay: 3_600_000 },
  { upTo: 50_000, perMinute: 5_000, perDay: 4_800_000 },
  { upTo: Infinity, perMinute: 6_250, perDay: 6_000_000 },
];

/** Graph's published costs, doubled for REST (an assumption: Microsoft says only "usually more"). */
export const REST_COSTS: Readonly<Record<OperationKind, number>> = { read: 2, list: 4, download: 2, write: 4 };

export function tierFor(licences: number): { perMinute: number; perDay: number } {
  const tier = SHAREPOINT_TIERS.find((candidate) => licences <= candidate.upTo) ?? SHAREPOINT_TIERS[SHAREPOINT_TIERS.length - 1]!;
  return { perMinute: tier.perMinute, perDay: tier.perDay };
}

/** What a SharePoint REST request is, for its cost. `target`: the decoded path and query. */
export function operationKind(method: string, target: string): OperationKind {
  const path = target.split("?")[0]!.toLowerCase();
  if (method !== "GET") return path.endsWith("/contextinfo") ? "read" : "write";
  if (path.endsWith("/$value")) return "download";
  if (/\/(items|files|folders)$/.test(path)) return "list";
  return "read";
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface Window {
  start: number;
  used: number;
}

export interface Charge {
  /** Undefined: within budget. Otherwise the seconds until the exhausted window resets. */
  retryAfter?: number;
  /** Which budget ran out. */
  exhausted?: "minute" | "day";
  /** The preview headers, when switched on and 80% of the minute's budget is used. */
  headers?: Record<string, string>;
}

/** The budget of every app of one tenant, in fixed windows from each app's first request. */
export class ResourceUnits {
  private readonly minutes = new Map<string, Window>();
  private readonly days = new Map<string, Window>();
  /** Units charged since configured, by app (throttled requests included, as SharePoint counts them). */
  readonly used = new Map<string, number>();
  readonly perMinute: number;
  readonly perDay: number;
  private readonly costs: Record<OperationKind, number>;

  constructor(
    private readonly budget: SharePointBudget,
    tenantUsers: number,
  ) {
    const tier = tierFor(budget.licences ?? tenantUsers);
    this.perMinute = budget.perMinute ?? tier.perMinute;
    this.perDay = budget.perDay ?? tier.perDay;
    this.costs = { ...REST_COSTS, ...budget.costs };
  }

  private window(windows: Map<string, Window>, app: string, length: number, now: number): Window {
    let window = windows.get(app);
    if (window === undefined || now - window.start >= length) {
      window = { start: now, used: 0 };
      windows.set(app, window);
    }
    return window;
  }

  /** Charges one operation; says whether it was over the budget (it is charged all the same). */
  charge(app: string, kind: OperationKind, now: number): Charge {
    const cost = this.costs[kind];
    const minute = this.window(this.minutes, app, MINUTE_MS, now);
    const day = this.window(this.days, app, DAY_MS, now);
    const over = day.used + cost > this.perDay ? "day" : minute.used + cost > this.perMinute ? "minute" : undefined;
    minute.used += cost;
    day.used += cost;
    this.used.set(app, (this.used.get(app) ?? 0) + cost);
    const charge: Charge = {};
    if (over !== undefined) {
      const window = over === "day" ? day : minute;
      charge.exhausted = over;
      charge.retryAfter = Math.max(1, Math.ceil((window.start + (over === "day" ? DAY_MS : MINUTE_MS) - now) / 1000));
    }
    if (this.budget.rateLimitHeaders === true && minute.used >= 0.8 * this.perMinute) {
      charge.headers = {
        "ratelimit-limit": String(this.perMinute),
        "ratelimit-remaining": String(Math.max(0, this.perMinute - minute.used)),
        "ratelimit-reset": String(Math.max(1, Math.ceil((minute.start + MINUTE_MS - now) / 1000))),
      };
    }
    return charge;
  }
}
