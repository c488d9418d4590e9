// Plans: the list (named after their briefs), a new plan, and one version with its channel
// roll-up, lines, KPIs, tasks, versions and verdicts; re-plan from there.

import { api } from "./api.js";
import { newPlanForm, replanForm } from "./planform.js";
import {
  append,
  badge,
  brandSelect,
  card,
  clear,
  errorBox,
  fmt,
  h,
  lineageLink,
  setHashParams,
  table,
} from "./dom.js";

// What the list filters on (GET /v1/plans?status=): the stored statuses, and what a
// handed-over plan is today (scheduled, running, completed), as its badge says.
const STATUSES = [
  "pending_approval",
  "approved",
  "rejected",
  "scheduled",
  "running",
  "executing",
  "completed",
  "superseded",
  "stopped",
];

export async function render(host, ctx) {
  if (ctx.rest[0]) return detail(host, ctx.rest[0], ctx);
  return list(host, ctx);
}

async function list(host, ctx) {
  const brands = await api("v1/brands");
  const names = new Map(brands.map((b) => [b.id, b.name]));
  let brand = ctx.params.get("brand") || "";
  let status = ctx.params.get("status") || "";
  const body = h("div", {});
  const formBox = h("div", {});
  const statusSelect = h(
    "select",
    { id: "status-select", onchange: (e) => ((status = e.target.value), load()) },
    h("option", { value: "" }, "Any status"),
    STATUSES.map((s) => h("option", { value: s, selected: s === status }, s.replace(/_/g, " "))),
  );
  const showForm = () => {
    formBox.replaceChildren(newPlanForm(brands, { brand, onCancel: () => formBox.replaceChildren() }));
    formBox.querySelector("#plan-budget").focus();
  };
  host.append(
    h(
      "div",
      { class: "toolbar" },
      h("h1", {}, "Plans"),
      h(
        "label",
        { class: "field" },
        "Brand ",
        brandSelect(brands, brand, (v) => ((brand = v), load()), {
          allowAll: brands.length > 1,
        }),
      ),
      h("label", { class: "field" }, "Status ", statusSelect),
      ctx.may("plan")
        ? h("div", { class: "actions" }, h("button", { type: "button", class: "btn btn-primary", id: "new-plan", onclick: showForm }, "New plan"))
        : null,
    ),
    formBox,
    body,
  );
  if (ctx.params.get("new") === "1" && ctx.may("plan")) showForm();

  async function load() {
    setHashParams({ brand, status });
    body.replaceChildren(h("div", { class: "loading" }, "Loading plans…"));
    let plans;
    try {
      plans = await api("v1/plans", { query: { brand_id: brand || null, status: status || null } });
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    if (!ctx.current()) return;
    const currency = new Map(brands.map((b) => [b.id, b.currency]));
    body.replaceChildren(
      table(
        [
          {
            title: "Plan",
            cell: (p) => [
              h("a", { class: "plan-name", href: `#/plans/${encodeURIComponent(p.id)}`, title: p.id }, p.name || fmt.short(p.family, 22)),
              h("span", { class: "muted" }, ` v${p.version}`),
            ],
          },
          { title: "Status", cell: (p) => listState(p, currency.get(p.brand_id)) },
          { title: "Brand", cell: (p) => names.get(p.brand_id) || p.brand_id },
          { title: "Budget", class: "num", cell: (p) => fmt.money(p.budget, currency.get(p.brand_id)) },
          { title: "Window", cell: (p) => `${fmt.day(p.start_date)} → ${fmt.day(p.end_date)}` },
          { title: "Created", cell: (p) => fmt.when(p.created_at) },
          { title: "", cell: (p) => lineageLink(`Plan:${p.id}`) },
        ],
        plans,
        { emptyText: "No plans match.", rowAttrs: (p) => ({ dataset: { plan: p.id } }) },
      ),
    );
  }

  await load();
}

async function detail(host, planId, ctx) {
  const [plan, brands] = await Promise.all([
    api(`v1/plans/${encodeURIComponent(planId)}`),
    api("v1/brands"),
  ]);
  if (!ctx.current()) return;
  const currency = brands.find((b) => b.id === plan.brand_id)?.currency || null;
  const show = (p) => append(clear(host), view(p, ctx, currency, show));
  show(plan);
}

function view(plan, ctx, currency, show) {
  const money = (v) => fmt.money(v, currency);
  const expected = plan.allocations.reduce((sum, a) => sum + a.expected.revenue, 0);
  const formBox = h("div", {});
  const head = h(
    "div",
    { class: "toolbar" },
    h("a", { class: "back", href: "#/plans" }, "← Plans"),
    h("h1", { id: "plan-name" }, plan.name || `Plan ${fmt.short(plan.family, 22)}`),
    h("span", { class: "muted" }, `v${plan.version}`),
    badge(plan.status, "plan-status"),
    runState(plan, money),
    h(
      "div",
      { class: "actions" },
      ctx.may("plan") && !["superseded"].includes(plan.status)
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              id: "replan",
              onclick: () =>
                formBox.replaceChildren(replanForm(plan, { onCancel: () => formBox.replaceChildren() })),
            },
            "Re-plan…",
          )
        : null,
      lineageLink(`Plan:${plan.id}`, "Lineage ↑", "up"),
      lineageLink(`Plan:${plan.id}`, "Effects ↓", "down"),
      lineageLink(`Decision:${plan.decision_id}`, "Decision"),
    ),
  );
  const meta = h(
    "p",
    { class: "muted" },
    `${fmt.day(plan.start_date)} → ${fmt.day(plan.end_date)} · maximises ${plan.objective}`,
    plan.created_by ? ` · asked by ${plan.created_by}` : "",
    ` · `,
    h("code", { title: "plan id" }, plan.id),
  );
  const lines = plan.allocations;
  return [
    head,
    meta,
    plan.brief ? h("blockquote", { class: "brief" }, plan.brief) : null,
    formBox,
    (plan.warnings || []).length
      ? h(
          "div",
          { class: "warnings", id: "plan-warnings" },
          plan.warnings.map((w) => h("p", { class: "warning", dataset: { code: w.code } }, h("strong", {}, `${w.code}: `), w.message)),
        )
      : null,
    verdictBox(plan, ctx, show),
    h(
      "div",
      { class: "cards" },
      card("Budget", money(plan.budget)),
      card("Expected revenue", money(expected)),
      card("Expected ROAS", fmt.ratio(plan.budget ? expected / plan.budget : null)),
      card("Lines", String(lines.length), `${rollup(lines).length} channels · ${plan.tasks.length} tasks`),
    ),
    h("h2", {}, "By channel"),
    rollupTable(plan, money),
    h(
      "details",
      { class: "lines", open: lines.length <= 12 },
      h("summary", {}, `All ${lines.length} lines (channel × audience)`),
      table(
        [
          { title: "Channel", cell: (a) => a.channel_id },
          { title: "Audience", cell: (a) => a.audience_id },
          { title: "Budget", class: "num", cell: (a) => money(a.budget) },
          { title: "Share", cell: (a) => shareBar(a.budget, plan.budget) },
          { title: "Exp. revenue", class: "num", cell: (a) => money(a.expected.revenue) },
          { title: "Exp. ROAS", class: "num", cell: (a) => fmt.ratio(a.expected.roas) },
          {
            title: "90 % interval",
            class: "num",
            cell: (a) => `${money(a.expected.low)} – ${money(a.expected.high)}`,
          },
          { title: "", cell: (a) => lineageLink(`Allocation:${a.id}`, "Why?") },
        ],
        lines,
        { rowAttrs: (a) => ({ dataset: { allocation: a.id } }) },
      ),
    ),
    Object.keys(plan.kpis || {}).length ? [h("h2", {}, "KPIs"), kpiTable(plan.kpis, currency)] : null,
    h("h2", {}, "Tasks"),
    table(
      [
        { title: "Task", cell: (t) => h("code", {}, t.id) },
        { title: "Agent", cell: (t) => t.agent },
        { title: "Action", cell: (t) => t.action },
        { title: "After", cell: (t) => (t.depends_on || []).join(", ") || "–" },
        { title: "SLA", class: "num", cell: (t) => (t.sla_hours ? `${t.sla_hours} h` : "–") },
        { title: "Status", cell: (t) => badge(t.status) },
        { title: "", cell: (t) => (t.node_id ? lineageLink(`Task:${t.node_id}`) : "") },
      ],
      plan.tasks,
      { emptyText: "No tasks." },
    ),
    h(
      "div",
      { class: "two-col" },
      h(
        "section",
        {},
        h("h2", {}, "Versions"),
        table(
          [
            {
              title: "Version",
              cell: (v) =>
                v.id === plan.id
                  ? h("strong", {}, `v${v.version} (this)`)
                  : h("a", { href: `#/plans/${encodeURIComponent(v.id)}` }, `v${v.version}`),
            },
            { title: "Status", cell: (v) => badge(v.status) },
            { title: "Created", cell: (v) => fmt.when(v.created_at) },
            { title: "", cell: (v) => lineageLink(`Decision:${v.decision_id}`, "Decision") },
          ],
          plan.versions,
          { rowAttrs: (v) => ({ dataset: { version: v.version } }) },
        ),
      ),
      h(
        "section",
        {},
        h("h2", {}, "Verdicts at the gate"),
        table(
          [
            { title: "Verdict", cell: (a) => badge(a.verdict) },
            { title: "By", cell: (a) => `${a.approver}${a.role ? ` (${a.role})` : ""}` },
            { title: "Comment", cell: (a) => a.comment || "–" },
            { title: "When", cell: (a) => fmt.when(a.created_at) },
          ],
          plan.approvals,
          { emptyText: "No verdict yet." },
        ),
      ),
    ),
    h("h2", {}, "Rationale"),
    h("p", { class: "rationale" }, plan.rationale),
    plan.citations.length
      ? h(
          "p",
          { class: "muted" },
          "Cites: ",
          plan.citations.map((c, i) => [i ? ", " : "", lineageLink(c, c, "up")]),
        )
      : null,
  ];
}

function shareBar(part, whole) {
  const share = whole ? part / whole : 0;
  return h(
    "div",
    { class: "share" },
    h("div", { class: "bar" }, h("span", { style: `width:${(100 * share).toFixed(1)}%` })),
    fmt.pct(share),
  );
}

/** The plan's lines summed per channel, largest budget first. */
export function rollup(lines) {
  const by = new Map();
  for (const a of lines) {
    const c = by.get(a.channel_id) || { channel: a.channel_id, lines: 0, budget: 0, revenue: 0, conversions: 0, low: 0, high: 0 };
    c.lines += 1;
    c.budget += a.budget;
    c.revenue += a.expected.revenue;
    c.conversions += a.expected.conversions;
    c.low += a.expected.low;
    c.high += a.expected.high;
    by.set(a.channel_id, c);
  }
  return [...by.values()].sort((x, y) => y.budget - x.budget || x.channel.localeCompare(y.channel));
}

function rollupTable(plan, money) {
  return table(
    [
      { title: "Channel", cell: (c) => h("strong", {}, c.channel) },
      { title: "Lines", class: "num", cell: (c) => String(c.lines) },
      { title: "Budget", class: "num", cell: (c) => money(c.budget) },
      { title: "Share", cell: (c) => shareBar(c.budget, plan.budget) },
      { title: "Exp. revenue", class: "num", cell: (c) => money(c.revenue) },
      { title: "Exp. conversions", class: "num", cell: (c) => fmt.number(c.conversions) },
      { title: "Exp. ROAS", class: "num", cell: (c) => fmt.ratio(c.budget ? c.revenue / c.budget : null) },
    ],
    rollup(plan.allocations),
    { rowAttrs: (c) => ({ id: `rollup-${c.channel}`, dataset: { channel: c.channel } }) },
  );
}

// How each KPI of a plan reads: money in the brand's currency, ratios as ×, shares as %.
const KPI_ROWS = [
  ["target_revenue", "Revenue", "money", "revenue_low", "revenue_high"],
  ["target_conversions", "Conversions", "number", "conversions_low", "conversions_high"],
  ["target_roas", "ROAS", "ratio", "roas_low", "roas_high"],
];

function kpiValue(kind, value, currency) {
  if (kind === "money") return fmt.money(value, currency);
  if (kind === "ratio") return fmt.ratio(value);
  if (kind === "pct") return fmt.pct(value);
  if (kind === "number") return fmt.number(value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The kind of an unknown KPI, from its name. */
function kindOf(key) {
  if (/roas|ratio/.test(key)) return "ratio";
  if (/share|rate|level|pct|percent/.test(key)) return "pct";
  if (/revenue|budget|spend|cost|value|cpa/.test(key)) return "money";
  if (/conversions|clicks|impressions|leads|days/.test(key)) return "number";
  return "text";
}

export function kpiRows(kpis, currency) {
  const rows = [];
  const used = new Set(["objective", "confidence_level", "window"]);
  const level = kpis.confidence_level;
  for (const [key, label, kind, low, high] of KPI_ROWS) {
    if (kpis[key] === undefined) continue;
    used.add(key).add(low).add(high);
    const range =
      kpis[low] !== undefined && kpis[high] !== undefined
        ? `${kpiValue(kind, kpis[low], currency)} – ${kpiValue(kind, kpis[high], currency)}`
        : "–";
    rows.push({ key, label, target: kpiValue(kind, kpis[key], currency), range });
  }
  if (kpis.window) {
    const w = kpis.window;
    rows.push({ key: "window", label: "Window", target: `${fmt.day(w.start_date)} → ${fmt.day(w.end_date)}`, range: w.days ? `${w.days} days` : "" });
  }
  if (kpis.objective) rows.push({ key: "objective", label: "Objective", target: `maximise ${kpis.objective}`, range: "" });
  if (level !== undefined) rows.push({ key: "confidence_level", label: "Interval level", target: fmt.pct(level), range: "two-sided" });
  for (const key of Object.keys(kpis).sort()) {
    if (used.has(key)) continue;
    const label = key.replace(/_/g, " ");
    rows.push({ key, label: label[0].toUpperCase() + label.slice(1), target: kpiValue(kindOf(key), kpis[key], currency), range: "" });
  }
  return rows;
}

function kpiTable(kpis, currency) {
  const level = kpis.confidence_level;
  return h(
    "div",
    { class: "kpis", id: "kpis" },
    table(
      [
        { title: "KPI", cell: (r) => r.label },
        { title: "Target", class: "num", cell: (r) => h("strong", {}, r.target) },
        { title: level ? `${fmt.pct(level)} interval` : "Interval", class: "num", cell: (r) => r.range },
      ],
      kpiRows(kpis, currency),
      { rowAttrs: (r) => ({ dataset: { kpi: r.key } }) },
    ),
  );
}

/** A plan's status in the list: once handed over, what it is today (the API's run_status,
 * as on the plan's own page) with its first day or its spend so far; else its stored status. */
function listState(plan, currency) {
  if (!plan.run_status) return badge(plan.status);
  const detail = plan.scheduled_for
    ? ` ${fmt.day(plan.scheduled_for)}`
    : plan.spend_to_date == null
      ? ""
      : ` · spent ${fmt.money(plan.spend_to_date, currency)}`;
  return [badge(plan.run_status), h("span", { class: "muted run-detail" }, detail)];
}

/** What a handed-over plan is today: "scheduled for DAY" until its first day (nothing is
 * set on the channels before), then running or completed with its spend so far. */
function runState(plan, money) {
  if (!plan.run_status) return null;
  if (plan.scheduled_for) {
    return h(
      "span",
      { class: "run-state scheduled", id: "plan-run-state", title: "budgets and launches wait for this day" },
      `scheduled for ${fmt.day(plan.scheduled_for)}`,
    );
  }
  const spent = plan.spend_to_date == null ? "" : ` · spent ${money(plan.spend_to_date)} so far`;
  return h("span", { class: `run-state ${plan.run_status}`, id: "plan-run-state" }, `${plan.run_status}${spent}`);
}

function verdictBox(plan, ctx, show) {
  if (plan.status !== "pending_approval") return null;
  if (!ctx.may("approve")) {
    return h("p", { class: "note" }, "This version waits at its gate for an approver.");
  }
  const comment = h("input", {
    type: "text",
    class: "comment",
    placeholder: "Comment (optional)",
    maxlength: 2000,
    "aria-label": "comment",
  });
  const message = h("div", { class: "row-message" });
  const buttons = [
    h("button", { class: "btn btn-approve", type: "button", onclick: () => decide("approve") }, "Approve"),
    h("button", { class: "btn btn-reject", type: "button", onclick: () => decide("reject") }, "Reject"),
  ];

  async function decide(verdict) {
    for (const b of buttons) b.disabled = true;
    message.replaceChildren(h("span", { class: "muted" }, "Sending…"));
    try {
      const updated = await api(`v1/plans/${encodeURIComponent(plan.id)}/${verdict}`, {
        method: "POST",
        body: { comment: comment.value.trim() || null },
      });
      if (!ctx.current()) return;
      show(updated);
      ctx.queueChanged();
    } catch (e) {
      message.replaceChildren(errorBox(e, "Refused:"));
      for (const b of buttons) b.disabled = false;
    }
  }

  return h(
    "div",
    { class: "verdict-box" },
    h("strong", {}, "Waiting at the gate."),
    comment,
    buttons,
    message,
  );
}
