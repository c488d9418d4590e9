"""The application layer: one function per workflow, each doing the whole job.

Routes (``api/routes``), the CLI (``api/cli``) and the orchestrator's research step only
parse input, call one of these and render the result, so an entry point cannot forget a
step (index what was written, publish the event, count the metric, record the decision).
Each takes a :class:`~workflows.context.Context`: the stores and agents the composition
root (``api/services.py``) opened.

- :mod:`workflows.ingest`: canonical records, platform exports;
- :mod:`workflows.research`: a research brief, and the research step before planning;
- :mod:`workflows.plans`: create, approve / reject, execute, re-plan, roll back a plan;
- :mod:`workflows.reports`: the use-case reports and the alerts they record;
- :mod:`workflows.search`: search the texts, walk the lineage of a node.
"""

from workflows.context import Context, Wired

__all__ = ["Context", "Wired"]
