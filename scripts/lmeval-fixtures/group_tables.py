#!/usr/bin/env python3
"""Regenerate the group-table fixtures: lm-eval 0.4.9's printed tables for groups of bundled tasks.

Run inside the venv made by setup.sh:

    .venv-lmeval/bin/python scripts/lmeval-fixtures/group_tables.py

For every case, lm-eval's own simple_evaluate runs the named group over the repository's datasets/
with a replayed local-completions model (the answers of <case>.responses.jsonl), and the two
tables lm-eval's command line prints (make_table of results, then of groups) are written to
Tests/TestbenchTests/Fixtures/group-tables/<case>.txt. Extra group YAMLs live in that folder's
groups/ and are indexed next to tasks/.
"""

from __future__ import annotations

import json
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402  (sets up the shim, offline data and lm-eval's imports)

OUT = os.path.join(generate.REPO, "Tests", "TestbenchTests", "Fixtures", "group-tables")
GROUPS = os.path.join(OUT, "groups")

# name, group, documents per task (lm-eval's --limit)
CASES = [
    ("bigbench", "bigbench", 4),
    ("nested", "testbench_outer", 5),
    ("unaggregated", "testbench_plain", 3),
]


def answer(target, doc_id):
    # Right for two documents in three, so means and stderrs are not trivial.
    return "wrong" if doc_id % 3 == 1 else target


def main():
    tm = generate.TaskManager(include_path=[generate.BUNDLED_TASKS, GROUPS], include_defaults=False)
    generate._DATA["folder"] = generate.BUNDLED_DATASETS
    generate._DATA["by_name"] = True
    for name, group, limit in CASES:
        lm = generate.make_model(False)
        sink = {"bodies": [], "reply": ""}
        answers = {}
        generate_until = lm.generate_until

        def one_at_a_time(requests, disable_tqdm=False):
            out = []
            for inst in requests:
                target = inst.doc["target"] if "target" in inst.doc else ""
                reply = answer(target, inst.doc_id)
                answers[(inst.task_name, inst.doc_id)] = reply
                sink["reply"] = reply
                out += generate_until([inst], disable_tqdm=True)
            return out

        lm.generate_until = one_at_a_time
        with generate.intercepted_posts(sink):
            results = generate.evaluator.simple_evaluate(model=lm, tasks=[group], limit=limit, task_manager=tm)
        table = generate.make_table(results) + "\n"
        if "groups" in results:
            table += generate.make_table(results, "groups") + "\n"
        with open(os.path.join(OUT, f"{name}.txt"), "w", encoding="utf-8") as f:
            f.write(table)
        rows = [{"task": t, "doc_id": d, "response": r} for (t, d), r in sorted(answers.items())]
        generate.write_jsonl(os.path.join(OUT, f"{name}.responses.jsonl"), rows)
        print(f"group table {name}: {group}, {len(rows)} responses", flush=True)


if __name__ == "__main__":
    main()
