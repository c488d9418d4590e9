FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY agents ./agents
COPY retrieval ./retrieval
COPY api ./api
COPY ingest ./ingest
COPY migrations ./migrations
COPY bench ./bench
COPY reports ./reports
COPY demo ./demo
RUN pip install --no-cache-dir .
ENV MARKETGRAPH_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["marketgraph", "serve", "--host", "0.0.0.0", "--port", "8000", "--demo-if-empty"]
