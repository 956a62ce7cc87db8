/** `--users`: the manifest's people named on the command line (UPNs compare case-insensitively). Pure. */
import type { DesiredState, DesiredUser } from "../model/desired.js";
import { upnKey } from "../model/desired.js";

/** The named people in manifest order, and the names the manifest does not have (refused by the caller). */
export function selectByUpn(state: DesiredState, upns: readonly string[]): { users: DesiredUser[]; unknown: string[] } {
  const wanted = new Set(upns.map(upnKey));
  const users = state.users.filter((user) => wanted.has(upnKey(user.upn)));
  const known = new Set(state.users.map((user) => upnKey(user.upn)));
  return { users, unknown: upns.filter((upn) => !known.has(upnKey(upn))) };
}
