"""The Python half of tools/bench_python.sh (run by it, once per measurement
and repeat, each time in a fresh interpreter).

    bench_python.py KIND MODEL TEST OUT [THREADS]

KIND is one of
  lm-batch    lm.Model(MODEL).score_batch(lines, threads=THREADS)
  lm-loop     for s in lines: lm.Model(MODEL).score(s, bos=True, eos=True)
  kenlm-loop  for s in lines: kenlm.Model(MODEL).score(s, bos=True, eos=True)

The model is loaded, numpy imported (lm-batch) and TEST read into a list of
lines (split at '\\n', as lm score reads a file) before the clock starts;
only the scoring is timed, with time.perf_counter. Writes "SECONDS SENTENCES
TOTAL_LOG10" to OUT (the caller's timer sends stdout to /dev/null), so that
the caller can check that every kind scored the same text to the same total.
"""
import math
import sys
import time


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def main(argv):
    if len(argv) not in (5, 6):
        sys.exit(__doc__)
    kind, model_path, test, out = argv[1:5]
    threads = int(argv[5]) if len(argv) == 6 else 1
    lines = read_lines(test)

    if kind == "lm-batch":
        # pybind11 imports numpy on the first call that makes an array: 0.1 s
        # on the benchmark host, loading rather than scoring, so done here.
        import numpy  # noqa: F401
        import lm
        model = lm.Model(model_path)
        start = time.perf_counter()
        scores = model.score_batch(lines, threads=threads)
        seconds = time.perf_counter() - start
        total = math.fsum(scores)
    elif kind in ("lm-loop", "kenlm-loop"):
        if kind == "lm-loop":
            import lm
            model = lm.Model(model_path)
        else:
            import kenlm
            model = kenlm.Model(model_path)
        total = 0.0
        start = time.perf_counter()
        for s in lines:
            total += model.score(s, bos=True, eos=True)
        seconds = time.perf_counter() - start
    else:
        sys.exit(f"bench_python.py: unknown KIND {kind!r}\n{__doc__}")

    with open(out, "w") as f:
        f.write(f"{seconds:.6f} {len(lines)} {total:.6f}\n")


if __name__ == "__main__":
    main(sys.argv)
