"""The README's command list and the commands quoted in README and docs/ match the CLI:
every command they name exists, with every option they give it, and every command of
``marketgraph`` is in the README's list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from api.cli import app

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
_OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")
_QUOTED = re.compile(r"`(?:\.venv/bin/)?(marketgraph [^`]+)`")


def commands() -> dict[tuple[str, ...], set[str]]:
    """Every command path (``("plan", "approve")``) with its option names."""

    def walk(command: Any, path: tuple[str, ...]) -> Any:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))
            return
        names: set[str] = set()
        for param in command.params:
            names.update(getattr(param, "opts", []), getattr(param, "secondary_opts", []))
        yield path, names

    return dict(walk(get_command(app), ()))


def command_of(text: str, known: dict[tuple[str, ...], set[str]]) -> list[tuple[str, ...]]:
    """The command paths ``marketgraph …`` text names (``plan show|execute`` names two)."""
    words = text.split()[1:]
    path: tuple[str, ...] = ()
    for word in words:
        if any(k[: len(path) + 1] == (*path, word) for k in known):
            path = (*path, word)
        else:
            break
    if path in known or len(words) <= len(path):
        return [path]
    return [(*path, alt) for alt in words[len(path)].split("|")]


def listed() -> list[str]:
    """The README's ``## Command line`` block, one entry per command (continuations joined,
    comments dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("\n## Command line\n", 1)[1].split("```", 2)[1]
    entries: list[list[str]] = []
    for line in block.splitlines():
        if line.startswith("marketgraph "):
            entries.append([])
        if entries:
            entries[-1].append(line.split("#", 1)[0])
    return [" ".join(e) for e in entries]


def test_the_command_list_gives_only_real_commands_and_options() -> None:
    known = commands()
    for entry in listed():
        for path in command_of(entry, known):
            assert path in known, f"README lists `marketgraph {' '.join(path)}`: no such command"
            wrong = set(_OPTION.findall(entry)) - known[path]
            assert not wrong, f"`marketgraph {' '.join(path)}` has no option {sorted(wrong)}"


def test_every_command_is_listed() -> None:
    known = commands()
    seen = {path for entry in listed() for path in command_of(entry, known)}
    assert sorted(set(known) - seen) == []


@pytest.mark.parametrize(
    "doc", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name
)
def test_commands_quoted_in_the_text_exist_with_their_options(doc: Path) -> None:
    known = commands()
    for quoted in _QUOTED.findall(doc.read_text(encoding="utf-8")):
        for path in command_of(quoted, known):
            if path not in known and any(k[: len(path)] == path for k in known):
                continue  # a group, as in `marketgraph usecase`
            assert path in known, f"{doc.name} quotes `{quoted}`: no such command"
            wrong = set(_OPTION.findall(quoted)) - known[path]
            assert not wrong, f"{doc.name} quotes `{quoted}`: no option {sorted(wrong)}"
