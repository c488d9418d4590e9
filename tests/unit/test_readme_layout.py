"""The README's layout section matches the tree: every folder it names exists, and every
top-level folder and every package under ``agents/`` and ``api/`` is named there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
_FOLDER = re.compile(r"(?<![\w./-])([a-z_][a-z0-9_]*)/(?=[\s:,)]|$)")
_IGNORED_TOP = {"tests", "marketgraph.egg-info"}


def layout_block(readme: str) -> str:
    """The fenced block under ``## Layout``."""
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def layout_tree(block: str) -> dict[str, set[str]]:
    """Top-level folder -> the sub-folders its entry names (``agents/ planner/: …``)."""
    tree: dict[str, set[str]] = {}
    current = ""
    for line in block.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            current = line.split("/", 1)[0]
            tree[current] = set()
            line = line[len(current) + 1 :]
        tree[current].update(_FOLDER.findall(line))
    return tree


def top_level_folders(root: Path = ROOT) -> set[str]:
    return {
        p.name
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and p.name not in _IGNORED_TOP
    }


def _folder_within(top: Path, name: str) -> bool:
    """A folder ``name`` at any depth under ``top`` (``outbox/`` is agents/channels/outbox)."""
    return any(p.is_dir() for p in top.rglob(name))


def packages_under(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}


@pytest.fixture(scope="module")
def tree() -> dict[str, set[str]]:
    return layout_tree(layout_block((ROOT / "README.md").read_text()))


def test_every_top_level_folder_is_in_the_layout(tree: dict[str, set[str]]) -> None:
    assert top_level_folders() - set(tree) == set()


def test_every_folder_the_layout_names_exists(tree: dict[str, set[str]]) -> None:
    missing = [
        f"{top}/{sub}/"
        for top, subs in tree.items()
        for sub in subs
        if not _folder_within(ROOT / top, sub)
    ]
    assert [top for top in tree if not (ROOT / top).is_dir()] == []
    assert missing == []


@pytest.mark.parametrize("top", ["agents", "api"])
def test_every_package_of_agents_and_api_is_named(tree: dict[str, set[str]], top: str) -> None:
    assert packages_under(ROOT / top) - tree[top] == set()


def test_the_parser_reads_sub_folders_and_ignores_files() -> None:
    block = "agents/       orchestrator/: bus\n              llm.py, tasks/: agents\napi/  cli/ x"
    assert layout_tree(block) == {"agents": {"orchestrator", "tasks"}, "api": {"cli"}}
