"""Queries over the search index: FTS5 syntax, field filters, bm25 ranking, highlighted snippets.

The query text is FTS5's own language: ``"exact phrase"``, ``prefix*``,
``AND``/``OR``/``NOT``, ``NEAR(a b, 5)`` and column filters such as
``title:bridge``. Filters are plain SQL on the ``versions`` table. Ranking is
``bm25`` with a title match worth more than a byline match, and a byline match
more than a body match (``ARCHIVER_SEARCH_WEIGHTS``).

Snippets come back as segments (text, highlighted?), so the terminal and the
web page each render highlights their own way and escape the rest.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from archiver import settings as defaults
from archiver.search.entry import utc_instant
from archiver.search.index import TOKENIZER, SearchIndex

# Private-use characters mark highlights inside snippets: never markup, so escaping stays simple.
OPEN, CLOSE = "\ue000", "\ue001"


class QueryError(ValueError):
    """The query is not valid FTS5 syntax, or a filter value is malformed."""


@dataclass
class SearchFilters:
    outlet: str | None = None
    author: str | None = None       # part of one author's name, any case
    section: str | None = None      # exact, any case
    since: str | None = None        # date or time (ISO 8601); published on or after
    until: str | None = None        # date (the whole day counts) or time; published on or before
    language: str | None = None     # "en" matches "en" and "en-GB"
    access: str | None = None       # free | partial | subscriber (archiver.verdict.access); older items are free

    def sql(self) -> tuple[list[str], list[object]]:
        """WHERE clauses on ``v`` (the versions table) and their parameters."""
        clauses: list[str] = []
        params: list[object] = []
        if self.outlet:
            clauses.append("v.outlet = ?")
            params.append(self.outlet)
        if self.author:
            clauses.append("EXISTS (SELECT 1 FROM json_each(v.authors) WHERE json_each.value LIKE ? ESCAPE '\\')")
            params.append(f"%{_like_escape(self.author)}%")
        if self.section:
            clauses.append("v.section = ? COLLATE NOCASE")
            params.append(self.section)
        if self.access:
            clauses.append("COALESCE(json_extract(v.item, '$.access'), 'free') = ?")
            params.append(self.access)
        if self.language:
            clauses.append("(v.language = ? COLLATE NOCASE OR v.language LIKE ? ESCAPE '\\')")
            params += [self.language, f"{_like_escape(self.language)}-%"]
        if self.since:
            clauses.append("v.published_utc >= ?")
            params.append(_bound(self.since, end=False))
        if self.until:
            clauses.append("v.published_utc < ?" if _is_date(self.until) else "v.published_utc <= ?")
            params.append(_bound(self.until, end=True))
        return clauses, params


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _bound(value: str, *, end: bool) -> str:
    """--since/--until as a UTC instant; a bare date ``until`` includes that whole day."""
    if _is_date(value):
        day = date.fromisoformat(value) + timedelta(days=1 if end else 0)
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    instant = utc_instant(value)
    if instant is None:
        raise QueryError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 time")
    return instant


@dataclass
class Hit:
    """One matching version, with where to read and replay it."""

    id: int
    url: str
    version: int
    outlet: str | None
    title: str | None
    byline: str | None
    authors: list[str]
    section: str | None
    date_published: str | None
    language: str | None
    captured_at: str | None
    warc_filename: str | None
    warc_record_id: str
    warc_offset: int | None
    crawl: str
    rank: float
    snippet: list[tuple[str, bool]] = field(default_factory=list)   # (text, highlighted)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Hit":
        return cls(id=row["id"], url=row["url"], version=row["version"], outlet=row["outlet"],
                   title=row["title"], byline=row["byline"], authors=json.loads(row["authors"] or "[]"),
                   section=row["section"], date_published=row["date_published"], language=row["language"],
                   captured_at=row["captured_at"], warc_filename=row["warc_filename"],
                   warc_record_id=row["record_id"], warc_offset=row["warc_offset"], crawl=row["crawl"],
                   rank=row["rank"], snippet=segments(row["snippet"] or ""))


def segments(marked: str) -> list[tuple[str, bool]]:
    """Split FTS5 snippet text at the highlight markers into (text, highlighted) pieces."""
    pieces: list[tuple[str, bool]] = []
    for n, part in enumerate(marked.split(OPEN)):
        inside, _, after = part.partition(CLOSE) if n else ("", "", part)
        if inside:
            pieces.append((inside, True))
        if after:
            pieces.append((after, False))
    return pieces


QUERY_HELP = ('(quote phrases with "…", end a prefix with *, use AND, OR, NOT in capitals, NEAR(a b, 10), '
              "and only the columns title:, byline:, body:)")


def check_query(query: str) -> None:
    """Raise QueryError with FTS5's own message when *query* is not valid FTS5 syntax.

    The query runs against an empty in-memory table with the index's columns, so every error
    it raises is the query's (a 400 on the research page), never the database's.
    """
    if not query.strip():
        raise QueryError("the query is empty")
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(f"CREATE VIRTUAL TABLE q USING fts5(title, byline, body, tokenize='{TOKENIZER}')")
        probe.execute("SELECT rowid FROM q WHERE q MATCH ?", (query,)).fetchall()
    except sqlite3.Error as exc:
        raise QueryError(f"not a valid search query: {str(exc).removeprefix('fts5: ')} {QUERY_HELP}") from None
    finally:
        probe.close()


def search(index: SearchIndex, query: str, filters: SearchFilters | None = None,
           limit: int = defaults.ARCHIVER_SEARCH_LIMIT) -> list[Hit]:
    """Versions matching the FTS5 *query* and the filters, best first (bm25)."""
    check_query(query)
    where, params = (filters or SearchFilters()).sql()
    title_w, byline_w, body_w = defaults.ARCHIVER_SEARCH_WEIGHTS
    sql = (
        "SELECT v.*, bm25(versions_fts, ?, ?, ?) AS rank, "
        f"snippet(versions_fts, -1, '{OPEN}', '{CLOSE}', '…', ?) AS snippet "
        "FROM versions_fts JOIN versions AS v ON v.id = versions_fts.rowid "
        f"WHERE versions_fts MATCH ? {''.join(' AND ' + c for c in where)} "
        "ORDER BY rank LIMIT ?")
    try:
        rows = index.db.execute(sql, (title_w, byline_w, body_w, defaults.ARCHIVER_SEARCH_SNIPPET_TOKENS,
                                      query, *params, limit)).fetchall()
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "fts5" in message or "no such column" in message or "unterminated" in message:
            raise QueryError(f"not a valid search query: {message.removeprefix('fts5: ')} {QUERY_HELP}") from None
        raise
    return [Hit.from_row(row) for row in rows]
