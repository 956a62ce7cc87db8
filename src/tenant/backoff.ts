/**
 * One back-off per service, shared by every request to it. When Graph or SharePoint answers 429
 * or 503 with a Retry-After — for a whole request or for one item of a $batch — nothing more is
 * sent to that service until then, not just the throttled request's retry: requests sent into the
 * window count against the client and lengthen it ("Best practices to handle throttling",
 * graph/throttling.md; SharePoint's "How to avoid getting throttled").
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock and real timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The longest quiet one answer can impose on every request (a longer Retry-After fails only its own request). */
export const MAX_SHARED_WAIT_SECONDS = 120;

export class ServiceBackoff {
  private readonly notBefore = new Map<string, number>();

  /** `onNote`: told of every request for quiet (pacing slows the service down, the budget learns). */
  constructor(
    private readonly clock: Clock = realClock,
    private readonly onNote?: (service: string, seconds: number, operations: number) => void,
  ) {}

  /**
   * The service asked for `seconds` of quiet, for `operations` it refused (a request, one item of
   * a $batch, or a whole $batch's parts). A shorter request never shortens a longer one.
   */
  note(service: string, seconds: number, operations = 1): void {
    this.onNote?.(service, seconds, operations);
    const until = this.clock.now() + Math.min(seconds, MAX_SHARED_WAIT_SECONDS) * 1000;
    if (until > (this.notBefore.get(service) ?? 0)) this.notBefore.set(service, until);
  }

  /** Resolves once the service may be sent to (at once when it never asked to wait). */
  async ready(service: string): Promise<void> {
    for (;;) {
      const wait = (this.notBefore.get(service) ?? 0) - this.clock.now();
      if (wait <= 0) return;
      // Loop: another answer may have moved the time while this one slept.
      await this.clock.sleep(wait);
    }
  }

  /** `note` bound to one service, for code that only reports throttling (batch item answers). */
  reporter(service: string): (seconds: number) => void {
    return (seconds) => this.note(service, seconds);
  }
}
