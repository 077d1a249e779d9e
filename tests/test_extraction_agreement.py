"""The paragraph-scored body checked against trafilatura's (archiver.extraction.agreement)."""

from __future__ import annotations

from pathlib import Path

from archiver.extraction import extract_article
from archiver.extraction.agreement import agreement
from archiver.extraction.article import _reconcile
from archiver.extraction.body import Body, body_from_trafilatura

SAVED = Path(__file__).parent / "sample_data" / "body_merge"
LEDE = "The harbour council voted on Tuesday, after a long debate"   # the scored block's first paragraph
REST = ("The port authority has not yet said", "A spokeswoman for the authority said",
        "Engineers expect the repair to take fourteen weeks", "Drivers are advised to use the ring road")

ARTICLE = [
    "The harbour council voted on Tuesday to close two lanes of the bridge while engineers replace "
    "the corroded bearings, a repair that has been postponed three times since 2019.",
    "Residents who cross every morning said the closure, which begins next month, would double their "
    "commute, and several asked whether a ferry could run while the work goes on.",
    "The council's chief engineer said the bearings had reached the end of their life and that any "
    "further delay would risk a full closure of the bridge, which nobody wanted.",
    "A final decision on the ferry is expected at the next meeting, after the port authority has "
    "said whether one of its boats can be spared for the summer.",
]


def _page(sidebar: list[str]) -> str:
    """An article beside a long block of comment-like prose with plenty of commas."""
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    others = "".join(f"<p>{p}</p>" for p in sidebar)
    return (f"<html><head><title>Bridge lanes to close</title></head><body>"
            f"<div class='column'><h1>Bridge lanes to close</h1>{paragraphs}</div>"
            f"<div class='stream'>{others}</div></body></html>")


def test_agreement_counts_shared_words_both_ways() -> None:
    found = agreement("a b c d", "a b c d e f g h")
    assert found.inside == 1.0 and found.covers == 0.5 and found.keeps_first
    assert not agreement("a b c d", "a b c d e f g h i").keeps_first        # holds under half of the other
    assert not agreement("a b c d e f g h x y", "a b c d e f g h").keeps_first  # a fifth of its words are extra


def test_an_agreeing_body_is_the_scored_one_with_no_reason() -> None:
    article = extract_article(_page([]), "http://127.0.0.1/a")
    assert article.body == ARTICLE
    assert article.extraction["sources"]["body"] == "text"
    assert "body" not in article.extraction.get("reasons", {})


def test_where_the_two_disagree_the_reason_says_which_won_and_why() -> None:
    article = Body(paragraphs=list(ARTICLE))
    furniture = ["Sign up for our morning briefing and never miss a story from the harbour again today",
                 "Most read: ferry timetable changes, bakery opens on the quay, council tax rises again"]
    part, padded, elsewhere = (Body(paragraphs=ARTICLE[:1]), Body(paragraphs=ARTICLE + furniture * 3),
                               Body(paragraphs=furniture))
    assert _reconcile(article, article) == (article, "text", None)
    chosen, source, reason = _reconcile(part, article)
    assert (chosen.paragraphs, source) == (ARTICLE, "text") and reason.startswith("merged: ")
    assert "is a part of the article" in reason and "3 of trafilatura's paragraphs added" in reason, reason
    for why, scored in {"adds page furniture": padded, "another part of the page": elsewhere}.items():
        chosen, source, reason = _reconcile(scored, article)
        assert (chosen, source) == (article, "trafilatura") and reason.startswith("trafilatura won: ")
        assert why in reason, reason


def _saved(name: str):
    html = (SAVED / name).read_text(encoding="utf-8")
    return html, extract_article(html, "http://127.0.0.1/bridge")


def test_a_scored_block_that_is_part_of_the_article_is_merged_with_the_rest_from_trafilatura() -> None:
    html, article = _saved("part_of_article.html")
    assert article.body[0].startswith(LEDE)
    assert [p for p in article.body if p.startswith(REST)] == article.body[3:]   # the rest, in page order
    assert len(article.body) == 7
    assert article.extraction["sources"]["body"] == "text"
    assert article.extraction["reasons"]["body"].startswith("merged: ")
    assert "4 of trafilatura's paragraphs added, 0 left out" in article.extraction["reasons"]["body"]


def test_furniture_that_trafilatura_keeps_is_left_out_of_the_merge() -> None:
    html, article = _saved("furniture_in_trafilatura.html")
    theirs = body_from_trafilatura(html, "http://127.0.0.1/bridge").paragraphs
    furniture = [p for p in theirs if p.startswith("Ferry timetables")]
    assert len(furniture) == 2    # the most-read box and the line of related links: trafilatura keeps both
    assert len(article.body) == 7 and article.body[0].startswith(LEDE)
    assert not any("Ferry timetables" in p or "bakery" in p for p in article.body)
    assert "2 left out as page furniture" in article.extraction["reasons"]["body"]


def test_trafilatura_text_keeps_data_tables_row_by_row_and_layout_tables_block_by_block() -> None:
    rows = "".join(f"<tr><td>Lane {n}</td><td>closed from {n} June</td></tr>" for n in (1, 2))
    data = f"<html><body><article>{''.join(f'<p>{p}</p>' for p in ARTICLE)}<table>{rows}</table></article></body></html>"
    paragraphs = body_from_trafilatura(data, "http://127.0.0.1/a").paragraphs
    assert "Lane 1 closed from 1 June" in paragraphs and "Lane 2 closed from 2 June" in paragraphs
    cells = "".join(f"<p>{p}</p>" for p in ARTICLE)
    layout = (f"<html><body><table><tr><td><a href='/'>Home</a></td><td>{cells}</td></tr></table></body></html>")
    paragraphs = body_from_trafilatura(layout, "http://127.0.0.1/a").paragraphs
    assert [p for p in paragraphs if p in ARTICLE] == ARTICLE   # an old table-layout page keeps its article
