#!/usr/bin/env python3
"""Regenerate the loglikelihood reference-run fixtures: what lm-eval 0.4.9 prints and writes for
multiple-choice runs over replayed loglikelihoods.

Run inside the venv made by setup.sh:

    .venv-lmeval/bin/python scripts/lmeval-fixtures/loglikelihood_runs.py

Writes Tests/TestbenchTests/Fixtures/loglikelihood-runs/ (replacing it):
  mmlu/        lm-eval's `mmlu` group (57 subjects under four size-weighted groups) over made-up rows
               (data/cais/mmlu/<subject>/{test,dev}.jsonl: 1 to 3 test rows per subject, so the
               weights matter), its two printed tables (table.txt: make_table of results, then of
               groups) and the loglikelihoods replayed (responses.jsonl:
               {task, doc_id, idx, loglikelihood, is_greedy}).
  navigate_mc/ lm-eval's own command line (cli_evaluate) on the bundled bigbench_navigate_mc with
               --limit 3 --output_path --log_samples: results.json and samples_<task>.jsonl (the date
               taken out of their names), responses.jsonl and args.json (its command line).
The model is lm-eval's LocalCompletionsAPI whose `loglikelihood` returns seeded made-up values;
everything else is lm-eval's code.
"""

from __future__ import annotations

import glob
import json
import os
import random
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402  (sets up the shim, offline data and lm-eval's imports)

import lm_eval.__main__ as lm_main  # noqa: E402

OUT = os.path.join(generate.REPO, "Tests", "TestbenchTests", "Fixtures", "loglikelihood-runs")
ANATOMY = os.path.join(generate.REPO, "Tests", "LMEvalTests", "Fixtures", "loglikelihood", "data", "mmlu", "anatomy")


def made_up(task, doc_id, idx):
    """A deterministic loglikelihood and is_greedy for one instance (six decimals, no ties)."""
    rnd = random.Random(f"{task}:{doc_id}:{idx}")
    return -round(rnd.uniform(0.05, 12.0), 6), rnd.random() < 0.35


def replaying(api, answers):
    """Patch api.loglikelihood to answer made-up values and record them."""
    def loglikelihood(self, requests, disable_tqdm=False):
        out = []
        for inst in requests:
            ll, greedy = made_up(inst.task_name, inst.doc_id, inst.idx)
            answers.append({"task": inst.task_name, "doc_id": inst.doc_id, "idx": inst.idx, "loglikelihood": ll, "is_greedy": greedy})
            out.append((ll, greedy))
        return out
    original = api.loglikelihood
    api.loglikelihood = loglikelihood
    return original


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def mmlu_subjects():
    folder = os.path.join(generate.REPO, ".cache", "lm-eval-0.4.9", "lm_eval", "tasks", "mmlu", "default")
    names = sorted(os.path.basename(p)[len("mmlu_"):-len(".yaml")] for p in glob.glob(os.path.join(folder, "mmlu_*.yaml")))
    return names


def mmlu(out):
    data = os.path.join(out, "data")
    test_rows, dev_rows = read_jsonl(os.path.join(ANATOMY, "test.jsonl")), read_jsonl(os.path.join(ANATOMY, "dev.jsonl"))
    subjects = mmlu_subjects()
    for i, subject in enumerate(subjects):
        count = 1 + i % 3
        rows = [dict(test_rows[(i + k) % len(test_rows)], subject=subject) for k in range(count)]
        generate.write_jsonl(os.path.join(data, "cais", "mmlu", subject, "test.jsonl"), rows)
        generate.write_jsonl(os.path.join(data, "cais", "mmlu", subject, "dev.jsonl"), [dict(dev_rows[0], subject=subject)])
    generate._DATA["folder"] = data
    generate._DATA["by_name"] = True
    lm = generate.make_model(False)
    answers = []
    api = type(lm)
    original = replaying(api, answers)
    try:
        results = generate.evaluator.simple_evaluate(model=lm, tasks=["mmlu"], task_manager=generate.task_manager("lmeval"))
    finally:
        api.loglikelihood = original
    table = generate.make_table(results) + "\n" + generate.make_table(results, "groups") + "\n"
    with open(os.path.join(out, "table.txt"), "w", encoding="utf-8") as f:
        f.write(table)
    answers.sort(key=lambda a: (a["task"], a["doc_id"], a["idx"]))
    generate.write_jsonl(os.path.join(out, "responses.jsonl"), answers)
    print(f"mmlu: {len(subjects)} subjects, {len(answers)} loglikelihoods", flush=True)


def navigate(out):
    generate._DATA["folder"] = generate.BUNDLED_DATASETS
    generate._DATA["by_name"] = True
    answers = []
    api = generate.LocalCompletionsAPI
    original = replaying(api, answers)
    work = tempfile.mkdtemp(prefix="lmeval-output-")
    output = os.path.join(work, "out")
    model_args = f"base_url=http://127.0.0.1:9/v1/completions,model={generate.MODEL},tokenizer_backend=None,tokenized_requests=False"
    argv = ["--model", "local-completions", "--model_args", model_args, "--tasks", "bigbench_navigate_mc", "--limit", "3",
            "--include_path", generate.BUNDLED_TASKS, "--output_path", output, "--log_samples"]
    saved = sys.argv
    sys.argv = ["lm_eval"] + argv
    try:
        lm_main.cli_evaluate()
    finally:
        sys.argv = saved
        api.loglikelihood = original
    for path in sorted(glob.glob(os.path.join(output, generate.MODEL, "*"))):
        name = os.path.basename(path)
        stem = name[: name.rfind("_")]
        shutil.copyfile(path, os.path.join(out, stem + (".jsonl" if name.endswith(".jsonl") else ".json")))
    shutil.rmtree(work)
    answers.sort(key=lambda a: (a["doc_id"], a["idx"]))
    generate.write_jsonl(os.path.join(out, "responses.jsonl"), answers)
    generate.write_json(os.path.join(out, "args.json"), argv[:8])
    print(f"bigbench_navigate_mc: {len(answers)} loglikelihoods, files {sorted(os.listdir(out))}", flush=True)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for name, build in (("mmlu", mmlu), ("navigate_mc", navigate)):
        folder = os.path.join(OUT, name)
        os.makedirs(folder)
        build(folder)


if __name__ == "__main__":
    main()
