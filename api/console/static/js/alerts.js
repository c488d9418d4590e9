// Alerts the agents raised (drift, SLA breaches, degraded hand-offs), newest first.

import { api } from "./api.js";
import { badge, brandSelect, errorBox, fmt, h, lineageLink, setHashParams, table } from "./dom.js";

export async function render(host, ctx) {
  const brands = await api("v1/brands");
  let brand = ctx.params.get("brand") || "";
  let status = ctx.params.has("status") ? ctx.params.get("status") : "open";
  const body = h("div", {});
  const statusSelect = h(
    "select",
    { id: "alert-status", onchange: (e) => ((status = e.target.value), load()) },
    h("option", { value: "open" }, "Open"),
    h("option", { value: "" }, "Any status"),
  );
  statusSelect.value = status;
  host.append(
    h(
      "div",
      { class: "toolbar" },
      h("h1", {}, "Alerts"),
      h(
        "label",
        { class: "field" },
        "Brand ",
        brandSelect(brands, brand, (v) => ((brand = v), load()), { allowAll: brands.length > 1 }),
      ),
      h("label", { class: "field" }, "Status ", statusSelect),
    ),
    body,
  );

  async function load() {
    setHashParams({ brand, status: status || "any" });
    body.replaceChildren(h("div", { class: "loading" }, "Loading alerts…"));
    let alerts;
    try {
      alerts = await api("v1/alerts", {
        query: { brand_id: brand || null, status: status === "any" ? null : status, limit: 300 },
      });
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    if (!ctx.current()) return;
    body.replaceChildren(
      table(
        [
          { title: "Raised", cell: (a) => fmt.when(a.created_at) },
          { title: "Severity", cell: (a) => badge(a.severity || "–") },
          { title: "Kind", cell: (a) => (a.kind || "–").replace(/_/g, " ") },
          { title: "Brand", cell: (a) => a.brands.join(", ") || "–" },
          { title: "What happened", class: "wide", cell: (a) => a.message || a.id },
          {
            title: "About",
            cell: (a) =>
              a.plan_id
                ? h("a", { href: `#/plans/${encodeURIComponent(a.plan_id)}` }, "plan")
                : a.subject
                  ? h("code", {}, a.subject)
                  : "–",
          },
          { title: "Status", cell: (a) => badge(a.status || "–") },
          { title: "", cell: (a) => lineageLink(a.node_id, "Why?") },
        ],
        alerts,
        {
          emptyText: status === "open" ? "No open alerts. All quiet." : "No alerts.",
          rowAttrs: (a) => ({ dataset: { alert: a.id } }),
        },
      ),
    );
  }

  await load();
}
