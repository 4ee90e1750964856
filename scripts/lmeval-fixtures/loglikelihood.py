#!/usr/bin/env python3
"""Regenerate the loglikelihood parity fixtures from lm-eval 0.4.9 itself.

    .venv-lmeval/bin/python scripts/lmeval-fixtures/loglikelihood.py

Writes Tests/LMEvalTests/Fixtures/loglikelihood/ (replacing cases.json, <case>.jsonl,
<case>.scores.json and data/; tasks/ holds the custom YAMLs and is read, not written):
  <case>.jsonl        one line per instance as lm-eval's construct_requests builds it:
                      {doc_id, idx, request_type, prompt (the context), continuation, request, target};
                      `request` is LocalCompletionsAPI._create_payload(context + continuation,
                      generate=False) — the body lm-eval would POST without a tokenizer
  <case>.scores.json  the loglikelihood given to every instance (seeded, made up), and what lm-eval's
                      own process_results and aggregation make of them: per-document metrics and
                      the task's results rows
lm-eval's model is a LocalCompletionsAPI whose loglikelihood / loglikelihood_rolling return those
values; everything else (documents, prompts, choices, metrics) is lm-eval's code.
"""

import os
import random
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402  (installs the shim and the local-data loader)
import loglikelihood_docs  # noqa: E402

from lm_eval.tasks import TaskManager  # noqa: E402

OUT = os.path.join(generate.REPO, "Tests", "LMEvalTests", "Fixtures", "loglikelihood")
CUSTOM_TASKS = os.path.join(OUT, "tasks")


def cases():
    c = generate.case
    return [
        c("mmlu_anatomy_5shot", "mmlu_anatomy", "data/mmlu/anatomy", num_fewshot=5),
        c("mmlu_anatomy_0shot", "mmlu_anatomy", "data/mmlu/anatomy"),
        c("arc_challenge_0shot", "arc_challenge", "data/arc_challenge"),
        c("arc_challenge_2shot", "arc_challenge", "data/arc_challenge", num_fewshot=2),
        c("hellaswag_0shot", "hellaswag", "data/hellaswag"),
        c("hellaswag_1shot", "hellaswag", "data/hellaswag", num_fewshot=1),
        c("truthfulqa_mc2", "truthfulqa_mc2", "data/truthfulqa"),
        c("truthfulqa_mc1", "truthfulqa_mc1", "data/truthfulqa"),
        c("winogrande_0shot", "winogrande", "data/winogrande"),
        c("winogrande_5shot", "winogrande", "data/winogrande", num_fewshot=5),
        c("wikitext", "wikitext", "data/wikitext"),
        c("bigbench_navigate_mc", "bigbench_navigate_mc", "data/bigbench/navigate", tasks_dir="bundled"),
        c("bigbench_sports_understanding_mc", "bigbench_sports_understanding_mc", "data/bigbench/sports_understanding",
          tasks_dir="bundled"),
        c("arc_all_metrics", "arc_all_metrics", "data/arc_four_choices", tasks_dir="custom"),
        c("arc_last_word", "arc_last_word", "data/arc_challenge", tasks_dir="custom"),
        c("wikitext_plain", "wikitext_plain", "data/wikitext", tasks_dir="custom"),
        c("mmlu_f1", "mmlu_f1", "data/mmlu/anatomy", tasks_dir="custom"),
        c("navigate_f1", "navigate_f1", "data/bigbench/navigate", tasks_dir="custom"),
        c("tmmluplus_accounting_0shot", "tmmluplus_accounting", "data/tmmluplus/accounting"),
        c("tmmluplus_accounting_2shot", "tmmluplus_accounting", "data/tmmluplus/accounting", num_fewshot=2),
    ]


def made_up(case_name, doc_id, idx, rolling):
    """A deterministic loglikelihood and is_greedy for one instance (six decimals, no ties)."""
    rnd = random.Random(f"{case_name}:{doc_id}:{idx}")
    if rolling:
        return -round(rnd.uniform(40.0, 400.0), 6), False
    return -round(rnd.uniform(0.05, 12.0), 6), rnd.random() < 0.35


def plain(value):
    """numpy values and tuples -> JSON-ready Python."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def run(c):
    generate._DATA["folder"] = os.path.join(OUT, c["data"])
    lm = generate.make_model(False)
    records = []

    def loglikelihood(requests, disable_tqdm=False):
        out = []
        for inst in requests:
            context, continuation = inst.args[0], inst.args[1]
            ll, greedy = made_up(c["name"], inst.doc_id, inst.idx, False)
            records.append({"doc_id": inst.doc_id, "idx": inst.idx, "request_type": inst.request_type,
                            "prompt": context, "continuation": continuation,
                            "request": lm._create_payload(context + continuation, generate=False, seed=lm._seed),
                            "loglikelihood": ll, "is_greedy": greedy})
            out.append((ll, greedy))
        return out

    def loglikelihood_rolling(requests, disable_tqdm=False):
        out = []
        for inst in requests:
            (text,) = inst.args
            ll, _ = made_up(c["name"], inst.doc_id, inst.idx, True)
            records.append({"doc_id": inst.doc_id, "idx": inst.idx, "request_type": inst.request_type,
                            "prompt": "", "continuation": text,
                            "request": lm._create_payload(text, generate=False, seed=lm._seed),
                            "loglikelihood": ll})
            out.append(ll)
        return out

    lm.loglikelihood = loglikelihood
    lm.loglikelihood_rolling = loglikelihood_rolling
    if c["tasks_dir"] == "custom":
        manager = TaskManager(include_path=CUSTOM_TASKS)
    else:
        manager = generate.task_manager(c["tasks_dir"])
    results = generate.evaluator.simple_evaluate(
        model=lm, tasks=[c["task"]], num_fewshot=c["num_fewshot"], task_manager=manager, log_samples=True)
    generate._DATA["folder"] = None
    return records, results


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f == "cases.json" or f.endswith(".jsonl") or f.endswith(".scores.json"):
            os.remove(os.path.join(OUT, f))
    data = os.path.join(OUT, "data")
    if os.path.isdir(data):
        generate.shutil.rmtree(data)
    for folder, splits in loglikelihood_docs.datasets().items():
        for split, rows in splits.items():
            generate.write_jsonl(os.path.join(OUT, folder, f"{split}.jsonl"), rows)
    manifest = []
    for c in cases():
        records, results = run(c)
        samples = results["samples"][c["task"]]
        targets = {s["doc_id"]: s["target"] for s in samples}
        records.sort(key=lambda r: (r["doc_id"], r["idx"]))
        lines = [{k: r[k] for k in ("doc_id", "idx", "request_type", "prompt", "continuation", "request")}
                 | {"target": targets[r["doc_id"]]} for r in records]
        generate.write_jsonl(os.path.join(OUT, f"{c['name']}.jsonl"), lines)
        task_results = results["results"][c["task"]]
        rows = []
        for key, value in task_results.items():
            if key == "alias" or "_stderr," in key:
                continue
            metric, filt = key.split(",", 1)
            stderr = task_results.get(f"{metric}_stderr,{filt}")
            rows.append({"metric": metric, "filter": filt, "value": value, "stderr": stderr})
        scores = {
            "name": c["name"], "task": c["task"],
            "output_type": results["configs"][c["task"]]["output_type"],
            "metric_list": results["configs"][c["task"]].get("metric_list"),
            "loglikelihoods": [{k: r[k] for k in ("doc_id", "idx", "loglikelihood", "is_greedy") if k in r} for r in records],
            "samples": [{"doc_id": s["doc_id"], "metrics": {m: plain(s[m]) for m in s["metrics"]}}
                        for s in sorted(samples, key=lambda s: s["doc_id"])],
            "results": plain(rows),
            "n": results["n-samples"][c["task"]]["effective"],
        }
        generate.write_json(os.path.join(OUT, f"{c['name']}.scores.json"), scores)
        manifest.append({k: c[k] for k in ("name", "task", "tasks_dir", "data", "num_fewshot")}
                        | {"instances": len(lines), "docs": len(targets)})
        print(f"loglikelihood {c['name']}: {len(targets)} docs, {len(lines)} instances", flush=True)
    generate.write_json(os.path.join(OUT, "cases.json"), manifest)
    generate.shutil.rmtree(generate._CACHE, ignore_errors=True)


if __name__ == "__main__":
    main()
