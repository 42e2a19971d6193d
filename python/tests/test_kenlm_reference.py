"""Parity with KenLM's reference outputs in ../shared/reference (lmplz + query, KenLM 4cb443e):
lm.train(kjv.tok.train.txt, order=N) is lmplz -o N, and Model scores as query does.
Every test here needs ../shared (LM_SHARED_DIR) and skips without it."""

from __future__ import annotations

import lzma
import math
import re

import pytest

import lm


def read_query_sentences(path):
    totals, oovs, summary = [], [], {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r"Total: (\S+) OOV: (\d+)", line)
        if m:
            totals.append(float(m.group(1)))
            oovs.append(int(m.group(2)))
        elif ":" in line:
            key, value = line.split(":", 1)
            summary[key] = float(value)
    return totals, oovs, summary


def read_lmplz_statistics(path):
    """n-gram count and discounts D1 D2 D3+ per order, from lmplz's log."""
    lines = path.read_text().splitlines()
    start = lines.index("Statistics:") + 1
    stats = []
    for line in lines[start:]:
        m = re.fullmatch(r"(\d+) (\d+) D1=(\S+) D2=(\S+) D3\+=(\S+)", line.strip())
        if not m:
            break
        stats.append((int(m.group(2)), float(m.group(3)), float(m.group(4)), float(m.group(5))))
    return stats


def check_query_sentences(model, lines, reference, tolerance=1e-4):
    totals, oovs, summary = read_query_sentences(reference)
    assert len(totals) == len(lines)
    total_log10, tokens, oov_total, oov_log10 = 0.0, 0, 0, 0.0
    for i, (line, expected, expected_oov) in enumerate(zip(lines, totals, oovs)):
        got = model.score(line)
        assert got == pytest.approx(expected, abs=tolerance), f"line {i + 1}: {line}"
        full = list(model.full_scores(line))
        assert sum(o for _, _, o in full) == expected_oov, f"line {i + 1}"
        total_log10 += got
        tokens += len(full)
        oov_total += expected_oov
        oov_log10 += sum(p for p, _, o in full if o)
    assert tokens == summary["Tokens"]
    assert oov_total == summary["OOVs"]
    assert 10 ** (-total_log10 / tokens) == pytest.approx(summary["Perplexity including OOVs"], rel=1e-5)
    assert 10 ** (-(total_log10 - oov_log10) / (tokens - oov_total)) == pytest.approx(
        summary["Perplexity excluding OOVs"], rel=1e-5)
    # score_batch gives the same numbers
    assert model.score_batch(lines).tolist() == [model.score(s) for s in lines]


def test_kjv_o3_statistics(kjv, shared):
    stats = read_lmplz_statistics(shared / "reference" / "kjv.tok.o3.lmplz-stderr.txt")
    assert len(stats) == 3
    info = kjv.info
    assert info["ngrams"] == [count for count, *_ in stats]
    assert info["vocab_size"] == stats[0][0] == len(kjv.vocab)
    for n, (_, d1, d2, d3) in enumerate(stats, start=1):
        params = info["smoothing_params"]
        assert params[f"D1_{n}"] == pytest.approx(d1, abs=1e-5)
        assert params[f"D2_{n}"] == pytest.approx(d2, abs=1e-5)
        assert params[f"D3+_{n}"] == pytest.approx(d3, abs=1e-5)


def test_kjv_o3_sentence_totals(kjv, kjv_test_lines, shared):
    """All 1,555 test sentences: query's Total within 1e-4, OOV counts, perplexities, token count."""
    check_query_sentences(kjv, kjv_test_lines, shared / "reference" / "kjv.tok.o3.query-sentences.txt")


def test_kjv_o3_words_first30(kjv, kjv_test_lines, shared):
    """query -v word on the first 30 lines: each token's word id, n-gram length and log10 p."""
    entries = (shared / "reference" / "kjv.tok.o3.query-words-first30.txt").read_text().split("\t")
    entries = [e.strip() for e in entries if e.strip()]
    sentences, current = [], []
    for e in entries:
        m = re.fullmatch(r"(.*)=(\d+) (\d+) (\S+)", e)
        assert m, e
        current.append((m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4))))
        if m.group(1) == "</s>":
            sentences.append(current)
            current = []
    assert current == [] and len(sentences) == 30
    checked = 0
    for line, expected in zip(kjv_test_lines, sentences):
        words = line.split() + ["</s>"]
        assert [w for w, *_ in expected] == words
        full = list(kjv.full_scores(line))
        assert len(full) == len(expected)
        for (p, n, oov), (word, word_id, length, log10) in zip(full, expected):
            assert n == length, (line, word)
            assert p == pytest.approx(log10, abs=1e-5), (line, word)
            assert oov == (word_id == 0), (line, word)
            if word_id != 0:
                assert kjv.vocab.index(word) == word_id  # the same ids as KenLM's vocabulary
                assert kjv.vocab[word_id] == word
            else:
                assert word not in kjv
            checked += 1
    assert checked == len(entries)


def test_kjv_o5(shared, kjv_test_lines):
    model = lm.train(shared / "corpora" / "kjv" / "kjv.tok.train.txt", order=5)
    stats = read_lmplz_statistics(shared / "reference" / "kjv.tok.o5.lmplz-stderr.txt")
    assert model.info["ngrams"] == [count for count, *_ in stats]
    check_query_sentences(model, kjv_test_lines, shared / "reference" / "kjv.tok.o5.query-sentences.txt")
    for context in ["", "and god said", "in the beginning god", "unicorn"]:
        assert math.fsum(p.prob for p in model.next(context, k=0)) == pytest.approx(1.0, abs=1e-6)


@pytest.fixture(scope="module")
def shakespeare_lines(shared):
    return (shared / "corpora" / "shakespeare" / "shakespeare.valid.txt").read_text(encoding="utf-8").splitlines()


def test_shakespeare_kenlm_arpa(shared, shakespeare_lines, tmp_path):
    """KenLM's own ARPA file, opened by Model (plain and .gz), scores as query does."""
    text = lzma.decompress((shared / "reference" / "shakespeare.o3.arpa.xz").read_bytes())
    arpa = tmp_path / "shakespeare.o3.arpa"
    arpa.write_bytes(text)
    model = lm.Model(arpa)
    assert model.order == 3
    check_query_sentences(model, shakespeare_lines, shared / "reference" / "shakespeare.o3.query-sentences.txt")
    gz = tmp_path / "shakespeare.o3.arpa.gz"
    model.write_arpa(gz)
    again = lm.Model(gz)
    for line in shakespeare_lines[:300]:
        assert again.score(line) == pytest.approx(model.score(line), abs=1e-6)


def test_shakespeare_trained(shared, shakespeare_lines):
    model = lm.train(shared / "corpora" / "shakespeare" / "shakespeare.train.txt", order=3)
    stats = read_lmplz_statistics(shared / "reference" / "shakespeare.o3.lmplz-stderr.txt")
    assert model.info["ngrams"] == [count for count, *_ in stats]
    check_query_sentences(model, shakespeare_lines, shared / "reference" / "shakespeare.o3.query-sentences.txt")
