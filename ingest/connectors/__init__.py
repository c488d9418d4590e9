"""Connectors: real platform exports mapped into the canonical records of DATA.md.

``ingest_export(store, "google-ads", Export.single(name, data), brand_id=…)`` converts an
export and ingests it through the ordinary pipeline. Column mappings, id rules and
reference resolution are documented in docs/connectors.md; sample exports ship in
``samples/``.
"""

from ingest.connectors.base import Connector, Context, Export, Lookup, Output
from ingest.connectors.errors import ColumnsError, UnknownSourceError
from ingest.connectors.run import CONNECTORS, ExportReport, get_connector, ingest_export
from ingest.connectors.samples import SAMPLES, sample_path

__all__ = [
    "CONNECTORS",
    "SAMPLES",
    "ColumnsError",
    "Connector",
    "Context",
    "Export",
    "ExportReport",
    "Lookup",
    "Output",
    "UnknownSourceError",
    "get_connector",
    "ingest_export",
    "sample_path",
]
