"""Model.next (exact next-token distributions) and Model.generate, against the lm command."""

from __future__ import annotations

import math

import pytest

import lm
from conftest import TOY_KENLM_ARPA, state_after

TOY_CONTEXTS = ["", "the", "the cat", "<s>", "<s> a", "a dog the cat", "zebra", "ate the", "cheese"]
KJV_CONTEXTS = ["", "<s>", "and god", "in the beginning", "the lord", "<s> and", "zebra unicorn", "thou shalt"]


def test_next_hand_worked(toy_kenlm):
    # After "the cat": p(ate | the cat) = 10^-0.32080373 (trigram), p(</s> | the cat) = 10^-0.46416005.
    top = toy_kenlm.next("the cat", k=2)
    assert [p.word for p in top] == ["ate", "</s>"]
    assert top[0].log10_prob == pytest.approx(-0.32080373, abs=1e-6)
    assert top[1].log10_prob == pytest.approx(-0.46416005, abs=1e-6)
    assert top[0].prob == pytest.approx(0.477745, abs=1e-6)
    assert isinstance(top[0], lm.Prediction) and top[0] == (top[0].word, top[0].prob, top[0].log10_prob)


@pytest.mark.parametrize("model_name", ["toy", "toy_kenlm"])
def test_next_all_sums_to_one(request, model_name):
    model = request.getfixturevalue(model_name)
    for context in TOY_CONTEXTS:
        for bos in (False, True):
            dist = model.next(context, k=0, bos=bos)
            assert math.fsum(p.prob for p in dist) == pytest.approx(1.0, abs=1e-6), (context, bos)
            words = [p.word for p in dist]
            assert "<s>" not in words and "</s>" in words
            assert sorted(words) == sorted(w for w in model.vocab if w != "<s>")
            assert all(a.prob >= b.prob for a, b in zip(dist, dist[1:]))
            for p in dist:
                assert p.prob == pytest.approx(10 ** p.log10_prob, rel=1e-12)


def test_next_all_sums_to_one_kjv(kjv):
    for context in KJV_CONTEXTS:
        dist = kjv.next(context, k=0)
        assert len(dist) == len(kjv.vocab) - 1
        assert math.fsum(p.prob for p in dist) == pytest.approx(1.0, abs=1e-6), context


def test_next_equals_base_score(toy):
    for context in TOY_CONTEXTS:
        words = context.split()
        bos = bool(words) and words[0] == "<s>"
        if bos:
            words = words[1:]
        state = state_after(toy, words, bos)
        for p in toy.next(context, k=0):
            assert p.log10_prob == pytest.approx(toy.BaseScore(state, p.word, lm.State()), abs=1e-12), (context, p)


def test_next_context_forms(toy):
    assert toy.next("the cat", k=0) == toy.next(["the", "cat"], k=0) == toy.next(b"the cat", k=0)
    assert toy.next("a", k=0, bos=True) == toy.next("<s> a", k=0) == toy.next(["<s>", "a"], k=0)
    assert toy.next("a", k=0) != toy.next("<s> a", k=0)
    # only the last order-1 = 2 tokens matter
    assert toy.next("a dog the cat", k=0) == toy.next("the cat", k=0)
    assert len(toy.next("the", k=3)) == 3
    assert toy.next("the", k=3) == toy.next("the", k=0)[:3]
    assert toy.next("the") == toy.next("the", k=10)


def parse_cli_next(text):
    out = []
    for line in text.splitlines():
        word, prob, log10 = line.split("\t")
        out.append((word, prob, log10))
    return out


@pytest.mark.parametrize("which", ["toy", "kjv"])
def test_next_equals_cli(request, cli, which):
    if which == "toy":
        model, path, contexts = request.getfixturevalue("toy"), request.getfixturevalue("toy_path"), TOY_CONTEXTS
    else:
        model, path, contexts = request.getfixturevalue("kjv"), request.getfixturevalue("kjv_path"), KJV_CONTEXTS
    for context in contexts:
        expected = parse_cli_next(cli("next", "-m", path, "-k", "5", context))
        assert len(expected) == 5
        got = [(p.word, f"{p.prob:.6f}", f"{p.log10_prob:.4f}") for p in model.next(context, k=5)]
        assert got == expected, context


def test_next_on_arpa_equals_cli(cli):
    for context in TOY_CONTEXTS:
        expected = parse_cli_next(cli("next", "-m", TOY_KENLM_ARPA, "-k", "5", context))
        got = [(p.word, f"{p.prob:.6f}", f"{p.log10_prob:.4f}") for p in lm.Model(TOY_KENLM_ARPA).next(context, k=5)]
        assert got == expected, context


@pytest.mark.parametrize("which", ["toy", "kjv"])
@pytest.mark.parametrize("seed,n,prefix",
                         [(1, 5, ""), (7, 3, "the"), (42, 10, "the cat"), (12345, 4, ""), (5, 3, "zebra the")])
def test_generate_equals_cli(request, cli, which, seed, n, prefix):
    model = request.getfixturevalue(which)
    path = request.getfixturevalue(which + "_path")
    if which == "kjv" and prefix == "the cat":
        prefix = "and god said"
    expected = cli("generate", "-m", path, "--seed", seed, "-n", n, *prefix.split()).splitlines()
    got = model.generate(prefix, n=n, seed=seed)
    assert len(expected) == n
    assert got == expected
    for sentence in got:
        assert sentence.split()[: len(prefix.split())] == prefix.split()


def test_generate_options_equal_cli(kjv, kjv_path, cli):
    expected = cli("generate", "-m", kjv_path, "--seed", 3, "-n", 6, "--top-k", 5, "--temperature", 0.7,
                   "--no-unk", "--max-len", 12, "the").splitlines()
    assert kjv.generate("the", n=6, seed=3, top_k=5, temperature=0.7, no_unk=True, max_length=12) == expected
    expected = cli("generate", "-m", kjv_path, "--seed", 9, "-n", 4, "--top-p", 0.5).splitlines()
    assert kjv.generate(n=4, seed=9, top_p=0.5) == expected


@pytest.mark.parametrize("which,prefix", [("toy", "the"), ("kjv", "and")])
def test_generate_properties(request, which, prefix):
    model = request.getfixturevalue(which)
    a = model.generate(n=5, seed=11)
    assert a == model.generate(n=5, seed=11)
    assert a != model.generate(n=5, seed=12)
    # sentence i depends only on the seed and i
    assert model.generate(n=8, seed=11)[:5] == a
    assert len(model.generate(n=3)) == 3
    for s in model.generate(n=20, seed=5, max_length=4, no_unk=True):
        words = s.split()
        assert len(words) <= 4
        assert all(w in model for w in words)
    # top_k=1 is greedy: the argmax chain of next(), the same whatever the seed
    greedy = model.generate(prefix, n=2, seed=1, top_k=1, max_length=15)
    assert greedy[0] == greedy[1] == model.generate(prefix, n=1, seed=99, top_k=1, max_length=15)[0]
    words = ["<s>", prefix]
    for _ in range(15):
        best = model.next(words, k=1)[0].word
        if best == "</s>":
            break
        words.append(best)
    assert greedy[0] == " ".join(words[1:])


def test_next_context_from_a_generator(toy):
    # fresh str objects that die as the generator moves on
    expected = toy.next("<s> the cat", k=0)
    assert toy.next(("".join(list(w)) for w in ["<s>", "the", "cat"]), k=0) == expected
    assert toy.next((w.encode() for w in ["<s>", "the", "cat"]), k=0) == expected
    long = ["mouse", "ate"] * 200 + ["the", "cat"]
    assert toy.next(("".join(list(w)) for w in long), k=0) == toy.next("the cat", k=0)
