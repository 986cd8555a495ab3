// Drives Herald's Mastodon client API with megalodon, the client library
// of the Whalebird and Fedistar apps, as those apps do: it tells what
// server Herald is from its NodeInfo (detector), registers an app, signs
// in through the sign-in page (the form submitted as a browser would:
// the anti-forgery field parsed from the page, its cookie sent back),
// exchanges the code (no PKCE: megalodon sends none), reads the account
// and the notifications, answers a citizen's direct question directly,
// reads the thread, deletes the answer and revokes the token. It prints
// one JSON line per step for clientapi/megalodon_test.go to check.
import generator, { detector } from "megalodon";

const url = process.env.HERALD_URL;
const user = process.env.HERALD_USER;
const password = process.env.HERALD_PASSWORD;
const redirectUri = "https://whalebird.example/callback";

const emit = (event, fields = {}) => console.log(JSON.stringify({ event, ...fields }));

// signIn submits the sign-in form at the authorize URL megalodon made and
// returns the code the redirect carries.
async function signIn(authorizeURL) {
  const page = await fetch(authorizeURL, { redirect: "manual" });
  const html = await page.text();
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(name, value.replaceAll("&amp;", "&").replaceAll("&#43;", "+").replaceAll("&#34;", '"').replaceAll("&#39;", "'"));
  }
  form.set("username", user);
  form.set("password", password);
  form.set("decision", "approve");
  const answer = await fetch(`${url}/oauth/authorize`, {
    method: "POST", redirect: "manual", body: form,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  });
  const location = new URL(answer.headers.get("location"));
  emit("signed-in", { status: answer.status, hasCode: location.searchParams.has("code"), redirect: location.origin + location.pathname });
  return location.searchParams.get("code");
}

// webcare finds the citizen's direct question among the notifications,
// answers it directly, reads the thread and deletes the answer.
async function webcare(client) {
  const notifications = (await client.getNotifications({ limit: 40 })).data;
  const question = notifications.find((n) => n.type === "mention" && n.status?.visibility === "direct");
  emit("notifications", {
    types: notifications.map((n) => n.type),
    question: question && { statusId: question.status.id, uri: question.status.uri, acct: question.account.acct },
  });
  const answer = (await client.postStatus(`@${question.account.acct} Dank u, de weg is weer open.`,
    { in_reply_to_id: question.status.id, visibility: "direct" })).data;
  emit("answer", { id: answer.id, uri: answer.uri, inReplyToId: answer.in_reply_to_id, visibility: answer.visibility,
    mentions: answer.mentions.map((m) => m.acct) });
  const thread = (await client.getStatusContext(answer.id)).data;
  emit("context", { ancestors: thread.ancestors.map((s) => s.uri) });
  const removed = await client.deleteStatus(answer.id);
  emit("removed", { status: removed.status });
}

try {
  const sns = await detector(url);
  emit("detected", { sns });
  const anonymous = generator(sns, url);
  const app = await anonymous.registerApp("megalodon interop", { scopes: ["read", "write", "follow"], redirect_uris: redirectUri });
  emit("app", { hasSecret: Boolean(app.client_secret), hasURL: Boolean(app.url) });
  const code = await signIn(app.url);
  const token = await anonymous.fetchAccessToken(app.client_id, app.client_secret, code, redirectUri);
  emit("token", { hasToken: Boolean(token.access_token), scope: token.scope });
  const client = generator(sns, url, token.access_token);
  const me = (await client.verifyAccountCredentials()).data;
  emit("me", { username: me.username, acct: me.acct });
  await webcare(client);
  await anonymous.revokeToken(app.client_id, app.client_secret, token.access_token);
  try {
    await client.verifyAccountCredentials();
    emit("after-revoke", { status: 200 });
  } catch (err) {
    emit("after-revoke", { status: err.response?.status });
  }
  emit("done");
} catch (err) {
  emit("error", { message: String(err), status: err.response?.status, data: err.response?.data });
}
