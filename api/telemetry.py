"""OpenTelemetry traces, when asked for: FastAPI's server spans and httpx's client spans.

On when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (the standard variable) is set or
``MARKETGRAPH_OTEL=true``. FastAPI emits a server span per request, named after the route
template, as soon as the process has a tracer provider, so this configures one (exporting
over OTLP/HTTP) unless the process already has its own (``opentelemetry-instrument``, a
test's), and instruments httpx, which the webhook outbox delivers with. The packages come
with the ``[otel]`` extra; without them a request for tracing logs one line and the
service runs untraced.
"""

from __future__ import annotations

import logging
import threading

from opentelemetry import trace

from api.settings import Settings

log = logging.getLogger("marketgraph.telemetry")
SERVICE_NAME = "marketgraph"
_lock = threading.Lock()
_configured = False
_warned = False


def tracing_requested(settings: Settings) -> bool:
    return settings.otel or bool(settings.otel_exporter_otlp_endpoint)


def setup_tracing(settings: Settings) -> bool:
    """Turn tracing on for this process (once) if the settings ask; whether it is on."""
    global _configured, _warned
    if not tracing_requested(settings):
        return False
    with _lock:
        if _configured:
            return True
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
        except ImportError as e:
            if not _warned:
                log.warning(
                    "OpenTelemetry tracing was asked for (MARKETGRAPH_OTEL or "
                    "OTEL_EXPORTER_OTLP_ENDPOINT) but %s is not installed; running without "
                    "traces (pip install 'marketgraph[otel]')",
                    e.name or "its packages",
                )
                _warned = True
            return False
        provider = trace.get_tracer_provider()
        if isinstance(provider, trace.ProxyTracerProvider):  # nobody configured one yet
            base = settings.otel_exporter_otlp_endpoint
            endpoint = f"{base.rstrip('/')}/v1/traces" if base else None
            resource = Resource.create()
            if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
                resource = resource.merge(Resource.create({"service.name": SERVICE_NAME}))
            sdk = TracerProvider(resource=resource)
            sdk.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
            trace.set_tracer_provider(sdk)
            provider = trace.get_tracer_provider()
            log.info("OpenTelemetry tracing on, exporting to %s", endpoint or "the OTLP default")
        else:
            log.info("OpenTelemetry tracing on, through the process's tracer provider")
        instrumentor = HTTPXClientInstrumentor()
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider)
        _configured = True
        return True


def shutdown_tracing() -> None:
    """Undo the httpx instrumentation (the tracer provider stays: it is set once); a later
    setup starts afresh, and warns again if the packages are still missing."""
    global _configured, _warned
    with _lock:
        _warned = False
        if not _configured:
            return
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        instrumentor = HTTPXClientInstrumentor()
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()
        _configured = False
