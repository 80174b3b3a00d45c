// The only code that talks to the scoring server. Sends nothing but the paragraphs (no URL,
// no title, no cookies), only to the configured server (redirects are not followed: a 307 or
// 308 would send the paragraphs on to another address), and turns every failure into
// {kind, message} for the popup.

import { notFound, unreachable } from "../shared/notices.js";

// Under 30 s: Firefox stops an idle background page after 30 s, and a pending fetch does not
// count as activity, so a longer wait would end in "reload the page" instead of "timed out".
// A working server answers an article in well under a second.
export const TIMEOUT_MS = 25000;
/** At most this long is waited for a busy or starting server's Retry-After, once. */
export const MAX_RETRY_WAIT_MS = 5000;

export class ServerError extends Error {
  constructor(kind, message, status = 0, { type = "", retryAfter = null } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.type = type;
    this.retryAfter = retryAfter;
  }
}

// The server's error types (server/errors.py) as the kinds the popup explains.
const KINDS = {
  unauthorized: "unauthorized",
  unsupported_language: "language",
  empty_input: "empty",
  payload_too_large: "too-large",
  input_too_large: "too-large",
  overloaded: "busy",
  not_ready: "starting",
  model_unavailable: "model-unavailable",
};

/** An earlier server's not_ready waits at least this long (Retry-After) only when its model failed to load. */
export const MODEL_FAILED_RETRY_AFTER_S = 30;

/**
 * The kind of a failed response: by its error type, else by its status. A server whose model
 * could not be loaded answers model_unavailable; earlier servers answered not_ready with a long
 * Retry-After and a message that says so, still recognised here: it is not starting, it needs
 * a restart.
 */
export function errorKind(status, type, { retryAfter = null, message = "" } = {}) {
  if (type === "not_ready" && ((retryAfter ?? 0) >= MODEL_FAILED_RETRY_AFTER_S || /could not be loaded/i.test(message))) {
    return "model-unavailable";
  }
  if (typeof type === "string" && Object.hasOwn(KINDS, type)) return KINDS[type];
  if (status === 401) return "unauthorized";
  if (status === 429) return "busy";
  if (status === 503) return "starting";
  if (status === 413) return "too-large";
  if (status === 404) return "not-found";
  return "server";
}

export const REDIRECT_MESSAGE = "The server answered with a redirect to another address; Telltale does not follow "
  + "redirects. Check the Server URL in Settings.";

/**
 * Requests go out with redirect: "manual": a redirect comes back as an opaque response
 * (browsers) or as the 3xx itself, and is refused here instead of being followed.
 */
function refuseRedirect(response) {
  if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
    throw new ServerError("server", REDIRECT_MESSAGE, response.status);
  }
}

function retryAfterSeconds(response) {
  const value = response.headers && typeof response.headers.get === "function" ? response.headers.get("Retry-After") : null;
  const n = Number(value);
  return value != null && Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * scoreParagraphs, retried once when the server is busy or still starting (429, 503
 * not_ready) after its Retry-After, capped at MAX_RETRY_WAIT_MS.
 */
export async function scoreWithRetry(settings, paragraphs, { sleep = (ms) => new Promise((r) => setTimeout(r, ms)), ...options } = {}) {
  try {
    return await scoreParagraphs(settings, paragraphs, options);
  } catch (err) {
    if (!(err instanceof ServerError) || !["busy", "starting"].includes(err.kind)) throw err;
    await sleep(Math.min(MAX_RETRY_WAIT_MS, (err.retryAfter ?? 1) * 1000));
    return scoreParagraphs(settings, paragraphs, options);
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
      redirect: "manual",
      signal: controller.signal,
    });
  } catch (err) {
    if (controller.signal.aborted) {
      throw new ServerError("timeout", `The server at ${settings.serverUrl} took longer than ${timeoutMs / 1000} s to answer.`);
    }
    throw new ServerError("unreachable", unreachable(settings.serverUrl));
  } finally {
    clearTimeout(timer);
  }
  refuseRedirect(response);
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body && body.error && typeof body.error === "object" ? body.error : {};
    const serverMessage = typeof error.message === "string" ? error.message.slice(0, 500) : `The server answered HTTP ${response.status}.`;
    const type = typeof error.type === "string" ? error.type.slice(0, 60) : "";
    const retryAfter = retryAfterSeconds(response);
    const kind = errorKind(response.status, type, { retryAfter, message: serverMessage });
    // A 404's text is the web server's own ("The requested URL was not found..."), not for a reader.
    const message = kind === "not-found" ? notFound(settings.serverUrl) : serverMessage;
    throw new ServerError(kind, message, response.status, { type, retryAfter });
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
      headers, credentials: "omit", cache: "no-store", redirect: "manual", signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new ServerError("unreachable", unreachable(settings.serverUrl));
  }
  refuseRedirect(response);
  const body = await response.json().catch(() => null);
  if (response.status === 401) throw new ServerError("unauthorized", "Connected, but the token is missing or wrong.", 401);
  if (response.status === 404) throw new ServerError("not-found", notFound(settings.serverUrl), 404);
  if (!response.ok || !body) throw new ServerError("server", `The server answered HTTP ${response.status}.`, response.status);
  return body;
}
