/**
 * The demo tenant: Contoso, matching the example repo (photos.yaml). It shows every case a real
 * tenant has. Photos are the example repo's synthetic portraits or portraits drawn from a seed;
 * never real people. Secrets here are for the local emulator only.
 */
export const DEMO_READER_CLIENT_ID = "5f0d1c8e-0000-4000-a000-00000000a001";
export const DEMO_WRITER_CLIENT_ID = "5f0d1c8e-0000-4000-a000-00000000a002";

export const DEMO_TENANT_YAML = `# photosync emulator: the Contoso demo tenant (format: src/emulator/fixture.ts)
tenant:
  id: 0c0a3a5e-5c1e-4d2b-9c61-000000c0a750
  domain: contoso.onmicrosoft.com
  name: contoso
  # current (MC678855): Graph v1.0 and beta read and write Entra ID for everyone, mailbox or not.
  behaviour: current
  noPhoto: imageNotFound
  sharepoint:
    library: User Photos
    folder: Profile Pictures
    thumbnails: { small: 48, medium: 72, large: 200 }
    # The demo shows the whole workflow: profile writes with the apps' app-only tokens are allowed
    # here (the emulator's default, as sp-dev-docs #3718 reports, is denied).
    appOnlyProfileWrites: allowed

apps:
  - clientId: ${DEMO_READER_CLIENT_ID}
    displayName: photosync (read-only, pull requests)
    secrets: [emulator-reader-secret]
    certificates: [generate]
    # GitHub OIDC subjects of the read-only jobs: pull-request plans, and plans/drift checks on main.
    federated:
      - issuer: https://token.actions.githubusercontent.com
        subject: repo:contoso/photos:pull_request
      - issuer: https://token.actions.githubusercontent.com
        subject: repo:contoso/photos:ref:refs/heads/main
    roles:
      graph: [ProfilePhoto.Read.All, User.Read.All, PeopleSettings.Read.All]
      sharepoint: [Sites.Read.All, User.Read.All]
  - clientId: ${DEMO_WRITER_CLIENT_ID}
    displayName: photosync (apply, main branch)
    secrets: [emulator-writer-secret]
    certificates: [generate]
    # Only jobs in the protected environment may write (apply.yml, drift.yml's self-heal).
    federated:
      - issuer: https://token.actions.githubusercontent.com
        subject: repo:contoso/photos:environment:photosync-production
    roles:
      graph: [ProfilePhoto.ReadWrite.All, User.Read.All, PeopleSettings.ReadWrite.All]
      sharepoint: [Sites.FullControl.All, User.ReadWrite.All]

users:
  # In sync everywhere, but as the services store it: re-encoded, so bytes differ from a fresh render.
  - upn: adele.vance@contoso.com
    displayName: Adele Vance
    photo: { file: photos/adele.vance.jpg }
    photos:
      spo: { file: photos/adele.vance.jpg }
    # As photosync left it on its last apply (photos.yaml: exchangeSyncState 0).
    profile: { SPS-PictureExchangeSyncState: "0" }
  # An outdated photo (an older, different portrait) in every store.
  - upn: alex.wilber@contoso.com
    displayName: Alex Wilber
    photo: { portrait: alex.wilber-2019 }
    photos:
      spo: { portrait: alex.wilber-2019 }
  # No photo anywhere.
  - upn: megan.bowen@contoso.com
    displayName: Megan Bowen
  # Synced from on-premises AD: a 96 px thumbnail in Entra ID only.
  - upn: lee.gu@contoso.com
    displayName: Lee Gu
    onPremisesSyncEnabled: true
    photos:
      aad: { file: photos/lee.gu.jpg, size: 96 }
  # No Exchange Online mailbox: Entra ID and SharePoint only.
  - upn: nestor.wilke@contoso.com
    displayName: Nestor Wilke
    mailbox: none
  # A guest from Fabrikam, with the photo of their home tenant.
  - upn: patti.fernandez_fabrikam.com#EXT#@contoso.onmicrosoft.com
    displayName: Patti Fernandez
    mail: patti.fernandez@fabrikam.com
    guest: true
    photos:
      aad: { portrait: patti.fernandez-fabrikam, size: 240 }
  # Unlicensed: the mailbox is not usable.
  - upn: isaiah.langer@contoso.com
    displayName: Isaiah Langer
    licensed: false
  # Left the company; the repo says remove. Photos everywhere.
  - upn: pradeep.gupta@contoso.com
    displayName: Pradeep Gupta
    photo: { portrait: pradeep.gupta }
    photos:
      spo: { portrait: pradeep.gupta }
  # Not managed by the repo.
  - upn: joni.sherman@contoso.com
    displayName: Joni Sherman
    photo: { portrait: joni.sherman }
    photos:
      spo: { portrait: joni.sherman }
  - upn: grady.archie@contoso.com
    displayName: Grady Archie
    photo: { portrait: grady.archie }
  - upn: svc-scanner@contoso.com
    displayName: Scanner Service
    mailbox: none
    licensed: false
    photos:
      aad: { portrait: svc-scanner, size: 120 }
`;

/**
 * The same tenant as it behaved before MC678855 ("legacy"): Graph v1.0 photos live in the Exchange
 * Online mailbox and people without a usable one get the "no mailbox" answers. Kept so photosync
 * stays tested against tenants (and hybrid set-ups) that still behave so.
 */
export const DEMO_LEGACY_TENANT_YAML = DEMO_TENANT_YAML.replace(
  /# current \(MC678855\)[^\n]*\n {2}behaviour: current/,
  "# legacy: Graph v1.0 photo writes need an Exchange Online mailbox (beta falls back to Entra ID).\n  behaviour: legacy",
).replace("the Contoso demo tenant", "the Contoso demo tenant, legacy behaviour");

/** The built-in tenants by name: `photosync emulator --tenant legacy`, PHOTOSYNC_EMULATOR_TENANT=legacy. */
export const BUILT_IN_TENANTS = { demo: DEMO_TENANT_YAML, legacy: DEMO_LEGACY_TENANT_YAML } as const;
export type BuiltInTenant = keyof typeof BUILT_IN_TENANTS;
