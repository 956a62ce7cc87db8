/**
 * The decorated User-Agent photosync sends to Graph and SharePoint: `NONISV|photosync|photosync/<version>`.
 * SharePoint throttles traffic without one first ("How to avoid getting throttled": NONISV|Company|App/Version),
 * and Graph's throttling guidance asks for the same. The version is read once, from package.json.
 */
import { createRequire } from "node:module";

const packageJson = createRequire(import.meta.url)("../../package.json") as { version: string };

export const USER_AGENT = `NONISV|photosync|photosync/${packageJson.version}`;
