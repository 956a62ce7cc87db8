/**
 * Doctor's judging, without a tenant: the cases the emulator does not make easily (a delegated
 * token, SharePoint unreachable, a folder nobody can name, a person not in the directory), the
 * "not checked" rule, the exit code and the versioned JSON.
 */
import { describe, expect, it } from "vitest";
import { blockers, doctorReport, grantFix } from "../../src/doctor/checks.js";
import type { DoctorFindings } from "../../src/doctor/checks.js";
import { formatDoctorJson, formatDoctorText } from "../../src/doctor/format.js";
import { doctorExitCode } from "../../src/doctor/report.js";
import { HOLDERS } from "../../src/model/routing.js";
import type { ResourceAccess } from "../../src/tenant/access.js";
import { doctorPermissions } from "../../src/tenant/access.js";

const ROLES = { graph: ["User.Read.All", "ProfilePhoto.Read.All", "PeopleSettings.Read.All"], sharePoint: ["Sites.Read.All", "User.Read.All"] };

function host(resource: ResourceAccess["resource"], roles: string[] | undefined, extra: Partial<ResourceAccess> = {}): ResourceAccess {
  const label = resource === "graph" ? "Microsoft Graph" : resource === "mySite" ? "SharePoint Online (My Site host)" : "SharePoint Online (admin host)";
  return { resource, label, api: resource === "graph" ? "Microsoft Graph" : "SharePoint", url: `https://${resource}.example`, signIn: { ok: true }, ...(roles ? { roles } : {}), appName: "photosync-reader", missing: [], ...extra };
}

function findings(overrides: Partial<DoctorFindings> = {}): DoctorFindings {
  return {
    tenant: "contoso.onmicrosoft.com",
    identity: "reader",
    clientId: "11111111-0000-4000-a000-000000000001",
    people: { total: 3, graph: 3, sharePoint: 3 },
    access: { graph: host("graph", ROLES.graph), mySite: host("mySite", ROLES.sharePoint), admin: host("admin", ROLES.sharePoint) },
    permissions: doctorPermissions({ writer: false, sharePoint: true }),
    graph: {
      model: "current",
      sample: [{ upn: "ann@contoso.com", lookup: "found", routes: [{ store: "aad", managed: true, holder: HOLDERS.current }], photo: { state: "absent" } }],
    },
    photoUpdates: { state: "read", source: "cloud", allowedRoles: null },
    sharePoint: { folder: { state: "found", path: "/User Photos/Profile Pictures" }, profileRead: { upn: "ann@contoso.com", outcome: "read" } },
    ...overrides,
  };
}

const find = (report: ReturnType<typeof doctorReport>, title: string | RegExp) => report.checks.find((check) => (typeof title === "string" ? check.title === title : title.test(check.title)));

describe("doctor's checklist", () => {
  it("passes when every finding is good: exit 0, versioned JSON, nothing written", () => {
    const report = doctorReport(findings(), { wrote: false });
    expect(doctorExitCode(report)).toBe(0);
    expect(report.counts.fail).toBe(0);
    const json = JSON.parse(formatDoctorJson(report)) as { format: string; identity: string; wrote: boolean };
    expect(json).toMatchObject({ format: "photosync.doctor/v1", identity: "reader", wrote: false });
    expect(formatDoctorText(report, { colour: false })).toContain("Nothing was written.");
  });

  it("a delegated token (no roles claim): the permissions are not judged, the services decide", () => {
    const access = { graph: host("graph", undefined), mySite: host("mySite", undefined), admin: host("admin", undefined) };
    const report = doctorReport(findings({ access }), { wrote: false });
    expect(find(report, "Microsoft Graph application permissions")).toMatchObject({ status: "info", detail: expect.stringContaining("a delegated token carries no roles claim") });
    expect(doctorExitCode(report)).toBe(0);
  });

  it("SharePoint that cannot be reached: a warning with what to check, not a failure", () => {
    const access = { ...findings().access, mySite: host("mySite", ROLES.sharePoint, { unreachable: "ECONNRESET" }) };
    const report = doctorReport(findings({ access }), { wrote: false });
    expect(find(report, "SharePoint Online (My Site host) accepts photosync's token")).toMatchObject({ status: "warn", fix: expect.stringContaining("PHOTOSYNC_CA_FILE") });
  });

  it("a thumbnail folder nobody can name: failed with the folder notice's fix, and SharePoint is not managed", () => {
    const sharePoint = {
      folder: { state: "unknown" as const, error: { code: "ThumbnailFolderUnknown", message: "two folders" } },
      folderNotice: { code: "spo-thumbnail-folder", service: "sharepoint" as const, message: "cannot tell which folder", consequence: "left alone", fix: "have one person view their own profile" },
    };
    const report = doctorReport(findings({ sharePoint }), { wrote: false });
    expect(find(report, "The User Photos library and its thumbnail folder")).toMatchObject({ status: "fail", fix: "have one person view their own profile" });
    expect(find(report, /^No SharePoint thumbnails or profile properties/)).toMatchObject({ status: "fail", fix: "have one person view their own profile" });
    expect(doctorExitCode(report)).toBe(1);
  });

  it("a person the directory does not know: a warning with the fix; an undetermined model is said, not failed", () => {
    const graph = { model: "undetermined" as const, sample: [{ upn: "gone@contoso.com", lookup: "missing" as const }] };
    const report = doctorReport(findings({ graph }), { wrote: false });
    expect(find(report, "gone@contoso.com")).toMatchObject({ status: "warn", fix: expect.stringContaining("check the UPN in photos.yaml") });
    expect(find(report, "undetermined: every person sampled has a mailbox")?.status).toBe("info");
    expect(doctorExitCode(report)).toBe(0);
  });

  it("decides what cannot run after a failure, so it is neither tried nor failed again", () => {
    const missing = doctorPermissions({ writer: false, sharePoint: true }).sharePoint.filter((permission) => permission.name === "Sites.Read.All");
    const access = { ...findings().access, mySite: host("mySite", ["User.Read.All"], { missing }) };
    expect(blockers(access, { writer: false })).toEqual({
      files: "the app lacks the SharePoint application permission Sites.Read.All (above)",
      profileWrite: "doctor writes nothing without --writer --probe-user UPN",
    });
    expect(blockers({ graph: host("graph", undefined, { signIn: { ok: false, failure: "sign-in to Microsoft Graph failed: x" } }) }, { writer: true, probeUser: "ann@contoso.com" })).toEqual({
      graph: "sign-in to Microsoft Graph failed (above)",
      photoUpdates: "sign-in to Microsoft Graph failed (above)",
    });
  });

  it("a grant fix names the app, the API, the permission, application permission and admin consent", () => {
    expect(grantFix('the app registration "photosync-writer"', "Microsoft Graph", "ProfilePhoto.ReadWrite.All")).toBe(
      'grant the app registration "photosync-writer" the Microsoft Graph application permission ProfilePhoto.ReadWrite.All (Entra admin center > App registrations > API permissions > Add a permission > Microsoft Graph > Application permissions) and grant admin consent',
    );
  });
});

describe("doctor's checklist of who may change photos", () => {
  const USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1";

  it("without tenant.photoUpdates: the live setting in words, left alone", () => {
    const report = doctorReport(findings({ photoUpdates: { state: "read", source: "cloud", allowedRoles: [USER_ADMIN] } }), { wrote: false });
    expect(find(report, "Who may change photos: only User Administrators can change photos")).toMatchObject({ status: "info", detail: expect.stringContaining("photos.yaml leaves this setting alone") });
    expect(find(report, /tenant\.photoUpdates\)$/)).toBeUndefined();
  });

  it("onPremises while photos.yaml turns it to cloud: a warning (apply changes it), not a failure", () => {
    const report = doctorReport(
      findings({ photoUpdates: { state: "read", source: "onPremises", allowedRoles: null }, desiredPhotoUpdates: { source: "cloud", allowedRoles: null } }),
      { wrote: false },
    );
    expect(find(report, /^source: onPremises: Graph photo writes are refused until/)).toMatchObject({ status: "warn", fix: expect.stringContaining("up to 24 hours") });
    expect(find(report, "Who may change photos: photos are managed on-premises: Microsoft 365 refuses every Graph photo write; photos.yaml asks for a change")?.detail).toContain("everyone can change their own photo again");
    expect(doctorExitCode(report)).toBe(0);
  });

  it("onPremises and no tenant.photoUpdates, with Graph photos managed: every Graph write refused, failed", () => {
    const report = doctorReport(findings({ photoUpdates: { state: "read", source: "onPremises", allowedRoles: null } }), { wrote: false });
    expect(find(report, "source: onPremises: every Graph photo write will be refused")?.status).toBe("fail");
    expect(find(report, /^No Graph photos/)?.status).toBe("fail");
  });

  it("a missing PeopleSettings.Read.All blocks the settings read whatever the identity; ReadWrite.All reads it too", () => {
    const graphWithout = host("graph", ["User.Read.All", "ProfilePhoto.ReadWrite.All"]);
    expect(blockers({ graph: graphWithout }, { writer: true }).photoUpdates).toBe("the app lacks the Microsoft Graph application permission PeopleSettings.Read.All (above)");
    expect(blockers({ graph: host("graph", ["User.Read.All", "PeopleSettings.ReadWrite.All"]) }, { writer: true }).photoUpdates).toBeUndefined();
  });
});
