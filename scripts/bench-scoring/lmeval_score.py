"""lm-eval 0.4.9's own filters and metrics over recorded responses, timed: the reference side of
`testbench-bench scoring`. Run with the lm-eval virtualenv (scripts/lmeval-fixtures/README.md):

    python lmeval_score.py TASKS_DIR TASK DATA_DIR RESPONSES_JSONL

TASKS_DIR holds the task YAML (e.g. the repository's tasks/), DATA_DIR the task's <split>.jsonl
files, RESPONSES_JSONL one {"doc_id": N, "response": "..."} per line for the evaluation split.
Prints one JSON object: {"documents", "seconds" (filters + process_results + aggregation only,
not imports or task loading), "mean", "filter", "metric"}.
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "lmeval-fixtures"))
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import tempfile  # noqa: E402

os.environ["HF_DATASETS_CACHE"] = tempfile.mkdtemp(prefix="bench-scoring-")
import lmeval_shim  # noqa: E402

lmeval_shim.install_stubs()


def main() -> None:
    tasks_dir, task_name, data_dir, responses_path = sys.argv[1:5]
    lmeval_shim.use_local_data(lambda path, name: data_dir)
    from lm_eval.api.instance import Instance
    from lm_eval.tasks import TaskManager, get_task_dict

    manager = TaskManager(include_path=tasks_dir, include_defaults=False)
    task = get_task_dict([task_name], manager)[task_name]
    docs = list(task.eval_docs)
    responses = {}
    with open(responses_path) as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                responses[row["doc_id"]] = row["response"]
    instances = []
    for doc_id, doc in enumerate(docs):
        if doc_id not in responses:
            continue
        instance = Instance(request_type="generate_until", doc=doc, arguments=("", {}), idx=0,
                            metadata=(task_name, doc_id, 1))
        instance.resps = [responses[doc_id]]
        instances.append(instance)
    task._instances = instances
    filter_name = task._filters[0].name
    metric = task._metric_fn_list and next(iter(task._metric_fn_list))

    started = time.perf_counter()
    task.apply_filters()
    values = []
    for instance in instances:
        result = task.process_results(instance.doc, [instance.filtered_resps[filter_name]])
        values.append(result[metric])
    mean = task.aggregation()[metric](values)
    seconds = time.perf_counter() - started

    print(json.dumps({"documents": len(instances), "seconds": seconds, "mean": mean, "filter": filter_name, "metric": metric}))


if __name__ == "__main__":
    main()
