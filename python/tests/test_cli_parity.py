"""Models of every kind give the module the lm command's numbers: score and full_scores as
`lm score --tokens`, next as `lm next -k 5`, generate as `lm generate --seed`."""

from __future__ import annotations

import pytest

from conftest import DATA, TOY, train_quietly

KINDS = {
    "nltk-wb": (TOY, dict(order=3, smoothing="wb", nltk=True)),
    "closed": (TOY, dict(order=3, closed_vocab=True)),
    "stupid": (TOY, dict(order=3, smoothing="stupid")),
    "katz-o4": (TOY, dict(order=4, smoothing="katz")),
    "quantized": (TOY, dict(order=3, quantize_bits=6)),
    "chars-space": (DATA / "multilingual.txt", dict(order=4, units="chars", space_token="▁")),
    "bytes": (DATA / "multilingual.txt", dict(order=4, units="bytes")),
    "folded": (DATA / "multilingual.txt",
               dict(order=3, lowercase=True, split_punct=True, normalize="nfkc")),
}
SENTENCES = ["the cat ate", "a mouse", "zebra", "The Cat ATE the cheese.", "Кошка съела сыр!", "床前明月光", ""]
CONTEXTS = ["", "<s>", "the", "the cat", "Кошка", "床前"]


@pytest.fixture(scope="module", params=sorted(KINDS))
def kind(request, tmp_path_factory):
    corpus, options = KINDS[request.param]
    path = tmp_path_factory.mktemp("kinds") / f"{request.param}.lm"
    return train_quietly(corpus, **options, output=path), path


def test_score_and_tokens_equal_cli(kind, cli):
    model, path = kind
    out = cli("score", "-m", path, "--format", "tsv", "--tokens", *SENTENCES).splitlines()[: len(SENTENCES)]
    assert len(out) == len(SENTENCES)
    for s, row in zip(SENTENCES, out):
        fields = row.split("\t")
        assert model.score(s) == float(fields[0]), s
        assert model.score_batch([s])[0] == float(fields[0]), s
        tokens = fields[5].split(" ") if len(fields) > 5 and fields[5] else []
        expected = [(float(t.rsplit("|", 2)[2]), int(t.rsplit("|", 2)[1])) for t in tokens]
        assert [(p, n) for p, n, _ in model.full_scores(s)] == expected, s
        assert int(fields[2]) == len(expected)
        assert sum(o for _, _, o in model.full_scores(s)) == int(fields[3]), s


def test_next_equals_cli(kind, cli):
    model, path = kind
    for context in CONTEXTS:
        expected = [tuple(line.split("\t")) for line in cli("next", "-m", path, "-k", "5", context).splitlines()]
        got = [(p.word, f"{p.prob:.6f}", f"{p.log10_prob:.4f}") for p in model.next(context, k=5)]
        assert got == expected, context


def test_generate_equals_cli(kind, cli):
    model, path = kind
    for seed, prefix in ((1, ""), (2, "the")):
        expected = cli("generate", "-m", path, "--seed", seed, "-n", 4, *prefix.split()).split("\n")[:4]
        assert model.generate(prefix, n=4, seed=seed) == expected, (seed, prefix)
