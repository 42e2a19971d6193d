"""Fixtures of the lm module's tests.

Run from the repository root, with the module built (cmake -DLM_PYTHON=ON):

    PYTHONPATH=build/python LM_BIN=build/lm LM_SHARED_DIR=../shared python3 -m pytest -q python/tests

- Test data: <repo>/tests/data (toy.txt: a 5-line corpus; toy.o3.kenlm.arpa: KenLM's
  order-3 model of it, lmplz --discount_fallback).
- ../shared corpora and KenLM reference outputs: $LM_SHARED_DIR, else <repo>/../shared.
  Tests that need them skip (saying so) when the directory is missing.
- The lm command: $LM_BIN, else <repo>/build/lm, else lm on PATH. Tests that compare
  with it skip (saying so) when there is none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

import lm

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
TOY = DATA / "toy.txt"
TOY_KENLM_ARPA = DATA / "toy.o3.kenlm.arpa"
TOY_LINES = TOY.read_text(encoding="utf-8").splitlines()


def shared_dir() -> Path:
    env = os.environ.get("LM_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


def lm_bin() -> str | None:
    env = os.environ.get("LM_BIN")
    if env:
        return env
    built = REPO / "build" / "lm"
    if built.exists():
        return str(built)
    return shutil.which("lm")


@pytest.fixture(scope="session")
def shared() -> Path:
    d = shared_dir()
    if not (d / "corpora").is_dir() or not (d / "reference").is_dir():
        pytest.skip(f"needs ../shared (LM_SHARED_DIR): no corpora/ and reference/ in {d}")
    return d


@pytest.fixture(scope="session")
def cli():
    """Runs the lm command: cli('next', '-m', path, ...) -> stdout (str). Fails on a non-zero exit."""
    binary = lm_bin()
    if binary is None or not Path(binary).exists():
        pytest.skip("needs the lm command (LM_BIN, build/lm or lm on PATH) to compare with")

    def run(*args, stdin: str | None = None) -> str:
        p = subprocess.run([binary, *map(str, args)], input=stdin, capture_output=True, encoding="utf-8",
                           errors="surrogateescape", timeout=600)  # a bytes model prints any bytes
        assert p.returncode == 0, f"lm {' '.join(map(str, args))} exited {p.returncode}: {p.stderr}"
        return p.stdout

    return run


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lm-models")


def base_scores(model, words, bos=True) -> tuple[list[float], "lm.State"]:
    """KenLM's chain: each word's BaseScore from the sentence start (bos) or
    the empty context, and the state after the last word."""
    s, o = lm.State(), lm.State()
    (model.BeginSentenceWrite if bos else model.NullContextWrite)(s)
    scores = []
    for w in words:
        scores.append(model.BaseScore(s, w, o))
        s, o = o, s
    return scores, s


def state_after(model, words, bos=True) -> "lm.State":
    """The state after words, by BaseScore from the start (bos) or the empty context."""
    return base_scores(model, words, bos)[1]


def train_quietly(*args, **kwargs) -> lm.Model:
    """lm.train without the discount-fallback warnings a tiny corpus gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lm.train(*args, **kwargs)


@pytest.fixture(scope="session")
def toy_path(session_dir) -> Path:
    """The toy corpus's order-3 model (mkn, as lm train --order 3), in lm's binary format."""
    path = session_dir / "toy.lm"
    train_quietly(str(TOY), order=3, output=path)
    return path


@pytest.fixture(scope="session")
def toy(toy_path) -> lm.Model:
    return lm.Model(toy_path)


@pytest.fixture(scope="session")
def toy_kenlm() -> lm.Model:
    """KenLM's own order-3 model of toy.txt (ARPA)."""
    return lm.Model(TOY_KENLM_ARPA)


@pytest.fixture(scope="session")
def kjv_path(shared, session_dir) -> Path:
    """kjv.tok.train.txt, order 3, default options: KenLM's lmplz -o 3 equivalent."""
    path = session_dir / "kjv.tok.o3.lm"
    lm.train(shared / "corpora" / "kjv" / "kjv.tok.train.txt", order=3, output=path)
    return path


@pytest.fixture(scope="session")
def kjv(kjv_path) -> lm.Model:
    return lm.Model(kjv_path)


@pytest.fixture(scope="session")
def kjv_test_lines(shared) -> list[str]:
    return (shared / "corpora" / "kjv" / "kjv.tok.test.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def toy_many() -> list[str]:
    """3,000 sentences of toy words (and an OOV), for tests that need more than a batch of 1,024
    sentences without ../shared: random, but the same in every run."""
    import random

    rng = random.Random(2024)
    words = sorted({w for line in TOY_LINES for w in line.split()}) + ["zebra"]
    return [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 12))) for _ in range(3000)]


@pytest.fixture(params=["toy", "kjv"])
def model_and_lines(request):
    """(model, many sentences): the toy model with toy_many, and kjv o3 with its test set twice
    (3,110 lines; skipped without ../shared)."""
    if request.param == "toy":
        return request.getfixturevalue("toy"), request.getfixturevalue("toy_many")
    return request.getfixturevalue("kjv"), request.getfixturevalue("kjv_test_lines") * 2
