"""The printed standfirst (the page's description) put before a body that leaves it out
(archiver.extraction.standfirst)."""

from __future__ import annotations

from pathlib import Path

from archiver.extraction import extract_article
from archiver.extraction.body import Body
from archiver.extraction.standfirst import with_standfirst

SAVED = Path(__file__).parent / "sample_data" / "standfirst"
LEDE = "Der Hafenrat hat die Sperrung zweier Fahrspuren beschlossen. Pendler müssen mit doppelt so langen Wegen rechnen."
FIRST = "Der Hafenrat hat am Dienstag beschlossen"


def test_json_ld_body_gets_the_lede_printed_under_the_headline() -> None:
    article = extract_article((SAVED / "jsonld_lede.html").read_bytes(), "http://127.0.0.1/2025/01/12/bruecke")
    assert article.extraction["sources"]["body"] == "json-ld"
    assert article.body[0] == LEDE and article.body[1].startswith(FIRST) and len(article.body) == 4
    assert "standfirst" in article.extraction["reasons"]["body"]


def test_description_printed_only_as_a_teaser_link_is_not_a_standfirst() -> None:
    article = extract_article((SAVED / "teaser_link_only.html").read_bytes(), "http://127.0.0.1/2025/01/12/bruecke")
    assert article.body[0].startswith(FIRST) and len(article.body) == 3
    assert LEDE not in article.text


def test_a_body_that_already_prints_the_lede_is_left_alone() -> None:
    body = Body(paragraphs=[LEDE + " Mehr dazu unten.", "Zweiter Absatz."],
                links=[{"url": "http://127.0.0.1/x", "text": "x", "paragraph": 1}])
    assert not with_standfirst(body, LEDE) and len(body.paragraphs) == 2
    body = Body(paragraphs=["Zweiter Absatz."], links=[{"url": "http://127.0.0.1/x", "text": "x", "paragraph": 0}])
    assert with_standfirst(body, LEDE)
    assert body.paragraphs == [LEDE, "Zweiter Absatz."] and body.links[0]["paragraph"] == 1


def test_a_standfirst_kept_as_the_subtitle_stays_out_of_the_body() -> None:
    body = Body(paragraphs=["Zweiter Absatz."])
    assert not with_standfirst(body, LEDE, subtitle=LEDE) and body.paragraphs == ["Zweiter Absatz."]
    html = (SAVED / "jsonld_lede.html").read_text().replace(
        '"headline"', f'"alternativeHeadline": "{LEDE}", "headline"')
    article = extract_article(html, "http://127.0.0.1/2025/01/12/bruecke")
    assert article.subtitle == LEDE and article.body[0].startswith(FIRST) and len(article.body) == 3
