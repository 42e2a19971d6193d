"""lm: n-gram language models, trained and queried from Python.

The same library as the `lm` command: models trained by `lm train` (or KenLM,
SRILM, IRSTLM as ARPA files) open with `Model(path)`, score like KenLM's
`kenlm.Model` (so `import lm as kenlm` works in existing code), and give exact
next-token distributions, samples, and batch scores as NumPy arrays.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections import namedtuple
from typing import Iterable, Optional, Sequence, Union

from ._lm import FullScoreReturn, Model, State, Vocab, __version__
from . import _lm

__all__ = [
    "Model", "LanguageModel", "State", "FullScoreReturn", "Vocab", "Prediction", "Config",
    "train", "prune", "mix", "__version__",
]

LanguageModel = Model  # KenLM's other name for Model

Prediction = namedtuple("Prediction", ["word", "prob", "log10_prob"])
Prediction.__doc__ = "A next token: the word, its probability and its log10 probability."


class Config:
    """KenLM's model loading options, accepted for compatibility: lm maps its
    binary models from disk and reads ARPA files into memory whatever they say."""

    def __init__(self) -> None:
        self.load_method = None
        self.arpa_complain = None


PathLike = Union[str, "os.PathLike[str]"]


def _per_order(name: str, value, kind) -> list:
    if value is None:
        return []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [kind(value)]
    try:
        return [kind(v) for v in value]
    except TypeError:
        raise TypeError(f"{name} must be a number or a sequence of numbers, not {type(value).__name__}") from None


def _write_sentences(sentences: Iterable[str], directory: str) -> str:
    fd, path = tempfile.mkstemp(prefix="lm-train-", suffix=".txt", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as f:
            for i, s in enumerate(sentences):
                if isinstance(s, bytes):
                    s = s.decode("utf-8", errors="surrogateescape")
                elif not isinstance(s, str):
                    raise TypeError(f"sentences[{i}] must be str or bytes, not {type(s).__name__}")
                if "\n" in s or "\r" in s:
                    raise ValueError(f"sentences[{i}]: holds a line break; give one sentence per item")
                f.write(s)
                f.write("\n")
    except BaseException:
        os.unlink(path)
        raise
    return path


def train(corpus: Union[PathLike, Iterable[str]], order: int = 3, *, output: Optional[PathLike] = None,
          arpa: Optional[PathLike] = None, memory: Union[str, int] = "50%", threads: int = 0,
          temp_dir: Optional[PathLike] = None, prune=None, min_counts=None, smoothing: str = "mkn",
          backoff: bool = False, discount=None, gt_max=None, add: Optional[float] = None,
          alpha: Optional[float] = None, strict_discounts: bool = False, nltk: bool = False,
          closed_vocab: bool = False, min_count: int = 1, max_vocab: int = 0,
          vocab_file: Optional[PathLike] = None, quantize_bits: int = 0, units: str = "words",
          normalize: str = "none", lowercase: bool = False, split_punct: bool = False,
          space_token: str = "", skip_bad_lines: bool = False) -> Model:
    """Trains a model, as `lm train` does, and returns it.

    corpus: a text file (plain or .gz, one sentence per line), or an iterable
    of sentences (str), which is written to a temporary file in temp_dir
    first. output / arpa: files to write (lm's binary format / ARPA); without
    output the model stays in memory (save() writes it later). The other
    options are `lm train`'s, with the same names and defaults: per-order
    lists (prune, min_counts, discount, gt_max) take one number or a
    sequence. Raises ValueError for options that cannot work or a bad
    sentence, OSError for files."""
    temp = os.fspath(temp_dir) if temp_dir is not None else tempfile.gettempdir()
    source = ""
    written = None
    if isinstance(corpus, (str, bytes, os.PathLike)):
        path = os.fsdecode(os.fspath(corpus))
    else:
        written = path = _write_sentences(corpus, temp)
        source = "sentences"
    try:
        model, messages = _lm._train(
            path, source, os.fspath(output) if output is not None else "", os.fspath(arpa) if arpa is not None else "",
            int(order), str(memory), int(threads), temp,
            _per_order("prune", prune, int), _per_order("min_counts", min_counts, int), smoothing, bool(backoff),
            _per_order("discount", discount, float), _per_order("gt_max", gt_max, int), add, alpha,
            bool(strict_discounts), bool(nltk), bool(closed_vocab), int(min_count), int(max_vocab),
            os.fspath(vocab_file) if vocab_file is not None else "", int(quantize_bits), units, normalize,
            bool(lowercase), bool(split_punct), space_token, bool(skip_bad_lines))
    finally:
        if written is not None:
            os.unlink(written)
    for message in messages:
        warnings.warn(message, stacklevel=2)
    return model


def prune(model: Model, threshold: float, *, min_order: int = 2, threads: int = 1,
          output: Optional[PathLike] = None) -> Model:
    """The model pruned by relative entropy, as `lm prune` (SRILM's -prune):
    n-grams whose removal changes perplexity by less than threshold (relative)
    go. Written to output when given."""
    return _lm._prune(model, float(threshold), int(min_order), int(threads),
                      os.fspath(output) if output is not None else "")


def mix(models: Sequence[Model], weights: Optional[Sequence[float]] = None, *, threads: int = 0,
        output: Optional[PathLike] = None) -> Model:
    """One model whose probabilities are the weighted mixture of the models'
    (`lm mix -o`, SRILM's -mix-lm): weights sum to 1, equal when None."""
    return _lm._mix(list(models), [float(w) for w in weights] if weights is not None else [], int(threads),
                    os.fspath(output) if output is not None else "")
