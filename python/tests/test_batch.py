"""Model.score_batch: the same numbers as score(), on any number of threads."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from conftest import TOY_LINES, train_quietly

TOY_SENTENCES = TOY_LINES + ["the cat", "a mouse ate the dog", "zebra", "", "the zebra ate the cat", "<s> the cat </s>"]


def test_score_batch_equals_score(toy):
    scores = toy.score_batch(TOY_SENTENCES)
    assert isinstance(scores, np.ndarray) and scores.dtype == np.float64 and scores.shape == (len(TOY_SENTENCES),)
    assert scores.tolist() == [toy.score(s) for s in TOY_SENTENCES]


@pytest.mark.parametrize("bos,eos", list(itertools.product((True, False), repeat=2)))
def test_score_batch_bos_eos(toy, bos, eos):
    scores, lengths = toy.score_batch(TOY_SENTENCES, bos=bos, eos=eos, return_lengths=True)
    assert scores.tolist() == [toy.score(s, bos=bos, eos=eos) for s in TOY_SENTENCES]
    assert lengths.dtype == np.int64
    expected = [len([w for w in s.split() if w not in ("<s>", "</s>")]) + (1 if eos else 0) for s in TOY_SENTENCES]
    assert lengths.tolist() == expected
    # positional arguments, as the stub's second overload
    assert toy.score_batch(TOY_SENTENCES, bos, eos, 1, False).tolist() == scores.tolist()


def test_score_batch_inputs(toy):
    expected = [toy.score(s) for s in TOY_SENTENCES]
    assert toy.score_batch([s.encode() for s in TOY_SENTENCES]).tolist() == expected
    assert toy.score_batch(s for s in TOY_SENTENCES).tolist() == expected  # a generator
    assert toy.score_batch(tuple(TOY_SENTENCES)).tolist() == expected
    mixed = [s.encode() if i % 2 else s for i, s in enumerate(TOY_SENTENCES)]
    assert toy.score_batch(mixed).tolist() == expected
    empty = toy.score_batch([])
    assert empty.shape == (0,) and empty.dtype == np.float64
    s, n = toy.score_batch(iter([]), return_lengths=True)
    assert s.shape == (0,) and n.shape == (0,)


def test_score_batch_threads(model_and_lines):
    # 3000+ sentences: more than two batches of 1024, so threads=2 really uses two threads
    model, lines = model_and_lines
    assert len(lines) >= 3000
    one, lengths1 = model.score_batch(lines, threads=1, return_lengths=True)
    two, lengths2 = model.score_batch(lines, threads=2, return_lengths=True)
    default = model.score_batch(lines)
    assert np.array_equal(one, two) and np.array_equal(one, default)
    assert np.array_equal(lengths1, lengths2)
    assert one.tolist() == [model.score(s) for s in lines]
    assert lengths1.tolist() == [len(s.split()) + 1 for s in lines]
    for bos, eos in ((False, False), (True, False), (False, True)):
        a = model.score_batch(lines, bos=bos, eos=eos, threads=1)
        b = model.score_batch(lines, bos=bos, eos=eos, threads=2)
        assert np.array_equal(a, b)
        assert a.tolist() == [model.score(s, bos=bos, eos=eos) for s in lines]


def test_score_batch_bad_sentence_names_its_index(model_and_lines):
    model, lines = model_and_lines
    with pytest.raises(ValueError, match=r"sentences\[2\]"):
        model.score_batch(["the cat", "a mouse", "a <s> b", "the dog"])
    with pytest.raises(ValueError, match=r"sentences\[0\]"):
        model.score_batch(["the </s> cat"])
    # in the second thread's slice, and the first bad one is named
    lines = list(lines)
    lines[2900] = "a <s> b"
    lines[2950] = "c <s> d"
    with pytest.raises(ValueError, match=r"sentences\[2900\]"):
        model.score_batch(lines, threads=2)
    lines[100] = "e </s> f"
    with pytest.raises(ValueError, match=r"sentences\[100\]"):
        model.score_batch(lines, threads=2)


def test_score_batch_type_errors(toy):
    with pytest.raises(TypeError, match=r"sentences\[1\]"):
        toy.score_batch(["the cat", 3, "a mouse"])
    with pytest.raises(TypeError):
        toy.score_batch(5)


def parse_cli_scores(text):
    rows = []
    for line in text.splitlines():
        if not line or ":" in line.split("\t")[0]:
            continue  # the summary lines
        log10, ppl, tokens, oovs, _sentence = line.split("\t", 4)
        rows.append((float(log10), float(ppl), int(tokens), int(oovs)))
    return rows


def test_scores_equal_cli_score(model_and_lines, cli, tmp_path, request):
    model, lines = model_and_lines
    lines = lines[:1500]
    corpus = tmp_path / "lines.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = parse_cli_scores(cli("score", "-m", model.path, "--format", "tsv", "-i", corpus))
    assert len(expected) == len(lines)
    scores, lengths = model.score_batch(lines, return_lengths=True)
    for i, (line, (log10, ppl, tokens, oovs)) in enumerate(zip(lines, expected)):
        assert scores[i] == log10 == model.score(line), line
        assert lengths[i] == tokens
        assert model.perplexity(line) == pytest.approx(ppl, rel=1e-12)
        assert sum(o for _, _, o in model.full_scores(line)) == oovs


def test_full_scores_equal_cli_tokens(model_and_lines, cli, tmp_path):
    model, lines = model_and_lines
    lines = lines[:300]
    corpus = tmp_path / "lines.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = cli("score", "-m", model.path, "--format", "tsv", "--tokens", "-i", corpus).splitlines()[: len(lines)]
    for line, row in zip(lines, out):
        fields = row.split("\t")
        assert fields[4] == line
        tokens = fields[5].split(" ") if len(fields) > 5 and fields[5] else []
        expected = [(float(t.rsplit("|", 2)[2]), int(t.rsplit("|", 2)[1])) for t in tokens]
        got = [(p, n) for p, n, _ in model.full_scores(line)]
        assert got == expected, line
        assert [t.rsplit("|", 2)[0] for t in tokens] == line.split() + ["</s>"]


def test_closed_vocabulary_equals_cli(cli, tmp_path):
    path = tmp_path / "closed.lm"
    closed = train_quietly(TOY_LINES, order=3, closed_vocab=True, output=path)
    assert closed.info["closed_vocab"] is True
    sentences = ["the zebra", "the cat", "zebra zebra the"]
    out = cli("score", "-m", path, "--format", "tsv", *sentences).splitlines()[: len(sentences)]
    for s, row in zip(sentences, out):
        log10, ppl, tokens, oovs, _ = row.split("\t", 4)
        assert closed.score(s) == float(log10)
        assert closed.perplexity(s) == pytest.approx(float(ppl), rel=1e-12)
        assert sum(o for _, _, o in closed.full_scores(s)) == int(oovs)
    # an OOV of a closed vocabulary: KenLM's -100 for a model without <unk>, plus the backoffs on the way
    p, n, oov = list(closed.full_scores("zebra", bos=False, eos=False))[0]
    assert oov and n == 1 and p == pytest.approx(-100.0, abs=1e-6)


def test_score_batch_fresh_strings(model_and_lines):
    """Strings made by the generator as it goes (nothing else holds them), on two threads."""
    model, lines = model_and_lines
    expected = model.score_batch(lines, threads=1)
    got = model.score_batch((" ".join(s.split(" ")) for s in lines), threads=2)
    assert np.array_equal(got, expected)
    got = model.score_batch((s.encode() for s in lines), threads=2)
    assert np.array_equal(got, expected)
    assert np.array_equal(model.score_batch(np.array(lines[:50])), expected[:50])  # numpy.str_ items
