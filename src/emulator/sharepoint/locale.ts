/**
 * The My Site host's locale, as SharePoint Online shows it: the web's `Language` (an LCID) and the
 * name SharePoint gives the thumbnail folder in the `User Photos` library. The library's URL stays
 * `/User Photos` in every language; only the folder is localised ("the name of the folder will
 * vary, depending on what the My Site Host root web locale is set to", Microsoft's support article
 * on SharePoint Online profile picture sync; Dutch in PnP's Core.ProfilePictureUploader readme).
 * A locale without a known folder name needs the fixture's `sharepoint.folder`.
 */
export interface MySiteLocale {
  lcid: number;
  /** The localised folder name, where a source names it. */
  folder?: string;
}

export const MY_SITE_LOCALES: Readonly<Record<string, MySiteLocale>> = {
  "en-US": { lcid: 1033, folder: "Profile Pictures" },
  "fr-FR": { lcid: 1036, folder: "Images du profil" },
  "pt-BR": { lcid: 1046, folder: "Imagens de Perfil" },
  // A community migration script (engineerer.ch, 2019) uploads to "User Photos/Profilbilder".
  "de-DE": { lcid: 1031, folder: "Profilbilder" },
  "nl-NL": { lcid: 1043, folder: "Profielafbeeldingen" },
  // No source names the Spanish folder: a fixture in es-ES must give sharepoint.folder.
  "es-ES": { lcid: 3082 },
};

export const DEFAULT_LOCALE = "en-US";

/** The locale's entry; throws on one the emulator does not know. */
export function mySiteLocale(locale: string): MySiteLocale {
  const entry = MY_SITE_LOCALES[locale];
  if (entry === undefined) throw new Error(`tenant fixture: sharepoint.locale ${locale} is not one the emulator knows (${Object.keys(MY_SITE_LOCALES).join(", ")})`);
  return entry;
}
