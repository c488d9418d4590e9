"""The web console: a single page (HTML, ES modules, CSS) served from ``static/``.

It holds no data: everything it shows comes from the ``/v1`` API with the key the user
pastes in. Chart.js and Cytoscape.js are vendored under ``static/vendor/`` (see its
README), so nothing is fetched from elsewhere at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
