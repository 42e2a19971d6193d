"""Model: opening (lm binary, ARPA, ARPA.gz), properties, score / perplexity / full_scores,
`in`, vocab, info, save / write_arpa, KenLM names."""

from __future__ import annotations

import gzip
import math
import pickle

import pytest

import lm
from conftest import TOY, TOY_KENLM_ARPA, TOY_LINES

# Hand-worked from tests/data/toy.o3.kenlm.arpa (KenLM's model of toy.txt):
#   p(the | <s>)            bigram  -0.25235978   backoff(<s> the) = -0.30103
#   p(cat | <s> the)        trigram -0.4489329
#   p(ate | the cat)        trigram -0.32080373
#   p(</s> | cat ate)       trigram -0.43858293
#   p(the)                  unigram -0.8290484    backoff(the) = -0.30103
#   p(cat | the)            bigram  -0.67495143
#   p(</s> | the cat)       trigram -0.46416005
#   p(</s>)                 unigram -0.68390626
#   p(<unk>)                unigram -1.266661
THE_CAT_ATE = [(-0.25235978, 2), (-0.4489329, 3), (-0.32080373, 3), (-0.43858293, 3)]
EXTRA = ["the cat", "a mouse", "the dog ate the cheese", "cheese", "mouse mouse mouse", "the zebra ate", ""]


def test_open_binary_and_properties(toy, toy_path):
    assert toy.order == 3
    assert toy.path == str(toy_path)
    assert isinstance(toy, lm.Model)
    assert repr(toy).startswith("<lm.Model ")


def test_open_accepts_pathlike_and_config(toy_path):
    a = lm.Model(toy_path, lm.Config())
    b = lm.Model(str(toy_path), config=lm.Config())
    assert a.score("the cat ate") == b.score("the cat ate")


def test_kenlm_names():
    assert lm.LanguageModel is lm.Model
    c = lm.Config()
    assert hasattr(c, "load_method") and hasattr(c, "arpa_complain")
    import lm as kenlm  # the compatibility promise: code written for kenlm runs unchanged
    m = kenlm.LanguageModel(str(TOY_KENLM_ARPA))
    state, out = kenlm.State(), kenlm.State()
    m.BeginSentenceWrite(state)
    assert m.BaseScore(state, "the", out) == pytest.approx(-0.25235978, abs=1e-7)


def test_arpa_hand_worked_sentence(toy_kenlm):
    assert toy_kenlm.order == 3
    assert toy_kenlm.path == str(TOY_KENLM_ARPA)
    full = list(toy_kenlm.full_scores("the cat ate"))
    assert len(full) == 4
    for (p, n, oov), (ep, en) in zip(full, THE_CAT_ATE):
        assert p == pytest.approx(ep, abs=1e-7)
        assert n == en
        assert oov is False
    assert toy_kenlm.score("the cat ate") == pytest.approx(sum(p for p, _ in THE_CAT_ATE), abs=1e-6)


@pytest.mark.parametrize(
    "bos,eos,expected",
    [
        (True, True, -0.25235978 + -0.4489329 + -0.46416005),
        (True, False, -0.25235978 + -0.4489329),
        (False, True, -0.8290484 + -0.67495143 + -0.46416005),
        (False, False, -0.8290484 + -0.67495143),
    ],
)
def test_score_bos_eos_hand_worked(toy_kenlm, bos, eos, expected):
    assert toy_kenlm.score("the cat", bos=bos, eos=eos) == pytest.approx(expected, abs=1e-6)
    assert toy_kenlm.score("the cat", bos, eos) == toy_kenlm.score("the cat", bos=bos, eos=eos)
    full = list(toy_kenlm.full_scores("the cat", bos=bos, eos=eos))
    assert len(full) == 2 + (1 if eos else 0)
    assert sum(p for p, _, _ in full) == pytest.approx(expected, abs=1e-6)


def test_oov_hand_worked(toy_kenlm):
    # zebra after "<s> the": backoff(<s> the) + backoff(the) + p(<unk>); then </s> after <unk>: p(</s>).
    full = list(toy_kenlm.full_scores("the zebra"))
    assert [n for _, n, _ in full] == [2, 1, 1]
    assert [o for _, _, o in full] == [False, True, False]
    assert full[1][0] == pytest.approx(-0.30103 - 0.30103 - 1.266661, abs=1e-6)
    assert full[2][0] == pytest.approx(-0.68390626, abs=1e-6)
    assert toy_kenlm.score("the zebra") == pytest.approx(-0.25235978 - 0.30103 - 0.30103 - 1.266661 - 0.68390626,
                                                          abs=1e-6)
    assert toy_kenlm.score("zebra", bos=False, eos=False) == pytest.approx(-1.266661, abs=1e-6)


def test_perplexity(toy_kenlm, toy):
    total = sum(p for p, _ in THE_CAT_ATE)
    assert toy_kenlm.perplexity("the cat ate") == pytest.approx(10 ** (-total / 4), rel=1e-6)
    for s in TOY_LINES + EXTRA:
        tokens = len(s.split()) + 1
        assert toy.perplexity(s) == pytest.approx(10 ** (-toy.score(s) / tokens), rel=1e-12)


def test_lm_mkn_equals_kenlm_on_toy(toy, toy_kenlm):
    """lm train's default (interpolated modified Kneser-Ney) is KenLM's lmplz: same scores."""
    for s in TOY_LINES + EXTRA:
        assert toy.score(s) == pytest.approx(toy_kenlm.score(s), abs=1e-6), s
        ours, theirs = list(toy.full_scores(s)), list(toy_kenlm.full_scores(s))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert a[0] == pytest.approx(b[0], abs=1e-6)
            assert a[1:] == b[1:]


def test_full_scores_is_iterator_summing_to_score(toy):
    it = toy.full_scores("the mouse ate the cheese")
    assert iter(it) is it
    first = next(it)
    assert isinstance(first, tuple) and len(first) == 3
    assert isinstance(first[0], float) and isinstance(first[1], int) and isinstance(first[2], bool)
    for s in TOY_LINES + EXTRA:
        for bos in (True, False):
            for eos in (True, False):
                full = list(toy.full_scores(s, bos=bos, eos=eos))
                assert len(full) == len(s.split()) + (1 if eos else 0)
                assert math.fsum(p for p, _, _ in full) == pytest.approx(toy.score(s, bos=bos, eos=eos), abs=1e-9)
                for p, n, _ in full:
                    assert p < 0 and 1 <= n <= 3


def test_empty_sentence(toy_kenlm):
    # Just </s> after <s>: no bigram "<s> </s>", backoff(<s>) + p(</s>).
    assert toy_kenlm.score("") == pytest.approx(-0.39794 - 0.68390626, abs=1e-6)
    assert toy_kenlm.score("", bos=False, eos=False) == 0.0
    assert list(toy_kenlm.full_scores("", eos=False)) == []


def test_bytes_equal_str(toy):
    for s in TOY_LINES + EXTRA:
        assert toy.score(s.encode()) == toy.score(s)
        assert list(toy.full_scores(s.encode())) == list(toy.full_scores(s))


def test_sentence_ends_written_in_text(toy):
    # A leading <s> and a trailing </s> in the text are the sentence's own ends (as lm score reads lines).
    assert toy.score("<s> the cat ate </s>") == toy.score("the cat ate")


def test_contains(toy):
    for w in ["the", "mouse", "ate", "cheese", "cat", "dog", "chased", "a", "</s>", "<s>"]:
        assert w in toy, w
    assert "<unk>" not in toy  # as KenLM
    assert "zebra" not in toy
    assert "The" not in toy
    assert b"the" in toy
    assert 3 not in toy and None not in toy


def test_vocab(toy):
    v = toy.vocab
    assert len(v) == 11  # <unk> <s> </s> + 8 word types of toy.txt
    assert v[0] == "<unk>" and v[1] == "<s>" and v[2] == "</s>"
    words = list(v)
    assert len(words) == 11
    assert sorted(words[3:]) == sorted({w for line in TOY_LINES for w in line.split()})
    assert v[-1] == words[-1] and v[-11] == "<unk>"
    with pytest.raises(IndexError):
        v[11]
    with pytest.raises(IndexError):
        v[-12]
    for i, w in enumerate(words):
        assert v.index(w) == i
        assert w in v
    assert "<unk>" in v  # the vocabulary holds <unk> at 0, unlike `in model`
    assert "zebra" not in v and 7 not in v
    with pytest.raises(ValueError, match="zebra"):
        v.index("zebra")
    assert toy.info["vocab_size"] == len(v)


def test_info(toy, toy_kenlm):
    info = toy.info
    assert info["order"] == 3
    assert info["ngrams"] == [11, 17, 20]  # as KenLM's ARPA: ngram 1=11 2=17 3=20
    assert toy_kenlm.info["ngrams"] == [11, 17, 20]
    assert info["smoothing"] == "mkn"
    assert info["training_tokens"] == 27  # 22 words + 5 </s>
    assert info["units"] == "words" and info["lowercase"] is False
    assert info["bytes"] > 0
    assert isinstance(info["smoothing_params"], dict) and info["smoothing_params"]


def test_save_and_reopen(tmp_path):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mem = lm.train(str(TOY), order=3)
    assert mem.path == ""
    out = tmp_path / "saved.lm"
    mem.save(out)
    assert out.stat().st_size > 0
    again = lm.Model(out)
    for s in TOY_LINES + EXTRA:
        assert again.score(s) == mem.score(s)
        assert list(again.full_scores(s)) == list(mem.full_scores(s))
    assert list(again.vocab) == list(mem.vocab)
    assert again.info["ngrams"] == mem.info["ngrams"]


@pytest.mark.parametrize("name", ["m.arpa", "m.arpa.gz"])
def test_write_arpa_and_reopen(toy, tmp_path, name):
    path = tmp_path / name
    toy.write_arpa(path)
    if name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            text = f.read()
    else:
        text = path.read_text(encoding="utf-8")
    assert "\n\\data\\\nngram 1=11\nngram 2=17\nngram 3=20\n" in "\n" + text
    assert text.rstrip().endswith("\\end\\")
    arpa = lm.Model(path)
    assert arpa.order == 3 and arpa.path == str(path)
    assert list(arpa.vocab)[:3] == ["<unk>", "<s>", "</s>"]
    assert sorted(arpa.vocab) == sorted(toy.vocab)
    for s in TOY_LINES + EXTRA:
        assert arpa.score(s) == pytest.approx(toy.score(s), abs=1e-6)
        ours, theirs = list(arpa.full_scores(s)), list(toy.full_scores(s))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert a[0] == pytest.approx(b[0], abs=1e-6) and a[1:] == b[1:]


def test_pickle_by_path(toy, toy_kenlm):
    for m in (toy, toy_kenlm):
        again = pickle.loads(pickle.dumps(m))
        assert again.path == m.path
        assert again.score("the cat ate") == m.score("the cat ate")


def test_pickle_in_memory_model_raises_type_error():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mem = lm.train(TOY_LINES, order=2)
    with pytest.raises(TypeError, match="save"):
        pickle.dumps(mem)


def test_whitespace_splits_words(toy):
    expected = toy.score("the cat")
    for s in [" the  cat ", "the\tcat", "the\ncat", "the\r\ncat", "the cat\n"]:
        assert toy.score(s) == expected, repr(s)
        assert toy.score_batch([s])[0] == expected, repr(s)


def test_literal_unk_is_oov(toy_kenlm):
    # '<unk>' written in the text is the unknown word: scored as <unk>, flagged OOV (as KenLM's full_scores)
    assert list(toy_kenlm.full_scores("the <unk>")) == list(toy_kenlm.full_scores("the zebra"))


def test_pickle_relative_path_from_another_directory(toy_path, tmp_path, monkeypatch):
    import shutil
    shutil.copy(toy_path, tmp_path / "rel.lm")
    monkeypatch.chdir(tmp_path)
    m = lm.Model("rel.lm")
    assert m.path == "rel.lm"
    data = pickle.dumps(m)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = pickle.loads(data)
    assert again.path == str(tmp_path / "rel.lm")
    assert again.score("the cat ate") == m.score("the cat ate")


@pytest.mark.parametrize("name", ["toy.o3.kenlm.arpa", "toy.o3.prune011.kenlm.arpa", "toy.o3.srilm.wbdiscount.arpa",
                                  "toy.o3.irstlm.arpa", "toy.o3.irstlm.ilm", "toy.o3.v8.lm",
                                  "srilm/toy.o3.wbdiscountinterpolate.arpa", "srilm/toy.o3.addsmooth1.arpa"])
def test_other_tools_models_score_as_the_cli(name, cli):
    """KenLM, SRILM and IRSTLM files and an older lm format: the module's numbers are the lm command's."""
    from conftest import DATA
    path = DATA / name
    m = lm.Model(path)
    assert m.order == 3
    sentences = TOY_LINES + ["the cat", "zebra the", "a dog chased a cat"]
    out = cli("score", "-m", path, "--format", "tsv", *sentences).splitlines()[: len(sentences)]
    for s, row in zip(sentences, out):
        assert m.score(s) == float(row.split("\t")[0]), s


def test_older_format_reads_as_the_current_one(toy):
    from conftest import DATA
    v8 = lm.Model(DATA / "toy.o3.v8.lm")
    assert v8.info["format_version"] == 8 and toy.info["format_version"] > 8
    for s in TOY_LINES + EXTRA:
        assert v8.score(s) == toy.score(s)


def test_vocab_outlives_its_model(toy_path):
    v = lm.Model(toy_path).vocab
    it = iter(lm.Model(toy_path).vocab)
    import gc
    gc.collect()
    assert len(v) == 11 and v[0] == "<unk>" and next(it) == "<unk>" and next(it) == "<s>"
