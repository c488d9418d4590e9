"""The marketing use cases, each a report of KPIs computed from the graph with lineage.

- :mod:`leads`: lead response time, SLA compliance, conversion, breaches and SLA alerts;
- :mod:`routing`: lead routing by rules and capacity, each assignment a Decision;
- :mod:`content`: the content calendar across business units;
- :mod:`creative`: ad creative tests, lift by variant, cost per result;
- :mod:`handoff`: marketing-to-sales handoff health by source, degradation alerts.

- :mod:`planning`: campaign planning: forecast vs actual ROAS, budget adherence, cost per
  lead and plan-to-execution cycle time of executed plans.
"""

from reports.alerts import AlertPublic, AlertsRecorded
from reports.base import Kpi, Lineage, Window
from reports.content import CalendarReport, content_calendar
from reports.creative import CreativeReport, creative_tests
from reports.errors import BadWindowError, RoutingConfigError, UsecaseError
from reports.handoff import HandoffReport, handoff_health, record_handoff_alerts
from reports.leads import SlaReport, lead_sla, record_sla_alerts
from reports.planning import PlanningReport, PlanPerformance, planning_kpis
from reports.routing import RoutingResult, route_leads
from reports.routing_config import RoutingConfig, load_config, parse_config

__all__ = [
    "AlertPublic",
    "AlertsRecorded",
    "BadWindowError",
    "CalendarReport",
    "CreativeReport",
    "HandoffReport",
    "Kpi",
    "Lineage",
    "PlanPerformance",
    "PlanningReport",
    "RoutingConfig",
    "RoutingConfigError",
    "RoutingResult",
    "SlaReport",
    "UsecaseError",
    "Window",
    "content_calendar",
    "creative_tests",
    "handoff_health",
    "lead_sla",
    "load_config",
    "parse_config",
    "planning_kpis",
    "record_handoff_alerts",
    "record_sla_alerts",
    "route_leads",
]
