/**
 * The emulated tenant: state plus the operations the services perform on it, independent of HTTP.
 * Keeps lookup indexes (id, UPN) so every request is O(1) at 10,000 users, and reports each change
 * to `onChange` (persistence).
 */
import { randomUUID, createHash } from "node:crypto";
import sharp from "sharp";
import type { BlobStore } from "./blobs.js";
import { availableSizes, parseSize, renderSize, renderSizes, type EncodedPhoto } from "./images.js";
import { DEFAULT_PROPAGATION, PHOTO_UPDATES_TAKE_EFFECT_SECONDS, type PhotoRecord, type PhotoStore, type SpoFileRecord, type TenantState, type UserRecord } from "./model.js";
import { DEFAULT_LOCALE, mySiteLocale } from "./sharepoint/locale.js";

/** SharePoint claims-encoded account name of a member. */
export function accountName(upn: string): string {
  return `i:0#.f|membership|${upn.toLowerCase()}`;
}

/** `alex.w@contoso.com` → `alex_w_contoso_com` (file naming of the Profile Pictures folder). */
export function thumbnailBaseName(upn: string): string {
  return upn.toLowerCase().replace(/[@.]/g, "_");
}

export type ThumbnailKind = "SThumb" | "MThumb" | "LThumb";

/** A Graph photo write not yet served: readers get `previous` (undefined: no photo) until `until` (ms). */
interface Propagating {
  previous: PhotoRecord | undefined;
  until: number;
}

/** Options of a photo write or delete made through Graph (not seeding, not the admin API's drift). */
export interface GraphWriteOptions {
  /** Serve the previous photo for the tenant's propagation delay (graph-explorer-v4 #1269). */
  delayed?: boolean;
}

export class Tenant {
  readonly blobs: BlobStore;
  private readonly byId = new Map<string, UserRecord>();
  private readonly byUpn = new Map<string, UserRecord>();
  private readonly files = new Map<string, SpoFileRecord>();
  /** Writes still propagating, by `${user id}|${store}`. In memory only: a restarted emulator serves what it stores. */
  private readonly propagating = new Map<string, Propagating>();
  /** The clock propagation is measured by (tests replace it). */
  now: () => number = Date.now;

  constructor(
    readonly state: TenantState,
    blobs: BlobStore,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.blobs = blobs;
    for (const user of state.users) this.index(user);
    for (const file of state.spoFiles) {
      this.files.set(file.serverRelativeUrl.toLowerCase(), file);
      // States saved before item ids existed get them in their stored (creation) order.
      file.itemId ??= ++this.lastItemId;
      this.lastItemId = Math.max(this.lastItemId, file.itemId);
    }
  }

  /** The highest list item ID given out (SharePoint never reuses one). */
  private lastItemId = 1;

  get config(): TenantState["tenant"] {
    return this.state.tenant;
  }

  private index(user: UserRecord): void {
    this.byId.set(user.id.toLowerCase(), user);
    this.byUpn.set(user.userPrincipalName.toLowerCase(), user);
  }

  changed(): void {
    this.onChange();
  }

  // ---- users ---------------------------------------------------------------------------------

  /** Graph addresses a user by id or by UPN, case-insensitively. */
  findUser(idOrUpn: string): UserRecord | undefined {
    const key = idOrUpn.toLowerCase();
    return this.byId.get(key) ?? this.byUpn.get(key);
  }

  users(): readonly UserRecord[] {
    return this.state.users;
  }

  addUser(user: UserRecord): void {
    if (this.findUser(user.id) !== undefined || this.findUser(user.userPrincipalName) !== undefined) {
      throw new Error(`user ${user.userPrincipalName} already exists`);
    }
    this.state.users.push(user);
    this.index(user);
    this.changed();
  }

  // ---- people settings -----------------------------------------------------------------------

  /** photoUpdateSettings as Graph answers a GET: the new values at once, whatever is in force. */
  photoUpdateSettings(): { source: "cloud" | "onPremises"; allowedRoles: string[] | null } {
    const { source, allowedRoles } = this.config.photoUpdateSettings;
    return { source, allowedRoles };
  }

  /**
   * The source Graph photo writes obey now: the one from before a change until the change is in
   * force ("up to 24 hours", takesEffectSeconds), then the current one.
   */
  photoSourceInForce(): "cloud" | "onPremises" {
    const settings = this.config.photoUpdateSettings;
    if (settings.inForce !== undefined) {
      if (this.now() < settings.inForce.until) return settings.inForce.source;
      delete settings.inForce;
      this.changed();
    }
    return settings.source;
  }

  /**
   * A change of photoUpdateSettings. Through Graph (`delayed`) a change of the source is enforced
   * only after takesEffectSeconds; a second change meanwhile keeps the source from before the first
   * in force and restarts the delay (the harsher reading, as with photo propagation). The admin
   * API's changes ("by hand", for tests) are in force at once.
   */
  setPhotoUpdateSettings(patch: { source?: "cloud" | "onPremises"; allowedRoles?: string[] | null }, options: { delayed: boolean }): void {
    const settings = this.config.photoUpdateSettings;
    if (patch.source !== undefined && patch.source !== settings.source) {
      const seconds = settings.takesEffectSeconds ?? PHOTO_UPDATES_TAKE_EFFECT_SECONDS;
      const before = this.photoSourceInForce();
      if (options.delayed && seconds > 0) settings.inForce = { source: before, until: this.now() + seconds * 1000 };
      else delete settings.inForce;
      settings.source = patch.source;
    }
    if (patch.allowedRoles !== undefined) settings.allowedRoles = patch.allowedRoles;
    this.changed();
  }

  // ---- photos --------------------------------------------------------------------------------

  private nextEtag(blob: string): string {
    this.state.sequence += 1;
    return createHash("sha256").update(`${blob}:${this.state.sequence}`).digest("hex").slice(0, 8).toUpperCase();
  }

  /** Stores an already re-encoded photo in one store. Does not propagate (see writePhoto). */
  async storePhoto(user: UserRecord, store: PhotoStore, photo: EncodedPhoto): Promise<PhotoRecord> {
    const blob = await this.blobs.put(photo.bytes);
    const renditions = await this.renditionsOf(user, blob, photo);
    const record: PhotoRecord = {
      blob,
      width: photo.width,
      height: photo.height,
      etag: this.nextEtag(blob),
      updated: new Date().toISOString(),
      renditions,
    };
    user.photos[store] = record;
    this.changed();
    return record;
  }

  /**
   * The photo Graph serves from a store now: the stored one, or while a write propagates the one
   * from before it (undefined: none). What is stored is `user.photos` (the admin view shows both).
   */
  servedPhoto(user: UserRecord, store: PhotoStore): PhotoRecord | undefined {
    const key = `${user.id}|${store}`;
    const held = this.propagating.get(key);
    if (held !== undefined) {
      if (this.now() < held.until) return held.previous;
      this.propagating.delete(key);
    }
    return user.photos[store];
  }

  /** When a store's served photo catches up with the stored one (ms), if a write is propagating. */
  propagatingUntil(user: UserRecord, store: PhotoStore): number | undefined {
    const held = this.propagating.get(`${user.id}|${store}`);
    return held !== undefined && this.now() < held.until ? held.until : undefined;
  }

  /**
   * Starts a store's propagation delay before a Graph write. A second write while one propagates
   * keeps serving the photo from before the first (the harsher reading) and restarts the delay.
   */
  private hold(user: UserRecord, store: PhotoStore): void {
    const seconds = this.config.propagation?.graphSeconds ?? DEFAULT_PROPAGATION.graphSeconds;
    if (seconds <= 0) return;
    const key = `${user.id}|${store}`;
    const held = this.propagating.get(key);
    const previous = held !== undefined && this.now() < held.until ? held.previous : user.photos[store];
    this.propagating.set(key, { previous, until: this.now() + seconds * 1000 });
  }

  /** A write through Exchange reaches Entra ID too (the documented propagation); an Entra write stays there. */
  async writePhoto(user: UserRecord, store: PhotoStore, photo: EncodedPhoto, options: GraphWriteOptions = {}): Promise<PhotoRecord> {
    if (options.delayed === true) {
      this.hold(user, store);
      if (store === "exo") this.hold(user, "aad");
    }
    const record = await this.storePhoto(user, store, photo);
    if (store === "exo") await this.storePhoto(user, "aad", photo);
    return record;
  }

  deletePhoto(user: UserRecord, store: PhotoStore, options: GraphWriteOptions = {}): boolean {
    if (options.delayed === true) {
      this.hold(user, store);
      if (store === "exo") this.hold(user, "aad");
    }
    const had = user.photos[store] !== undefined || (store === "exo" && user.photos.aad !== undefined);
    delete user.photos[store];
    if (store === "exo") delete user.photos.aad;
    this.state.sequence += 1;
    this.changed();
    return had;
  }

  /**
   * The served sizes of a photo other than its own, made as the photo is stored (as Exchange does).
   * An Exchange write reaching Entra ID stores the same photo twice; it is rendered once.
   */
  private async renditionsOf(user: UserRecord, blob: string, photo: EncodedPhoto): Promise<Record<string, string>> {
    const sibling = [user.photos.exo, user.photos.aad].find((record) => record?.blob === blob && record.renditions !== undefined);
    if (sibling?.renditions !== undefined) return { ...sibling.renditions };
    const own = `${photo.width}x${photo.height}`;
    const renditions: Record<string, string> = {};
    for (const [id, bytes] of await renderSizes(photo.bytes, availableSizes(photo).filter((id) => id !== own))) {
      renditions[id] = await this.blobs.put(bytes);
    }
    return renditions;
  }

  /** Bytes of one served size of a photo (undefined: not a size it is served in). */
  async photoBytes(photo: PhotoRecord, sizeId?: string): Promise<Buffer | undefined> {
    const sizes = availableSizes(photo);
    const id = sizeId ?? sizes[sizes.length - 1];
    if (id === undefined || !sizes.includes(id)) return undefined;
    if (id === `${photo.width}x${photo.height}`) return this.blobs.get(photo.blob);
    const known = photo.renditions?.[id];
    if (known !== undefined) return this.blobs.get(known);
    // A photo persisted by an emulator that rendered sizes on first request.
    const size = parseSize(id);
    if (size === undefined) return undefined;
    const bytes = await renderSize(await this.blobs.get(photo.blob), size.width, size.height);
    photo.renditions = { ...photo.renditions, [id]: await this.blobs.put(bytes) };
    this.changed();
    return bytes;
  }

  // ---- SharePoint files ------------------------------------------------------------------------

  /** The thumbnail folder, server-relative ("/User Photos/Profile Pictures", "/User Photos/Images du profil"). */
  photoFolder(): string {
    return `/${this.config.spo.library}/${this.config.spo.folder}`;
  }

  /** The My Site web's Language (LCID), from the fixture's locale. */
  webLanguage(): number {
    return mySiteLocale(this.config.spo.locale ?? DEFAULT_LOCALE).lcid;
  }

  /** Whether the thumbnail folder exists yet (switch `sharepoint.thumbnailFolder`). */
  photoFolderExists(): boolean {
    return this.config.spo.thumbnailFolder !== "missing";
  }

  /** The folder is made: by a client (Folders/AddUsingPath), or by SharePoint itself as it syncs a photo. */
  createPhotoFolder(): void {
    if (this.photoFolderExists()) return;
    this.config.spo.thumbnailFolder = "present";
    this.changed();
  }

  thumbnailPath(upn: string, kind: ThumbnailKind): string {
    return `${this.photoFolder()}/${thumbnailBaseName(upn)}_${kind}.jpg`;
  }

  spoFile(serverRelativeUrl: string): SpoFileRecord | undefined {
    return this.files.get(serverRelativeUrl.toLowerCase());
  }

  /** Every file of the library, in item ID order (the order SharePoint pages a list by). */
  spoLibraryFiles(): readonly SpoFileRecord[] {
    return this.state.spoFiles;
  }

  spoFilesIn(folder: string): SpoFileRecord[] {
    const prefix = folder.replace(/\/+$/, "").toLowerCase() + "/";
    return this.state.spoFiles.filter((file) => {
      const lower = file.serverRelativeUrl.toLowerCase();
      return lower.startsWith(prefix) && !lower.slice(prefix.length).includes("/");
    });
  }

  async putSpoFile(serverRelativeUrl: string, bytes: Buffer): Promise<SpoFileRecord> {
    // A file can only be in a folder that exists (the HTTP upload checks first): SharePoint's own
    // sync and changes "by hand" create it as they go.
    if (serverRelativeUrl.toLowerCase().startsWith(`${this.photoFolder().toLowerCase()}/`)) this.createPhotoFolder();
    const blob = await this.blobs.put(bytes);
    const now = new Date().toISOString();
    const existing = this.spoFile(serverRelativeUrl);
    this.state.sequence += 1;
    if (existing !== undefined) {
      existing.blob = blob;
      existing.length = bytes.length;
      existing.version += 1;
      existing.modified = now;
      this.changed();
      return existing;
    }
    const file: SpoFileRecord = { serverRelativeUrl, blob, length: bytes.length, uniqueId: randomUUID(), version: 1, created: now, modified: now, itemId: ++this.lastItemId };
    this.state.spoFiles.push(file);
    this.files.set(serverRelativeUrl.toLowerCase(), file);
    this.changed();
    return file;
  }

  deleteSpoFile(serverRelativeUrl: string): boolean {
    const file = this.spoFile(serverRelativeUrl);
    if (file === undefined) return false;
    this.files.delete(serverRelativeUrl.toLowerCase());
    this.state.spoFiles = this.state.spoFiles.filter((candidate) => candidate !== file);
    this.changed();
    return true;
  }

  setProfileProperty(user: UserRecord, name: string, value: string): void {
    user.profile[name] = value;
    this.changed();
  }

  /**
   * The PictureURL SharePoint itself writes: the M thumbnail's absolute URL on the real My Site
   * host name, with the explicit :443 SharePoint's own values carry (a client must compare URLs,
   * not strings).
   */
  pictureUrl(upn: string): string {
    return `https://${this.config.name}-my.sharepoint.com:443${encodeURI(this.thumbnailPath(upn, "MThumb"))}`;
  }

  /**
   * SharePoint's own thumbnails of a picture (its sync from Exchange/Entra ID, and fixture seeding):
   * S and M squares, L at most `large` wide keeping the source's proportions (facts: S 48, M 72,
   * L up to 300 wide). Then the profile points at them: PictureURL, placeholder state 0, the sync
   * state it sets (switch `sharepoint.syncState` for mailbox users, 0 without a mailbox) and a timestamp.
   */
  async writeOwnThumbnails(user: UserRecord, source: Buffer): Promise<void> {
    const sizes = this.config.spo.thumbnails;
    const meta = await sharp(source).metadata();
    const width = meta.width ?? sizes.large;
    const height = meta.height ?? sizes.large;
    const largeWidth = Math.min(sizes.large, width);
    const largeHeight = Math.max(1, Math.round((largeWidth * height) / width));
    await this.putSpoFile(this.thumbnailPath(user.userPrincipalName, "SThumb"), await renderSize(source, sizes.small, sizes.small));
    await this.putSpoFile(this.thumbnailPath(user.userPrincipalName, "MThumb"), await renderSize(source, sizes.medium, sizes.medium));
    await this.putSpoFile(this.thumbnailPath(user.userPrincipalName, "LThumb"), await renderSize(source, largeWidth, largeHeight));
    this.setProfileProperty(user, "PictureURL", this.pictureUrl(user.userPrincipalName));
    this.setProfileProperty(user, "SPS-PicturePlaceholderState", "0");
    this.setProfileProperty(user, "SPS-PictureExchangeSyncState", user.mailbox === "cloud" ? (this.config.spo.syncState ?? "1") : "0");
    this.setProfileProperty(user, "SPS-PictureTimestamp", String(Math.floor(Date.now() / 1000)));
  }

  /**
   * What SharePoint does when a user views their own profile: copy their Graph photo into the three
   * thumbnails (writeOwnThumbnails), overwriting whatever a tool wrote (facts: lazy, only on that
   * trigger). In a current tenant the photo is Entra ID's for everyone (MC678855); in a legacy one a
   * mailbox user's photo comes from Exchange (which Entra ID mirrors), and without a mailbox there is
   * none to copy.
   */
  async viewProfile(user: UserRecord): Promise<"copied" | "placeholder" | "noMailbox"> {
    const mailbox = user.mailbox === "cloud";
    if (!mailbox && this.config.behaviour !== "current") return "noMailbox";
    const photo = this.config.behaviour === "current" ? user.photos.aad : (user.photos.exo ?? user.photos.aad);
    if (photo === undefined) {
      this.setProfileProperty(user, "SPS-PicturePlaceholderState", "1");
      return "placeholder";
    }
    await this.writeOwnThumbnails(user, await this.blobs.get(photo.blob));
    return "copied";
  }
}
