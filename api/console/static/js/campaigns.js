// Campaigns: a brand's campaigns with their totals, and the chosen one's daily KPI trend.

import { api, apiPage } from "./api.js";
import {
  badge,
  brandSelect,
  card,
  empty,
  errorBox,
  fmt,
  h,
  lineageLink,
  setHashParams,
  table,
} from "./dom.js";

const COLOURS = { spend: "#e0793b", revenue: "#2f6fde", roas: "#19a574" };

const PAGE_SIZE = 25;
const SORTS = [
  ["name", "Name"],
  ["spend", "Spend"],
  ["revenue", "Revenue"],
  ["roas", "ROAS"],
  ["conversions", "Conversions"],
  ["start_date", "Start date"],
  ["status", "Status"],
  ["id", "Id"],
];
// Texts sort A→Z by default, numbers largest first.
const DEFAULT_ORDER = { name: "asc", id: "asc", status: "asc", start_date: "desc" };

export async function render(host, ctx) {
  const brands = await api("v1/brands");
  const currency = new Map(brands.map((b) => [b.id, b.currency]));
  const names = new Map(brands.map((b) => [b.id, b.name]));
  const p = ctx.params;
  const state = {
    brand: p.get("brand") || "",
    q: p.get("q") || "",
    sort: SORTS.some(([k]) => k === p.get("sort")) ? p.get("sort") : "spend",
    order: p.get("order") === "asc" ? "asc" : p.get("order") === "desc" ? "desc" : null,
    page: Math.max(0, Number(p.get("page")) || 0),
  };
  state.order ||= DEFAULT_ORDER[state.sort] || "desc";
  let selected = p.get("campaign") || "";
  let chart = null;
  let loads = 0;

  const listPanel = h("section", { class: "panel list-panel" });
  const detailPanel = h("section", { class: "panel detail-panel" });
  const totalsBox = h("div", { id: "currency-totals", class: "cards currency-totals" });
  const search = h("input", {
    type: "search",
    id: "campaign-search",
    placeholder: "Search by name or id",
    value: state.q,
    "aria-label": "search campaigns",
  });
  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.q = search.value.trim();
      state.page = 0;
      reload();
    }, 250);
  });
  const sortSelect = h(
    "select",
    {
      id: "campaign-sort",
      onchange: (e) => {
        state.sort = e.target.value;
        state.order = DEFAULT_ORDER[state.sort] || "desc";
        state.page = 0;
        orderButton.textContent = arrow();
        loadList();
      },
    },
    SORTS.map(([key, label]) => h("option", { value: key, selected: key === state.sort }, label)),
  );
  const arrow = () => (state.order === "asc" ? "↑ ascending" : "↓ descending");
  const orderButton = h(
    "button",
    {
      type: "button",
      id: "campaign-order",
      class: "btn btn-small btn-ghost",
      onclick: () => {
        state.order = state.order === "asc" ? "desc" : "asc";
        state.page = 0;
        orderButton.textContent = arrow();
        loadList();
      },
    },
    arrow(),
  );
  host.append(
    h(
      "div",
      { class: "toolbar" },
      h("h1", {}, "Campaigns"),
      h(
        "label",
        { class: "field" },
        "Brand ",
        brandSelect(brands, state.brand, (value) => {
          state.brand = value;
          state.page = 0;
          selected = "";
          reload();
        }, { allowAll: brands.length > 1, id: "brand-select" }),
      ),
      h("label", { class: "field grow" }, search),
      h("label", { class: "field" }, "Sort ", sortSelect),
      orderButton,
    ),
    totalsBox,
    h("div", { class: "split" }, listPanel, detailPanel),
  );

  function destroyChart() {
    if (chart) chart.destroy();
    chart = null;
    window.__mgChart = null;
  }

  function remember() {
    setHashParams({
      brand: state.brand,
      q: state.q,
      sort: state.sort,
      order: state.order,
      page: state.page ? String(state.page) : "",
      campaign: selected,
    });
  }

  function reload() {
    loadTotals();
    return loadList();
  }

  async function loadTotals() {
    let summary;
    try {
      summary = await api("v1/campaigns/summary", {
        query: { brand_id: state.brand || null, q: state.q || null },
      });
    } catch (e) {
      totalsBox.replaceChildren(errorBox(e));
      return;
    }
    if (!ctx.current()) return;
    totalsBox.replaceChildren(
      ...summary.currencies.map((c) => {
        const t = c.totals;
        const who = c.brands.map((b) => names.get(b) || b).join(", ");
        const el = card(
          `${c.currency || "no currency"} · ${c.campaigns} campaign${c.campaigns === 1 ? "" : "s"}`,
          [h("span", { class: "spend" }, fmt.money(t.spend, c.currency)), h("span", { class: "muted small" }, " spent")],
          [
            "revenue ",
            h("span", { class: "revenue" }, fmt.money(t.revenue, c.currency)),
            ` · ROAS ${fmt.roas(t.roas)} · ${who}`,
          ],
        );
        el.classList.add("currency-total");
        el.dataset.currency = c.currency || "";
        return el;
      }),
    );
  }

  async function loadList() {
    remember();
    const load = ++loads;
    listPanel.classList.add("busy");
    let found;
    try {
      found = await apiPage("v1/campaigns", {
        query: {
          brand_id: state.brand || null,
          q: state.q || null,
          sort: state.sort,
          order: state.order,
          limit: PAGE_SIZE,
          offset: state.page * PAGE_SIZE,
        },
      });
    } catch (e) {
      listPanel.classList.remove("busy");
      listPanel.replaceChildren(errorBox(e));
      return;
    }
    if (!ctx.current() || load !== loads) return;
    listPanel.classList.remove("busy");
    const { items: rows, total } = found;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (state.page >= pages && total > 0) {
      state.page = pages - 1;
      loadList();
      return;
    }
    const money = (c, v) => fmt.money(v, currency.get(c.brand_id));
    const first = total ? state.page * PAGE_SIZE + 1 : 0;
    const last = state.page * PAGE_SIZE + rows.length;
    const sortable = (key, title, cls) => ({
      title: h(
        "button",
        {
          type: "button",
          class: `th-sort${state.sort === key ? ` on ${state.order}` : ""}`,
          dataset: { sort: key },
          onclick: () => {
            if (state.sort === key) state.order = state.order === "asc" ? "desc" : "asc";
            else state.order = DEFAULT_ORDER[key] || "desc";
            state.sort = key;
            state.page = 0;
            sortSelect.value = key;
            orderButton.textContent = arrow();
            loadList();
          },
        },
        title,
      ),
      class: cls,
    });
    const pager = h(
      "div",
      { class: "pager" },
      h(
        "button",
        {
          type: "button",
          id: "page-prev",
          class: "btn btn-small btn-ghost",
          disabled: state.page === 0,
          onclick: () => ((state.page -= 1), loadList()),
        },
        "← Previous",
      ),
      h("span", { id: "page-info", class: "muted" }, `${first}–${last} of ${total}`),
      h(
        "button",
        {
          type: "button",
          id: "page-next",
          class: "btn btn-small btn-ghost",
          disabled: last >= total,
          onclick: () => ((state.page += 1), loadList()),
        },
        "Next →",
      ),
    );
    listPanel.replaceChildren(
      h(
        "div",
        { class: "list-head" },
        h("h2", { id: "campaign-count" }, `${total} campaign${total === 1 ? "" : "s"}`),
        pager,
      ),
      table(
        [
          {
            ...sortable("name", "Campaign"),
            cell: (c) => [
              h("div", { class: "name" }, c.name),
              h("div", { class: "muted small" }, names.get(c.brand_id) || c.brand_id || ""),
            ],
          },
          { ...sortable("status", "Status"), cell: (c) => badge(c.status || "–") },
          { ...sortable("spend", "Spend", "num"), cell: (c) => money(c, c.totals.spend) },
          { ...sortable("revenue", "Revenue", "num"), cell: (c) => money(c, c.totals.revenue) },
          { ...sortable("roas", "ROAS", "num"), cell: (c) => fmt.roas(c.totals.roas) },
          {
            ...sortable("conversions", "Conv.", "num"),
            cell: (c) => fmt.number(c.totals.conversions),
          },
        ],
        rows,
        {
          emptyText: state.q ? `No campaign matches “${state.q}”.` : "No campaigns for this brand yet.",
          rowAttrs: (c) => ({
            class: `clickable${c.id === selected ? " selected" : ""}`,
            dataset: { campaign: c.id },
            tabindex: 0,
            onclick: () => choose(c),
            onkeydown: (e) => e.key === "Enter" && choose(c),
          }),
        },
      ),
    );
    const chosen = rows.find((c) => c.id === selected) || rows[0];
    if (chosen) {
      if (chosen.id !== shownCampaign) choose(chosen);
    } else {
      destroyChart();
      shownCampaign = "";
      detailPanel.replaceChildren(empty(state.q ? "Nothing to show." : "Pick a brand with campaigns."));
    }
  }
  let shownCampaign = "";

  async function choose(campaign) {
    selected = campaign.id;
    shownCampaign = campaign.id;
    remember();
    for (const tr of listPanel.querySelectorAll("tr[data-campaign]")) {
      tr.classList.toggle("selected", tr.dataset.campaign === selected);
    }
    destroyChart();
    detailPanel.replaceChildren(h("div", { class: "loading" }, "Loading the trend…"));
    let trend;
    try {
      trend = await api(`v1/campaigns/${encodeURIComponent(campaign.id)}/trend`, {
        query: { metric: ["spend", "revenue", "conversions", "roas"] },
      });
    } catch (e) {
      detailPanel.replaceChildren(errorBox(e));
      return;
    }
    if (!ctx.current() || selected !== campaign.id) return;
    const cur = currency.get(campaign.brand_id);
    const t = trend.totals;
    const canvas = h("canvas", { id: "trend-chart", "aria-label": "daily spend, revenue and ROAS" });
    detailPanel.replaceChildren(
      h(
        "div",
        { class: "detail-head" },
        h(
          "div",
          {},
          h("h2", {}, campaign.name),
          h(
            "div",
            { class: "muted" },
            [
              names.get(campaign.brand_id) || campaign.brand_id,
              campaign.objective && `objective ${campaign.objective}`,
              campaign.start_date && `${campaign.start_date} → ${campaign.end_date || "…"}`,
              campaign.budget !== null && `budget ${fmt.money(campaign.budget, cur)}`,
            ]
              .filter(Boolean)
              .join(" · "),
          ),
        ),
        h(
          "div",
          { class: "actions" },
          lineageLink(campaign.node_id, "Lineage ↑", "up"),
          lineageLink(campaign.node_id, "Effects ↓", "down"),
        ),
      ),
      h(
        "div",
        { class: "cards" },
        card("Spend", fmt.money(t.spend, cur)),
        card("Revenue", fmt.money(t.revenue, cur)),
        card("ROAS", fmt.roas(t.roas)),
        card("Conversions", fmt.number(t.conversions), `${fmt.number(t.rows)} outcome rows`),
      ),
      trend.dates.length
        ? h("div", { class: "chart-box" }, canvas)
        : empty("No outcomes recorded for this campaign."),
    );
    if (trend.dates.length) chart = draw(canvas, trend, cur);
  }

  await reload();
  return () => {
    clearTimeout(typing);
    destroyChart();
  };
}

function draw(canvas, trend, currency) {
  const series = (name, label, axis, extra = {}) => ({
    label,
    data: trend.series[name],
    borderColor: COLOURS[name],
    backgroundColor: `${COLOURS[name]}22`,
    yAxisID: axis,
    pointRadius: 0,
    borderWidth: 2,
    tension: 0.25,
    spanGaps: true,
    ...extra,
  });
  const money = new Intl.NumberFormat(undefined, currency
    ? { style: "currency", currency, notation: "compact" }
    : { notation: "compact" });
  const chart = new window.Chart(canvas, {
    type: "line",
    data: {
      labels: trend.dates,
      datasets: [
        series("spend", "Spend", "y", { fill: true }),
        series("revenue", "Revenue", "y"),
        series("roas", "ROAS", "y1", { borderDash: [5, 4], borderWidth: 1.5 }),
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            label: (item) =>
              item.dataset.yAxisID === "y1"
                ? ` ROAS ${item.parsed.y === null ? "–" : item.parsed.y.toFixed(2)}×`
                : ` ${item.dataset.label} ${money.format(item.parsed.y)}`,
          },
        },
      },
      scales: {
        x: { ticks: { maxTicksLimit: 10, maxRotation: 0 }, grid: { display: false } },
        y: {
          beginAtZero: true,
          title: { display: true, text: currency ? `per day (${currency})` : "per day" },
          ticks: { callback: (v) => money.format(v) },
        },
        y1: {
          beginAtZero: true,
          position: "right",
          grid: { drawOnChartArea: false },
          title: { display: true, text: "ROAS" },
        },
      },
    },
  });
  window.__mgChart = chart;
  return chart;
}
