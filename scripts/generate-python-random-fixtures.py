#!/usr/bin/env python3
"""Writes Tests/PythonTests/Fixtures/random/cpython-random.json: values CPython's
random.Random gives for a range of seeds, so PythonRandom can be checked against them.
Run with the Python whose `random` module the parity target used (CPython 3.11)."""
import json
import pathlib
import random
import sys

out = pathlib.Path(__file__).resolve().parent.parent / "Tests/PythonTests/Fixtures/random/cpython-random.json"

seeds = [0, 1, 2, 42, 1234, 4294967295, 4294967296, 2**40 + 17, 2**63 - 1, -1, -1234]
cases = []
for seed in seeds:
    r = random.Random(seed)
    case = {"seed": seed}
    case["random"] = [r.random() for _ in range(5)]
    case["getrandbits"] = [[k, r.getrandbits(k)] for k in (1, 5, 31, 32, 33, 53, 63)]
    case["randrange"] = [[n, r.randrange(n)] for n in (1, 2, 3, 7, 10, 100, 1000, 2**31 + 5)]
    case["randrange_step"] = [[a, b, s, r.randrange(a, b, s)] for a, b, s in ((0, 10, 3), (5, 50, 7), (10, 0, -2), (-5, 5, 1))]
    case["choice"] = [r.choice(list(range(n))) for n in (1, 2, 9, 57)]
    lst = list(range(20))
    r.shuffle(lst)
    case["shuffle20"] = lst
    cases.append(case)

# sample(population, k): both branches (pool list for small n, selected set for large n).
samples = []
for seed in (0, 1, 7, 1234, 99999):
    for n, k in ((1, 1), (5, 0), (5, 5), (6, 3), (21, 5), (22, 2), (22, 6), (26, 6), (40, 6), (50, 10), (100, 3),
                 (150, 30), (200, 4), (1000, 6), (1319, 6), (5000, 26)):
        r = random.Random(seed)
        draws = [r.sample(range(n), k) for _ in range(3)]
        samples.append({"seed": seed, "n": n, "k": k, "draws": draws})

# lm-eval: one Random(1234) per task, drawn document after document.
r = random.Random(1234)
lmeval_1234 = [r.sample(range(7473), 6) for _ in range(50)]

doc = {"python": sys.version.split()[0], "cases": cases, "samples": samples, "lmeval_seed1234_n7473_k6": lmeval_1234}
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(json.dumps(doc, indent=1) + "\n")
print(f"wrote {out}")
