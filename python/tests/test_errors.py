"""Errors: missing and corrupt files (OSError naming the file, never a crash), bad options (ValueError),
wrong types (TypeError)."""

from __future__ import annotations

import gzip
import os
import pickle
import random
import shutil
import subprocess
import sys
import textwrap

import pytest

import lm
from conftest import TOY, TOY_LINES, train_quietly


def open_fails(path, kind=OSError):
    with pytest.raises(kind) as info:
        lm.Model(path)
    assert os.path.basename(str(path)) in str(info.value)
    return str(info.value)


def test_missing_file(tmp_path):
    open_fails(tmp_path / "nothere.lm", FileNotFoundError)
    with pytest.raises(FileNotFoundError, match="nothere.txt"):
        lm.train(tmp_path / "nothere.txt")


def test_directory(tmp_path):
    message = open_fails(tmp_path)
    assert "directory" in message


def test_empty_and_random_files(tmp_path):
    (tmp_path / "empty.lm").write_bytes(b"")
    open_fails(tmp_path / "empty.lm")
    rng = random.Random(5)
    for i, size in enumerate([1, 7, 100, 4096, 100_000]):
        p = tmp_path / f"random{i}.lm"
        p.write_bytes(bytes(rng.randrange(256) for _ in range(size)))
        open_fails(p)
    (tmp_path / "text.lm").write_text("the cat ate the mouse\n")
    open_fails(tmp_path / "text.lm")
    (tmp_path / "fake.arpa.gz").write_bytes(b"not gzip at all\n")
    open_fails(tmp_path / "fake.arpa.gz")


def test_truncated_binary_model(toy_path, tmp_path):
    data = toy_path.read_bytes()
    for cut in list(range(0, len(data), 97)) + [len(data) - 1, len(data) - 8]:
        p = tmp_path / "cut.lm"
        p.write_bytes(data[:cut])
        open_fails(p)


def test_truncated_kjv_model(kjv_path, tmp_path):
    data = kjv_path.read_bytes()
    for fraction in (0.01, 0.5, 0.99):
        p = tmp_path / "kjv-cut.lm"
        p.write_bytes(data[: int(len(data) * fraction)])
        open_fails(p)


def test_truncated_arpa(toy, tmp_path):
    full = tmp_path / "full.arpa"
    toy.write_arpa(full)
    data = full.read_bytes()
    assert lm.Model(full).order == 3
    for cut in range(0, len(data) - len("\\end\\\n"), 13):
        p = tmp_path / "cut.arpa"
        p.write_bytes(data[:cut])
        open_fails(p)
    gz = gzip.compress(data)
    for cut in range(0, len(gz), 17):
        p = tmp_path / "cut.arpa.gz"
        p.write_bytes(gz[:cut])
        open_fails(p)


def test_arpa_with_bad_lines_names_the_line(tmp_path):
    p = tmp_path / "bad.arpa"
    p.write_text("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<unk>\n-1\t<s>\n")
    message = open_fails(p)
    assert "bad.arpa:" in message
    p.write_text("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<unk>\nxyz\n-1\t</s>\n\n\\end\\\n")
    assert "bad.arpa:6" in open_fails(p)


def test_corrupt_bytes_never_crash(toy_path, tmp_path):
    """Bytes changed inside a binary model: an OSError or a model that still answers, never a crash.
    Run in a child process, so that a crash shows as a signal instead of killing the test run."""
    script = textwrap.dedent(
        f"""
        import random, lm
        data = open({str(toy_path)!r}, 'rb').read()
        rng = random.Random(3)
        for trial in range(200):
            b = bytearray(data)
            for _ in range(4):
                b[rng.randrange(len(b))] = rng.randrange(256)
            path = {str(tmp_path / 'corrupt.lm')!r}
            open(path, 'wb').write(b)
            try:
                m = lm.Model(path)
                for s in ['the cat ate', 'a mouse', 'zebra']:
                    m.score(s)
                m.next('the', k=0)
                m.score_batch(['the cat'] * 3)
            except OSError as e:
                assert 'corrupt.lm' in str(e), e
            except ValueError:
                pass
        print('done')
        """
    )
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "done"


@pytest.mark.parametrize(
    "options,setting",
    [
        (dict(order=0), "order"),
        (dict(order=17), "order"),
        (dict(smoothing="foo"), "smoothing"),
        (dict(memory="abc"), "memory"),
        (dict(units="x"), "units"),
        (dict(normalize="x"), "normalize"),
        (dict(smoothing="add", add=-1.0), "add"),
    ],
)
def test_train_bad_options(tmp_path, options, setting):
    out = tmp_path / "never.lm"
    with pytest.raises(ValueError, match=setting):
        lm.train(TOY, output=out, **options)
    assert not out.exists()


def test_train_bad_sentences(tmp_path):
    with pytest.raises(ValueError, match=r"sentences\[1\]"):
        lm.train(["a b", "a <s> b"])
    with pytest.raises(ValueError, match=r"sentences\[1\]"):
        lm.train(["a b", "c\nd"])
    with pytest.raises(TypeError, match=r"sentences\[1\]"):
        lm.train(["a b", 5])
    bad = tmp_path / "bad.txt"
    bad.write_text("the cat\nthe <s> dog\n")
    with pytest.raises(ValueError, match=r"bad.txt:2"):
        lm.train(bad)
    m = train_quietly(bad, order=2, skip_bad_lines=True)
    assert "dog" not in m and "cat" in m
    with pytest.raises(TypeError, match="prune"):
        lm.train(TOY, prune=object())
    with pytest.raises(ValueError):
        lm.train(TOY, prune="x")
    # the temporary file of sentences is removed, whatever happens
    before = set(os.listdir(tmp_path))
    with pytest.raises(ValueError):
        lm.train(["a b", "a <s> b"], temp_dir=tmp_path)
    assert set(os.listdir(tmp_path)) == before


def test_write_errors(toy, tmp_path):
    with pytest.raises(FileNotFoundError, match="nodir"):
        toy.save(tmp_path / "nodir" / "x.lm")
    with pytest.raises(FileNotFoundError, match="nodir"):
        toy.write_arpa(tmp_path / "nodir" / "x.arpa")
    with pytest.raises(OSError, match="nodir"):
        train_quietly(TOY, output=tmp_path / "nodir" / "x.lm")
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize("bad", [3, None, ["the", "cat"], 2.5])
def test_non_text_sentence_type_error(toy, bad):
    for call in (toy.score, toy.perplexity, toy.full_scores):
        with pytest.raises(TypeError, match="str or bytes"):
            call(bad)
    s = lm.State()
    with pytest.raises(TypeError):
        toy.BaseScore(s, bad, lm.State())
    with pytest.raises(TypeError):
        toy.BaseScore("not a state", "the", lm.State())


def test_bad_sentences_value_error(toy):
    for s in ["a <s> b", "a </s> b", "the cat </s> ate"]:
        with pytest.raises(ValueError, match="inside a sentence"):
            toy.score(s)
        with pytest.raises(ValueError):
            toy.full_scores(s)
    with pytest.raises(ValueError, match="surrogate"):
        toy.score("a \udcff b")
    with pytest.raises(ValueError, match="</s>"):
        toy.next("the </s>")


def test_bad_generate_and_mix_options(toy):
    with pytest.raises(ValueError, match="temperature"):
        toy.generate(temperature=0)
    with pytest.raises(ValueError, match="top_p"):
        toy.generate(top_p=2)
    with pytest.raises(ValueError, match="weights"):
        lm.mix([toy, toy], [0.5, 0.6])
    with pytest.raises(ValueError, match="weights"):
        lm.mix([toy, toy], [1.0])
    with pytest.raises(ValueError, match="threshold"):
        lm.prune(toy, -1)


def test_pickle_errors(tmp_path):
    mem = train_quietly(TOY_LINES, order=2)
    with pytest.raises(TypeError, match="in memory"):
        pickle.dumps(mem)
    # a pickled model whose file is gone: FileNotFoundError when unpickled
    path = tmp_path / "gone.lm"
    mem.save(path)
    data = pickle.dumps(lm.Model(path))
    os.unlink(path)
    with pytest.raises(FileNotFoundError, match="gone.lm"):
        pickle.loads(data)
    # a pickled State holds at most order - 1 = 15 words
    with pytest.raises(ValueError, match="not a State"):
        lm.State.__new__(lm.State).__setstate__(tuple(range(40)))


def test_saved_model_pickles(tmp_path):
    mem = train_quietly(TOY_LINES, order=2)
    path = tmp_path / "saved.lm"
    mem.save(path)
    assert mem.path == str(path)
    assert pickle.loads(pickle.dumps(mem)).score("the cat") == mem.score("the cat")


def test_forged_state_does_not_crash(toy_path):
    script = textwrap.dedent(
        f"""
        import lm
        m = lm.Model({str(toy_path)!r})
        s = lm.State.__new__(lm.State)
        s.__setstate__((4000000000, 123456789))
        try:
            m.BaseScore(s, 'the', lm.State())
        except ValueError:
            pass
        print('done')
        """
    )
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert p.returncode == 0, f"exit {p.returncode}: {p.stderr}"
    assert p.stdout.strip() == "done"
