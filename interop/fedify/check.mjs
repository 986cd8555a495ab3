// Fedify, an ActivityPub implementation nobody on Herald wrote, checks
// Herald: it looks up the account by handle and a post by id (strict JSON-LD
// processing), follows the account, and verifies with its own verifier the
// signatures of the Accept and the Create that Herald then delivers. It
// reports what it parsed as JSON lines on stdout; app/fedify_test.go
// drives it and asserts the fields.
//
// Environment: HERALD_HANDLE (acct:news@domain:port, on the site's own
// domain), HERALD_HANDLE_ALT (the same account at Herald's host), HERALD_POST
// (a post id), HERALD_ARTICLE (an Article's id).
import http from "node:http";
import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
  verifyRequest,
} from "@fedify/fedify";
import {
  Accept,
  Create,
  Endpoints,
  Follow,
  Hashtag,
  LanguageString,
  lookupObject,
  Person,
  PropertyValue,
} from "@fedify/vocab";

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");
const fail = (msg) => {
  emit({ event: "error", message: String(msg) });
  process.exit(1);
};
setTimeout(() => fail("timed out after 25 s"), 25_000).unref();

const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true, // Herald runs on loopback in the test
});
const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "alice") return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Alice (Fedify)",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pairs[0].cryptographicKey,
      assertionMethods: pairs.map((p) => p.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) =>
    identifier === "alice" ? [keys] : []
  );

// verified records, per activity id, what Fedify's verifyRequest said about
// the POST that carried it (the inbox listeners run only for verified
// requests too; this makes the check explicit and reports the key).
const verified = new Map();

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, async (_ctx, accept) => {
    emit({ event: "accept", id: accept.id?.href, verifiedKey: verified.get(accept.id?.href) ?? null });
  })
  .on(Create, async (ctx, create) => {
    const object = await create.getObject(ctx);
    emit({
      event: "create",
      id: create.id?.href,
      actor: create.actorId?.href,
      verifiedKey: verified.get(create.id?.href) ?? null,
      object: await describePost(object, ctx),
    });
    setTimeout(() => process.exit(0), 50);
  });

async function describePost(post, ctx) {
  const attachments = [];
  for await (const a of post.getAttachments(ctx)) {
    attachments.push({
      type: a.constructor.typeId.href,
      url: a.url?.href ?? String(a.url ?? ""),
      mediaType: a.mediaType,
      name: a.name?.toString() ?? null,
      width: a.width,
      height: a.height,
    });
  }
  const tags = [];
  for await (const t of post.getTags(ctx)) {
    if (t instanceof Hashtag) tags.push({ name: t.name?.toString(), href: t.href?.href });
  }
  const languages = post.contents
    .filter((c) => c instanceof LanguageString)
    .map((c) => (c.locale?.baseName ?? c.language?.baseName ?? String(c.language)));
  return {
    type: post.constructor.typeId.href,
    id: post.id?.href,
    name: post.name?.toString() ?? null,
    summary: post.summary?.toString() ?? null,
    content: post.content?.toString() ?? null,
    languages,
    url: post.url?.href ?? null,
    sensitive: post.sensitive,
    published: post.published?.toString() ?? null,
    attributedTo: post.attributionId?.href ?? null,
    replies: post.repliesId?.href ?? null,
    likes: post.likesId?.href ?? null,
    shares: post.sharesId?.href ?? null,
    attachments,
    tags,
  };
}

async function describeActor(actor, ctx) {
  const fields = [];
  for await (const a of actor.getAttachments(ctx)) {
    if (a instanceof PropertyValue) fields.push({ name: a.name?.toString(), value: a.value?.toString() });
  }
  const icon = await actor.getIcon(ctx);
  const image = await actor.getImage(ctx);
  const key = await actor.getPublicKey(ctx);
  return {
    type: actor.constructor.typeId.href,
    id: actor.id?.href,
    preferredUsername: actor.preferredUsername?.toString(),
    name: actor.name?.toString(),
    summary: actor.summary?.toString() ?? null,
    url: actor.url?.href ?? null,
    icon: icon ? { url: icon.url?.href, mediaType: icon.mediaType } : null,
    image: image ? { url: image.url?.href } : null,
    fields,
    discoverable: actor.discoverable,
    indexable: actor.indexable,
    published: actor.published?.toString() ?? null,
    inbox: actor.inboxId?.href,
    followers: actor.followersId?.href,
    featured: actor.featuredId?.href,
    featuredTags: actor.featuredTagsId?.href,
    sharedInbox: actor.endpoints?.sharedInbox?.href,
    publicKeyId: key?.id?.href,
  };
}

// A minimal Node adapter for federation.fetch, which speaks Fetch API
// Request/Response.
const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, `http://${req.headers.host}`);
    const request = new Request(url, {
      method: req.method,
      headers: req.headers,
      body: req.method === "POST" ? body : undefined,
    });
    if (req.method === "POST") {
      const ctx = federation.createContext(url, undefined);
      const key = await verifyRequest(request.clone(), {
        documentLoader: ctx.documentLoader,
        contextLoader: ctx.contextLoader,
      });
      try {
        verified.set(JSON.parse(body.toString()).id, key?.id?.href ?? null);
      } catch { /* not JSON: Fedify answers it */ }
    }
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    emit({ event: "server-error", message: String(e?.stack ?? e) });
    res.writeHead(500);
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const ctx = federation.createContext(new URL(origin), undefined);

const actor = await ctx.lookupObject(process.env.HERALD_HANDLE);
if (actor == null) fail(`lookupObject(${process.env.HERALD_HANDLE}) found nothing`);
emit({ event: "actor", actor: await describeActor(actor, ctx) });
const alt = await ctx.lookupObject(process.env.HERALD_HANDLE_ALT);
emit({ event: "actor-alt", id: alt?.id?.href ?? null });

const post = await lookupObject(process.env.HERALD_POST, {
  documentLoader: ctx.documentLoader,
  contextLoader: ctx.contextLoader,
});
if (post == null) fail(`lookupObject(${process.env.HERALD_POST}) found nothing`);
emit({ event: "post", post: await describePost(post, ctx) });

const article = await lookupObject(process.env.HERALD_ARTICLE, {
  documentLoader: ctx.documentLoader,
  contextLoader: ctx.contextLoader,
});
if (article == null) fail(`lookupObject(${process.env.HERALD_ARTICLE}) found nothing`);
const preview = await article.getPreview(ctx);
emit({
  event: "article",
  article: await describePost(article, ctx),
  preview: preview ? await describePost(preview, ctx) : null,
});

await ctx.sendActivity(
  { identifier: "alice" },
  actor,
  new Follow({
    id: new URL(`${origin}/follows/1`),
    actor: ctx.getActorUri("alice"),
    object: actor.id,
  }),
);
emit({ event: "follow-sent", actor: ctx.getActorUri("alice").href });
