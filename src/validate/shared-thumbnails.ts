/**
 * SharePoint names a person's thumbnails after their UPN with "@" and "." both turned into "_", so
 * alex.wilber@contoso.com and alex_wilber@contoso.com share the same three files. Managing both in
 * SharePoint would write one person's face over the other's on every apply and show drift forever:
 * the manifest must say which one SharePoint leaves alone. Pure.
 */
import type { Problem } from "../manifest/problems.js";
import type { DesiredState, DesiredUser } from "../model/desired.js";
import { thumbnailBaseName } from "../stores/sharepoint/names.js";

export function sharedThumbnailProblems(state: DesiredState): Problem[] {
  const byName = new Map<string, DesiredUser[]>();
  for (const user of state.users) {
    if (!user.stores.includes("spo")) continue;
    const name = thumbnailBaseName(user.upn);
    const sharing = byName.get(name);
    if (sharing) sharing.push(user);
    else byName.set(name, [user]);
  }
  const problems: Problem[] = [];
  for (const [name, users] of byName) {
    if (users.length < 2) continue;
    const [first, ...others] = users;
    for (const user of others) {
      problems.push({
        severity: "error",
        code: "spo-name-shared",
        message:
          `${user.upn} and ${first!.upn} (line ${first!.position.line}) would share SharePoint's thumbnail files ${name}_*Thumb.jpg ` +
          `(SharePoint turns "@" and "." into "_"); manage SharePoint for one of them only, e.g. stores: [exo, aad] on the other`,
        position: user.position,
      });
    }
  }
  return problems;
}

/** A loaded manifest's problems with the rules that span people (above) added: what validate, plan and render refuse on. */
export function manifestProblems(loaded: { problems: readonly Problem[]; state?: DesiredState | undefined }): Problem[] {
  return [...loaded.problems, ...(loaded.state ? sharedThumbnailProblems(loaded.state) : [])];
}
