// The API client: the key lives in sessionStorage and goes with every call as a bearer token.

const KEY = "marketgraph.key";
// The console is served at <root>/console/, the API at <root>/v1/...
const ROOT = new URL("../", document.baseURI);

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

/** An error answer of the API ({error: {code, message, details}}), or a network failure. */
export class ApiError extends Error {
  constructor(status, code, message, details = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let unauthorized = () => {};

/** Called with the ApiError when the key is missing or no longer valid (401). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

function url(path, query) {
  const target = new URL(path.replace(/^\//, ""), ROOT);
  for (const [name, value] of Object.entries(query || {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v !== null && v !== undefined && v !== "") target.searchParams.append(name, String(v));
    }
  }
  return target;
}

/** Call the API; resolves to the JSON answer, rejects with an ApiError. */
export async function api(path, options = {}) {
  return (await call(path, options)).data;
}

/** A listing with its X-Total-Count header: {items, total}. */
export async function apiPage(path, options = {}) {
  const { data, headers } = await call(path, options);
  const total = Number(headers.get("X-Total-Count"));
  return { items: data, total: Number.isFinite(total) ? total : data.length };
}

async function call(path, { method = "GET", query, body } = {}) {
  const headers = { Accept: "application/json" };
  const key = session.key;
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, "network", `the service cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    const failure = new ApiError(
      response.status,
      error.code || "http_error",
      error.message || `HTTP ${response.status} ${response.statusText}`,
      error.details ?? null,
    );
    if (response.status === 401) unauthorized(failure);
    throw failure;
  }
  return { data, headers: response.headers };
}
