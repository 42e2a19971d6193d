"""lm.train (a file or sentences, options), lm.prune and lm.mix, against hand-worked figures and the lm command."""

from __future__ import annotations

import math
import warnings

import pytest

import lm
from conftest import DATA, TOY, TOY_LINES, train_quietly

SENTENCES = TOY_LINES + ["the cat", "a mouse ate the dog", "zebra", "", "the zebra ate the cat"]


def same_scores(a, b, sentences=SENTENCES):
    for s in sentences:
        assert a.score(s) == b.score(s), s
        assert list(a.full_scores(s)) == list(b.full_scores(s)), s


def test_train_warns_about_fallback_discounts():
    # toy.txt is too small to estimate Kneser-Ney discounts of orders 2 and 3 (KenLM needs --discount_fallback)
    with pytest.warns(UserWarning, match="discounts") as record:
        lm.train(str(TOY), order=3)
    assert len(record) == 2


def test_train_file_and_sentences_give_the_same_model(toy):
    from_list = train_quietly(TOY_LINES, order=3)
    from_gen = train_quietly((s for s in TOY_LINES), order=3)
    from_bytes = train_quietly([s.encode() for s in TOY_LINES], order=3)
    for m in (from_list, from_gen, from_bytes):
        assert m.path == ""
        assert list(m.vocab) == list(toy.vocab)
        assert m.info["ngrams"] == toy.info["ngrams"]
        same_scores(m, toy)


def test_train_output_equals_cli_byte_for_byte(tmp_path, cli):
    ours = tmp_path / "py.lm"
    model = train_quietly(TOY, order=3, output=ours, arpa=tmp_path / "py.arpa")
    assert model.path == str(ours)
    theirs = tmp_path / "cli.lm"
    cli("train", "--order", 3, "-o", theirs, "--arpa", tmp_path / "cli.arpa", TOY)
    assert ours.read_bytes() == theirs.read_bytes()
    assert (tmp_path / "py.arpa").read_bytes() == (tmp_path / "cli.arpa").read_bytes()
    same_scores(model, lm.Model(ours))


@pytest.mark.parametrize(
    "options,flags",
    [
        (dict(smoothing="wb"), ["--smoothing", "wb"]),
        (dict(smoothing="kn"), ["--smoothing", "kn"]),
        (dict(smoothing="katz"), ["--smoothing", "katz"]),
        (dict(smoothing="wb", backoff=True), ["--smoothing", "wb", "--backoff"]),
        (dict(smoothing="absolute", discount=[0.6, 0.7]), ["--smoothing", "absolute", "--discount", "0.6", "0.7"]),
        (dict(smoothing="add", add=0.5), ["--smoothing", "add", "--add", "0.5"]),
        (dict(smoothing="stupid", alpha=0.3), ["--smoothing", "stupid", "--alpha", "0.3"]),
        (dict(order=4, prune=[0, 1]), ["--order", "4", "--prune", "0", "1"]),
        (dict(quantize_bits=8), ["--quantize", "8"]),
        (dict(units="chars", order=5), ["--units", "chars", "--order", "5"]),
        (dict(lowercase=True, split_punct=True), ["--lowercase", "--split-punct"]),
        (dict(min_count=2), ["--min-count", "2"]),
    ],
)
def test_train_options_equal_cli_byte_for_byte(tmp_path, cli, options, flags):
    ours = tmp_path / "py.lm"
    model = train_quietly(TOY, **{"order": 3, **options}, output=ours)
    theirs = tmp_path / "cli.lm"
    cli("train", *(["--order", "3"] if "order" not in options else []), *flags, "-o", theirs, TOY)
    assert ours.read_bytes() == theirs.read_bytes()
    assert model.info["ngrams"] == lm.Model(theirs).info["ngrams"]


def test_train_arpa_only(tmp_path, toy):
    arpa = tmp_path / "only.arpa.gz"
    m = train_quietly(TOY, order=3, arpa=arpa)
    assert m.path == "" and arpa.stat().st_size > 0
    again = lm.Model(arpa)
    for s in SENTENCES:
        assert again.score(s) == pytest.approx(toy.score(s), abs=1e-6)


def test_train_kjv_equals_cli_byte_for_byte(kjv_path, cli, shared, tmp_path):
    theirs = tmp_path / "kjv.lm"
    cli("train", "--order", 3, "-o", theirs, shared / "corpora" / "kjv" / "kjv.tok.train.txt")
    assert kjv_path.read_bytes() == theirs.read_bytes()


def test_train_memory_and_threads_do_not_change_the_model(tmp_path, kjv_path, shared):
    small = tmp_path / "small.lm"
    lm.train(shared / "corpora" / "kjv" / "kjv.tok.train.txt", order=3, memory="1M", threads=1,
             temp_dir=tmp_path, output=small)
    assert small.read_bytes() == kjv_path.read_bytes()


def test_train_order(toy):
    for order in (1, 2, 4):
        m = train_quietly(TOY_LINES, order=order)
        assert m.order == order
        assert len(m.info["ngrams"]) == order
        assert m.info["ngrams"][0] == 11
        for _, n, _ in m.full_scores("the cat ate the mouse"):
            assert n <= order
    unigram = train_quietly(TOY_LINES, order=1)
    assert unigram.score("the cat") == unigram.score("cat the")


def test_train_mle_hand_worked():
    m = lm.train(TOY_LINES, order=2, smoothing="mle")
    assert m.info["smoothing"] == "mle"
    # p(the|<s>) = 4/5, p(cat|the) = 3/7, p(ate|cat) = 2/3, p(</s>|ate) = 1/4
    assert m.score("the cat ate") == pytest.approx(math.log10(4 / 5 * 3 / 7 * 2 / 3 * 1 / 4), abs=1e-6)
    u = lm.train(TOY_LINES, order=1, smoothing="mle")
    # 27 tokens (22 words + 5 </s>): p(the) = 7/27, p(</s>) = 5/27
    assert u.score("the") == pytest.approx(math.log10(7 / 27) + math.log10(5 / 27), abs=1e-6)


@pytest.mark.parametrize("smoothing", ["wb", "kn", "katz", "absolute", "add", "mle", "mkn"])
def test_train_smoothings_are_distributions(toy, smoothing):
    m = train_quietly(TOY_LINES, order=3, smoothing=smoothing)
    assert m.info["smoothing"] == smoothing
    if smoothing != "mkn":
        assert m.score("the cat ate the mouse") != toy.score("the cat ate the mouse")
    else:
        same_scores(m, toy)
    for context in ["", "the", "the cat", "<s> a"]:
        assert math.fsum(p.prob for p in m.next(context, k=0)) == pytest.approx(1.0, abs=1e-6), context


def test_train_chars():
    m = train_quietly(TOY_LINES, order=4, units="chars")
    assert m.info["units"] == "chars"
    assert set(list(m.vocab)[3:]) == set("".join(TOY_LINES).replace(" ", ""))
    full = list(m.full_scores("the cat"))
    assert len(full) == 6 + 1  # t h e c a t </s>: spaces are dropped
    assert m.score("the cat") == m.score("thecat")
    assert "c" in m and "cat" not in m


def test_train_lowercase():
    m = train_quietly(TOY_LINES + ["The Cat ATE"], order=3, lowercase=True)
    assert m.info["lowercase"] is True
    assert m.score("The Cat") == m.score("the cat")
    assert m.score("THE CAT ATE") == m.score("the cat ate")
    assert "The" not in m.vocab and "the" in m
    cased = train_quietly(TOY_LINES + ["The Cat ATE"], order=3)
    assert cased.score("The Cat") != cased.score("the cat")


def test_train_vocab_options():
    m = train_quietly(TOY_LINES, order=2, min_count=3)
    # words seen at least 3 times: the (7), mouse (3), ate (4), cat (3)
    assert sorted(list(m.vocab)[3:]) == ["ate", "cat", "mouse", "the"]
    m = train_quietly(TOY_LINES, order=2, max_vocab=2)
    assert sorted(list(m.vocab)[3:]) == ["ate", "the"]


def test_prune(kjv, kjv_test_lines, tmp_path, cli, kjv_path):
    out = tmp_path / "pruned.lm"
    pruned = lm.prune(kjv, 1e-6, output=out)
    assert pruned.path == str(out) and out.stat().st_size > 0
    before, after = kjv.info["ngrams"], pruned.info["ngrams"]
    assert after[0] == before[0]  # unigrams stay
    assert after[1] < before[1] and after[2] < before[2]
    lines = kjv_test_lines[:200]
    changed = sum(pruned.score(s) != kjv.score(s) for s in lines)
    assert changed > 100
    reopened = lm.Model(out)
    for s in lines:
        assert reopened.score(s) == pruned.score(s)
    for context in ["", "and god", "the lord"]:
        assert math.fsum(p.prob for p in pruned.next(context, k=0)) == pytest.approx(1.0, abs=1e-6)
    # a bigger threshold removes more; min_order=3 keeps every bigram
    more = lm.prune(kjv, 1e-5)
    assert more.path == "" and sum(more.info["ngrams"]) < sum(after)
    high = lm.prune(kjv, 1e-6, min_order=3)
    assert high.info["ngrams"][1] == before[1] and high.info["ngrams"][2] < before[2]
    # the same file as lm prune
    theirs = tmp_path / "cli-pruned.lm"
    cli("prune", kjv_path, "--threshold", "1e-6", "-o", theirs)
    assert out.read_bytes() == theirs.read_bytes()


def test_prune_toy(toy, tmp_path, cli, toy_path):
    out = tmp_path / "toy-pruned.lm"
    pruned = lm.prune(toy, 0.05, output=out)
    before, after = toy.info["ngrams"], pruned.info["ngrams"]
    assert after[0] == before[0] and sum(after) < sum(before)
    assert any(pruned.score(s) != toy.score(s) for s in TOY_LINES)
    assert lm.Model(out).score("the cat ate") == pruned.score("the cat ate")
    for context in ["", "the", "the cat", "<s> a"]:
        assert math.fsum(p.prob for p in pruned.next(context, k=0)) == pytest.approx(1.0, abs=1e-6)
    theirs = tmp_path / "cli-pruned.lm"
    cli("prune", toy_path, "--threshold", "0.05", "-o", theirs)
    assert out.read_bytes() == theirs.read_bytes()


def test_prune_zero_threshold_keeps_everything(toy):
    same = lm.prune(toy, 0.0)
    assert same.info["ngrams"] == toy.info["ngrams"]
    for s in SENTENCES:
        assert same.score(s) == pytest.approx(toy.score(s), abs=1e-6)


@pytest.fixture(scope="module")
def toy_wb(session_dir):
    return train_quietly(TOY, order=3, smoothing="wb", output=session_dir / "toy.wb.lm")


def test_mix_weights_one_zero_is_model_a(toy, toy_wb):
    a_only = lm.mix([toy, toy_wb], [1.0, 0.0])
    b_only = lm.mix([toy, toy_wb], [0.0, 1.0])
    assert a_only.info["ngrams"] == toy.info["ngrams"]
    for s in TOY_LINES:  # every n-gram explicit: 1 * p_A + 0 * p_B is p_A, the same float
        assert list(a_only.full_scores(s)) == list(toy.full_scores(s)), s
        assert list(b_only.full_scores(s)) == list(toy_wb.full_scores(s)), s
    for s in SENTENCES:  # backed-off words: recomputed backoff weights, float32 rounding
        assert a_only.score(s) == pytest.approx(toy.score(s), abs=1e-6), s
        assert b_only.score(s) == pytest.approx(toy_wb.score(s), abs=1e-6), s


def token_probs(model, sentence):
    return [10 ** p for p, _, _ in model.full_scores(sentence)]


def test_mix_equal_weights_averages(toy, toy_wb, tmp_path):
    out = tmp_path / "mixed.lm"
    mixed = lm.mix([toy, toy_wb], output=out)
    assert mixed.path == str(out)
    # Every n-gram of the training sentences is in both models: the mixture's p is the plain average.
    for s in TOY_LINES:
        pa, pb, pm = token_probs(toy, s), token_probs(toy_wb, s), token_probs(mixed, s)
        assert len(pm) == len(pa) == len(pb)
        for a, b, m in zip(pa, pb, pm):
            assert a != pytest.approx(b, abs=1e-4)  # the two models really differ here
            assert m == pytest.approx((a + b) / 2, abs=1e-6)
    # hand-checked on one context through next(k=0): p(w | the cat) for every w
    na = {p.word: p.prob for p in toy.next("the cat", k=0)}
    nb = {p.word: p.prob for p in toy_wb.next("the cat", k=0)}
    nm = {p.word: p.prob for p in mixed.next("the cat", k=0)}
    assert nm["ate"] == pytest.approx((na["ate"] + nb["ate"]) / 2, abs=1e-6)
    assert nm["</s>"] == pytest.approx((na["</s>"] + nb["</s>"]) / 2, abs=1e-6)
    assert math.fsum(nm.values()) == pytest.approx(1.0, abs=1e-6)
    reopened = lm.Model(out)
    for s in SENTENCES:
        assert reopened.score(s) == mixed.score(s)
    weighted = lm.mix([toy, toy_wb], [0.25, 0.75])
    s = "the cat ate"
    for a, b, m in zip(token_probs(toy, s), token_probs(toy_wb, s), token_probs(weighted, s)):
        assert m == pytest.approx(0.25 * a + 0.75 * b, abs=1e-6)


def test_mix_of_different_vocabularies_has_their_union(toy):
    other = train_quietly(DATA / "multilingual.txt", order=2)
    mixed = lm.mix([toy, other])
    assert set(mixed.vocab) == set(toy.vocab) | set(other.vocab)
    assert mixed.order == 3
    # a word both models have: the average of the two
    pa = {p.word: p.prob for p in toy.next("", k=0)}
    pb = {p.word: p.prob for p in other.next("", k=0)}
    pm = {p.word: p.prob for p in mixed.next("", k=0)}
    assert pm["the"] == pytest.approx((pa["the"] + pb["the"]) / 2, abs=1e-6)


def test_mix_of_different_vocabularies_gives_each_model_unk_for_missing_words(toy):
    # As SRILM's -mix-lm: a word one model lacks gets that model's <unk>
    # probability, so over the union vocabulary the unigrams sum to more
    # than 1 (README: mix); with one vocabulary they sum to 1 (above).
    other = train_quietly(DATA / "multilingual.txt", order=2)
    mixed = lm.mix([toy, other], [0.3, 0.7])
    pa = {p.word: p.prob for p in toy.next("", k=0)}
    pb = {p.word: p.prob for p in other.next("", k=0)}
    pm = {p.word: p.prob for p in mixed.next("", k=0)}
    assert set(pm) == set(pa) | set(pb)
    for word, p in pm.items():
        expected = 0.3 * pa.get(word, pa["<unk>"]) + 0.7 * pb.get(word, pb["<unk>"])
        assert p == pytest.approx(expected, rel=1e-5), word
    assert math.fsum(pm.values()) > 1.1
