// Plans: the list of versions, and one version with its lines, tasks, versions and verdicts.

import { api } from "./api.js";
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
  properties,
  setHashParams,
  table,
} from "./dom.js";

const STATUSES = [
  "pending_approval",
  "approved",
  "rejected",
  "executing",
  "completed",
  "superseded",
];

export async function render(host, ctx) {
  if (ctx.rest[0]) return detail(host, ctx.rest[0], ctx);
  return list(host, ctx);
}

async function list(host, ctx) {
  const brands = await api("v1/brands");
  let brand = ctx.params.get("brand") || "";
  let status = ctx.params.get("status") || "";
  const body = h("div", {});
  const statusSelect = h(
    "select",
    { id: "status-select", onchange: (e) => ((status = e.target.value), load()) },
    h("option", { value: "" }, "Any status"),
    STATUSES.map((s) => h("option", { value: s, selected: s === status }, s.replace(/_/g, " "))),
  );
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
    ),
    body,
  );

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
              h("a", { href: `#/plans/${encodeURIComponent(p.id)}` }, fmt.short(p.family, 22)),
              h("span", { class: "muted" }, ` v${p.version}`),
            ],
          },
          { title: "Status", cell: (p) => badge(p.status) },
          { title: "Brand", cell: (p) => p.brand_id },
          { title: "Budget", class: "num", cell: (p) => fmt.money(p.budget, currency.get(p.brand_id)) },
          { title: "Window", cell: (p) => `${p.start_date} → ${p.end_date}` },
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
  const head = h(
    "div",
    { class: "toolbar" },
    h("a", { class: "back", href: "#/plans" }, "← Plans"),
    h("h1", {}, `Plan v${plan.version} `, badge(plan.status, "plan-status")),
    h(
      "div",
      { class: "actions" },
      lineageLink(`Plan:${plan.id}`, "Lineage ↑", "up"),
      lineageLink(`Plan:${plan.id}`, "Effects ↓", "down"),
      lineageLink(`Decision:${plan.decision_id}`, "Decision"),
    ),
  );
  const meta = h(
    "p",
    { class: "muted" },
    `${plan.id} · ${plan.brand_id} · ${plan.start_date} → ${plan.end_date} · maximises `,
    plan.objective,
    plan.created_by ? ` · asked by ${plan.created_by}` : "",
  );
  return [
    head,
    meta,
    verdictBox(plan, ctx, show),
    h(
      "div",
      { class: "cards" },
      card("Budget", money(plan.budget)),
      card("Expected revenue", money(expected)),
      card("Expected ROAS", fmt.roas(plan.budget ? expected / plan.budget : null)),
      card("Lines", String(plan.allocations.length), `${plan.tasks.length} tasks`),
    ),
    h("h2", {}, "Allocations"),
    table(
      [
        { title: "Channel", cell: (a) => a.channel_id },
        { title: "Audience", cell: (a) => a.audience_id },
        { title: "Budget", class: "num", cell: (a) => money(a.budget) },
        {
          title: "Share",
          cell: (a) =>
            h(
              "div",
              { class: "share" },
              h(
                "div",
                { class: "bar" },
                h("span", { style: `width:${(100 * a.budget) / plan.budget}%` }),
              ),
              fmt.pct(a.budget / plan.budget),
            ),
        },
        { title: "Exp. revenue", class: "num", cell: (a) => money(a.expected.revenue) },
        { title: "Exp. ROAS", class: "num", cell: (a) => fmt.roas(a.expected.roas) },
        {
          title: "90 % interval",
          class: "num",
          cell: (a) => `${money(a.expected.low)} – ${money(a.expected.high)}`,
        },
        { title: "", cell: (a) => lineageLink(`Allocation:${a.id}`, "Why?") },
      ],
      plan.allocations,
      { rowAttrs: (a) => ({ dataset: { allocation: a.id } }) },
    ),
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
    Object.keys(plan.kpis || {}).length
      ? [h("h2", {}, "KPIs"), h("div", { class: "kpis" }, properties(plan.kpis))]
      : null,
  ];
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
