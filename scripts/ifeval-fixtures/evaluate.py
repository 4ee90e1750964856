"""lm-eval 0.4.9's whole evaluator on ifeval over the fixture rows and responses, for the
end-to-end check of `testbench run` (Tests/TestbenchTests/Fixtures/ifeval-run/).

Each (row, response) of cases.py becomes one document of `train.jsonl` (the row as it is), and
its response the model's answer for that document; lm-eval's `simple_evaluate` then scores them
with ifeval's process_results and aggregations. Writes `train.jsonl`, `responses.jsonl`
(`{"doc_id", "response"}`, the `testbench run --responses` format) and `lmeval.json` (lm-eval's
results rows, per-document metrics and printed table).

Needs lm-eval's full venv (scripts/lmeval-fixtures/setup.sh) with this folder's requirements:
    scripts/lmeval-fixtures/setup.sh && scripts/ifeval-fixtures/setup.sh
    .venv-lmeval/bin/python scripts/ifeval-fixtures/evaluate.py
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "Tests", "TestbenchTests", "Fixtures", "ifeval-run")
os.environ.setdefault("NLTK_DATA", os.path.join(ROOT, ".venv-ifeval", "nltk_data"))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts", "lmeval-fixtures"))

import cases  # noqa: E402
import generate as lmeval  # noqa: E402  (scripts/lmeval-fixtures/generate.py: the shimmed lm-eval run)


def main() -> None:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0  # as the native detector (see LanguageDetector.swift)
    docs, responses = [], []
    for row in cases.ROWS:
        doc = {"key": row["key"], "prompt": row["prompt"], "instruction_id_list": row["ids"], "kwargs": row["kwargs"]}
        for response in row["responses"]:
            docs.append(doc)
            responses.append(response)
    data = os.path.join(OUT, "data")
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(data, "train.jsonl"), "w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "responses.jsonl"), "w", encoding="utf-8") as f:
        for i, response in enumerate(responses):
            f.write(json.dumps({"doc_id": i, "response": response}, ensure_ascii=False) + "\n")

    c = lmeval.case("ifeval_run", "ifeval", "data")
    _, results, samples = lmeval.run_case(c, OUT, responses=responses)
    task = results["results"]["ifeval"]
    rows = []
    for key, value in task.items():
        if key == "alias" or "_stderr," in key:
            continue
        metric, filt = key.split(",", 1)
        rows.append({"filter": filt, "metric": metric, "value": value, "stderr": task[f"{metric}_stderr,{filt}"]})
    out = {
        "results": rows,
        "n": results["n-samples"]["ifeval"]["effective"],
        "samples": [{"doc_id": s["doc_id"], "metrics": {m: s[m] for m in s["metrics"]}} for s in sorted(samples, key=lambda s: s["doc_id"])],
        "table": lmeval.make_table(results),
    }
    with open(os.path.join(OUT, "lmeval.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print(f"ifeval: {out['n']} documents -> {OUT}")
    print(out["table"])


if __name__ == "__main__":
    main()
