#!/usr/bin/env python3
"""Regenerate the lm-eval 0.4.9 parity and score fixtures from lm-eval itself.

Run inside the venv made by setup.sh:

    scripts/lmeval-fixtures/setup.sh
    .venv-lmeval/bin/python scripts/lmeval-fixtures/generate.py

Writes (deterministically, replacing what is there):
  Tests/LMEvalTests/Fixtures/parity/  cases.json, <case>.jsonl, data/<dataset>/<split>.jsonl
  Tests/ScoringTests/Fixtures/scores/  cases.json, <case>.json, data/... (same documents)

Every prompt, request body, target, filtered response and metric value comes from lm-eval's
own code: `simple_evaluate` with a `local-completions` / `local-chat-completions` model whose
HTTP POST is intercepted (the intercepted JSON body is the request). See README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
PARITY_DIR = os.path.join(REPO, "Tests", "LMEvalTests", "Fixtures", "parity")
SCORES_DIR = os.path.join(REPO, "Tests", "ScoringTests", "Fixtures", "scores")
BUNDLED_TASKS = os.path.join(REPO, "tasks")
BUNDLED_DATASETS = os.path.join(REPO, "datasets")
MODEL = "testbench-model"
# The original's own task folders (mmlu_pro_categories, babi_tasks, babisteps) at the lm-eval 0.4.9 era,
# read from a clone of pnyxai/pocket-ml-testbench: the reference our YAML in tasks/ is checked against.
ORIGINAL_REPO = os.environ.get("ORIGINAL_REPO", "/work/.mirror/pnyxai+pocket-ml-testbench/repo")
ORIGINAL_COMMIT = "e85f5c4"

# Offline, and a private datasets cache so nothing outside this run is read or kept.
_CACHE = tempfile.mkdtemp(prefix="lmeval-fixtures-")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["HF_DATASETS_CACHE"] = os.path.join(_CACHE, "datasets")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, HERE)
import lmeval_shim  # noqa: E402

lmeval_shim.install_stubs()

import docs  # noqa: E402
import score_cases  # noqa: E402

_DATA = {"folder": None, "by_name": False}


def _resolve(path, name):
    """A case's data folder; for the bundled-task check, <datasets>/<dataset_path>/<dataset_name>."""
    if _DATA["folder"] is None:
        raise RuntimeError(f"no data folder chosen for dataset {path}/{name}")
    if _DATA["by_name"]:
        return os.path.join(_DATA["folder"], path, name or "")
    return _DATA["folder"]


lmeval_shim.use_local_data(_resolve)

import lm_eval.evaluator as evaluator  # noqa: E402
import lm_eval.tasks  # noqa: E402
from lm_eval.utils import make_table  # noqa: E402
import lm_eval.models.api_models as api_models  # noqa: E402
from lm_eval.models.openai_completions import LocalChatCompletion, LocalCompletionsAPI  # noqa: E402
from lm_eval.tasks import TaskManager, get_task_dict  # noqa: E402


def case(name, task, data, tasks_dir="lmeval", num_fewshot=None, chat=False, multiturn=False, system=None):
    return {
        "name": name,
        "task": task,
        "tasks_dir": tasks_dir,
        "data": data,
        "num_fewshot": num_fewshot,
        "chat": chat,
        "fewshot_as_multiturn": multiturn,
        "system_instruction": system,
        "model": MODEL,
    }


SYSTEM_MATH = "You are a careful math tutor. End every solution with '#### <number>'."
SYSTEM_SHORT = "Answer with the answer only."


def parity_cases():
    cases = [
        # gsm8k: default sampler, few-shot split (train) differs from the test split.
        case("gsm8k_5shot_completion", "gsm8k", "data/gsm8k", num_fewshot=5),
        case("gsm8k_5shot_chat", "gsm8k", "data/gsm8k", num_fewshot=5, chat=True),
        case("gsm8k_5shot_chat_multiturn", "gsm8k", "data/gsm8k", num_fewshot=5, chat=True, multiturn=True),
        case("gsm8k_5shot_completion_system", "gsm8k", "data/gsm8k", num_fewshot=5, system=SYSTEM_MATH),
        case("gsm8k_3shot_chat_multiturn_system", "gsm8k", "data/gsm8k", num_fewshot=3, chat=True, multiturn=True,
             system=SYSTEM_MATH),
        # gsm8k_platinum: default sampler, few-shot split == test split (num_fewshot + 1 drawn).
        case("gsm8k_platinum_completion", "gsm8k_platinum", "data/gsm8k_platinum"),
        # 9 of 14 drawn: the duplicated row (docs 2 and 7) often comes out twice and both copies are dropped.
        case("gsm8k_platinum_8shot_completion", "gsm8k_platinum", "data/gsm8k_platinum", num_fewshot=8),
        case("gsm8k_platinum_3shot_chat", "gsm8k_platinum", "data/gsm8k_platinum", num_fewshot=3, chat=True),
        case("gsm8k_platinum_3shot_chat_multiturn", "gsm8k_platinum", "data/gsm8k_platinum", num_fewshot=3,
             chat=True, multiturn=True),
        # nq_open: evaluates validation with train as the pool; neither test_split nor fewshot_split is set,
        # so lm-eval draws num_fewshot + 1 (None == None). List-valued targets (literal_eval of "[...]").
        case("nq_open_5shot_completion", "nq_open", "data/nq_open", num_fewshot=5),
        case("nq_open_5shot_chat", "nq_open", "data/nq_open", num_fewshot=5, chat=True),
        # bbh chain of thought: first_n over fewshot_config.samples.
        case("bbh_cot_fewshot_boolean_expressions_completion", "bbh_cot_fewshot_boolean_expressions",
             "data/bbh/boolean_expressions"),
        case("bbh_cot_fewshot_date_understanding_completion", "bbh_cot_fewshot_date_understanding",
             "data/bbh/date_understanding"),
        case("bbh_cot_fewshot_object_counting_completion", "bbh_cot_fewshot_object_counting",
             "data/bbh/object_counting"),
        case("bbh_cot_fewshot_object_counting_chat", "bbh_cot_fewshot_object_counting",
             "data/bbh/object_counting", chat=True),
        case("bbh_cot_fewshot_boolean_expressions_chat_multiturn", "bbh_cot_fewshot_boolean_expressions",
             "data/bbh/boolean_expressions", chat=True, multiturn=True),
        # mmlu generative: first_n from the dev split (physics has a test row equal to a dev row).
        case("mmlu_anatomy_generative_5shot_completion", "mmlu_anatomy_generative", "data/mmlu/anatomy", num_fewshot=5),
        case("mmlu_anatomy_generative_0shot_completion", "mmlu_anatomy_generative", "data/mmlu/anatomy"),
        case("mmlu_high_school_physics_generative_5shot_completion", "mmlu_high_school_physics_generative",
             "data/mmlu/high_school_physics", num_fewshot=5),
        case("mmlu_high_school_physics_generative_5shot_chat", "mmlu_high_school_physics_generative",
             "data/mmlu/high_school_physics", num_fewshot=5, chat=True),
        case("mmlu_high_school_physics_generative_3shot_chat_multiturn", "mmlu_high_school_physics_generative",
             "data/mmlu/high_school_physics", num_fewshot=3, chat=True, multiturn=True),
        # mmlu_pro: !function process_docs / doc_to_text, fewshot_config doc_to_text/doc_to_target, validation few-shot.
        case("mmlu_pro_biology_completion", "mmlu_pro_biology", "data/mmlu_pro"),
        case("mmlu_pro_biology_chat", "mmlu_pro_biology", "data/mmlu_pro", chat=True),
        case("mmlu_pro_biology_chat_multiturn", "mmlu_pro_biology", "data/mmlu_pro", chat=True, multiturn=True),
        # leaderboard math: process_docs keeps Level 5 only; few-shot from a !function sample list.
        case("leaderboard_math_algebra_hard_completion", "leaderboard_math_algebra_hard",
             "data/hendrycks_math/algebra"),
        case("leaderboard_math_algebra_hard_chat", "leaderboard_math_algebra_hard",
             "data/hendrycks_math/algebra", chat=True),
    ]
    for name in docs.bigbench_names():
        data = f"data/bigbench/{name}"
        cases.append(case(f"bigbench_{name}_completion", f"bigbench_{name}", data, tasks_dir="bundled"))
        cases.append(case(f"bigbench_{name}_cot_completion", f"bigbench_{name}_cot", data, tasks_dir="bundled"))
    cases += [
        case("bigbench_date_understanding_chat", "bigbench_date_understanding", "data/bigbench/date_understanding",
             tasks_dir="bundled", chat=True),
        case("bigbench_boolean_expressions_chat_multiturn", "bigbench_boolean_expressions",
             "data/bigbench/boolean_expressions", tasks_dir="bundled", chat=True, multiturn=True),
        case("bigbench_navigate_chat_system", "bigbench_navigate", "data/bigbench/navigate", tasks_dir="bundled",
             chat=True, system=SYSTEM_SHORT),
        case("bigbench_word_sorting_5shot_completion_system", "bigbench_word_sorting", "data/bigbench/word_sorting",
             tasks_dir="bundled", num_fewshot=5, system=SYSTEM_SHORT),
        case("bigbench_word_sorting_cot_chat_multiturn", "bigbench_word_sorting_cot", "data/bigbench/word_sorting",
             tasks_dir="bundled", chat=True, multiturn=True),
        case("bigbench_object_counting_cot_chat", "bigbench_object_counting_cot", "data/bigbench/object_counting",
             tasks_dir="bundled", chat=True),
    ]
    # The original's own folders: lm-eval runs the original's YAML and utils.py ("original"); the Swift
    # test renders ours in tasks/ on the same rows.
    pro_cat = "data/mmlu_pro_categories/biology"
    cases += [
        case("mmlu_pro_category_biology_completion", "mmlu_pro-category_biology", pro_cat, tasks_dir="original"),
        case("mmlu_pro_category_biology_chat", "mmlu_pro-category_biology", pro_cat, tasks_dir="original", chat=True),
        case("mmlu_pro_category_biology_3shot_chat_multiturn", "mmlu_pro-category_biology", pro_cat, tasks_dir="original",
             num_fewshot=3, chat=True, multiturn=True),
        case("babi_task_01_3shot_completion", "babi-task_01-single_supporting_fact", "data/babi/task_1", tasks_dir="original",
             num_fewshot=3),
        case("babi_task_01_3shot_chat", "babi-task_01-single_supporting_fact", "data/babi/task_1", tasks_dir="original",
             num_fewshot=3, chat=True),
        case("babisteps_task_01_completion", "babisteps-task_01-simpletracking", "data/babisteps/simpletracking",
             tasks_dir="original"),
        case("babisteps_task_04_listing_completion", "babisteps-task_04-listing", "data/babisteps/listing", tasks_dir="original"),
        case("babisteps_chat_cot_task_01_chat", "babisteps-chat-cot-task_01-simpletracking", "data/babisteps/simpletracking",
             tasks_dir="original", chat=True),
        case("babisteps_chat_cot_task_01_chat_multiturn", "babisteps-chat-cot-task_01-simpletracking",
             "data/babisteps/simpletracking", tasks_dir="original", chat=True, multiturn=True),
        case("babisteps_chat_cot_task_04_listing_chat", "babisteps-chat-cot-task_04-listing", "data/babisteps/listing",
             tasks_dir="original", chat=True),
    ]
    return cases


def original_tasks_folder():
    """The original's custom_tasks folder at ORIGINAL_COMMIT, extracted once into a temporary folder."""
    folder = os.path.join(_CACHE, "original")
    if not os.path.isdir(folder):
        import subprocess
        import tarfile
        import io
        archive = subprocess.run(["git", "-C", ORIGINAL_REPO, "archive", ORIGINAL_COMMIT, "packages/python/lmeh/custom_tasks"],
                                 check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder)
    return os.path.join(folder, "packages", "python", "lmeh", "custom_tasks")


# --- running lm-eval ----------------------------------------------------------------------

_TASK_MANAGERS = {}


def task_manager(tasks_dir):
    if tasks_dir not in _TASK_MANAGERS:
        if tasks_dir == "lmeval":
            _TASK_MANAGERS[tasks_dir] = TaskManager()
        elif tasks_dir == "bundled":
            _TASK_MANAGERS[tasks_dir] = TaskManager(include_path=BUNDLED_TASKS, include_defaults=False)
        elif tasks_dir == "original":
            _TASK_MANAGERS[tasks_dir] = TaskManager(include_path=original_tasks_folder(), include_defaults=False)
        else:
            raise ValueError(f"unknown tasks_dir {tasks_dir!r}")
    return _TASK_MANAGERS[tasks_dir]


class _Response:
    ok = True

    def __init__(self, body):
        self._body = body
        self.text = json.dumps(body)

    def raise_for_status(self):
        pass

    def json(self):
        return self._body


@contextlib.contextmanager
def intercepted_posts(sink):
    """Replace the HTTP POST of lm-eval's API models: record the JSON body, answer with `sink['reply']`."""
    original = api_models.requests.post

    def post(url, json=None, **kwargs):
        sink["bodies"].append(copy.deepcopy(json))
        text = sink["reply"]
        if "messages" in json:
            return _Response({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]})
        return _Response({"choices": [{"index": 0, "text": text}]})

    api_models.requests.post = post
    try:
        yield
    finally:
        api_models.requests.post = original


def make_model(chat):
    # tokenizer_backend=None: no tokenizer, prompts are sent as strings (tokenized_requests=False).
    args = dict(model=MODEL, base_url="http://127.0.0.1:9/v1/completions", tokenizer_backend=None,
                tokenized_requests=False)
    if chat:
        args["base_url"] = "http://127.0.0.1:9/v1/chat/completions"
        return LocalChatCompletion(**args)
    return LocalCompletionsAPI(**args)


def run_case(c, data_root, responses=None):
    """Run lm-eval's simple_evaluate for one case; return (per-doc records, results, samples)."""
    _DATA["folder"] = os.path.join(data_root, c["data"])
    lm = make_model(c["chat"])
    sink = {"bodies": [], "reply": ""}
    records = {}
    generate_until = lm.generate_until

    def one_at_a_time(requests, disable_tqdm=False):
        # The same code path as a batch of size 1; running instances singly ties each POST to its doc.
        out = []
        for inst in requests:
            doc_id = inst.doc_id
            if doc_id in records:
                raise RuntimeError(f"{c['name']}: two requests for doc {doc_id}")
            sink["reply"] = "" if responses is None else responses[doc_id]
            sink["bodies"].clear()
            out += generate_until([inst], disable_tqdm=True)
            if len(sink["bodies"]) != 1:
                raise RuntimeError(f"{c['name']}: expected one POST for doc {doc_id}, got {len(sink['bodies'])}")
            records[doc_id] = {"context": inst.args[0], "request": sink["bodies"][0]}
        return out

    lm.generate_until = one_at_a_time
    with intercepted_posts(sink):
        results = evaluator.simple_evaluate(
            model=lm,
            tasks=[c["task"]],
            num_fewshot=c["num_fewshot"],
            apply_chat_template=c["chat"],
            fewshot_as_multiturn=c["fewshot_as_multiturn"],
            system_instruction=c["system_instruction"],
            task_manager=task_manager(c["tasks_dir"]),
            log_samples=True,
        )
    if responses is not None:
        results["scoring_config"] = scoring_config(c, results)
    _DATA["folder"] = None
    samples = results["samples"][c["task"]]
    return records, results, samples


def scoring_config(c, results):
    """What a scorer needs from the task, as lm-eval resolved it (includes applied)."""
    (task,) = [t for _, t in walk_tasks(get_task_dict([c["task"]], task_manager(c["tasks_dir"])))]
    config = results["configs"][c["task"]]
    process_results = None
    if callable(task.config.process_results):
        fn = task.config.process_results
        tasks_root = os.path.dirname(os.path.abspath(lm_eval.tasks.__file__))
        if c["tasks_dir"] == "bundled":
            tasks_root = BUNDLED_TASKS
        elif c["tasks_dir"] == "original":
            tasks_root = original_tasks_folder()
        directory = os.path.relpath(os.path.dirname(os.path.abspath(fn.__code__.co_filename)), tasks_root)
        process_results = {"directory": directory, "function": f"{fn.__module__}.{fn.__qualname__}"}
    return {
        "output_type": config["output_type"],
        "filter_list": config.get("filter_list"),
        "metric_list": config.get("metric_list"),
        "process_results": process_results,
        "multiple_target": task.multiple_target,
        "version": results["versions"][c["task"]],
        "n_shot": results["n-shot"][c["task"]],
        "higher_is_better": results["higher_is_better"][c["task"]],
    }


def walk_tasks(d):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from walk_tasks(v)
        else:
            yield k, v


def prompt_of(context, chat):
    if not chat:
        if not isinstance(context, str):
            raise TypeError(f"completion context is {type(context)}")
        return context
    # lm-eval's API models serialise the chat as JSON with "type": "text" added to every message
    # (TemplateAPI.apply_chat_template); the prompt is the message list without it.
    messages = json.loads(context.prompt)
    out = []
    for m in messages:
        if set(m) != {"role", "content", "type"} or m["type"] != "text":
            raise ValueError(f"unexpected chat message {m}")
        out.append({"role": m["role"], "content": m["content"]})
    return out


def jsonable(value):
    """numpy scalars -> Python; anything else unexpected fails loudly in json.dumps."""
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def dumps(value):
    return json.dumps(jsonable(value), ensure_ascii=False)


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(dumps(row) + "\n")


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(jsonable(value), ensure_ascii=False, indent=2) + "\n")


def write_data(root, folders=None):
    """Write the documents of `folders` (all when None) under root/, replacing root/data."""
    if os.path.isdir(os.path.join(root, "data")):
        shutil.rmtree(os.path.join(root, "data"))
    for folder, splits in docs.datasets().items():
        if folders is not None and folder not in folders:
            continue
        for split, rows in splits.items():
            write_jsonl(os.path.join(root, folder, f"{split}.jsonl"), rows)


def clear_outputs(root, suffixes):
    if not os.path.isdir(root):
        return
    for f in os.listdir(root):
        if f == "cases.json" or any(f.endswith(s) for s in suffixes):
            os.remove(os.path.join(root, f))


# --- parity --------------------------------------------------------------------------------

def generate_parity(only=None):
    cases = parity_cases()
    if only:
        cases = [c for c in cases if c["name"] in only]
    os.makedirs(PARITY_DIR, exist_ok=True)
    if not only:
        clear_outputs(PARITY_DIR, (".jsonl",))
    write_data(PARITY_DIR)
    manifest = []
    for c in cases:
        records, _, samples = run_case(c, PARITY_DIR)
        targets = {}
        for s in samples:
            targets.setdefault(s["doc_id"], s["target"])
        doc_ids = sorted(records)
        if doc_ids != list(range(len(doc_ids))) or sorted(targets) != doc_ids:
            raise RuntimeError(f"{c['name']}: unexpected doc ids {doc_ids}")
        rows = [
            {
                "doc_id": d,
                "prompt": prompt_of(records[d]["context"], c["chat"]),
                "request": records[d]["request"],
                "target": targets[d],
            }
            for d in doc_ids
        ]
        write_jsonl(os.path.join(PARITY_DIR, f"{c['name']}.jsonl"), rows)
        manifest.append({**c, "doc_ids": doc_ids})
        print(f"parity {c['name']}: {c['task']} {len(doc_ids)} docs", flush=True)
    if not only:
        write_json(os.path.join(PARITY_DIR, "cases.json"), manifest)
    return manifest


# --- scores --------------------------------------------------------------------------------

def generate_scores(only=None):
    cases = score_cases.cases(case)
    if only:
        cases = [c for c in cases if c["name"] in only]
    os.makedirs(SCORES_DIR, exist_ok=True)
    if not only:
        clear_outputs(SCORES_DIR, (".json",))
    write_data(SCORES_DIR, {c["data"] for c in score_cases.cases(case)})
    manifest = []
    for c in cases:
        responses = c.pop("responses")
        _, results, samples = run_case(c, SCORES_DIR, responses=responses)
        by_doc = {}
        for s in samples:
            entry = by_doc.setdefault(s["doc_id"], {
                "doc_id": s["doc_id"],
                "doc": s["doc"],
                "target": s["target"],
                "response": responses[s["doc_id"]],
                "filtered": {},
                "metrics": {},
            })
            if s["resps"] != [[responses[s["doc_id"]]]]:
                raise RuntimeError(f"{c['name']}: doc {s['doc_id']} got {s['resps']}")
            (filtered,) = s["filtered_resps"]
            entry["filtered"][s["filter"]] = filtered
            entry["metrics"][s["filter"]] = {m: s[m] for m in s["metrics"]}
        task_results = results["results"][c["task"]]
        alias = task_results.get("alias", c["task"])
        n = results["n-samples"][c["task"]]["effective"]
        rows = []
        for key, value in task_results.items():
            if key == "alias" or "_stderr," in key:
                continue
            metric, filt = key.split(",", 1)
            rows.append({
                "filter": filt,
                "metric": metric,
                "value": value,
                "stderr": task_results[f"{metric}_stderr,{filt}"],
                "n": n,
            })
        out = {k: c[k] for k in ("name", "task", "tasks_dir", "data", "num_fewshot", "chat",
                                  "fewshot_as_multiturn", "system_instruction")}
        out.update(results["scoring_config"])
        out["alias"] = alias
        out["samples"] = [by_doc[d] for d in sorted(by_doc)]
        out["results"] = rows
        out["table"] = make_table(results)
        write_json(os.path.join(SCORES_DIR, f"{c['name']}.json"), out)
        manifest.append({"name": c["name"], "task": c["task"], "tasks_dir": c["tasks_dir"], "data": c["data"],
                         "n": n})
        print(f"scores {c['name']}: {c['task']} {n} docs", flush=True)
    if not only:
        write_json(os.path.join(SCORES_DIR, "cases.json"), manifest)


# --- bundled task check ----------------------------------------------------------------------

def check_bundled_tasks():
    """Every bundled BIG-bench task and group loads in lm-eval over the repository's datasets/ folder.

    (The original's folders in tasks/ name `!function`s we implement natively and ship no utils.py,
    and their datasets are not shipped: they are checked against the original's own folders instead.)"""
    tm = TaskManager(include_path=os.path.join(BUNDLED_TASKS, "bigbench"), include_defaults=False)
    _DATA["folder"] = BUNDLED_DATASETS
    _DATA["by_name"] = True

    def walk(d):
        for k, v in d.items():
            if isinstance(v, dict):
                yield from walk(v)
            else:
                yield k, v

    index = tm.task_index
    tasks = sorted(n for n, info in index.items() if info["type"] == "task")
    groups = sorted(n for n, info in index.items() if info["type"] == "group")
    tags = sorted(n for n, info in index.items() if info["type"] == "tag")
    loaded = {}
    for name in groups + tags + tasks:
        for task_name, task in walk(get_task_dict([name], tm)):
            task.set_fewshot_seed(1234)
            doc = task.test_docs()[0]
            ctx = task.fewshot_context(doc, task.config.num_fewshot or 0)
            if not isinstance(ctx, str) or not ctx:
                raise RuntimeError(f"{task_name}: empty context")
            loaded[task_name] = len(task.test_docs())
        if name in groups:
            print(f"bundled group {name}: {len(tm._get_config(name)['task'])} tasks")
        if name in tags:
            print(f"bundled tag {name}: {len(index[name]['task'])} tasks")
    missing = set(tasks) - set(loaded)
    if missing:
        raise RuntimeError(f"bundled tasks that did not load: {sorted(missing)}")
    _DATA["folder"] = None
    _DATA["by_name"] = False
    print(f"bundled tasks load in lm-eval: {len(loaded)}", flush=True)
    return loaded


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--only", nargs="*", help="case names to regenerate (manifests are left as they are)")
    parser.add_argument("--skip-scores", action="store_true")
    parser.add_argument("--skip-parity", action="store_true")
    args = parser.parse_args()
    check_bundled_tasks()
    if not args.skip_parity:
        generate_parity(args.only)
    if not args.skip_scores:
        generate_scores(args.only)
    shutil.rmtree(_CACHE, ignore_errors=True)


if __name__ == "__main__":
    main()
