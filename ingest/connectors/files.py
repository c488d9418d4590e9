"""Exports from disk or from an HTTP body: a file, a folder of Markdown files, or a .zip.

A zip is read within the limits of :mod:`ingest.limits`: at most ``zip_files`` files and
``zip_bytes`` once decompressed, counted as the bytes come out (a zip's own sizes may lie),
so a zip bomb stops at the limit. Encrypted, unsupported or corrupt archives are refused
with the reason.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from ingest.connectors.base import Export
from ingest.errors import LimitExceededError, UnreadableInputError
from ingest.limits import DEFAULT_LIMITS, Limits

_CHUNK = 1 << 20


def export_from_path(path: Path, limits: Limits = DEFAULT_LIMITS) -> Export:
    """A file as a one-file export; a folder (or a .zip) as the files inside it."""
    try:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            _check_count(str(path), len(files), limits)
            _check_size(str(path), sum(p.stat().st_size for p in files), limits)
            return Export(
                name=path.name,
                files=tuple((p.relative_to(path).as_posix(), p.read_bytes()) for p in files),
            )
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableInputError(f"{path}: {e.strerror or e}") from e
    if path.suffix.lower() == ".zip":
        return export_from_zip(path.name, data, limits)
    return Export.single(path.name, data)


def export_from_zip(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Export:
    """The files of a zip archive (a zipped Markdown folder), within the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            _check_count(name, len(infos), limits)
            kept = sorted(
                (i for i in infos if not any(p.startswith(".") for p in i.filename.split("/"))),
                key=lambda i: i.filename,
            )
            for info in kept:
                if info.flag_bits & 0x1:
                    raise UnreadableInputError(
                        f"{name}: {info.filename} is encrypted; send the archive unencrypted"
                    )
            _check_size(name, sum(i.file_size for i in kept), limits)
            budget = limits.zip_bytes
            files = []
            for info in kept:
                content = _read(archive, info, budget, name, limits)
                budget -= len(content)
                files.append((info.filename, content))
    except zipfile.BadZipFile as e:
        raise UnreadableInputError(f"{name}: not a zip archive, or a corrupt one ({e})") from e
    except NotImplementedError as e:
        raise UnreadableInputError(f"{name}: unsupported zip compression ({e})") from e
    except (zlib.error, EOFError, RuntimeError, ValueError, OSError) as e:
        if isinstance(e, UnreadableInputError | LimitExceededError):
            raise
        raise UnreadableInputError(f"{name}: the zip archive is corrupt ({e})") from e
    return Export(name=name, files=tuple(files))


def _read(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, name: str, limits: Limits
) -> bytes:
    """One member's bytes, stopping as soon as the archive's total passes the limit."""
    chunks = []
    with archive.open(info) as member:
        while chunk := member.read(min(_CHUNK, budget + 1)):
            chunks.append(chunk)
            budget -= len(chunk)
            if budget < 0:
                raise LimitExceededError(
                    "zip_bytes",
                    limits.zip_bytes,
                    f"{name}: decompresses to more than {limits.zip_bytes:,} bytes",
                    too_large=True,
                )
    return b"".join(chunks)


def _check_count(name: str, count: int, limits: Limits) -> None:
    if count > limits.zip_files:
        raise LimitExceededError(
            "zip_files",
            limits.zip_files,
            f"{name}: {count:,} files, more than {limits.zip_files:,}",
            found=count,
            too_large=True,
        )


def _check_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.zip_bytes:
        raise LimitExceededError(
            "zip_bytes",
            limits.zip_bytes,
            f"{name}: {size:,} bytes of files, more than {limits.zip_bytes:,}",
            found=size,
            too_large=True,
        )


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
