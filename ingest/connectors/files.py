"""Exports from disk or from an HTTP body: a file, a folder of Markdown files, or a .zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ingest.connectors.base import Export
from ingest.errors import UnreadableInputError

MAX_FILES = 20_000


def export_from_path(path: Path) -> Export:
    """A file as a one-file export; a folder (or a .zip) as the files inside it."""
    try:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            if len(files) > MAX_FILES:
                raise UnreadableInputError(f"{path}: more than {MAX_FILES} files")
            return Export(
                name=path.name,
                files=tuple((p.relative_to(path).as_posix(), p.read_bytes()) for p in files),
            )
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableInputError(f"{path}: {e.strerror or e}") from e
    if path.suffix.lower() == ".zip":
        return export_from_zip(path.name, data)
    return Export.single(path.name, data)


def export_from_zip(name: str, data: bytes) -> Export:
    """The files of a zip archive (a zipped Markdown folder)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > MAX_FILES:
                raise UnreadableInputError(f"{name}: more than {MAX_FILES} files")
            files = tuple(
                (i.filename, archive.read(i))
                for i in sorted(infos, key=lambda i: i.filename)
                if not any(part.startswith(".") for part in i.filename.split("/"))
            )
    except zipfile.BadZipFile as e:
        raise UnreadableInputError(f"{name}: not a zip archive ({e})") from e
    return Export(name=name, files=files)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
