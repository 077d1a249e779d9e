"""Word-level diffs: whole words in, whole words out, counts that match."""

from archiver.history.diff import word_diff, words_changed


def test_word_diff_names_added_and_removed_words():
    changes = word_diff("The mayor said on Monday that taxes rise.",
                        "The mayor said on Tuesday that taxes rise. A correction was appended.")
    deleted = "".join(c.text for c in changes if c.op == "delete")
    inserted = "".join(c.text for c in changes if c.op == "insert")
    assert "Monday" in deleted and "Tuesday" in inserted
    assert "correction was appended" in inserted
    assert words_changed(changes) == (5, 1)


def test_word_diff_rebuilds_both_texts_and_never_splits_a_word():
    old, new = "Präsident Müller trat zurück", "Präsidentin Müller-Lüdenscheidt trat gestern zurück"
    changes = word_diff(old, new)
    assert "".join(c.text for c in changes if c.op != "insert") == old
    assert "".join(c.text for c in changes if c.op != "delete") == new
    for change in changes:
        if change.op != "equal":
            assert change.text.strip() in {"Präsident", "Präsidentin", "Müller", "Müller-Lüdenscheidt",
                                           "gestern"} or " " in change.text.strip()


def test_identical_texts_have_no_changes():
    assert words_changed(word_diff("same words", "same words")) == (0, 0)
