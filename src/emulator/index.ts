/** The photosync Microsoft 365 emulator: public API. */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from "./server.js";
export type { EmulatorApp, EmulatorEndpoints } from "./core.js";
export type { FaultConfig, FaultRule, FaultMatch } from "./faults.js";
export type { Fixture, FixtureApp, FixtureUser, PhotoSource } from "./fixture.js";
export { parseFixture, readFixture } from "./fixture.js";
export { BUILT_IN_TENANTS, DEMO_LEGACY_TENANT_YAML, DEMO_TENANT_YAML, DEMO_READER_CLIENT_ID, DEMO_WRITER_CLIENT_ID } from "./demo-tenant.js";
export type { BuiltInTenant } from "./demo-tenant.js";
export { EMULATOR_FEDERATION_ISSUER } from "./auth.js";
