"""Time lm-eval 0.4.9's own request building for the sampler benchmark's task and documents.

For `bigbench_word_sorting` with num_fewshot 5 over the JSONL folder testbench-sampler-bench wrote
(`--data DIR`), this runs what lm-eval does before it POSTs: `Task.build_all_requests` (few-shot
contexts for every document, chat messages when asked) and, per instance, the API model's
`create_message` + `_create_payload` + `json.dumps` of the body. Dataset loading is timed
separately and left out of the rate, which favours lm-eval. The last line printed is one JSON
object: the rate, the phases and the process's peak RSS (`testbench-sampler-bench --lmeval-python`
runs this and prints both sides and the ratios).

Run with the fixtures venv (scripts/lmeval-fixtures/setup.sh):
  .venv-lmeval/bin/python scripts/bench-sampler/lmeval_requests.py --data DIR/10000 [--chat] [--limit N]
"""
import argparse
import copy
import json
import os
import resource
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(REPO, "scripts", "lmeval-fixtures"))

_CACHE = tempfile.mkdtemp(prefix="lmeval-bench-")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["HF_DATASETS_CACHE"] = os.path.join(_CACHE, "datasets")

import lmeval_shim  # noqa: E402

lmeval_shim.install_stubs()
ARGS = argparse.ArgumentParser()
ARGS.add_argument("--data", required=True, help="folder holding bigbench/word_sorting/{train,test}.jsonl")
ARGS.add_argument("--chat", action="store_true", help="chat form (apply_chat_template, fewshot_as_multiturn)")
ARGS.add_argument("--limit", type=int, default=None, help="only the first N documents")
ARGS.add_argument("--task", default="bigbench_word_sorting")
ARGS.add_argument("--num-fewshot", type=int, default=5)
OPTIONS = ARGS.parse_args()
lmeval_shim.use_local_data(lambda path, name: os.path.join(OPTIONS.data, path, name or ""))

from lm_eval.models.openai_completions import LocalChatCompletion, LocalCompletionsAPI  # noqa: E402
from lm_eval.tasks import TaskManager, get_task_dict  # noqa: E402


def main():
    started = time.perf_counter()
    manager = TaskManager(include_path=os.path.join(REPO, "tasks"), include_defaults=False)
    task = get_task_dict([OPTIONS.task], manager)[OPTIONS.task]
    task.set_config(key="num_fewshot", value=OPTIONS.num_fewshot)
    task.set_fewshot_seed(seed=1234)
    loaded = time.perf_counter()
    args = dict(model="testbench-model", tokenizer_backend=None, tokenized_requests=False)
    if OPTIONS.chat:
        lm = LocalChatCompletion(base_url="http://127.0.0.1:9/v1/chat/completions", **args)
    else:
        lm = LocalCompletionsAPI(base_url="http://127.0.0.1:9/v1/completions", **args)

    start = time.perf_counter()
    task.build_all_requests(limit=OPTIONS.limit, rank=0, world_size=1, apply_chat_template=OPTIONS.chat,
                            fewshot_as_multiturn=OPTIONS.chat, chat_template=lm.apply_chat_template if OPTIONS.chat else None,
                            tokenizer_name="")
    built = time.perf_counter()
    size = 0
    for instance in task.instances:
        context, gen_kwargs = instance.args
        payload = lm._create_payload(lm.create_message([context]), generate=True, gen_kwargs=copy.deepcopy(gen_kwargs),
                                     seed=lm._seed, eos=lm.eos_string)
        size += len(json.dumps(payload))
    done = time.perf_counter()
    n = len(task.instances)
    print(json.dumps({
        "task": OPTIONS.task, "form": "chat" if OPTIONS.chat else "completion", "documents": n,
        "load_seconds": round(loaded - started, 3), "build_all_requests_seconds": round(built - start, 3),
        "payload_seconds": round(done - built, 3), "requests_per_second": round(n / (done - start), 1), "body_bytes": size,
        # Linux reports ru_maxrss in KiB: the process's peak, dataset load included.
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
