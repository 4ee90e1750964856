"""lm-eval 0.4.9's side of `testbench-bench loglikelihood`: 5-shot mmlu_anatomy over the JSONL
documents the benchmark wrote, timed in one of two phases (one process each, so each reports its
own peak RSS):

  requests  `Task.build_all_requests` (few-shot contexts, 4 loglikelihood instances per document)
            plus, per instance, `LocalCompletionsAPI._create_payload(context + continuation,
            generate=False)` and `json.dumps` of the body, as scripts/lmeval-fixtures/loglikelihood.py
            builds them.
  scoring   (a) per document `Task.process_results(doc, [(loglikelihood, is_greedy)] * 4)` and the
            task's `acc` aggregation over the made-up values; (b) the same after `json.loads` of each
            echoed /v1/completions body and `LocalCompletionsAPI.parse_logprobs` on it.

Run with the fixtures venv (scripts/lmeval-fixtures/setup.sh):
  .venv-lmeval/bin/python scripts/bench-loglikelihood/lmeval_loglikelihood.py requests TASKS_TREE DATA_DIR REPETITIONS
  .venv-lmeval/bin/python scripts/bench-loglikelihood/lmeval_loglikelihood.py scoring TASKS_TREE DATA_DIR REPETITIONS RESPONSES_JSONL

TASKS_TREE is lm-eval's lm_eval/tasks folder (only its mmlu/ subfolder is indexed: indexing is not
timed, and the whole tree would only make the run longer). RESPONSES_JSONL has one
{"doc_id", "idx", "loglikelihood", "is_greedy", "body"} per instance. Dataset loading, task
loading and reading the responses file are left out of the times, which favours lm-eval. The last
line printed is one JSON object with the best of REPETITIONS and the process's peak RSS.
"""
import atexit
import json
import os
import resource
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(REPO, "scripts", "lmeval-fixtures"))

# Offline, with a private datasets cache, so nothing outside this run is read or kept.
_CACHE = tempfile.mkdtemp(prefix="bench-loglikelihood-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["HF_DATASETS_CACHE"] = os.path.join(_CACHE, "datasets")

import lmeval_shim  # noqa: E402

lmeval_shim.install_stubs()

TASK = "mmlu_anatomy"


def load_task(tree, data):
    lmeval_shim.use_local_data(lambda path, name: data)
    from lm_eval.tasks import TaskManager, get_task_dict

    manager = TaskManager(include_path=os.path.join(tree, "mmlu"), include_defaults=False)
    task = get_task_dict([TASK], manager)[TASK]
    task.set_config(key="num_fewshot", value=5)
    return task


def model():
    from lm_eval.models.openai_completions import LocalCompletionsAPI

    # No tokenizer: prompts are sent as strings, as the fixtures' model is made.
    return LocalCompletionsAPI(base_url="http://127.0.0.1:9/v1/completions", model="testbench-model",
                               tokenizer_backend=None, tokenized_requests=False)


def peak_rss_mib():
    """This process's peak RSS in MiB, imports and dataset load included: VmHWM, not ru_maxrss,
    which Linux carries over exec from the spawning process (testbench-bench holds ~465 MiB when
    it starts this, and its peak was reported as lm-eval's)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def requests(task, repetitions):
    lm = model()
    best = float("inf")
    instances = size = 0
    for _ in range(repetitions):
        task.set_fewshot_seed(seed=1234)
        started = time.perf_counter()
        task.build_all_requests(limit=None, rank=0, world_size=1, tokenizer_name="")
        size = 0
        for instance in task.instances:
            context, continuation = instance.args
            payload = lm._create_payload(context + continuation, generate=False, seed=lm._seed)
            size += len(json.dumps(payload))
        best = min(best, time.perf_counter() - started)
        instances = len(task.instances)
    return {"phase": "requests", "instances": instances, "documents": len({i.doc_id for i in task.instances}),
            "seconds": best, "body_bytes": size, "peak_rss_mib": peak_rss_mib()}


def scoring(task, repetitions, responses_path):
    from lm_eval.models.openai_completions import LocalCompletionsAPI

    docs = list(task.eval_docs)
    by_doc = [[] for _ in docs]
    with open(responses_path) as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                by_doc[row["doc_id"]].append((row["idx"], row["loglikelihood"], row["is_greedy"], row["body"]))
    for rows in by_doc:
        rows.sort(key=lambda r: r[0])
    values = [[(ll, greedy) for _, ll, greedy, _ in rows] for rows in by_doc]
    bodies = [[body for _, _, _, body in rows] for rows in by_doc]
    instances = sum(len(rows) for rows in by_doc)
    aggregate = task.aggregation()["acc"]

    best_scorer = float("inf")
    for _ in range(repetitions):
        started = time.perf_counter()
        accs = [task.process_results(doc, results)["acc"] for doc, results in zip(docs, values)]
        scorer_mean = aggregate(accs)
        best_scorer = min(best_scorer, time.perf_counter() - started)

    # The echoed body holds [context, continuation, "\n"] as tokens, so the context is 1 token: the
    # ctxlen lm-eval's tokenizer would have counted (no tokenizer runs here, none is timed).
    best_bodies = float("inf")
    for _ in range(repetitions):
        started = time.perf_counter()
        accs = []
        for doc, texts in zip(docs, bodies):
            results = []
            for text in texts:
                results.extend(LocalCompletionsAPI.parse_logprobs(json.loads(text), ctxlens=[1]))
            accs.append(task.process_results(doc, results)["acc"])
        bodies_mean = aggregate(accs)
        best_bodies = min(best_bodies, time.perf_counter() - started)
    return {"phase": "scoring", "instances": instances, "documents": len(docs), "scorer_seconds": best_scorer,
            "scorer_mean": scorer_mean, "bodies_seconds": best_bodies, "bodies_mean": bodies_mean, "peak_rss_mib": peak_rss_mib()}


def main():
    phase, tree, data, repetitions = sys.argv[1], sys.argv[2], sys.argv[3], max(1, int(sys.argv[4]))
    task = load_task(tree, data)
    if phase == "requests":
        out = requests(task, repetitions)
    elif phase == "scoring":
        out = scoring(task, repetitions, sys.argv[5])
    else:
        raise SystemExit(f"unknown phase {phase}: requests or scoring")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
