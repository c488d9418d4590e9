// Campaigns: a brand's campaigns with their totals, and the chosen one's daily KPI trend.

import { api } from "./api.js";
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

export async function render(host, ctx) {
  const brands = await api("v1/brands");
  const currency = new Map(brands.map((b) => [b.id, b.currency]));
  const names = new Map(brands.map((b) => [b.id, b.name]));
  let brand = ctx.params.get("brand") || "";
  let selected = ctx.params.get("campaign") || "";
  let chart = null;

  const listPanel = h("section", { class: "panel list-panel" });
  const detailPanel = h("section", { class: "panel detail-panel" });
  host.append(
    h(
      "div",
      { class: "toolbar" },
      h("h1", {}, "Campaigns"),
      h(
        "label",
        { class: "field" },
        "Brand ",
        brandSelect(brands, brand, (value) => {
          brand = value;
          selected = "";
          loadList();
        }, { allowAll: brands.length > 1, id: "brand-select" }),
      ),
    ),
    h("div", { class: "split" }, listPanel, detailPanel),
  );

  function destroyChart() {
    if (chart) chart.destroy();
    chart = null;
    window.__mgChart = null;
  }

  async function loadList() {
    setHashParams({ brand, campaign: selected });
    listPanel.replaceChildren(h("div", { class: "loading" }, "Loading campaigns…"));
    let rows;
    try {
      rows = await api("v1/campaigns", { query: { brand_id: brand || null, limit: 500 } });
    } catch (e) {
      listPanel.replaceChildren(errorBox(e));
      return;
    }
    if (!ctx.current()) return;
    const money = (c, v) => fmt.money(v, currency.get(c.brand_id));
    listPanel.replaceChildren(
      h("h2", {}, `${rows.length} campaign${rows.length === 1 ? "" : "s"}`),
      table(
        [
          {
            title: "Campaign",
            cell: (c) => [
              h("div", { class: "name" }, c.name),
              h("div", { class: "muted small" }, names.get(c.brand_id) || c.brand_id || ""),
            ],
          },
          { title: "Status", cell: (c) => badge(c.status || "–") },
          { title: "Spend", class: "num", cell: (c) => money(c, c.totals.spend) },
          { title: "Revenue", class: "num", cell: (c) => money(c, c.totals.revenue) },
          { title: "ROAS", class: "num", cell: (c) => fmt.roas(c.totals.roas) },
          { title: "Conv.", class: "num", cell: (c) => fmt.number(c.totals.conversions) },
        ],
        rows,
        {
          emptyText: "No campaigns for this brand yet.",
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
    if (chosen) choose(chosen);
    else {
      destroyChart();
      detailPanel.replaceChildren(empty("Pick a brand with campaigns."));
    }
  }

  async function choose(campaign) {
    selected = campaign.id;
    setHashParams({ brand, campaign: selected });
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

  await loadList();
  return destroyChart;
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
