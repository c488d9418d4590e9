"""The HTTP API, the CLI and the composition root."""
