/**
 * OData string literals as SharePoint's REST parser reads them. Pure. A quote inside a literal is
 * doubled (`'o''brien@contoso.com'`); a lone one ends the literal early and SharePoint answers 400.
 * UPNs may contain `'`, and so may file and folder names: every literal photosync builds into a
 * URL itself (account names in `@v` aliases, paths written by hand) goes through here. PnPjs's own
 * path methods (getFileByServerRelativePath, AddUsingPath: its encodePath) double quotes already;
 * what is handed to them must not be escaped twice.
 */

/** The text between the quotes: each `'` doubled. */
export function escapeODataString(value: string): string {
  return value.replace(/'/g, "''");
}

/** A complete string literal, quotes included: `o'brien` → `'o''brien'`. */
export function odataString(value: string): string {
  return `'${escapeODataString(value)}'`;
}
