// Small DOM helpers: elements are built with h(), never from HTML strings holding data.

/** h("a", {href, class, onclick, dataset}, ...children): an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "value") el.value = value;
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const currencies = new Map();

export const fmt = {
  money(value, currency) {
    if (value === null || value === undefined) return "–";
    if (!currency) return numbers.format(value);
    if (!currencies.has(currency)) {
      currencies.set(
        currency,
        new Intl.NumberFormat(undefined, {
          style: "currency",
          currency,
          maximumFractionDigits: 0,
        }),
      );
    }
    return currencies.get(currency).format(value);
  },
  number(value, digits = 0) {
    if (value === null || value === undefined) return "–";
    return new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(value);
  },
  roas(value) {
    return value === null || value === undefined ? "–" : `${value.toFixed(2)}×`;
  },
  /** A ratio such as revenue per unit spent: 3.52×. */
  ratio(value, digits = 2) {
    if (value === null || value === undefined || !Number.isFinite(Number(value))) return "–";
    return `${Number(value).toFixed(digits)}×`;
  },
  pct(value, digits = 0) {
    return value === null || value === undefined ? "–" : `${(value * 100).toFixed(digits)} %`;
  },
  /** "2026-07-01" → "1 Jul 2026" (the day as written, never shifted by time zones). */
  day(text) {
    if (!text) return "–";
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text));
    if (!m) return String(text);
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  },
  when(text) {
    if (!text) return "–";
    const t = new Date(text);
    if (Number.isNaN(t.getTime())) return String(text);
    return t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  },
  short(id, size = 14) {
    const s = String(id ?? "");
    return s.length > size ? `${s.slice(0, size)}…` : s;
  },
};

/** A coloured status pill (pending_approval, approved, open, critical…). */
export function badge(status, extra = "") {
  const text = String(status ?? "–");
  const tone = text.toLowerCase().replace(/[^a-z_]/g, "");
  return h("span", { class: `badge badge-${tone} ${extra}`.trim() }, text.replace(/_/g, " "));
}

/** An inline error message naming the server's code. */
export function errorBox(error, prefix = "") {
  const code = error && error.code ? error.code : "error";
  const message = error && error.message ? error.message : String(error);
  return h(
    "div",
    { class: "error", role: "alert", dataset: { code } },
    prefix ? h("strong", {}, prefix, " ") : null,
    message,
    h("span", { class: "code" }, code),
  );
}

export function empty(text) {
  return h("div", { class: "empty" }, text);
}

/** A table: columns are {title, cell(row) → node|text, class?}; rows may carry attrs(row). */
export function table(columns, rows, { emptyText = "Nothing here.", rowAttrs } = {}) {
  if (!rows.length) return empty(emptyText);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class }, c.title)))),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            rowAttrs ? rowAttrs(row) : {},
            columns.map((c) => h("td", { class: c.class }, c.cell(row))),
          ),
        ),
      ),
    ),
  );
}

/** Key/value pairs of a node's properties. */
export function properties(props) {
  const keys = Object.keys(props || {}).sort();
  if (!keys.length) return empty("No properties.");
  return h(
    "dl",
    { class: "props" },
    keys.map((k) => [h("dt", {}, k), h("dd", {}, show(props[k]))]),
  );
}

function show(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "object") return String(value);
  const text = JSON.stringify(value);
  if (text.length <= 60) return h("code", {}, text);
  const size = Array.isArray(value)
    ? `${value.length} item${value.length === 1 ? "" : "s"}`
    : `${Object.keys(value).length} fields`;
  return h("details", {}, h("summary", {}, size), h("pre", {}, JSON.stringify(value, null, 2)));
}

export function card(label, value, note) {
  return h(
    "div",
    { class: "card" },
    h("div", { class: "card-label" }, label),
    h("div", { class: "card-value" }, value),
    note ? h("div", { class: "card-note" }, note) : null,
  );
}

/** The hash of a lineage view of a node. */
export function lineageHref(nodeId, direction = "up", depth = 2) {
  return `#/lineage/${encodeURIComponent(nodeId)}?direction=${direction}&depth=${depth}`;
}

export function lineageLink(nodeId, text = "Lineage", direction = "up") {
  return h(
    "a",
    { class: "btn btn-small btn-ghost", href: lineageHref(nodeId, direction), title: nodeId },
    text,
  );
}

/** Brand select: "every brand" first when the key sees several. */
export function brandSelect(brands, selected, onchange, { allowAll = true, id } = {}) {
  const select = h(
    "select",
    { id, onchange: (e) => onchange(e.target.value) },
    allowAll ? h("option", { value: "" }, "All brands") : null,
    brands.map((b) => h("option", { value: b.id, selected: b.id === selected }, b.name)),
  );
  select.value = selected || (allowAll ? "" : brands[0]?.id || "");
  return select;
}

/** Replace the hash's query without re-rendering the view (no hashchange). */
export function setHashParams(params) {
  const [path] = location.hash.split("?");
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  const text = query.toString();
  history.replaceState(null, "", `${path || "#/"}${text ? `?${text}` : ""}`);
}
