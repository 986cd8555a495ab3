// Fedify checks Herald's Linked Data Signatures (package ldsig) with its
// own implementation (jsonld.js and rdf-canonize): it verifies documents
// with verifyJsonLd and signs documents with signJsonLd. ldsig/fedify_test.go
// drives it.
//
// Input, one JSON object on stdin:
//   actor, keyId          the signer's actor and key ids
//   publicKeyPem          its public key (SPKI PEM), served as the actor's
//   privateKeyPem         its private key (PKCS #8 PEM), for signing
//   created               the signing time, RFC 3339 with milliseconds
//   verify                {name: document} to verify
//   sign                  {name: document} to sign
// Output, one JSON object on stdout: {verified: {name: boolean},
// signed: {name: document}}. Nothing is fetched: the key comes from the
// actor document built here, and contexts only from Fedify's preloaded
// ones.
import { createPrivateKey } from "node:crypto";
import { text } from "node:stream/consumers";
import { signJsonLd, verifyJsonLd } from "@fedify/fedify";
import { preloadedContexts } from "@fedify/vocab-runtime";

const input = JSON.parse(await text(process.stdin));

const actorDocument = {
  "@context": [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
  ],
  id: input.actor,
  type: "Service",
  preferredUsername: "news",
  inbox: `${input.actor}/inbox`,
  publicKey: {
    id: input.keyId,
    owner: input.actor,
    publicKeyPem: input.publicKeyPem,
  },
};

// documentLoader serves the actor (which holds the key) for its id and the
// key id, and refuses everything else.
const documentLoader = async (url) => {
  if (url === input.actor || url === input.keyId) {
    return { contextUrl: null, documentUrl: url, document: actorDocument };
  }
  throw new Error(`ldsig.mjs: no document for ${url}`);
};

// contextLoader serves Fedify's preloaded contexts only.
const contextLoader = async (url) => {
  if (url in preloadedContexts) {
    return {
      contextUrl: null,
      documentUrl: url,
      document: preloadedContexts[url],
    };
  }
  throw new Error(`ldsig.mjs: context ${url} is not preloaded`);
};

const privateKey = await crypto.subtle.importKey(
  "pkcs8",
  createPrivateKey(input.privateKeyPem).export({ type: "pkcs8", format: "der" }),
  { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  true, // Fedify's signJsonLd accepts only extractable keys
  ["sign"],
);

const verified = {};
for (const [name, doc] of Object.entries(input.verify ?? {})) {
  verified[name] = await verifyJsonLd(doc, { documentLoader, contextLoader });
}

// signJsonLd writes created with created.toString() (a Temporal.Instant's
// RFC 3339 form); an object whose toString gives the input's time stands
// in for one, so both sides sign the same options.
const created = { toString: () => input.created };
const signed = {};
for (const [name, doc] of Object.entries(input.sign ?? {})) {
  signed[name] = await signJsonLd(doc, privateKey, new URL(input.keyId), {
    contextLoader,
    created,
  });
}

process.stdout.write(JSON.stringify({ verified, signed }) + "\n");
