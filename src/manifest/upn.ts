/**
 * What makes a key of `users` a user principal name Entra ID can have, with a reason a person can act
 * on when it is not one. Pure. The schema's `upn` pattern accepts the same names (a test keeps them
 * in step): the schema finds the bad key, this says what is wrong with it.
 */
import { printable } from "./problems.js";

/** Entra ID's limit on a whole UPN (64 characters before the @, 48 after, plus the @). */
export const MAX_UPN_LENGTH = 113;

const EXAMPLE = "a user principal name looks like alex.wilber@contoso.com";
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

export interface UpnShapeError {
  code: "upn-not-ascii" | "invalid-key";
  reason: string;
}

/** The ASCII spelling a name with accents most likely has (zoë → zoe), when stripping accents gives one. */
function asciiSpelling(upn: string): string | undefined {
  const stripped = upn.normalize("NFD").replace(/\p{Mn}/gu, "");
  return /^[\x20-\x7e]*$/.test(stripped) ? stripped : undefined;
}

/** Why `upn` cannot be a user principal name in Entra ID; undefined when it can be one. */
export function upnShapeError(upn: string): UpnShapeError | undefined {
  const invalid = (reason: string): UpnShapeError => ({ code: "invalid-key", reason });
  if (/[\s\p{Cc}]/u.test(upn)) return invalid(`${EXAMPLE}, without spaces or control characters`);
  // Checked before the shape, and on the NFC form: a composed ë and an e followed by a combining
  // diaeresis look the same, are both refused, and are both shown as ë.
  const nonAscii = /[^\x20-\x7e]/u.exec(upn.normalize("NFC"));
  if (nonAscii) {
    const character = nonAscii[0];
    const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    const suggestion = asciiSpelling(upn);
    return {
      code: "upn-not-ascii",
      reason:
        `Entra ID user principal names are ASCII, and ${printable(character)} (${codePoint}) is not; ` +
        (suggestion ? `write the ASCII spelling the tenant uses, probably ${suggestion}` : "write the ASCII spelling the tenant uses (see the user in the Entra admin center)"),
    };
  }
  const ats = upn.split("@").length - 1;
  if (ats === 0) return invalid(`${EXAMPLE}; this one has no @`);
  if (ats > 1) return invalid(`${EXAMPLE}, with one @; this one has ${ats}`);
  const [local, domain] = upn.split("@") as [string, string];
  if (local === "") return invalid(`${EXAMPLE}; nothing comes before the @`);
  if (!DOMAIN.test(domain)) return invalid(`${EXAMPLE}; after the @ comes a domain such as contoso.com`);
  if (upn.length > MAX_UPN_LENGTH) return invalid(`${EXAMPLE}; this one has ${upn.length} characters, and Entra ID allows at most ${MAX_UPN_LENGTH}`);
  return undefined;
}
