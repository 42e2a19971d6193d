"""One model used from several processes (pickled by path) and several threads at once."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading

import numpy as np
import pytest

import lm
from conftest import base_scores


def score_in_worker(job):
    """Runs in a child process: the model arrives pickled (by its path) and is reopened there."""
    model, sentences = job
    return os.getpid(), model.path, [model.score(s) for s in sentences], [list(model.full_scores(s)) for s in sentences]


def state_in_worker(job):
    model, state, word = job
    out = lm.State()
    return model.BaseScore(state, word, out), out


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_pool_of_two_scores_as_the_parent(model_and_lines, method):
    model, lines = model_and_lines
    lines = lines[:400]
    chunks = [lines[i: i + 50] for i in range(0, len(lines), 50)]
    with multiprocessing.get_context(method).Pool(2) as pool:
        results = pool.map(score_in_worker, [(model, chunk) for chunk in chunks])
    assert len(results) == len(chunks)
    for (pid, path, scores, full), chunk in zip(results, chunks):
        assert pid != os.getpid()
        assert path == model.path
        assert scores == [model.score(s) for s in chunk]
        assert full == [list(model.full_scores(s)) for s in chunk]


def test_states_cross_processes(toy):
    # A State pickled to another process that opened the same file scores the same there.
    s, out = lm.State(), lm.State()
    toy.BeginSentenceWrite(s)
    toy.BaseScore(s, "the", out)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(state_in_worker, [(toy, out, w) for w in ["cat", "mouse", "zebra", "</s>"]])
    for (score, state), w in zip(results, ["cat", "mouse", "zebra", "</s>"]):
        here = lm.State()
        assert score == toy.BaseScore(out, w, here)
        assert state == here and pickle.loads(pickle.dumps(state)) == here


def test_threads_share_one_model(model_and_lines):
    kjv, lines = model_and_lines
    lines = lines[:60]
    contexts = ["and god", "the lord", "<s> in the", "unicorn", "", "the cat", "<s> a"]
    expected_scores = [kjv.score(s) for s in lines]
    expected_full = [list(kjv.full_scores(s)) for s in lines]
    expected_next = [kjv.next(c, k=20) for c in contexts]
    expected_batch = kjv.score_batch(lines, threads=1)
    expected_gen = kjv.generate("the", n=3, seed=4)
    expected_chain = [base_scores(kjv, s.split())[0] for s in lines[:10]]

    barrier = threading.Barrier(8)
    errors, mismatches = [], []

    def work(index):
        try:
            barrier.wait()
            for rep in range(15):
                scores = [kjv.score(s) for s in lines]
                if scores != expected_scores:
                    mismatches.append((index, rep, "score"))
                if [list(kjv.full_scores(s)) for s in lines] != expected_full:
                    mismatches.append((index, rep, "full_scores"))
                if [kjv.next(c, k=20) for c in contexts] != expected_next:
                    mismatches.append((index, rep, "next"))
                batch = kjv.score_batch(lines, threads=1 + rep % 2)
                if not np.array_equal(batch, expected_batch):
                    mismatches.append((index, rep, "score_batch"))
                if rep % 5 == 0 and kjv.generate("the", n=3, seed=4) != expected_gen:
                    mismatches.append((index, rep, "generate"))
                for s, row in zip(lines[:10], expected_chain):
                    if base_scores(kjv, s.split())[0] != row:
                        mismatches.append((index, rep, "BaseScore"))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append((index, repr(e)))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert mismatches == []


def test_threads_errors_stay_in_their_thread(toy):
    """A bad sentence on one thread raises there, while the others keep getting right answers."""
    good = toy.score("the cat ate")
    results, errors = [], []

    def work(bad):
        for _ in range(200):
            try:
                if bad:
                    toy.score("a <s> b")
                else:
                    results.append(toy.score("the cat ate"))
            except ValueError as e:
                errors.append(str(e))

    threads = [threading.Thread(target=work, args=(i % 2 == 0,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 4 * 200 and all("inside a sentence" in e for e in errors)
    assert results == [good] * (4 * 200)
