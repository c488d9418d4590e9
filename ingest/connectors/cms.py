"""CMS / blog exports → assets: WordPress REST JSON, or a folder of Markdown files.

Each post becomes an asset of the brand (``blog``; pages ``landing_page``; a front matter
``kind`` may say otherwise) with its text as ``body`` for retrieval, its publication time
and state (``published``, ``scheduled``, ``draft``) and language. Translations are
grouped (Polylang's ``translations`` map, Hugo's ``translationKey``): the earliest item of
a group is the original and the others point at it with ``translation_of``, which the
content calendar reads as localisation lead time. Column mapping: docs/connectors.md.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import yaml

from ingest.connectors._cms import Post, extras, html_text, link_translations, moment, status_of
from ingest.connectors._table import decode
from ingest.connectors._values import slug
from ingest.connectors.base import Connector, Context, Export, Output
from ingest.errors import UnreadableInputError

# fmt: off
_WP_KNOWN = frozenset({
    "id", "date", "date_gmt", "guid", "modified", "modified_gmt", "slug", "status", "type",
    "link", "title", "content", "excerpt", "author", "featured_media", "comment_status",
    "ping_status", "sticky", "template", "format", "meta", "categories", "tags", "class_list",
    "lang", "translations", "yoast_head", "yoast_head_json", "acf", "campaign", "campaign_ids",
    "business_unit", "channel_id",
})
_MD_KNOWN = frozenset({
    "id", "title", "date", "publishDate", "publish_date", "slug", "lang", "language",
    "translationKey", "translation_of", "kind", "campaign", "campaigns", "campaign_ids",
    "business_unit", "channel", "channel_id", "draft", "url", "summary", "description",
})
# fmt: on
_KINDS = {"post": "blog", "page": "landing_page"}


class CMSConnector(Connector):
    name = "cms"
    title = "CMS / blog export: WordPress REST JSON, or a folder (or .zip) of Markdown files"
    folder = True

    def convert(self, export: Export, ctx: Context) -> Output:
        markdown = [(p, d) for p, d in export.files if p.lower().endswith((".md", ".markdown"))]
        if markdown:
            posts, out = self._markdown(sorted(markdown), ctx)
        elif len(export.files) == 1:
            posts, out = self._wordpress(export, ctx)
        else:
            raise UnreadableInputError(f"{export.name}: no Markdown (.md) files in the folder")
        link_translations(posts)
        for post in posts:
            out.add("assets", post.line, {**post.extra, **post.record})
        out.rows.setdefault("assets", [])
        return out

    # -- WordPress ------------------------------------------------------------------
    def _wordpress(self, export: Export, ctx: Context) -> tuple[list[Post], Output]:
        try:
            data = json.loads(decode(export.data, export.name))
        except json.JSONDecodeError as e:
            raise UnreadableInputError(
                f"{export.name}: not valid JSON ({e.msg} at line {e.lineno}); expected the "
                "posts of the WordPress REST API (/wp-json/wp/v2/posts) or a Markdown folder"
            ) from e
        items = data.get("posts") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise UnreadableInputError(f"{export.name}: expected a JSON list of posts")
        out, posts, now = Output(), [], datetime.now(UTC)
        for number, item in enumerate(items, start=1):
            try:
                if not isinstance(item, dict):
                    raise ValueError("expected a JSON object")
                posts.append(self._wp_post(item, number, ctx, now))
            except ValueError as e:
                out.reject("assets", number, f"post {number}: {e}")
        return posts, out

    def _wp_post(self, item: dict[str, Any], number: int, ctx: Context, now: datetime) -> Post:
        if item.get("id") in (None, ""):
            raise ValueError("id: required field is missing")
        title = html.unescape(_rendered(item.get("title")))
        if item.get("date_gmt"):
            published = moment(str(item["date_gmt"]), UTC, "date_gmt")
        else:
            published = moment(item.get("date"), ctx.timezone, "date")
        post_id = f"cms-{slug(str(item['id']))}"
        record: dict[str, Any] = {
            "id": post_id,
            "brand_id": ctx.brand_id,
            "kind": _KINDS.get(str(item.get("type", "post")), "blog"),
            "title": title,
            "body": html_text(_rendered(item.get("content"))),
            "url": item.get("link"),
            "created_at": published.isoformat(),
            "published_at": published.isoformat(),
            "status": status_of(str(item.get("status", "publish")), published, now),
            "platform": "WordPress",
        }
        _optional(record, item, ctx)
        translations = item.get("translations")
        group = None
        if isinstance(translations, dict) and translations:
            group = "wp-" + "-".join(sorted(str(v) for v in translations.values()))
        return Post(number, _clean(record), published, group, extras(item, _WP_KNOWN))

    # -- Markdown -------------------------------------------------------------------
    def _markdown(self, files: list[tuple[str, bytes]], ctx: Context) -> tuple[list[Post], Output]:
        out, posts, now = Output(), [], datetime.now(UTC)
        for number, (path, data) in enumerate(files, start=1):
            try:
                posts.append(self._md_post(path, decode(data, path), number, ctx, now))
            except ValueError as e:
                out.reject("assets", number, f"{path}: {e}")
        return posts, out

    def _md_post(self, path: str, text: str, number: int, ctx: Context, now: datetime) -> Post:
        meta, body = _front_matter(text)
        if not str(meta.get("title") or "").strip():
            raise ValueError("title: required in the front matter")
        when = meta.get("publishDate") or meta.get("publish_date") or meta.get("date")
        published = moment(when, ctx.timezone, "date")
        stem = str(PurePosixPath(path).with_suffix(""))
        post_id = str(meta.get("id") or f"cms-{slug(stem, 120)}")
        raw_status = "draft" if meta.get("draft") is True else "publish"
        record: dict[str, Any] = {
            "id": post_id,
            "brand_id": ctx.brand_id,
            "kind": str(meta.get("kind") or "blog"),
            "title": str(meta["title"]).strip(),
            "body": body.strip() or None,
            "url": meta.get("url"),
            "created_at": moment(meta.get("date") or when, ctx.timezone, "date").isoformat(),
            "published_at": published.isoformat(),
            "status": status_of(raw_status, published, now),
            "source_path": path,
            "summary": meta.get("summary") or meta.get("description"),
            "platform": "Markdown",
        }
        _optional(record, meta, ctx)
        group = meta.get("translationKey")
        if meta.get("translation_of"):  # said outright: no group to work it out from
            group = None
            record["translation_of"] = str(meta["translation_of"])
        return Post(number, _clean(record), published, str(group) if group else None,
                    extras(meta, _MD_KNOWN))  # fmt: skip


def _rendered(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("rendered") or "")
    return str(value or "")


def _optional(record: dict[str, Any], data: dict[str, Any], ctx: Context) -> None:
    """Language, business unit, channel and campaign links, where the export has them."""
    record["language"] = data.get("lang") or data.get("language")
    record["business_unit"] = data.get("business_unit")
    record["channel_id"] = data.get("channel_id") or data.get("channel")
    campaigns = data.get("campaign_ids") or data.get("campaigns") or data.get("campaign")
    if isinstance(campaigns, str):
        campaigns = [campaigns]
    if isinstance(campaigns, list) and campaigns:
        record["campaign_ids"] = [str(c) for c in campaigns]


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != ""}


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter between ``---`` lines, and the Markdown after it."""
    if not text.startswith("---"):
        raise ValueError("no front matter: the file must start with a '---' YAML block")
    end = text.find("\n---", 3)
    if end < 0:
        raise ValueError("the front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"unreadable front matter: {e}") from None
    if not isinstance(meta, dict):
        raise ValueError("the front matter must be a YAML mapping")
    rest = text[end + 4 :]
    return meta, rest.split("\n", 1)[1] if "\n" in rest else ""
