"""State (copy, deepcopy, hash, ==, <, pickle), BeginSentenceWrite, NullContextWrite, BaseScore and
BaseFullScore chains against full_scores, and a decoder-style beam search over states."""

from __future__ import annotations

import copy
import itertools
import math
import pickle

import pytest

import lm
from conftest import TOY_LINES, state_after

SENTENCES = TOY_LINES + ["the cat", "a mouse ate the dog", "cheese cheese", "the zebra ate the cat", "zebra", ""]


def chain(model, words, bos=True, eos=True, style="swap"):
    """KenLM's word-by-word loop; returns the (log10 p, ngram_length, oov) per token."""
    state, out = lm.State(), lm.State()
    if bos:
        model.BeginSentenceWrite(state)
    else:
        model.NullContextWrite(state)
    result = []
    for w in list(words) + (["</s>"] if eos else []):
        if style == "swap":  # KenLM's README: two states, swapped after each word
            r = model.BaseFullScore(state, w, out)
            state, out = out, state
        elif style == "copy":  # a fresh state per word, the input copied first
            before = copy.copy(state)
            nxt = lm.State()
            r = model.BaseFullScore(state, w, nxt)
            assert state == before  # the input is not touched
            state = nxt
        else:  # in place: out_state may be in_state
            r = model.BaseFullScore(state, w, state)
        result.append((r.log_prob, r.ngram_length, r.oov))
    return result


def test_state_basics(toy):
    s = lm.State()
    assert s.length == 0
    toy.BeginSentenceWrite(s)
    assert s.length == 1  # <s>
    null = lm.State()
    toy.NullContextWrite(null)
    assert null.length == 0 and null == lm.State()
    assert s != null
    assert repr(s) == "<lm.State of 1 words>"


def test_state_copy_deepcopy_pickle(toy):
    s = lm.State()
    toy.BeginSentenceWrite(s)
    out = lm.State()
    toy.BaseScore(s, "the", out)
    for c in (copy.copy(out), copy.deepcopy(out), pickle.loads(pickle.dumps(out))):
        assert c == out and hash(c) == hash(out) and c is not out
        assert isinstance(c, lm.State)
        assert c.length == out.length == 2
    c = copy.copy(out)
    toy.BaseScore(c, "cat", c)  # changing the copy leaves the original as it was
    assert c != out and out.length == 2
    # The copy scores as the original: the same next-word probabilities.
    a, b = lm.State(), lm.State()
    assert toy.BaseScore(copy.deepcopy(out), "cat", a) == toy.BaseScore(out, "cat", b)
    assert a == b
    # deepcopy inside containers (as decoders copy their beams)
    beams = {"x": [out, 1.0]}
    beams2 = copy.deepcopy(beams)
    assert beams2["x"][0] == out and beams2["x"][0] is not out


def test_state_equality_is_the_context(toy):
    # Order 3: only the last two words matter, however the sentence got there.
    a = state_after(toy, "the mouse ate the cat".split())
    b = state_after(toy, "the dog chased the cat".split())
    c = state_after(toy, "the cat".split(), bos=False)
    assert a == b == c
    assert hash(a) == hash(b) == hash(c)
    assert len({a, b, c}) == 1
    d = state_after(toy, "the dog".split())
    assert d != a and not (d == a)
    assert {a: 1, d: 2}[b] == 1


def test_state_total_order(toy):
    states = {lm.State()}
    for line in SENTENCES:
        words = line.split()
        for i in range(len(words) + 1):
            states.add(state_after(toy, words[:i]))
            states.add(state_after(toy, words[:i], bos=False))
    states = list(states)
    assert len(states) > 10
    for a, b in itertools.product(states, repeat=2):
        assert [a < b, a == b, a > b].count(True) == 1
        assert (a <= b) == (a < b or a == b)
        assert (a >= b) == (a > b or a == b)
        assert (a != b) == (not a == b)
    ordered = sorted(states)
    assert all(x < y for x, y in zip(ordered, ordered[1:]))
    assert sorted(reversed(ordered)) == ordered


@pytest.mark.parametrize("style", ["swap", "copy", "inplace"])
def test_base_full_score_chain_equals_full_scores(toy, toy_kenlm, style):
    for model in (toy, toy_kenlm):
        for s in SENTENCES:
            for bos, eos in itertools.product((True, False), repeat=2):
                got = chain(model, s.split(), bos=bos, eos=eos, style=style)
                assert got == list(model.full_scores(s, bos=bos, eos=eos)), (s, bos, eos)
                assert math.fsum(p for p, _, _ in got) == pytest.approx(model.score(s, bos=bos, eos=eos), abs=1e-12)


def test_base_full_score_fields(toy_kenlm):
    s, out = lm.State(), lm.State()
    toy_kenlm.BeginSentenceWrite(s)
    r = toy_kenlm.BaseFullScore(s, "the", out)
    assert isinstance(r, lm.FullScoreReturn)
    assert r.log_prob == pytest.approx(-0.25235978, abs=1e-7)
    assert r.ngram_length == 2 and r.oov is False
    r = toy_kenlm.BaseFullScore(out, "zebra", s)
    assert r.oov is True and r.ngram_length == 1
    assert r.log_prob == pytest.approx(-0.30103 - 0.30103 - 1.266661, abs=1e-6)
    assert toy_kenlm.BaseScore(out, b"zebra", lm.State()) == r.log_prob
    assert "FullScoreReturn(" in repr(r)


def test_chains_on_kjv(kjv, kjv_test_lines):
    """Many real sentences: the word-by-word chains give full_scores exactly, both copy styles."""
    for line in kjv_test_lines[:300]:
        expected = list(kjv.full_scores(line))
        assert chain(kjv, line.split(), style="swap") == expected
        assert chain(kjv, line.split(), style="copy") == expected


# --- a decoder's loop (pyctcdecode keeps beams of (text, State, score) and extends them with BaseScore) ---

def beam_search(model, candidates, steps, beam_size):
    start = lm.State()
    model.BeginSentenceWrite(start)
    beams = {start: (0.0, ())}  # state -> (best log10 p, its words): hypotheses with one state recombine
    for _ in range(steps):
        grown: dict = {}
        for state, (score, words) in beams.items():
            for w in candidates:
                new = lm.State()
                total = score + model.BaseScore(state, w, new)
                if new not in grown or total > grown[new][0]:
                    grown[new] = (total, words + (w,))
        beams = dict(sorted(grown.items(), key=lambda kv: -kv[1][0])[:beam_size])
    # close each hypothesis with </s>
    closed = []
    for state, (score, words) in beams.items():
        end = lm.State()
        closed.append((score + model.BaseScore(state, "</s>", end), score, words))
    return max(closed)


def test_decoder_beam_search_scores_equal_model_score(toy):
    candidates = ["the", "cat", "mouse", "ate", "cheese", "a", "zebra"]
    for beam_size in (1, 3, 10):
        with_eos, without_eos, words = beam_search(toy, candidates, steps=4, beam_size=beam_size)
        text = " ".join(words)
        assert len(words) == 4
        assert without_eos == pytest.approx(toy.score(text, bos=True, eos=False), abs=1e-9)
        assert with_eos == pytest.approx(toy.score(text), abs=1e-9)


def test_decoder_without_pruning_finds_the_best_sequence(toy):
    """With a beam wide enough, recombining by State is exact: the best of all 3-word sequences."""
    candidates = ["the", "cat", "mouse", "ate", "cheese", "dog"]
    best_no_eos = max(toy.score(" ".join(ws), eos=False) for ws in itertools.product(candidates, repeat=3))
    start = lm.State()
    toy.BeginSentenceWrite(start)
    beams = {start: 0.0}
    for _ in range(3):
        grown: dict = {}
        for state, score in beams.items():
            for w in candidates:
                new = lm.State()
                total = score + toy.BaseScore(state, w, new)
                grown[new] = max(total, grown.get(new, -math.inf))
        beams = grown
    assert max(beams.values()) == pytest.approx(best_no_eos, abs=1e-9)
