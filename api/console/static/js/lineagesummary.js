// Lineage as a reader wants it first: the node, then the decisions, approvals, curves and
// agents around it, listed; outcome rows and other bulk counted. The graph is one tab away.

import { badge, empty, fmt, h, lineageHref } from "./dom.js";

// Technical fields: shown under "Details", never first.
const TECHNICAL = /^(audit_|id$|node_id$|sha256$|prompt_digest$|.*_hash$|.*_digest$|inputs$|request$)/;

/** A node's properties split into what a reader wants first and the technical rest. */
export function splitProperties(props) {
  const main = {};
  const details = {};
  for (const [k, v] of Object.entries(props || {})) {
    const blob = (v !== null && typeof v === "object") || (typeof v === "string" && /^[[{]/.test(v));
    (TECHNICAL.test(k) || blob ? details : main)[k] = v;
  }
  return { main, details };
}

const ORDER = [
  ["Decision", "Decisions"],
  ["Approval", "Approvals"],
  ["ResponseCurve", "Response curves"],
  ["Agent", "Agents"],
  ["Plan", "Plans"],
  ["Allocation", "Allocations"],
  ["Brief", "Briefs"],
  ["ResearchBrief", "Research briefs"],
  ["Alert", "Alerts"],
  ["Task", "Tasks"],
  ["Execution", "Executions"],
  ["Asset", "Assets"],
  ["Campaign", "Campaigns"],
  ["Channel", "Channels"],
  ["Audience", "Audiences"],
  ["Brand", "Brands"],
  ["IngestRun", "Ingest runs"],
  ["Source", "Source files"],
];
const LISTED = 12; // items shown per section before "…and N more"

function nameOf(node) {
  const p = node.properties || {};
  switch (node.label) {
    case "Decision":
      return `${p.kind ?? "decision"}${p.agent ? ` by ${p.agent}` : ""}`;
    case "Approval":
      return `${p.verdict ?? "verdict"} by ${p.approver ?? "?"}${p.role ? ` (${p.role})` : ""}`;
    case "ResponseCurve":
      return `${p.channel_id ?? "?"} × ${p.audience_id ?? "?"}, ${p.metric ?? ""}${p.revision ? ` rev ${p.revision}` : ""}`;
    case "Allocation":
      return `${p.channel_id ?? ""} × ${p.audience_id ?? ""}: ${fmt.number(p.budget)}`;
    case "Plan":
      return `v${p.version ?? 1} ${String(p.status ?? "").replace(/_/g, " ")}`;
    case "Brief":
      return fmt.short(p.text ?? node.id, 60);
    case "Source":
      return p.name ?? node.id;
    default:
      return p.name ?? p.title ?? p.message ?? p.kind ?? node.id;
  }
}

function detailOf(node, weights) {
  const p = node.properties || {};
  const parts = [];
  if (node.label === "Decision") {
    if (p.created_at) parts.push(fmt.when(p.created_at));
    if (p.confidence !== undefined && p.confidence !== null) parts.push(`confidence ${fmt.number(p.confidence, 2)}`);
    if (p.rationale) parts.push(fmt.short(p.rationale, 140));
  } else if (node.label === "Approval") {
    if (p.created_at) parts.push(fmt.when(p.created_at));
    if (p.comment) parts.push(`“${p.comment}”`);
  } else if (node.label === "ResponseCurve") {
    if (p.n_rows !== undefined) parts.push(`fitted on ${fmt.number(p.n_rows)} rows`);
  } else if (p.created_at || p.started_at) {
    parts.push(fmt.when(p.created_at || p.started_at));
  }
  const weight = weights.get(node.node_id);
  if (weight !== undefined) parts.unshift(`weight ${fmt.pct(weight)}`);
  return parts.join(" · ");
}

/** Outcome rows counted per channel (and their dates), never listed one by one. */
function outcomeSection(outcomes, direction, depth) {
  const byChannel = new Map();
  let first = null;
  let last = null;
  for (const o of outcomes) {
    const p = o.properties || {};
    const key = p.channel_id || p.source || "?";
    byChannel.set(key, (byChannel.get(key) || 0) + 1);
    const day = String(p.date || "").slice(0, 10);
    if (day) {
      if (!first || day < first) first = day;
      if (!last || day > last) last = day;
    }
  }
  const counts = [...byChannel.entries()].sort((a, b) => b[1] - a[1]);
  return h(
    "section",
    { class: "summary-section", dataset: { label: "Outcome" } },
    h("h3", {}, `Outcome rows `, h("span", { class: "count-pill" }, String(outcomes.length))),
    h(
      "p",
      { class: "muted" },
      first ? `${fmt.day(first)} → ${fmt.day(last)} · ` : "",
      counts.map(([k, n], i) => [i ? " · " : "", h("span", { class: "outcome-count", dataset: { channel: k } }, `${k} ${n}`)]),
    ),
    h(
      "p",
      { class: "small" },
      "Open one: ",
      outcomes.slice(0, 3).map((o, i) => [i ? ", " : "", h("a", { href: lineageHref(o.node_id, direction, depth) }, fmt.short(o.id, 18))]),
    ),
  );
}

/** The summary of a lineage walk: {root, nodes, edges} as the API answers it. */
export function summary(sub, { direction, depth, onGraph }) {
  const nodes = new Map(sub.nodes.map((n) => [n.node_id, n]));
  const root = nodes.get(sub.root);
  // a BASED_ON edge's score is the weight the decision gave that evidence
  const weights = new Map();
  for (const e of sub.edges) {
    if (e.type === "BASED_ON" && typeof e.properties?.score === "number") {
      const prior = weights.get(e.target);
      if (prior === undefined || e.properties.score > prior) weights.set(e.target, e.properties.score);
    }
  }
  const byLabel = new Map();
  for (const n of sub.nodes) {
    if (n.node_id === sub.root) continue;
    if (!byLabel.has(n.label)) byLabel.set(n.label, []);
    byLabel.get(n.label).push(n);
  }
  const sections = [];
  const known = new Set(ORDER.map(([label]) => label));
  const labels = [...ORDER, ...[...byLabel.keys()].filter((l) => !known.has(l) && l !== "Outcome").sort().map((l) => [l, l])];
  for (const [label, title] of labels) {
    const list = byLabel.get(label);
    if (!list) continue;
    list.sort((a, b) => (weights.get(b.node_id) ?? -1) - (weights.get(a.node_id) ?? -1) || a.node_id.localeCompare(b.node_id));
    sections.push(
      h(
        "section",
        { class: "summary-section", dataset: { label } },
        h("h3", {}, `${title} `, h("span", { class: "count-pill" }, String(list.length))),
        h(
          "ul",
          { class: "summary-list" },
          list.slice(0, LISTED).map((n) =>
            h(
              "li",
              { dataset: { node: n.node_id } },
              h("a", { href: lineageHref(n.node_id, direction, depth), title: n.node_id }, nameOf(n)),
              n.label === "Approval" ? [" ", badge(n.properties?.verdict)] : null,
              h("div", { class: "muted small" }, detailOf(n, weights)),
            ),
          ),
        ),
        list.length > LISTED ? h("p", { class: "muted small" }, `…and ${list.length - LISTED} more (see the graph)`) : null,
      ),
    );
  }
  const outcomes = byLabel.get("Outcome");
  if (outcomes) sections.push(outcomeSection(outcomes, direction, depth));
  const { main, details } = splitProperties(root?.properties);
  const headline = root
    ? h(
        "div",
        { class: "summary-root" },
        h("div", { class: "muted small" }, root.label),
        h("h2", {}, nameOf(root)),
        h("p", { class: "muted" }, detailOf(root, weights)),
        keyFacts(main),
        Object.keys(details).length ? detailsBox(details) : null,
      )
    : null;
  const what = direction === "up" ? "What led here" : "What followed";
  return h(
    "div",
    { class: "panel lineage-summary", id: "lineage-summary" },
    headline,
    h(
      "p",
      { class: "muted" },
      `${what}, ${depth} step${depth === 1 ? "" : "s"} ${direction === "up" ? "back" : "on"}: ${sub.nodes.length - 1} nodes. `,
      h("button", { type: "button", class: "btn btn-small btn-ghost", onclick: onGraph }, "Draw the graph →"),
    ),
    sections.length ? h("div", { class: "summary-grid" }, sections) : empty(`Nothing ${direction === "up" ? "led to" : "followed from"} this node.`),
  );
}

// Facts a reader looks for first; the rest follow A→Z.
const FIRST = ["name", "title", "status", "verdict", "approver", "kind", "agent", "version", "budget", "channel_id", "audience_id", "metric", "start_date", "end_date", "date"];

function keyFacts(props) {
  const rank = (k) => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length);
  const keys = Object.keys(props)
    .filter((k) => !["rationale", "text", "body"].includes(k))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, 16);
  if (!keys.length) return null;
  return h(
    "dl",
    { class: "props" },
    keys.map((k) => [h("dt", {}, k), h("dd", {}, fmt.short(typeof props[k] === "object" ? JSON.stringify(props[k]) : String(props[k] ?? "–"), 80))]),
  );
}

/** Technical fields (audit chain, hashes, inputs), folded away. */
export function detailsBox(details) {
  return h(
    "details",
    { class: "tech-details" },
    h("summary", {}, `Details · ${Object.keys(details).length} technical field${Object.keys(details).length === 1 ? "" : "s"}`),
    h(
      "dl",
      { class: "props" },
      Object.keys(details)
        .sort()
        .map((k) => [
          h("dt", {}, k),
          h("dd", {}, h("code", {}, typeof details[k] === "object" ? JSON.stringify(details[k]) : String(details[k]))),
        ]),
    ),
  );
}
