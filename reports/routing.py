"""Lead routing by rules and capacity, each assignment an append-only Decision.

The first rule whose conditions all hold picks the candidate owners (``default_owners``
when none does); among them the lead goes to the one with the most spare capacity
(``capacity`` minus the open leads they own now, across brands), ties to the one listed
first. Leads are routed oldest first, and each assignment counts against its owner
before the next lead is considered. A lead whose candidates are all full stays
unrouted, with the reason.

Each assignment is written as one Decision (kind ``lead_routing``, agent ``lead-router``)
BASED_ON the RoutingPolicy node (the rules and capacities, content-addressed) and the
lead, which PRODUCED a ``lead_response`` Task due at the lead's SLA; the lead's ``owner``
is set in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, Field

from graph.base import GraphStore
from graph.decisions import decision_batch
from graph.models import (
    DecisionRecord,
    Evidence,
    GraphBatch,
    Node,
    NodeRef,
    canonical_json,
    sha256_hex,
)
from graph.schema import Label
from reports._leads import CLOSED, Lead, load_leads
from reports.errors import RoutingConfigError, check_inputs
from reports.routing_config import RoutingConfig, RoutingRule

ALGORITHM = "first-matching-rule, most-spare-capacity"


class Assignment(BaseModel):
    lead_id: str
    owner: str
    rule: str
    due_at: datetime = Field(description="created_at + the SLA")
    decision_id: str | None = Field(description="None in a dry run")
    task_id: str | None = None


class Unrouted(BaseModel):
    lead_id: str
    reason: str


class OwnerLoad(BaseModel):
    owner: str
    capacity: int
    open_before: int
    open_after: int


class RoutingResult(BaseModel):
    policy_id: str = Field(description="the RoutingPolicy node the decisions are based on")
    dry_run: bool
    assigned: list[Assignment]
    unrouted: list[Unrouted]
    load: list[OwnerLoad]


def policy_node(config: RoutingConfig) -> Node:
    """The rules and capacities as a content-addressed RoutingPolicy node."""
    body = canonical_json(config.model_dump(mode="json"))
    policy_id = f"policy-{sha256_hex(body.encode())[:16]}"
    props = {
        "id": policy_id,
        "config": body,
        "rules": [r.name for r in config.rules],
        "owners": sorted(config.capacity),
        "sla_minutes": config.sla_minutes,
        "created_at": datetime.now(UTC).isoformat(),
    }
    return Node(Label.ROUTING_POLICY, policy_id, props)


def route_leads(
    store: GraphStore,
    config: RoutingConfig,
    *,
    brand_id: str | None = None,
    lead_ids: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    as_of: datetime | None = None,
    dry_run: bool = False,
) -> RoutingResult:
    """Route the brand's unassigned open leads (or ``lead_ids``) and record the decisions."""
    check_inputs(moments={"start": start, "end": end, "as_of": as_of})
    as_of = as_of or datetime.now(UTC)
    _check_references(store, config)
    load = open_leads_by_owner(store)
    before = dict(load)
    mine = [x for x in load_leads(store, brand_id, start, end) if x.created <= as_of]
    candidates, unrouted = _candidates(mine, lead_ids)
    policy = policy_node(config)
    plans: list[tuple[Lead, RoutingRule, str, str]] = []
    for lead in candidates:
        rule = next((r for r in config.rules if r.matches(lead)), None)
        if rule is None and config.default_owners:
            rule = RoutingRule(name="default", owners=config.default_owners)
        if rule is None:
            unrouted.append(Unrouted(lead_id=lead.id, reason="no rule matches and no default"))
            continue
        spare = {o: config.capacity[o] - load[o] for o in rule.owners}
        owner = max(rule.owners, key=lambda o: (spare[o], -rule.owners.index(o)))
        if spare[owner] <= 0:
            full = ", ".join(f"{o} {load[o]}/{config.capacity[o]}" for o in rule.owners)
            unrouted.append(
                Unrouted(lead_id=lead.id, reason=f"rule {rule.name!r}: all full ({full})")
            )
            continue
        why = (
            f"rule {rule.name!r} matched; {owner} held {load[owner]} of "
            f"{config.capacity[owner]} open leads, the most spare capacity of "
            f"{', '.join(rule.owners)}"
        )
        load[owner] += 1
        plans.append((lead, rule, owner, why))
    assigned = _write(store, config, policy, plans, dry_run)
    owners = sorted(set(config.capacity) | set(before))
    return RoutingResult(
        policy_id=policy.id,
        dry_run=dry_run,
        assigned=assigned,
        unrouted=unrouted,
        load=[
            OwnerLoad(
                owner=o,
                capacity=config.capacity.get(o, 0),
                open_before=before.get(o, 0),
                open_after=load[o],
            )
            for o in owners
            if o in config.capacity
        ],
    )


def open_leads_by_owner(store: GraphStore) -> Counter[str]:
    """Open leads (not won or lost, not converted) each owner holds now, across brands,
    counted by the store."""
    found = store.count_by(Label.LEAD, ("owner", "stage"), {"converted_at": None})
    load: Counter[str] = Counter()
    for (owner, stage), n in found.items():
        if owner and stage not in CLOSED:
            load[str(owner)] += n
    return load


def _check_references(store: GraphStore, config: RoutingConfig) -> None:
    """Channels and campaigns named by rules must exist (a typo would match nothing)."""
    for rule in config.rules:
        for label, ids in ((Label.CHANNEL, rule.channel_ids), (Label.CAMPAIGN, rule.campaign_ids)):
            missing = sorted(set(ids or []) - store.existing_ids(label, ids or []))
            if missing:
                raise RoutingConfigError(
                    f"rule {rule.name!r}: {label.value.lower()}(s) {', '.join(missing)} "
                    "not in the graph"
                )


def _candidates(leads: list[Lead], lead_ids: list[str] | None) -> tuple[list[Lead], list[Unrouted]]:
    unrouted: list[Unrouted] = []
    if lead_ids is None:
        return [x for x in leads if x.owner is None and x.open], unrouted
    by_id = {x.id: x for x in leads}
    picked = []
    for lead_id in dict.fromkeys(lead_ids):
        lead = by_id.get(lead_id)
        if lead is None:
            unrouted.append(Unrouted(lead_id=lead_id, reason="not a lead of this brand and window"))
        elif lead.owner is not None:
            unrouted.append(Unrouted(lead_id=lead_id, reason=f"already owned by {lead.owner}"))
        elif not lead.open:
            unrouted.append(Unrouted(lead_id=lead_id, reason=f"closed ({lead.stage})"))
        else:
            picked.append(lead)
    picked.sort(key=lambda x: (x.created, x.id))
    return picked, unrouted


def _write(
    store: GraphStore,
    config: RoutingConfig,
    policy: Node,
    plans: list[tuple[Lead, RoutingRule, str, str]],
    dry_run: bool,
) -> list[Assignment]:
    sla = timedelta(minutes=config.sla_minutes)
    now = datetime.now(UTC).isoformat()
    out: list[Assignment] = []
    nodes: dict[NodeRef, Node] = {}
    edges = []
    if not dry_run and plans and store.get_node(policy.ref) is None:
        nodes[policy.ref] = policy
    for lead, rule, owner, why in plans:
        due = lead.created + sla
        if dry_run:
            out.append(
                Assignment(
                    lead_id=lead.id, owner=owner, rule=rule.name, due_at=due, decision_id=None
                )
            )
            continue
        decision = DecisionRecord(
            kind="lead_routing",
            agent="lead-router",
            rationale=why,
            algorithm=ALGORITHM,
            algorithm_version="1",
            inputs={"lead_id": lead.id, "rule": rule.name, "policy_id": policy.id},
            brand_id=lead.brand_id,
        )
        task_id = "task-" + decision.id.removeprefix("dec_")
        task = Node(
            Label.TASK,
            task_id,
            {
                "id": task_id,
                "kind": "lead_response",
                "lead_id": lead.id,
                "owner": owner,
                "due_at": due.isoformat(),
                "status": "open",
                "created_at": now,
            },
        )
        decision.evidence = [
            Evidence(ref=policy.ref, reason="routing rules and owner capacities"),
            Evidence(ref=lead.ref, reason="the lead routed"),
        ]
        decision.produced = [task]
        batch = decision_batch(decision)
        for node in batch.nodes:
            nodes[node.ref] = node
        edges.extend(batch.edges)
        props = {**lead.node.properties, "owner": owner, "routed_at": now}
        props.update(routing_rule=rule.name, routing_decision_id=decision.id)
        nodes[lead.ref] = Node(Label.LEAD, lead.id, props)
        out.append(
            Assignment(
                lead_id=lead.id,
                owner=owner,
                rule=rule.name,
                due_at=due,
                decision_id=decision.id,
                task_id=task_id,
            )
        )
    if nodes:
        store.write(GraphBatch(nodes=list(nodes.values()), edges=edges))
    return out
