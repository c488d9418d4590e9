# The MarketGraph API, as docker-compose.yml runs it: installed without the dev extras,
# run by an unprivileged user that owns only /data.
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 marketgraph \
    && useradd --system --uid 10001 --gid marketgraph --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin marketgraph

WORKDIR /app
# .dockerignore keeps out .env, .venv, .git, the data dir and the tests.
COPY . .
RUN pip install . \
    && mkdir -p /data \
    && chown marketgraph:marketgraph /data

ENV MARKETGRAPH_DATA_DIR=/data
VOLUME /data
USER marketgraph:marketgraph
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=12 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
# No demo data here: `docker compose --profile demo run --rm demo` loads it when asked.
CMD ["marketgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
