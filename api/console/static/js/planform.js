// Plan forms: a new plan from a brief (POST /v1/plans), and a new version of one
// (POST /v1/plans/{id}/replan) with only what changes.

import { api } from "./api.js";
import { errorBox, h } from "./dom.js";

const iso = (d) => d.toISOString().slice(0, 10);

function addDays(text, days) {
  const d = new Date(`${text}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

function field(label, input, hint) {
  return h(
    "label",
    { class: "form-field" },
    h("span", { class: "form-label" }, label),
    input,
    hint ? h("span", { class: "muted small" }, hint) : null,
  );
}

/** Rows of "channel: at least / at most" limits; read() gives {min, max} or null. */
function limitsEditor() {
  const rows = h("div", { class: "limits" });
  const add = (channel = "", min = "", max = "") => {
    const row = h(
      "div",
      { class: "limit-row" },
      h("input", { type: "text", class: "limit-channel", placeholder: "ch-email", value: channel, "aria-label": "channel" }),
      h("input", { type: "number", class: "limit-min", min: 0, step: "0.01", placeholder: "at least", value: min, "aria-label": "at least" }),
      h("input", { type: "number", class: "limit-max", min: 0, step: "0.01", placeholder: "at most", value: max, "aria-label": "at most" }),
      h("button", { type: "button", class: "btn btn-small btn-ghost", onclick: () => row.remove() }, "×"),
    );
    rows.append(row);
  };
  const box = h(
    "div",
    { class: "limits-box" },
    rows,
    h("button", { type: "button", class: "btn btn-small btn-ghost", id: "add-limit", onclick: () => add() }, "+ Channel limit"),
  );
  return {
    box,
    add,
    read() {
      const limits = { min: {}, max: {} };
      for (const row of rows.querySelectorAll(".limit-row")) {
        const channel = row.querySelector(".limit-channel").value.trim();
        const min = row.querySelector(".limit-min").value;
        const max = row.querySelector(".limit-max").value;
        if (!channel) continue;
        if (min !== "") limits.min[channel] = min;
        if (max !== "") limits.max[channel] = max;
      }
      return Object.keys(limits.min).length || Object.keys(limits.max).length ? limits : null;
    },
  };
}

/** A labelled block holding several inputs (a div: a label may hold only one control). */
function block(label, content, hint) {
  return h(
    "div",
    { class: "form-field" },
    h("span", { class: "form-label" }, label),
    content,
    hint ? h("span", { class: "muted small" }, hint) : null,
  );
}

const KIND_NAMES = {
  paid_search: "search",
  paid_social: "paid social",
  organic_social: "organic social",
  email: "email",
  sms: "SMS",
  display: "display",
  video: "video",
  web: "web",
  affiliate: "affiliate",
};

/** An amount, or a share of the budget ("40%" with the unit "% of budget"), in cents. */
function toAmount(value, unit, budget, what) {
  if (value === "") return null;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`${what}: ${value} is not an amount of 0 or more`);
  if (unit !== "percent") return value;
  if (number > 100) throw new Error(`${what}: ${value} % is more than the whole budget`);
  if (!(Number(budget) > 0)) throw new Error(`${what}: a share of the budget needs the budget first`);
  return ((Number(budget) * number) / 100).toFixed(2);
}

/**
 * Rows of limits on the total of several channels (constraints.groups): pick a kind (its
 * channels are ticked) or tick channels, then at least / at most, as an amount or a
 * share of the budget. setChannels() takes the brand's channels ({id, name, kind}).
 */
function groupsEditor() {
  let channels = [];
  const rows = h("div", { class: "groups" });
  const kinds = () => {
    const by = new Map();
    for (const c of channels) if (c.kind) by.set(c.kind, [...(by.get(c.kind) || []), c.id]);
    return [...by].filter(([, ids]) => ids.length > 1);
  };
  const add = () => {
    const ticks = h(
      "div",
      { class: "checks group-channels" },
      channels.map((c) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", value: c.id, dataset: { channel: c.id } }), ` ${c.name}`),
      ),
    );
    const kind = h(
      "select",
      {
        class: "group-kind",
        "aria-label": "channels of a kind",
        onchange: () => {
          const ids = new Set((kinds().find(([k]) => k === kind.value) || [null, []])[1]);
          for (const box of ticks.querySelectorAll("input")) box.checked = ids.has(box.value);
        },
      },
      h("option", { value: "" }, "tick channels, or all of a kind…"),
      kinds().map(([k, ids]) => h("option", { value: k }, `${KIND_NAMES[k] || k.replace(/_/g, " ")} (${ids.length} channels)`)),
    );
    const row = h(
      "div",
      { class: "group-row" },
      h(
        "div",
        { class: "group-limits" },
        kind,
        h("input", { type: "number", class: "group-min", min: 0, step: "0.01", placeholder: "at least", "aria-label": "together at least" }),
        h("input", { type: "number", class: "group-max", min: 0, step: "0.01", placeholder: "at most", "aria-label": "together at most" }),
        h(
          "select",
          { class: "group-unit", "aria-label": "amount or share" },
          h("option", { value: "amount" }, "amount"),
          h("option", { value: "percent" }, "% of budget"),
        ),
        h("button", { type: "button", class: "btn btn-small btn-ghost", onclick: () => row.remove() }, "×"),
      ),
      ticks,
    );
    rows.append(row);
  };
  const box = h(
    "div",
    { class: "groups-box" },
    rows,
    h("button", { type: "button", class: "btn btn-small btn-ghost", id: "add-group", onclick: () => add() }, "+ Group limit"),
  );
  return {
    box,
    add,
    setChannels(list) {
      channels = list;
      rows.replaceChildren(); // rows name the previous brand's channels
    },
    /** The groups to send; an Error naming the row when one cannot be sent. */
    read(budget) {
      const groups = [];
      [...rows.querySelectorAll(".group-row")].forEach((row, i) => {
        const what = `group limit ${i + 1}`;
        const ids = [...row.querySelectorAll(".group-channels input:checked")].map((b) => b.value);
        const unit = row.querySelector(".group-unit").value;
        const min = toAmount(row.querySelector(".group-min").value, unit, budget, `${what}, at least`);
        const max = toAmount(row.querySelector(".group-max").value, unit, budget, `${what}, at most`);
        if (!ids.length && min === null && max === null) return; // an untouched row
        if (ids.length < 2) throw new Error(`${what}: tick two channels or more (one channel: use a channel limit)`);
        if (min === null && max === null) throw new Error(`${what}: give at least, at most or both`);
        const group = { channels: ids };
        if (min !== null) group.min = min;
        if (max !== null) group.max = max;
        groups.push(group);
      });
      return groups;
    },
  };
}

/** The "new plan" form; on success the hash moves to the new plan. */
export function newPlanForm(brands, { brand, onCancel }) {
  const start = addDays(iso(new Date()), 1);
  const brandSelect = h(
    "select",
    { id: "plan-brand", required: true },
    brands.map((b) => h("option", { value: b.id, selected: b.id === brand }, `${b.name}${b.currency ? ` (${b.currency})` : ""}`)),
  );
  const budget = h("input", { type: "number", id: "plan-budget", min: "0.01", step: "0.01", required: true, placeholder: "30000" });
  const from = h("input", { type: "date", id: "plan-start", required: true, value: start });
  const to = h("input", { type: "date", id: "plan-end", required: true, value: addDays(start, 27) });
  const objective = h(
    "select",
    { id: "plan-objective" },
    h("option", { value: "revenue" }, "revenue"),
    h("option", { value: "conversions" }, "conversions"),
  );
  const brief = h("textarea", { id: "plan-brief", rows: 3, maxlength: 10000, placeholder: "Summer boots push. Keep email above 5k; no TikTok." });
  const minLine = h("input", { type: "number", id: "plan-min-line", min: "0", step: "0.01", placeholder: "default" });
  const limits = limitsEditor();
  const message = h("div", { class: "form-message" });
  const groups = groupsEditor();
  const loadChannels = async () => {
    groups.setChannels([]);
    try {
      groups.setChannels(await api(`v1/brands/${encodeURIComponent(brandSelect.value)}/channels`));
    } catch (err) {
      message.replaceChildren(errorBox(err, "Channels not loaded:"));
    }
  };
  brandSelect.addEventListener("change", loadChannels);
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Create plan");
  const form = h(
    "form",
    {
      class: "panel plan-form",
      id: "plan-form",
      onsubmit: async (e) => {
        e.preventDefault();
        const body = {
          brand_id: brandSelect.value,
          budget: budget.value,
          start_date: from.value,
          end_date: to.value,
          objective: objective.value,
        };
        if (brief.value.trim()) body.brief = brief.value.trim();
        if (minLine.value !== "") body.min_line_budget = minLine.value;
        let together;
        try {
          together = groups.read(budget.value);
        } catch (err) {
          message.replaceChildren(errorBox({ code: "group_limit", message: err.message }, "Not sent:"));
          return;
        }
        const constraints = limits.read();
        if (constraints || together.length) body.constraints = { ...(constraints || {}), groups: together };
        submit.disabled = true;
        message.replaceChildren(h("span", { class: "muted" }, "Planning… (fitting curves can take a few seconds)"));
        try {
          const plan = await api("v1/plans", { method: "POST", body });
          location.hash = `#/plans/${encodeURIComponent(plan.id)}`;
        } catch (err) {
          message.replaceChildren(errorBox(err, "Not planned:"));
          submit.disabled = false;
        }
      },
    },
    h("h2", {}, "New plan"),
    h(
      "div",
      { class: "form-grid" },
      field("Brand", brandSelect),
      field("Budget", budget, "over the whole period, in the brand's currency"),
      field("First day", from),
      field("Last day", to),
      field("Maximise", objective),
      field("Minimum line", minLine, "no line gets less; default 1 % of the budget or the policy's daily floor × days"),
    ),
    field("Brief", brief, "its first sentence names the plan"),
    field("Channel limits", limits.box, "totals over the period"),
    block("Group limits", groups.box, "a limit on the total of several channels together (search: Google and Bing together, not each); a channel in one group at most"),
    h("div", { class: "form-actions" }, submit, h("button", { type: "button", class: "btn btn-ghost", onclick: onCancel }, "Cancel")),
    message,
  );
  loadChannels();
  return form;
}

/** The "re-plan" form of a plan: only the fields changed go to the server. */
export function replanForm(plan, { onCancel }) {
  const channels = [...new Set(plan.allocations.map((a) => a.channel_id))].sort();
  const budget = h("input", { type: "number", id: "replan-budget", min: "0.01", step: "0.01", value: plan.budget });
  const from = h("input", { type: "date", id: "replan-start", value: plan.start_date });
  const to = h("input", { type: "date", id: "replan-end", value: plan.end_date });
  const brief = h("textarea", { id: "replan-brief", rows: 3, maxlength: 10000 });
  brief.value = plan.brief || "";
  const exclude = h(
    "div",
    { class: "checks", id: "replan-exclude" },
    channels.map((c) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", value: c, dataset: { channel: c } }), ` ${c}`),
    ),
  );
  const reason = h("input", { type: "text", id: "replan-reason", maxlength: 500, placeholder: "why (kept with the new version)" });
  const message = h("div", { class: "form-message" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Make the new version");
  return h(
    "form",
    {
      class: "panel plan-form",
      id: "replan-form",
      onsubmit: async (e) => {
        e.preventDefault();
        const body = {};
        if (Number(budget.value) !== Number(plan.budget)) body.budget = budget.value;
        if (from.value !== plan.start_date) body.start_date = from.value;
        if (to.value !== plan.end_date) body.end_date = to.value;
        if (brief.value.trim() && brief.value.trim() !== (plan.brief || "")) body.brief = brief.value.trim();
        const excluded = [...exclude.querySelectorAll("input:checked")].map((i) => i.value);
        if (excluded.length) body.exclude_channels = excluded;
        if (reason.value.trim()) body.reason = reason.value.trim();
        submit.disabled = true;
        message.replaceChildren(h("span", { class: "muted" }, "Re-planning on fresh curves…"));
        try {
          const next = await api(`v1/plans/${encodeURIComponent(plan.id)}/replan`, { method: "POST", body });
          location.hash = `#/plans/${encodeURIComponent(next.id)}`;
        } catch (err) {
          message.replaceChildren(errorBox(err, "Not re-planned:"));
          submit.disabled = false;
        }
      },
    },
    h("h2", {}, `Re-plan “${plan.name || plan.family}”`),
    h("p", { class: "muted" }, "A new version on fresh curves; it waits at the gate and replaces this one once made. Leave a field as it is to keep it."),
    h("div", { class: "form-grid" }, field("Budget", budget), field("First day", from), field("Last day", to)),
    field("Brief", brief),
    field("Leave out", exclude),
    field("Reason", reason),
    h("div", { class: "form-actions" }, submit, h("button", { type: "button", class: "btn btn-ghost", onclick: onCancel }, "Cancel")),
    message,
  );
}
