// Lineage: the walk around a node (causes up, effects down), summarised first, and drawn
// with Cytoscape.js on the Graph tab.

import { api } from "./api.js";
import { append, clear, empty, fmt, h, lineageHref, properties } from "./dom.js";
import { detailsBox, splitProperties, summary } from "./lineagesummary.js";

// One colour per node label; anything else is grey.
const COLOURS = {
  Brand: "#1d2b4f",
  Campaign: "#2f6fde",
  Audience: "#7c5cd6",
  Channel: "#0f9bb0",
  Asset: "#c2569b",
  Outcome: "#9aa5b8",
  Lead: "#b0774a",
  Brief: "#6b8e23",
  Plan: "#e0793b",
  Allocation: "#f0a04b",
  Task: "#d6b23a",
  Experiment: "#8d6e63",
  Decision: "#d64545",
  Approval: "#19a574",
  Execution: "#3d8bd9",
  Alert: "#e3342f",
  Agent: "#5c6b80",
  IngestRun: "#8a94a6",
  Source: "#a3adbd",
  ResponseCurve: "#26a69a",
  ResearchBrief: "#7e57c2",
};
const GROUP_AT = 4; // this many same-label nodes hanging off the same neighbours become one
const LIMIT = 1000;

export async function render(host, ctx) {
  const nodeId = ctx.rest.join("/");
  if (!nodeId) return pick(host);
  const direction = ctx.params.get("direction") === "down" ? "down" : "up";
  const depth = Math.min(10, Math.max(1, Number(ctx.params.get("depth")) || 2));
  const grouped = ctx.params.get("group") !== "0";
  const tab = ctx.params.get("view") === "graph" ? "graph" : "summary";
  const go = (id, dir = direction, d = depth, g = grouped, v = tab) => {
    location.hash = `${lineageHref(id, dir, d)}${g ? "" : "&group=0"}${v === "graph" ? "&view=graph" : ""}`;
  };

  const depthSelect = h(
    "select",
    { id: "depth-select", onchange: (e) => go(nodeId, direction, Number(e.target.value)) },
    [1, 2, 3, 4, 5, 6].map((d) => h("option", { value: d, selected: d === depth }, String(d))),
  );
  const groupBox = h("input", {
    type: "checkbox",
    checked: grouped,
    onchange: (e) => go(nodeId, direction, depth, e.target.checked),
  });
  const status = h("div", { class: "muted small" });
  const body = h("div", {});
  const tabButton = (name, text) =>
    h(
      "button",
      { type: "button", id: `tab-${name}`, class: tab === name ? "on" : "", onclick: () => go(nodeId, direction, depth, grouped, name) },
      text,
    );
  host.append(
    h(
      "div",
      { class: "toolbar" },
      h("h1", {}, "Lineage"),
      h("code", { class: "root-id" }, nodeId),
      h(
        "div",
        { class: "segmented" },
        h(
          "button",
          { type: "button", class: direction === "up" ? "on" : "", onclick: () => go(nodeId, "up") },
          "↑ Causes",
        ),
        h(
          "button",
          {
            type: "button",
            class: direction === "down" ? "on" : "",
            onclick: () => go(nodeId, "down"),
          },
          "↓ Effects",
        ),
      ),
      h("label", { class: "field" }, "Depth ", depthSelect),
      h("div", { class: "segmented", id: "lineage-tabs" }, tabButton("summary", "Summary"), tabButton("graph", "Graph")),
      tab === "graph" ? h("label", { class: "field" }, groupBox, " group look-alikes") : null,
    ),
    body,
    status,
  );

  const sub = await api(`v1/lineage/${encodeURIComponent(nodeId)}`, {
    query: { direction, depth, limit: LIMIT },
  });
  if (!ctx.current()) return undefined;
  status.textContent =
    `${sub.nodes.length} nodes, ${sub.edges.length} edges` +
    (sub.truncated ? ` — truncated at ${LIMIT} nodes: lower the depth to see all of it` : "") +
    (sub.nodes.length === 1
      ? ` — nothing ${direction === "up" ? "led to" : "followed from"} this node; try ${
          direction === "up" ? "↓ Effects" : "↑ Causes"
        }`
      : "");
  if (tab === "summary") {
    body.append(summary(sub, { direction, depth, onGraph: () => go(nodeId, direction, depth, grouped, "graph") }));
    return undefined;
  }
  return drawGraph(body, sub, { direction, depth, grouped, go });
}

function drawGraph(body, sub, { direction, depth, grouped, go }) {
  const canvas = h("div", { id: "cy", class: "cy" });
  const side = h("aside", { class: "panel side" });
  const legend = h("div", { class: "legend" });
  const fit = h("button", { class: "btn btn-small btn-ghost fit", type: "button" }, "Fit");
  body.append(h("div", { class: "graph-layout" }, h("div", { class: "graph-box" }, canvas, legend, fit), side));
  const { elements, counts } = build(sub, grouped);
  append(
    clear(legend),
    Object.entries(counts)
      .sort()
      .map(([label, n]) =>
        h("span", { class: "legend-item" }, h("i", { style: `background:${colour(label)}` }), `${label} ${n}`),
      ),
  );

  const cy = window.cytoscape({
    container: canvas,
    elements,
    style: STYLE,
    minZoom: 0.1,
    maxZoom: 3,
    layout: { name: "preset" },
  });
  layout(cy, sub.root, direction);
  window.__mgCy = cy;
  fit.addEventListener("click", () => cy.fit(undefined, 30));

  const show = (node) => describe(side, node, { direction, depth, go });
  cy.on("tap", "node", (evt) => {
    cy.nodes().removeClass("picked");
    evt.target.addClass("picked");
    show(evt.target.data());
  });
  cy.on("dbltap", "node", (evt) => {
    const data = evt.target.data();
    if (!data.members) go(data.id);
  });
  const root = cy.getElementById(sub.root);
  if (root.nonempty()) {
    root.addClass("picked");
    show(root.data());
  }
  return () => {
    cy.destroy();
    if (window.__mgCy === cy) window.__mgCy = null;
  };
}

function pick(host) {
  const input = h("input", { type: "text", id: "node-input", placeholder: "Plan:plan_… or an id" });
  host.append(
    h("div", { class: "toolbar" }, h("h1", {}, "Lineage")),
    h(
      "form",
      {
        class: "panel pick",
        onsubmit: (e) => {
          e.preventDefault();
          if (input.value.trim()) location.hash = lineageHref(input.value.trim());
        },
      },
      h("p", {}, "Which node? Open a plan, an allocation, an alert or a decision and follow its “Lineage” link, or type its id:"),
      input,
      h("button", { class: "btn btn-primary", type: "submit" }, "Draw"),
    ),
  );
}

function colour(label) {
  return COLOURS[label] || "#8a94a6";
}

function caption(node) {
  const p = node.properties || {};
  const pick = (...keys) => keys.map((k) => p[k]).find((v) => v !== undefined && v !== null);
  let text;
  switch (node.label) {
    case "Plan":
      text = `v${p.version ?? 1} ${String(p.status ?? "").replace(/_/g, " ")}`;
      break;
    case "Approval":
      text = `${p.verdict ?? ""} by ${p.approver ?? "?"}`;
      break;
    case "Decision":
      text = pick("kind") ?? node.id;
      break;
    case "Allocation":
      text = `${p.channel_id ?? ""} · ${fmt.number(p.budget)}`;
      break;
    case "ResponseCurve":
      text = `${p.channel_id ?? ""} × ${p.audience_id ?? ""}`;
      break;
    case "Outcome":
      text = `${p.date ?? ""} ${p.channel_id ?? ""}`;
      break;
    default:
      text = pick("name", "title", "kind", "action") ?? node.id;
  }
  return fmt.short(text, 26);
}

/** Cytoscape elements; look-alike leaves (same label, same edges) are grouped when asked. */
function build(sub, grouped) {
  const counts = {};
  for (const n of sub.nodes) counts[n.label] = (counts[n.label] || 0) + 1;
  const edgesOf = new Map(sub.nodes.map((n) => [n.node_id, []]));
  for (const e of sub.edges) {
    edgesOf.get(e.source)?.push(`${e.type}>${e.target}`);
    edgesOf.get(e.target)?.push(`${e.type}<${e.source}`);
  }
  const groupOf = new Map();
  const groups = [];
  if (grouped) {
    const buckets = new Map();
    for (const n of sub.nodes) {
      if (n.node_id === sub.root) continue;
      const signature = `${n.label}|${edgesOf.get(n.node_id).sort().join(",")}`;
      if (!buckets.has(signature)) buckets.set(signature, []);
      buckets.get(signature).push(n);
    }
    for (const members of buckets.values()) {
      if (members.length < GROUP_AT) continue;
      const id = `group:${groups.length}:${members[0].label}`;
      groups.push({ id, members });
      for (const m of members) groupOf.set(m.node_id, id);
    }
  }
  const elements = [];
  for (const n of sub.nodes) {
    if (groupOf.has(n.node_id)) continue;
    elements.push({
      group: "nodes",
      data: {
        id: n.node_id,
        label: n.label,
        text: `${n.label}\n${caption(n)}`,
        color: colour(n.label),
        props: n.properties,
      },
      classes: n.node_id === sub.root ? "root" : "",
    });
  }
  for (const g of groups) {
    const label = g.members[0].label;
    elements.push({
      group: "nodes",
      data: {
        id: g.id,
        label,
        text: `${g.members.length} × ${label}`,
        color: colour(label),
        members: g.members.map((m) => m.node_id),
      },
      classes: "grouped",
    });
  }
  const seen = new Set();
  for (const e of sub.edges) {
    const source = groupOf.get(e.source) || e.source;
    const target = groupOf.get(e.target) || e.target;
    const id = `${source}|${e.type}|${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    elements.push({ group: "edges", data: { id, source, target, type: e.type } });
  }
  return { elements, counts };
}

/** Breadth-first rings from the root; with "up", causes sit above what they led to. */
function layout(cy, rootId, direction) {
  const root = cy.getElementById(rootId);
  const options = {
    name: cy.nodes().length > 150 ? "concentric" : "breadthfirst",
    roots: root.nonempty() ? root : undefined,
    directed: false,
    spacingFactor: 1.15,
    padding: 30,
    animate: false,
    avoidOverlap: true,
  };
  if (options.name === "concentric") {
    const rings = new Map();
    cy.elements().breadthFirstSearch({
      root,
      directed: false,
      visit: (node, edge, previous, index, distance) => {
        rings.set(node.id(), distance);
      },
    });
    options.concentric = (node) => 100 - (rings.get(node.id()) ?? 99);
    options.levelWidth = () => 1;
  }
  cy.layout(options).run();
  if (direction === "up" && options.name === "breadthfirst") {
    cy.nodes().positions((node) => ({ x: node.position("x"), y: -node.position("y") }));
  }
  cy.fit(undefined, 30);
  if (cy.zoom() > 1.3) {
    cy.zoom(1.3);
    cy.center();
  } else if (cy.zoom() < 0.55 && root.nonempty()) {
    // a big walk fitted whole is unreadable: open on the root at a readable size ("Fit" shows all)
    cy.zoom(0.8);
    cy.center(root);
  }
}

function describe(side, data, { direction, depth, go }) {
  clear(side);
  if (data.members) {
    append(side, [
      h("h2", {}, `${data.members.length} ${data.label} nodes`),
      h("p", { class: "muted" }, "Grouped: they hang off the same nodes by the same edges."),
      h(
        "ul",
        { class: "members" },
        data.members.slice(0, 200).map((id) =>
          h("li", {}, h("a", { href: lineageHref(id, direction, depth) }, id)),
        ),
      ),
      data.members.length > 200 ? h("p", { class: "muted" }, "…and more.") : null,
    ]);
    return;
  }
  const [label] = data.id.split(":");
  const id = data.id.slice(label.length + 1);
  append(side, [
    h("div", { class: "side-head" }, h("span", { class: "dot", style: `background:${data.color}` }), h("h2", {}, label)),
    h("code", { class: "node-id" }, id),
    h(
      "div",
      { class: "actions" },
      h("button", { class: "btn btn-small btn-primary", type: "button", id: "reroot", onclick: () => go(data.id) }, "Re-root here"),
      h(
        "button",
        {
          class: "btn btn-small btn-ghost",
          type: "button",
          onclick: () => go(data.id, direction === "up" ? "down" : "up"),
        },
        direction === "up" ? "Its effects ↓" : "Its causes ↑",
      ),
      label === "Plan" ? h("a", { class: "btn btn-small btn-ghost", href: `#/plans/${encodeURIComponent(id)}` }, "Open plan") : null,
      label === "Campaign"
        ? h("a", { class: "btn btn-small btn-ghost", href: `#/campaigns?campaign=${encodeURIComponent(id)}` }, "Open campaign")
        : null,
    ),
    ...propertyBlocks(data.props),
  ]);
}

/** What a reader wants first, then the audit chain and other technical fields folded. */
function propertyBlocks(props) {
  if (!props) return [empty("No properties.")];
  const { main, details } = splitProperties(props);
  return [
    Object.keys(main).length ? properties(main) : null,
    Object.keys(details).length ? detailsBox(details) : null,
  ];
}

const STYLE = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      "background-color": "data(color)",
      label: "data(text)",
      color: "#fff",
      "font-size": 10,
      "font-family": "system-ui, sans-serif",
      "text-wrap": "wrap",
      "text-valign": "center",
      "text-halign": "center",
      width: "label",
      height: "label",
      padding: "7px",
      "border-width": 0,
    },
  },
  { selector: "node.root", style: { "border-width": 3, "border-color": "#111827" } },
  { selector: "node.grouped", style: { shape: "barrel", "border-width": 2, "border-style": "dashed", "border-color": "#fff" } },
  { selector: "node.picked", style: { "overlay-color": "#ffb547", "overlay-opacity": 0.35, "overlay-padding": 5 } },
  {
    selector: "edge",
    style: {
      width: 1.4,
      "line-color": "#b8c2d3",
      "target-arrow-color": "#b8c2d3",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.9,
      "curve-style": "bezier",
      label: "data(type)",
      "font-size": 8,
      color: "#4b5563",
      "text-rotation": "autorotate",
      "text-background-color": "#fff",
      "text-background-opacity": 0.85,
      "text-background-padding": "2px",
    },
  },
];
