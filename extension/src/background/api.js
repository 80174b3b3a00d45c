// The only code that talks to the scoring server. Sends nothing but the paragraphs (no URL,
// no title, no cookies) and turns every failure into {kind, message} for the popup.

export const TIMEOUT_MS = 60000;

export class ServerError extends Error {
  constructor(kind, message, status = 0) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

/** POST /v1/score with {paragraphs}; resolves to the result JSON or throws ServerError. */
export async function scoreParagraphs(settings, paragraphs, { fetchImpl = fetch, timeoutMs = TIMEOUT_MS } = {}) {
  const headers = { "Content-Type": "application/json" };
  if (settings.token) headers.Authorization = `Bearer ${settings.token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetchImpl(`${settings.serverUrl}/v1/score`, {
      method: "POST",
      headers,
      body: JSON.stringify({ paragraphs }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    });
  } catch (err) {
    if (controller.signal.aborted) {
      throw new ServerError("timeout", `The server at ${settings.serverUrl} took longer than ${timeoutMs / 1000} s to answer.`);
    }
    throw new ServerError("unreachable", `Cannot reach the Telltale server at ${settings.serverUrl}.`);
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error && typeof body.error.message === "string"
      ? body.error.message.slice(0, 500)
      : `The server answered HTTP ${response.status}.`;
    const kind = response.status === 401 ? "unauthorized"
      : response.status === 429 || response.status === 503 ? "busy"
      : response.status === 413 ? "too-large" : "server";
    throw new ServerError(kind, message, response.status);
  }
  if (!body || !Array.isArray(body.passages) || !body.article) {
    throw new ServerError("server", `The server at ${settings.serverUrl} did not answer like a Telltale server.`);
  }
  return body;
}

/** GET /v1/info (the options page's "Test connection"). */
export async function serverInfo(settings, { fetchImpl = fetch, timeoutMs = 10000 } = {}) {
  const headers = settings.token ? { Authorization: `Bearer ${settings.token}` } : {};
  let response;
  try {
    response = await fetchImpl(`${settings.serverUrl}/v1/info`, {
      headers, credentials: "omit", cache: "no-store", signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new ServerError("unreachable", `Cannot reach the Telltale server at ${settings.serverUrl}.`);
  }
  const body = await response.json().catch(() => null);
  if (response.status === 401) throw new ServerError("unauthorized", "Connected, but the token is missing or wrong.", 401);
  if (!response.ok || !body) throw new ServerError("server", `The server answered HTTP ${response.status}.`, response.status);
  return body;
}
