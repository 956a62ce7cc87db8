/**
 * The kinds of failure photosync tells apart, each with its own message and exit code (README,
 * "Exit codes"): a user's mistake, a sign-in or permission failure, a service's transient failure
 * (the only kind that becomes "unknown" for a person), and a bug. After Renovate's
 * ExternalHostError and changesets' ExitError/InternalError: the top-level handler
 * (src/cli/program.ts) decides from the kind alone what to print and how to exit.
 */

/** How the HTTP layer classified what a service answered (tenant/errors.ts classifyFailure). */
export type ServiceErrorKind = "transient" | "access" | "not-found" | "rejected";

/** A failed read or write, as the service reported it. */
export interface ServiceError {
  /** The service's error code (e.g. TooManyRequests, ErrorAccessDenied) or a transport code (ECONNRESET). */
  code: string;
  message: string;
  status?: number;
  /** Absent on errors built before classification; readers treat that as "rejected". */
  kind?: ServiceErrorKind;
}

/** A mistake in the manifest, a photo or the command line: its message, then `exitCode` (1, or 64 for usage). */
export class UserError extends Error {
  override readonly name: string = "UserError";
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

/** A sign-in or permission failure: the whole run stops with this one message, which names the fix (exit 1). */
export class AccessError extends Error {
  override readonly name = "AccessError";
}

/** A service failed for a while (throttled, unavailable, the network) after its retries. */
export class ServiceFailure extends Error {
  override readonly name = "ServiceFailure";
  constructor(readonly error: ServiceError) {
    super(error.message);
  }
}

/** A bug in photosync: reported with its stack and a request to report it. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}
