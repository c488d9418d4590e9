// The approval queue: everything waiting at a gate, with approve / reject for approvers.

import { api } from "./api.js";
import { append, badge, empty, errorBox, fmt, h, lineageLink } from "./dom.js";

const WAITING = new Set(["pending_approval", "waiting_approval", "waiting"]);

export async function render(host, ctx) {
  const list = h("div", { class: "queue" });
  append(host, [
    h(
      "div",
      { class: "toolbar" },
      h("h1", {}, "Approval queue"),
      h("button", { class: "btn btn-ghost", type: "button", onclick: load }, "Refresh"),
    ),
    ctx.may("approve")
      ? null
      : h("p", { class: "note" }, `Your role (${ctx.me.role}) may read the queue but not decide.`),
    list,
  ]);

  async function load() {
    list.replaceChildren(h("div", { class: "loading" }, "Loading the queue…"));
    let queue;
    try {
      queue = await api("v1/approvals");
    } catch (e) {
      list.replaceChildren(errorBox(e));
      return;
    }
    if (!ctx.current()) return;
    list.replaceChildren(
      queue.length
        ? h("div", { class: "cards-list" }, queue.map((item) => row(item, ctx)))
        : empty("Nothing is waiting for a verdict."),
    );
  }

  await load();
}

function subjectLink(subject) {
  const [label, id] = [subject.split(":")[0], subject.slice(subject.indexOf(":") + 1)];
  if (label === "Plan") return h("a", { href: `#/plans/${encodeURIComponent(id)}` }, subject);
  return h("code", {}, subject);
}

function row(item, ctx) {
  const status = h("span", { class: "status-cell" }, badge("waiting"));
  const count = h("span", {}, `${item.approvals} / ${item.approvers_needed}`);
  const message = h("div", { class: "row-message" });
  const comment = h("input", {
    type: "text",
    class: "comment",
    placeholder: "Comment (optional)",
    maxlength: 2000,
    "aria-label": "comment",
  });
  const approve = h("button", { class: "btn btn-approve", type: "button" }, "Approve");
  const reject = h("button", { class: "btn btn-reject", type: "button" }, "Reject");

  async function decide(verdict) {
    approve.disabled = reject.disabled = true;
    message.replaceChildren(h("span", { class: "muted" }, "Sending…"));
    try {
      const result = await api(
        `v1/approvals/${encodeURIComponent(item.decision_id)}/${verdict}`,
        { method: "POST", body: { comment: comment.value.trim() || null } },
      );
      status.replaceChildren(badge(result.status));
      count.textContent = `${result.approvals} / ${item.approvers_needed}`;
      article.classList.add("decided");
      article.dataset.status = result.status;
      comment.disabled = true;
      message.replaceChildren(
        h(
          "span",
          { class: "ok" },
          verdict === "approve" ? "Approved" : "Rejected",
          ` by ${ctx.me.name}; now ${result.status.replace(/_/g, " ")}.`,
        ),
      );
      if (WAITING.has(result.status)) approve.disabled = reject.disabled = false;
      else {
        // decided: the drafts are what was approved (or rejected), no longer editable
        for (const el of article.querySelectorAll(".drafts input, .drafts textarea, .drafts button")) {
          el.disabled = true;
        }
      }
      ctx.queueChanged();
    } catch (e) {
      message.replaceChildren(errorBox(e, verdict === "approve" ? "Not approved:" : "Not rejected:"));
      approve.disabled = reject.disabled = false;
    }
  }
  approve.addEventListener("click", () => decide("approve"));
  reject.addEventListener("click", () => decide("reject"));

  const article = h(
    "article",
    {
      class: "gate",
      dataset: { decision: item.decision_id, subject: item.subject, status: "waiting" },
    },
    h(
      "div",
      { class: "gate-head" },
      h("span", { class: "action-tag" }, item.action.replace(/_/g, " ")),
      subjectLink(item.subject),
      status,
    ),
    h("div", { class: "gate-summary" }, item.summary),
    h(
      "div",
      { class: "gate-meta muted" },
      item.brand_id ? `${item.brand_id} · ` : "",
      `asked by ${item.requested_by || "?"} · ${fmt.when(item.requested_at)} · approvals `,
      count,
    ),
    h(
      "div",
      { class: "gate-actions" },
      ctx.may("approve") ? [comment, approve, reject] : null,
      lineageLink(item.subject, "Lineage"),
      lineageLink(`Decision:${item.decision_id}`, "Decision"),
    ),
    message,
  );
  if (item.action === "publish") {
    const drafts = h("div", { class: "drafts", dataset: { decision: item.decision_id } });
    article.insertBefore(drafts, article.querySelector(".gate-actions"));
    loadDrafts(drafts, item, ctx, () => article.classList.contains("decided"));
  }
  return article;
}

/** The drafted texts of a publish gate, each with its brand score and, for an approver,
 * fields to edit before approving (PATCH /v1/assets/{id}). */
async function loadDrafts(box, item, ctx, decided) {
  box.replaceChildren(h("div", { class: "loading" }, "Loading the drafts…"));
  let drafts;
  try {
    drafts = await api(`v1/approvals/${encodeURIComponent(item.decision_id)}/drafts`);
  } catch (e) {
    box.replaceChildren(errorBox(e, "Drafts:"));
    return;
  }
  if (!ctx.current()) return;
  if (!drafts.length) {
    box.replaceChildren(empty("This gate holds no drafted text."));
    return;
  }
  const review = drafts.filter((d) => d.needs_review).length;
  const byAudience = new Map();
  for (const d of drafts) {
    const key = `${d.channel_id || "?"} · ${d.audience_id || "every audience"}`;
    if (!byAudience.has(key)) byAudience.set(key, []);
    byAudience.get(key).push(d);
  }
  box.replaceChildren(
    h(
      "details",
      { class: "drafts-box", open: true },
      h(
        "summary",
        {},
        `${drafts.length} drafted text${drafts.length === 1 ? "" : "s"} to approve`,
        review ? h("span", { class: "badge badge-warning" }, `${review} below 0.75: review`) : null,
      ),
      [...byAudience.entries()].map(([audience, list]) =>
        h(
          "section",
          { class: "draft-group" },
          h("h3", {}, audience),
          list.map((d) => draftCard(d, ctx, decided)),
        ),
      ),
    ),
  );
}

function scoreBadge(draft) {
  if (draft.consistency === null || draft.consistency === undefined) {
    return h("span", { class: "badge" }, "no score");
  }
  const tone = draft.needs_review ? "warning" : "approved";
  return h(
    "span",
    {
      class: `badge badge-${tone} score`,
      title: "brand consistency of the drafted text (0–1); under 0.75 needs a review",
    },
    `brand ${draft.consistency.toFixed(2)}`,
  );
}

function draftCard(draft, ctx, decided) {
  const editable = ctx.may("approve") && draft.status === "draft" && !decided();
  const note = h("div", { class: "row-message" });
  const edited = h(
    "span",
    { class: "muted small edited" },
    draft.edited_by ? `edited by ${draft.edited_by}` : "",
  );
  const head = h(
    "div",
    { class: "draft-head" },
    h("strong", {}, `Variant ${draft.variant || "?"}`),
    scoreBadge(draft),
    draft.status !== "draft" ? badge(draft.status) : null,
    edited,
  );
  if (!editable) {
    return h(
      "article",
      { class: "draft", dataset: { asset: draft.id } },
      head,
      h("div", { class: "draft-title" }, draft.title),
      h("p", { class: "draft-body" }, draft.body),
    );
  }
  const title = h("input", {
    type: "text",
    class: "draft-title",
    value: draft.title,
    maxlength: 500,
    "aria-label": "title",
  });
  const body = h("textarea", { class: "draft-body", rows: 4, maxlength: 20000, "aria-label": "text" });
  body.value = draft.body;
  const save = h("button", { type: "button", class: "btn btn-small", disabled: true }, "Save edit");
  const changed = () => {
    save.disabled = title.value.trim() === draft.title && body.value.trim() === draft.body;
  };
  title.addEventListener("input", changed);
  body.addEventListener("input", changed);
  save.addEventListener("click", async () => {
    const change = {};
    if (title.value.trim() !== draft.title) change.title = title.value.trim();
    if (body.value.trim() !== draft.body) change.body = body.value.trim();
    save.disabled = true;
    note.replaceChildren(h("span", { class: "muted" }, "Saving…"));
    try {
      const node = await api(`v1/assets/${encodeURIComponent(draft.id)}`, {
        method: "PATCH",
        body: change,
      });
      draft.title = String(node.properties.title ?? draft.title);
      draft.body = String(node.properties.body ?? draft.body);
      edited.textContent = `edited by ${node.properties.edited_by || ctx.me.name}`;
      note.replaceChildren(h("span", { class: "ok" }, "Saved. Approve the gate to publish it."));
      changed();
    } catch (e) {
      note.replaceChildren(errorBox(e, "Not saved:"));
      changed();
    }
  });
  return h(
    "article",
    { class: "draft editable", dataset: { asset: draft.id } },
    head,
    title,
    body,
    h("div", { class: "draft-actions" }, save, note),
  );
}
