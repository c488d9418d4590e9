// The console's shell: log in with a key, show who you are, route between the views.

import { api, ApiError, onUnauthorized, session } from "./api.js";
import { errorBox, h } from "./dom.js";
import * as alerts from "./alerts.js";
import * as approvals from "./approvals.js";
import * as campaigns from "./campaigns.js";
import * as lineage from "./lineage.js";
import * as plans from "./plans.js";

const VIEWS = { campaigns, approvals, plans, alerts, lineage };
const DEFAULT_VIEW = "campaigns";

const state = { me: null, cleanup: null, token: 0 };
const $ = (id) => document.getElementById(id);

/** "#/plans/ID?status=x" → {name: "plans", rest: ["ID"], params}. */
function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, ...rest] = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { name: name || DEFAULT_VIEW, rest, params: new URLSearchParams(query || "") };
}

function showLogin(message) {
  state.me = null;
  teardown();
  $("view").replaceChildren();
  document.body.classList.remove("booting");
  document.body.classList.add("logged-out");
  $("login").hidden = false;
  const box = $("login-message");
  box.hidden = !message;
  box.textContent = message || "";
  $("api-key").value = "";
  $("api-key").focus();
}

function showApp(me) {
  state.me = me;
  document.body.classList.remove("booting", "logged-out");
  $("login").hidden = true;
  const brands = me.brands === null ? "every brand" : me.brands.join(", ");
  $("whoami").replaceChildren(
    h("strong", {}, me.name),
    " ",
    h("span", { class: `role role-${me.role}` }, me.role),
    h("span", { class: "muted" }, ` · ${brands}`),
  );
  $("whoami").title = `key ${me.key_id || "?"}; may ${me.capabilities.join(", ")}`;
  route();
}

async function login(key) {
  session.set(key.trim());
  let me;
  try {
    me = await api("v1/me");
  } catch (e) {
    session.clear();
    showLogin(e.message);
    return;
  }
  showApp(me);
}

function teardown() {
  if (state.cleanup) {
    try {
      state.cleanup();
    } catch (e) {
      console.warn("cleanup failed", e);
    }
  }
  state.cleanup = null;
}

async function refreshQueueCount() {
  const badge = $("queue-count");
  try {
    const queue = await api("v1/approvals");
    badge.textContent = String(queue.length);
    badge.hidden = queue.length === 0;
  } catch {
    badge.hidden = true;
  }
}

async function route() {
  if (!state.me) return;
  const { name, rest, params } = parseHash();
  const view = Object.hasOwn(VIEWS, name) ? name : DEFAULT_VIEW;
  for (const link of document.querySelectorAll("#nav a")) {
    link.classList.toggle("active", link.dataset.view === view);
  }
  teardown();
  const token = ++state.token;
  const host = h("div", { class: `view view-${view}`, dataset: { view } });
  $("view").replaceChildren(host);
  const ctx = {
    me: state.me,
    rest,
    params,
    may: (capability) => state.me.capabilities.includes(capability),
    current: () => token === state.token,
    queueChanged: refreshQueueCount,
  };
  try {
    const cleanup = await VIEWS[view].render(host, ctx);
    if (typeof cleanup === "function") {
      if (token === state.token) state.cleanup = cleanup;
      else cleanup();
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return; // the login is showing
    if (token === state.token) host.append(errorBox(e));
    if (!(e instanceof ApiError)) console.error(e);
  }
  refreshQueueCount();
}

onUnauthorized((error) => {
  session.clear();
  showLogin(error.message);
});

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = $("api-key").value;
  if (key.trim()) login(key);
});
$("logout").addEventListener("click", () => {
  session.clear();
  showLogin("Logged out.");
});
window.addEventListener("hashchange", route);

if (session.key) login(session.key);
else showLogin("");
