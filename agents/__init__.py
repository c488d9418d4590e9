"""Agents: orchestrator, planner, execution and validation (later issues)."""
