"""The seed text format: one article as a Markdown-like plain text file.

Reproduces the seed export (tests/sample_data/seed_article.txt) byte for byte. The file
is a list of blocks joined by one blank line ("\\n\\n"), with no trailing
newline:

1. an empty block (the file starts with "\\n\\n"), then the title
   (an empty block if the article has no title, so the title stays block 2);
2. the byline, when there are authors: ``By [A](#)``; several authors go on
   one line as the outlet prints them: ``By [A](#), [B](#) and [C](#)``;
3. the publication date as "Month D, YYYY" (English month, the page's local
   day); omitted when there is no date; then, for an article that is not free
   (``access``: archiver.verdict.access), ``Access: partial (evidence; ...)``;
4. the lead image, when there is one: an empty block (the picture) followed by
   one caption line, the caption and the credit joined by a single space
   (either may be missing; with neither, only the empty block remains);
5. the body paragraphs, inline links written ``[text](#)``; before the paragraph
   at index ``position`` each related article is written
   ``Related article: [title](#)`` (positions past the end go after the body);
6. ``Original url:`` and ``<original_url or url>``.

The subtitle is not part of the format (the seed has none and no slot for it).
"""

from __future__ import annotations

from typing import Any

from archiver.items import Article

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def article_to_text(article: Article) -> str:
    blocks: list[str] = ["", article.title or ""]
    if article.authors:
        blocks.append("By " + _join_names([f"[{name}](#)" for name in article.authors]))
    if article.date_published:
        blocks.append(format_date(article.date_published))
    if article.access != "free":
        blocks.append(access_line(article))
    if article.lead_image:
        blocks.append("")
        line = " ".join(p for p in (article.lead_image.get("caption"), article.lead_image.get("credit")) if p)
        if line:
            blocks.append(line)
    related = sorted(article.related, key=lambda r: r.get("position", 0))
    for index, paragraph in enumerate(article.body):
        blocks.extend(_related_line(r) for r in related if r.get("position", 0) == index)
        links = [link for link in article.links if link.get("paragraph") == index]
        blocks.append(_with_links(paragraph, links))
    blocks.extend(_related_line(r) for r in related if r.get("position", 0) >= len(article.body))
    blocks += ["Original url:", f"<{article.original_url or article.url}>"]
    return "\n\n".join(blocks)


def access_line(article: Article) -> str:
    """"Access: partial (json-ld isAccessibleForFree=false; ...)": the reader sees the text is a teaser."""
    evidence = "; ".join(article.access_evidence)
    return f"Access: {article.access}" + (f" ({evidence})" if evidence else "")


def format_date(iso: str) -> str:
    """"2025-01-12T10:05:00+03:00" -> "January 12, 2025" (the day as the page gave it)."""
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return f"{MONTHS[month - 1]} {day}, {year}"


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _related_line(related: dict[str, Any]) -> str:
    return f"Related article: [{related.get('title') or ''}](#)"


def _with_links(paragraph: str, links: list[dict[str, Any]]) -> str:
    """Mark each link's text, in order, at its next occurrence in the paragraph."""
    out, cursor = [], 0
    for link in links:
        text = link.get("text") or ""
        index = paragraph.find(text, cursor) if text else -1
        if index < 0:
            continue
        out.append(paragraph[cursor:index] + f"[{text}](#)")
        cursor = index + len(text)
    out.append(paragraph[cursor:])
    return "".join(out)
