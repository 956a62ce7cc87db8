/**
 * @peculiar/x509 with its prerequisites: it needs a Reflect metadata polyfill loaded before it
 * (tsyringe inside it throws otherwise) and a WebCrypto provider. Import X.509 helpers from here.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
