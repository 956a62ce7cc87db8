/**
 * The emulator's own certificate authority and server certificate.
 *
 * MSAL refuses `http` authorities, so the emulator speaks HTTPS. Instead of asking anyone to turn
 * TLS verification off, it creates a private CA (kept in `dir` when given, so clients that trust it
 * keep working across restarts) and a server certificate for the loopback names it listens on.
 * Clients trust the CA explicitly (see src/tenant/http.ts). Node's crypto cannot build X.509
 * certificates, hence @peculiar/x509 on top of WebCrypto. ECDSA P-256 keeps generation fast.
 */
import { webcrypto } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAtomic } from "../files/write-atomic.js";
import { x509 } from "./x509.js";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

export interface TlsMaterial {
  /** PEM of the CA clients must trust. */
  caCertPem: string;
  /** PEM of the server certificate (leaf, signed by the CA). */
  certPem: string;
  /** PEM (PKCS#8) of the server key. */
  keyPem: string;
  /** Where the CA PEM was written, when a directory was given. */
  caFile?: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}

async function importKey(pkcs8Pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey("pkcs8", fromPem(pkcs8Pem), EC, true, ["sign"]);
}

async function exportKey(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey("pkcs8", key as webcrypto.CryptoKey), "PRIVATE KEY");
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC, true, ["sign", "verify"]);
}

interface Ca {
  cert: x509.X509Certificate;
  key: CryptoKey;
  certPem: string;
  keyPem: string;
}

async function createCa(): Promise<Ca> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=photosync emulator local CA, O=photosync (not Microsoft)",
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 5 * 365 * 86_400_000),
    signingAlgorithm: SIGN,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, certPem: cert.toString("pem") + "\n", keyPem: await exportKey(keys.privateKey) };
}

async function createLeaf(ca: Ca, hosts: readonly string[]): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const now = Date.now();
  const names = hosts.map((host) => ({ type: /^[\d.]+$|:/.test(host) ? ("ip" as const) : ("dns" as const), value: host }));
  const cert = await x509.X509CertificateGenerator.create({
    subject: "CN=photosync emulator",
    issuer: ca.cert.subject,
    notBefore: new Date(now - 60_000),
    // Short-lived: the leaf is re-issued on every start; only the CA is long-lived.
    notAfter: new Date(now + 90 * 86_400_000),
    signingAlgorithm: SIGN,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { certPem: cert.toString("pem") + "\n", keyPem: await exportKey(keys.privateKey) };
}

async function loadOrCreateCa(dir: string | undefined): Promise<Ca> {
  if (dir === undefined) return createCa();
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, "ca.pem");
  const keyFile = join(dir, "ca-key.pem");
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certFile, "utf8"), readFile(keyFile, "utf8")]);
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() > Date.now() + 86_400_000) {
      return { cert, key: await importKey(keyPem), certPem, keyPem };
    }
  } catch {
    // Missing or unreadable: create a fresh CA below.
  }
  const ca = await createCa();
  await writeAtomic(keyFile, ca.keyPem, { mode: 0o600 });
  await writeAtomic(certFile, ca.certPem, { mode: 0o644 });
  return ca;
}

/**
 * Loads (or creates) the CA in `dir` and issues a server certificate for `hosts`
 * (IP addresses and DNS names). Without `dir` everything lives in memory only.
 */
export async function prepareTls(dir: string | undefined, hosts: readonly string[] = ["127.0.0.1", "localhost", "::1"]): Promise<TlsMaterial> {
  const ca = await loadOrCreateCa(dir);
  const leaf = await createLeaf(ca, hosts);
  const material: TlsMaterial = { caCertPem: ca.certPem, ...leaf };
  if (dir !== undefined) material.caFile = join(dir, "ca.pem");
  return material;
}

/**
 * A self-signed RSA certificate for an app registration (client-assertion sign-in). Returns one
 * PEM with the private key and the certificate, the form ClientCertificateCredential reads.
 */
export async function createClientCertificate(commonName: string): Promise<{ certPem: string; keyAndCertPem: string }> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 2 * 365 * 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const certPem = cert.toString("pem") + "\n";
  return { certPem, keyAndCertPem: (await exportKey(keys.privateKey)) + certPem };
}
