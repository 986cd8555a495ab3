// Drives Herald's Mastodon client API with masto.js, a Mastodon client
// library (Elk and Phanpy use it), through the real OAuth flow: it
// registers an app, opens the sign-in page, submits the form as a browser
// would (the anti-forgery field parsed from the page, its cookie sent
// back, PKCE S256), exchanges the code, reads the account, its posts page
// by page, one post and the instance; then does webcare: reads the
// notifications, answers a citizen's direct question directly, reads the
// thread, deletes the answer and dismisses the notification; then revokes
// the token. It prints one JSON line per step for clientapi/masto_test.go
// to check.
import { createHash, randomBytes } from "node:crypto";
import { createOAuthAPIClient, createRestAPIClient } from "masto";

const url = process.env.HERALD_URL;
const user = process.env.HERALD_USER;
const password = process.env.HERALD_PASSWORD;
const redirectUri = "https://masto.example/callback";
const scopes = "read write follow push";

const emit = (event, fields = {}) => console.log(JSON.stringify({ event, ...fields }));

// signIn submits the sign-in form for the app and returns the code and
// the state the redirect carries.
async function signIn(app, challenge) {
  const query = new URLSearchParams({
    response_type: "code", client_id: app.clientId, redirect_uri: redirectUri, scope: scopes,
    state: "masto-state", code_challenge: challenge, code_challenge_method: "S256",
  });
  const page = await fetch(`${url}/oauth/authorize?${query}`, { redirect: "manual" });
  const html = await page.text();
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(name, value.replaceAll("&amp;", "&").replaceAll("&#43;", "+").replaceAll("&#34;", '"').replaceAll("&#39;", "'"));
  }
  emit("signin-page", { status: page.status, hasCsrf: form.has("csrf"), cookie: cookie !== "" });
  form.set("username", user);
  form.set("password", password);
  form.set("decision", "approve");
  const answer = await fetch(`${url}/oauth/authorize`, {
    method: "POST", redirect: "manual", body: form,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  });
  const location = new URL(answer.headers.get("location"));
  return { status: answer.status, code: location.searchParams.get("code"), state: location.searchParams.get("state") };
}

// webcare reads the notifications (and the grouped ones of Mastodon
// 4.3), finds a citizen's direct question,
// answers it directly, reads the thread, deletes the answer and dismisses
// the question's notification.
async function webcare(masto) {
  const mentions = await masto.v1.notifications.list({ types: ["mention"], limit: 40 });
  const question = mentions.find((n) => n.status?.visibility === "direct");
  emit("notifications", {
    count: mentions.length, types: mentions.map((n) => n.type),
    question: question && { id: question.id, statusId: question.status.id, uri: question.status.uri, acct: question.account.acct,
      displayName: question.account.displayName, content: question.status.content },
  });
  const grouped = await masto.v2.notifications.list({ groupedTypes: ["favourite", "reblog", "follow"] });
  const questionGroup = grouped.notificationGroups.find((g) => g.groupKey === `ungrouped-${question.id}`);
  const unread = await masto.v2.notifications.unreadCount.fetch();
  emit("grouped", { groups: grouped.notificationGroups.length, accounts: grouped.accounts.map((a) => a.acct),
    questionStatus: questionGroup?.statusId, statuses: grouped.statuses.map((s) => s.id), unread: unread.count });
  const author = await masto.v1.accounts.$select(question.account.id).fetch();
  const [relationship] = await masto.v1.accounts.relationships.fetch({ id: [author.id] });
  emit("author", { acct: author.acct, relationship: relationship?.id === author.id, followedBy: relationship?.followedBy });
  const answer = await masto.v1.statuses.create({
    status: `@${question.account.acct} Dank voor uw vraag: de dijk is veilig.`, inReplyToId: question.status.id, visibility: "direct",
  });
  emit("answer", { id: answer.id, uri: answer.uri, inReplyToId: answer.inReplyToId, visibility: answer.visibility,
    mentions: answer.mentions.map((m) => m.acct), content: answer.content });
  const thread = await masto.v1.statuses.$select(answer.id).context.fetch();
  emit("context", { ancestors: thread.ancestors.map((s) => s.uri), descendants: thread.descendants.map((s) => s.uri) });
  const removed = await masto.v1.statuses.$select(answer.id).remove();
  emit("removed", { id: removed.id, text: removed.text });
  await masto.v1.notifications.$select(question.id).dismiss();
  const left = await masto.v1.notifications.list({ types: ["mention"] });
  emit("dismissed", { left: left.length });
}

// startup asks for what Elk, Phanpy and Tusky ask for when they start:
// the preferences, custom emojis, filters, lists, announcements, followed
// hashtags and trends; then saves and reads the notifications marker.
async function startup(masto) {
  const [prefs, ...lists] = await Promise.all([masto.v1.preferences.fetch(), masto.v1.customEmojis.list(), masto.v2.filters.list(),
    masto.v1.lists.list(), masto.v1.announcements.list(), masto.v1.followedTags.list(), masto.v1.trends.tags.list()]);
  emit("startup", { visibility: prefs["posting:default:visibility"], sizes: lists.map((l) => l.length) });
  const saved = await masto.v1.markers.create({ notifications: { lastReadId: "1" } });
  const markers = await masto.v1.markers.fetch({ timeline: ["notifications"] });
  emit("markers", { saved: saved.notifications?.lastReadId, read: markers.notifications?.lastReadId, version: markers.notifications?.version });
}

// schedule schedules a post a day ahead, lists the scheduled posts, moves
// the post an hour later and cancels it.
async function schedule(masto) {
  const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 24 * 3600 * 1000);
  const scheduled = await masto.v1.statuses.create({ status: "Morgen: open dag op het gemeentehuis.", scheduledAt: at.toISOString() });
  emit("scheduled", { id: scheduled.id, scheduledAt: scheduled.scheduledAt, want: at.toISOString(), text: scheduled.params?.text,
    media: scheduled.mediaAttachments?.length });
  const list = await masto.v1.scheduledStatuses.list();
  emit("scheduled-list", { ids: list.map((s) => s.id) });
  const later = new Date(at.getTime() + 3600 * 1000);
  const moved = await masto.v1.scheduledStatuses.$select(scheduled.id).update({ scheduledAt: later.toISOString() });
  emit("rescheduled", { id: moved.id, scheduledAt: moved.scheduledAt, want: later.toISOString() });
  await masto.v1.scheduledStatuses.$select(scheduled.id).remove();
  const left = await masto.v1.scheduledStatuses.list();
  emit("cancelled", { left: left.length });
}

async function main() {
  const anonymous = createRestAPIClient({ url });
  const app = await anonymous.v1.apps.create({ clientName: "masto.js interop", redirectUris: [redirectUri], scopes, website: "https://masto.example" });
  emit("app", { id: app.id, name: app.name, scopes: app.scopes, hasSecret: Boolean(app.clientSecret) });

  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const grant = await signIn(app, challenge);
  emit("signed-in", { status: grant.status, state: grant.state, hasCode: Boolean(grant.code) });

  const oauth = createOAuthAPIClient({ url });
  const token = await oauth.token.create({
    grantType: "authorization_code", clientId: app.clientId, clientSecret: app.clientSecret,
    redirectUri, code: grant.code, codeVerifier: verifier,
  });
  emit("token", { tokenType: token.tokenType, scope: token.scope, createdAt: token.createdAt });

  const masto = createRestAPIClient({ url, accessToken: token.accessToken });
  const me = await masto.v1.accounts.verifyCredentials();
  emit("me", { account: me });
  const looked = await masto.v1.accounts.lookup({ acct: me.username });
  emit("lookup", { id: looked.id, acct: looked.acct });

  const pages = [];
  for await (const page of masto.v1.accounts.$select(me.id).statuses.list({ limit: 2 })) {
    pages.push(page.map((s) => ({ id: s.id, createdAt: s.createdAt, uri: s.uri, media: s.mediaAttachments.length, tags: s.tags.map((t) => t.name) })));
  }
  emit("statuses", { pages });
  const first = pages[0][0];
  const status = await masto.v1.statuses.$select(first.id).fetch();
  emit("status", { id: status.id, uri: status.uri, visibility: status.visibility, account: status.account.id, content: status.content });

  const v2 = await masto.v2.instance.fetch();
  const v1 = await masto.v1.instance.fetch();
  emit("instance", { domain: v2.domain, version: v2.version, apiVersions: v2.apiVersions, registrations: v2.registrations.enabled, v1uri: v1.uri });

  await startup(masto);
  await webcare(masto);
  await schedule(masto);

  await oauth.revoke({ clientId: app.clientId, clientSecret: app.clientSecret, token: token.accessToken });
  try {
    await masto.v1.accounts.verifyCredentials();
    emit("after-revoke", { statusCode: 200 });
  } catch (e) {
    emit("after-revoke", { statusCode: e.statusCode, message: e.message });
  }
  emit("done");
}

main().catch((e) => {
  emit("error", { message: String(e?.stack ?? e), statusCode: e?.statusCode, description: e?.description });
  process.exitCode = 1;
});
