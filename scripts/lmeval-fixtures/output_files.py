#!/usr/bin/env python3
"""Regenerate the output-file fixtures: the files lm-eval 0.4.9's command line writes with
--output_path and --log_samples.

Run inside the venv made by setup.sh:

    .venv-lmeval/bin/python scripts/lmeval-fixtures/output_files.py

lm-eval's own command line (`lm_eval.__main__.cli_evaluate`) runs a plain task and a group of two
tasks (the group-table fixtures' `testbench_pair`) over the repository's datasets/ with a replayed
local-completions model, and writes its results_<date>.json and samples_<task>_<date>.jsonl into a
temporary folder. They are copied to Tests/TestbenchTests/Fixtures/lmeval-output/ with the date
taken out of their names (results.json, samples_<task>.jsonl), next to the answers replayed
(responses.jsonl) and the command line (args.json) for the Swift side to run the same.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402  (sets up the shim, offline data and lm-eval's imports)
import group_tables  # noqa: E402

import lm_eval.__main__ as lm_main  # noqa: E402

OUT = os.path.join(generate.REPO, "Tests", "TestbenchTests", "Fixtures", "lmeval-output")
MODEL_ARGS = f"base_url=http://127.0.0.1:9/v1/completions,model={generate.MODEL},tokenizer_backend=None,tokenized_requests=False"
TASKS = "bigbench_boolean_expressions,testbench_pair"
LIMIT = "3"


def main():
    generate._DATA["folder"] = generate.BUNDLED_DATASETS
    generate._DATA["by_name"] = True
    sink = {"bodies": [], "reply": ""}
    answers = {}
    api = generate.LocalCompletionsAPI
    generate_until = api.generate_until

    def one_at_a_time(self, requests, disable_tqdm=False):
        out = []
        for inst in requests:
            reply = group_tables.answer(inst.doc.get("target", ""), inst.doc_id)
            answers[(inst.task_name, inst.doc_id)] = reply
            sink["reply"] = reply
            out += generate_until(self, [inst], disable_tqdm=True)
        return out

    api.generate_until = one_at_a_time
    work = tempfile.mkdtemp(prefix="lmeval-output-")
    # lm-eval's --include_path takes one folder: the bundled tasks and the extra groups, copied into one.
    include = os.path.join(work, "tasks")
    shutil.copytree(generate.BUNDLED_TASKS, os.path.join(include, "tasks"))
    shutil.copytree(group_tables.GROUPS, os.path.join(include, "groups"))
    output = os.path.join(work, "out")
    argv = ["--model", "local-completions", "--model_args", MODEL_ARGS, "--tasks", TASKS, "--limit", LIMIT,
            "--include_path", include, "--output_path", output, "--log_samples"]
    saved = sys.argv
    sys.argv = ["lm_eval"] + argv
    try:
        with generate.intercepted_posts(sink):
            lm_main.cli_evaluate()
    finally:
        sys.argv = saved
        api.generate_until = generate_until
    folder = os.path.join(output, generate.MODEL)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        name = os.path.basename(path)
        stem = name[: name.rfind("_")]
        suffix = ".jsonl" if name.endswith(".jsonl") else ".json"
        shutil.copyfile(path, os.path.join(OUT, stem + suffix))
    shutil.rmtree(work)
    rows = [{"task": t, "doc_id": d, "response": r} for (t, d), r in sorted(answers.items())]
    generate.write_jsonl(os.path.join(OUT, "responses.jsonl"), rows)
    generate.write_json(os.path.join(OUT, "args.json"), argv[:8])
    print(f"lm-eval output files: {sorted(os.listdir(OUT))}", flush=True)


if __name__ == "__main__":
    main()
