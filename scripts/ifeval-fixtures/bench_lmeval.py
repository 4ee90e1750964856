"""lm-eval 0.4.9's ifeval process_results timed on a fixture's documents and responses (for
`testbench-bench ifeval`). Usage: bench_lmeval.py FIXTURE_DIR DOCUMENTS; prints one JSON line."""

from __future__ import annotations

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
os.environ.setdefault("NLTK_DATA", os.path.join(ROOT, ".venv-ifeval", "nltk_data"))
sys.path.insert(0, HERE)

from generate import import_ifeval  # noqa: E402


def main() -> None:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    folder, documents = sys.argv[1], int(sys.argv[2])
    utils, util, _ = import_ifeval()
    with open(os.path.join(folder, "data", "train.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    with open(os.path.join(folder, "responses.jsonl"), encoding="utf-8") as f:
        responses = [json.loads(line)["response"] for line in f]
    utils.process_results(rows[0], [responses[0]])  # loads Punkt and the langdetect profiles
    started = time.perf_counter()
    strict = 0
    for i in range(documents):
        strict += utils.process_results(rows[i % len(rows)], [responses[i % len(rows)]])["prompt_level_strict_acc"]
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "prompt_level_strict_acc": strict / documents}))


if __name__ == "__main__":
    import logging

    logging.disable(logging.CRITICAL)
    main()
