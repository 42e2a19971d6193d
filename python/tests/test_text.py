"""Text as the model was trained to read it: units (words, chars, bytes), case folding, Unicode
normalization, split punctuation, a space token; non-ASCII words through vocab, next and generate."""

from __future__ import annotations

import math

import pytest

import lm
from conftest import DATA, train_quietly

MULTILINGUAL = DATA / "multilingual.txt"


@pytest.fixture(scope="module")
def folded():
    return train_quietly(MULTILINGUAL, order=3, lowercase=True, split_punct=True)


def test_lowercase_and_split_punct(folded):
    info = folded.info
    assert info["lowercase"] is True and info["split_punct"] is True
    # full case folding: Straße -> strasse, STRASSE -> strasse
    assert "strasse" in folded and "straße" not in folded and "Die" not in folded
    assert folded.score("Die Straße") == folded.score("die strasse") == folded.score("DIE STRASSE")
    # punctuation split off: 'cheese.' is 'cheese .'
    assert folded.score("The Mouse ate the cheese.") == folded.score("the mouse ate the cheese .")
    assert len(list(folded.full_scores("the cheese."))) == 3 + 1
    assert "кошка" in folded and folded.vocab[folded.vocab.index("кошка")] == "кошка"
    assert folded.next("Кошка", k=1)[0].word == "съела"


def test_chars():
    m = train_quietly(MULTILINGUAL, order=3, units="chars")
    assert m.info["units"] == "chars"
    text = MULTILINGUAL.read_text(encoding="utf-8")
    assert set(list(m.vocab)[3:]) == set(text) - set(" \n")
    assert len(list(m.full_scores("床前明月光"))) == 5 + 1
    assert m.score("床前 明月光") == m.score("床前明月光")
    for s in m.generate(n=5, seed=2, no_unk=True):
        assert set(s) <= set(text) - set("\n")
    spaced = train_quietly(MULTILINGUAL, order=3, units="chars", space_token="▁")
    assert spaced.info["space_token"] == "▁" and "▁" in spaced
    assert len(list(spaced.full_scores("ab cd"))) == 5 + 1  # a b ▁ c d </s>


def test_bytes():
    m = train_quietly(MULTILINGUAL, order=3, units="bytes")
    assert m.info["units"] == "bytes"
    assert list(m.vocab)[:3] == ["<unk>", "<s>", "</s>"]
    assert all(w.startswith("<0x") and len(w) == 6 for w in list(m.vocab)[3:])
    assert len(list(m.full_scores("床"))) == 3 + 1  # three UTF-8 bytes and </s>
    assert m.score("床") == m.score("床".encode())
    # any bytes, not only UTF-8: 0xFF never occurs in UTF-8 text, so it is an OOV
    full = list(m.full_scores(b"\xff A"))
    assert len(full) == 4 and [o for _, _, o in full] == [True, False, False, False]
    assert m.score_batch([b"\xff A"])[0] == m.score(b"\xff A")
    assert math.fsum(p.prob for p in m.next(b"\xe5", k=0)) == pytest.approx(1.0, abs=1e-6)


def test_words_model_rejects_invalid_utf8(folded):
    with pytest.raises(ValueError, match="UTF-8"):
        folded.score(b"the \xff cat")
    with pytest.raises(ValueError, match=r"sentences\[1\]"):
        folded.score_batch([b"the cat", b"the \xff cat"])


def test_nfkc():
    # the corpus's last line holds "ﬁne ｆｕｌｌ-width": a ligature and full-width letters
    m = train_quietly(MULTILINGUAL, order=3, normalize="nfkc")
    plain = train_quietly(MULTILINGUAL, order=3)
    assert m.info["normalize"] == "nfkc" and plain.info["normalize"] == "none"
    assert "fine" in m and "full-width" in m and "ﬁne" not in m
    assert "ﬁne" in plain and "ｆｕｌｌ-width" in plain and "fine" not in plain
    assert m.score("ﬁne ｆｕｌｌ-width") == m.score("fine full-width")
    assert [o for _, _, o in m.full_scores("ﬁne ｆｕｌｌ-width")] == [False, False, False]
    assert [o for _, _, o in plain.full_scores("fine full-width")] == [True, True, False]
    assert m.score("ｃａｆé") == m.score("café")
