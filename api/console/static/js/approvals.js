// The approval queue: everything waiting at a gate, with approve / reject for approvers.

import { api } from "./api.js";
import { append, badge, empty, errorBox, fmt, h, lineageLink } from "./dom.js";

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
      if (result.status === "pending_approval") approve.disabled = reject.disabled = false;
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
  return article;
}
