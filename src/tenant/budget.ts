/**
 * SharePoint's per-app budget of resource units per minute, learned from its own 429s, so that a
 * long run spends each minute's budget and then waits for the next minute instead of running into
 * the limit every minute. Pacing (pacing.ts) limits requests at once; that bounds latency, not
 * spending: with a 200 ms answer, 16 requests at once are 4,800 a minute whatever the budget.
 *
 * SharePoint does not say what the budget is (its `RateLimit-*` headers are an optional preview),
 * and throttled operations are charged too. What it does say is when the minute's budget is back:
 * the Retry-After of a 429. So: operations are counted by minute, a minute beginning with the
 * first send after the last one ended. A 429 whose Retry-After ends the minute this client began
 * says the budget held what the client sent in it, less what was throttled; the estimate is a
 * margin below that. A 429 ending another minute (a run begun part-way into the service's) only
 * moves the count to the service's minute, and the first minute is never taken for the client's:
 * one begun by the run just before may end within a second of it. (The `RateLimit-Reset` of
 * SharePoint's preview headers, where sent, moves the count the same way, without a 429.) From
 * then on each minute takes at most the estimate, and a minute that was held back and never
 * throttled lets it grow a little, so a low guess (a minute of dearer operations, another app
 * spending the same budget) recovers.
 *
 * Before any 429 a run may start from an assumed budget (`assume`): Microsoft's published tier
 * for the licences the run knows of, at two units an operation, less the margin. Without it the
 * first minute would go out all at once (eight `$batch`es of 90 profile reads are more than the
 * smallest tier's whole minute) and everything in flight when it ran out would be throttled. An
 * assumption is only a start: until a 429 confirms, a minute of the client's that it holds back
 * doubles it every 15 s (a tenant with far more licences, or none of the limits, is found within
 * a minute), and the next minute starts from what the last one took.
 *
 * An operation is a request outside a `$batch` or one part of one: SharePoint charges each part.
 */
import { realClock } from "./backoff.js";
import type { Clock } from "./backoff.js";

const MINUTE_MS = 60_000;
/** The share of the learned budget a minute takes: room for operations dearer than the minute that taught it. */
const MARGIN = 0.9;
/** Growth of the estimate after a held-back minute without a 429 (small: each overshoot costs a burst of 429s). */
const GROWTH = 1.02;
/** Growth of an assumed estimate no 429 has confirmed yet: as fast as the next minute can tell. */
const UNCONFIRMED_GROWTH = 2;
/**
 * How fast an unconfirmed estimate doubles inside a minute of the client's that it holds back
 * without a 429: a tenant whose budget is many times the assumption is found within a minute,
 * not after one minute per doubling. Probing costs what is in flight when the budget runs out.
 */
const PROBE_MS = 15_000;
/** The longest a held send sleeps before looking again whether the minute has ended. */
const MAX_SLEEP_MS = 1_000;
/** Retry-Afters are whole seconds, rounded up: ends this close together name the same minute. */
const SAME_MINUTE_MS = 2_000;

interface Sent {
  at: number;
  operations: number;
}

export class LearnedBudget {
  /** Operations a minute may take; undefined until learned from a minute this client began. */
  private estimateOps: number | undefined;
  /** When the current minute ends: a minute after the first send past the last one, or a Retry-After's end. */
  private minuteEnds = 0;
  /**
   * Whether this client began the current minute. Only then is what it sent in it all the minute
   * held: a minute the service began earlier (a run started part-way into it) held more.
   */
  private ownMinute = false;
  /**
   * Whether a minute has begun. The first one is never taken for the client's own: a run started
   * just after another ended meets the minute that one began, and a 429 ending within a second or
   * two of the client's own count cannot tell the two apart. Once it is over, so is any minute
   * begun before this client's first send.
   */
  private anyMinuteBegun = false;
  /** Sends of the last two minutes. */
  private readonly sent: Sent[] = [];
  private throttledThisMinute = 0;
  /** When the current minute first held a send back (undefined: it has not). */
  private heldBackSince: number | undefined;
  /** Whether a 429 has set the estimate (not only `assume`). */
  private confirmed = false;

  constructor(private readonly clock: Clock = realClock) {}

  /** Operations a minute may take now (undefined: not learned yet). */
  get estimate(): number | undefined {
    return this.estimateOps === undefined ? undefined : Math.floor(this.estimateOps);
  }

  /** Starts from `operationsPerMinute` until a 429 says better (ignored once anything is known). */
  assume(operationsPerMinute: number): void {
    if (this.estimateOps === undefined && operationsPerMinute >= 1) this.estimateOps = operationsPerMinute;
  }

  /**
   * Resolves once `operations` more fit in the current minute, and counts them as spent. A send
   * larger than the whole estimate goes alone at the start of a minute rather than never.
   */
  async take(operations: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.roll(now);
      const cap = this.cap(now);
      const spent = cap === undefined ? 0 : this.spentSince(this.minuteEnds - MINUTE_MS);
      if (cap === undefined || spent === 0 || spent + operations <= cap) {
        this.sent.push({ at: now, operations });
        this.forget(now);
        return;
      }
      this.heldBackSince ??= now;
      // A probing minute's cap rises at the next probe. Slept in slices: the minute's end may move
      // while this one sleeps, earlier too (another answer names SharePoint's minute).
      const wake = this.probing() ? Math.min(this.minuteEnds, this.heldBackSince + PROBE_MS * Math.log2((spent + operations) / this.estimateOps!)) : this.minuteEnds;
      await this.clock.sleep(Math.max(1, Math.min(MAX_SLEEP_MS, wake - now)));
    }
  }

  /**
   * Whether the current minute probes past an unconfirmed estimate: a minute of the client's
   * (in the first, what the service will take is unknown), held back and never throttled.
   */
  private probing(): boolean {
    return !this.confirmed && this.ownMinute && this.throttledThisMinute === 0 && this.heldBackSince !== undefined;
  }

  /**
   * Operations the current minute may take by `now`: the estimate, or while probing the estimate
   * growing smoothly to double every PROBE_MS, so that held `$batch`es go one after another and
   * the first 429 finds little in flight, not all of them released at once.
   */
  private cap(now: number): number | undefined {
    if (this.estimateOps === undefined || !this.probing()) return this.estimateOps;
    return this.estimateOps * 2 ** ((now - this.heldBackSince!) / PROBE_MS);
  }

  /**
   * The service throttled `operations` (a 429's request, or parts of a `$batch`) and said the
   * budget is back in `retryAfterSeconds`. Waits longer than a minute are not this budget's
   * (the daily one, an outage) and teach nothing about it.
   */
  throttled(retryAfterSeconds: number, operations = 1): void {
    const now = this.clock.now();
    if (!(retryAfterSeconds > 0 && retryAfterSeconds <= MINUTE_MS / 1000)) return;
    const ends = now + retryAfterSeconds * 1000;
    this.follow(ends);
    this.throttledThisMinute += operations;
    if (!this.ownMinute) return;
    const accepted = this.spentSince(this.minuteEnds - MINUTE_MS) - this.throttledThisMinute;
    const learned = Math.max(1, MARGIN * accepted);
    this.estimateOps = this.estimateOps === undefined || !this.confirmed ? learned : Math.min(this.estimateOps, learned);
    this.confirmed = true;
  }

  /**
   * SharePoint said when its minute's budget is back without refusing anything: the `RateLimit-Reset`
   * seconds of its preview headers, sent once most of the minute is spent. Followed like a 429's
   * end (so a run begun inside another's minute starts its next one with SharePoint's, not a
   * minute after its own first send); it says nothing about how large the budget is.
   */
  resets(seconds: number): void {
    if (!(seconds > 0 && seconds <= MINUTE_MS / 1000)) return;
    this.follow(this.clock.now() + seconds * 1000);
  }

  /**
   * The service's minute ends at `ends`. The burst of answers to one spent minute names (nearly)
   * the same end: one minute. Any other end is the service's minute, not this client's: followed,
   * and learned nothing from, as it began before this client's count of it did.
   */
  private follow(ends: number): void {
    if (Math.abs(ends - this.minuteEnds) > SAME_MINUTE_MS) {
      this.minuteEnds = ends;
      this.ownMinute = false;
      this.throttledThisMinute = 0;
      this.heldBackSince = undefined;
    } else if (!this.ownMinute) {
      // Not the client's minute (the first one, or one followed already): its end is the
      // service's to the second, so that the next minute counted begins with the service's.
      this.minuteEnds = ends;
    }
  }

  /** Moves to the minute `now` is in, letting the estimate grow when the last one was held back in vain. */
  private roll(now: number): void {
    if (now < this.minuteEnds) return;
    // Held back and never throttled: whichever minute that was, it held all that was sent, so the
    // budget is at least that (the first minute's too: what was left of it is at most the budget).
    // Unconfirmed, the next minute starts from double or from what a probing minute took.
    if (this.estimateOps !== undefined && this.heldBackSince !== undefined && this.throttledThisMinute === 0) {
      this.estimateOps = this.confirmed ? this.estimateOps * GROWTH : Math.max(this.estimateOps * UNCONFIRMED_GROWTH, this.spentSince(this.minuteEnds - MINUTE_MS));
    }
    // A spent minute's budget comes back with the first request after it ends, not on a grid
    // (SharePoint does not say; the emulator's windows work so): the new minute starts with this send.
    this.minuteEnds = now + MINUTE_MS;
    this.ownMinute = this.anyMinuteBegun;
    this.anyMinuteBegun = true;
    this.throttledThisMinute = 0;
    this.heldBackSince = undefined;
  }

  private spentSince(start: number): number {
    let total = 0;
    for (let i = this.sent.length - 1; i >= 0 && this.sent[i]!.at >= start; i--) total += this.sent[i]!.operations;
    return total;
  }

  private forget(now: number): void {
    let old = 0;
    while (old < this.sent.length && this.sent[old]!.at < now - 2 * MINUTE_MS) old++;
    if (old > 0) this.sent.splice(0, old);
  }
}

/**
 * SharePoint Online's published budgets per app per minute, by licences ("Avoid getting throttled
 * or blocked in SharePoint Online", learn.microsoft.com, 2024-07 revision). The emulator keeps its
 * own copy: it plays the service and shares no logic with the client.
 */
const PUBLISHED_TIERS: ReadonlyArray<{ upToLicences: number; unitsPerMinute: number }> = [
  { upToLicences: 1_000, unitsPerMinute: 1_250 },
  { upToLicences: 5_000, unitsPerMinute: 2_500 },
  { upToLicences: 15_000, unitsPerMinute: 3_750 },
  { upToLicences: 50_000, unitsPerMinute: 5_000 },
  { upToLicences: Infinity, unitsPerMinute: 6_250 },
];

/**
 * The operations a minute to assume for a tenant of at least `licences`: the margin's share of its
 * tier's units at two an operation (Microsoft prices Graph's reads at one unit and says REST's
 * cost "usually more").
 */
export function assumedOperationsPerMinute(licences: number): number {
  const tier = PUBLISHED_TIERS.find((candidate) => licences <= candidate.upToLicences) ?? PUBLISHED_TIERS[PUBLISHED_TIERS.length - 1]!;
  return MARGIN * (tier.unitsPerMinute / 2);
}

/**
 * Operations in a request for the budget: the parts of an OData `$batch` (multipart/mixed, one
 * `application/http` part per operation, changesets' parts included), otherwise one. Pure.
 */
export function operationsIn(contentType: string | null, body: unknown): number {
  if (typeof body !== "string" || contentType === null || !/^multipart\/mixed\b/i.test(contentType)) return 1;
  const parts = body.match(/^content-type:\s*application\/http\b/gim)?.length ?? 0;
  return Math.max(1, parts);
}
