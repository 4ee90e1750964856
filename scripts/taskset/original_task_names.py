"""The original's task set: every task name its task_config table (tasks/task_config.json) covers.

Run with lm-eval 0.4.9's virtualenv (scripts/lmeval-fixtures/setup.sh) from the package root:
    .venv-lmeval/bin/python scripts/taskset/original_task_names.py \
        > Tests/TestbenchTests/Fixtures/taskset/original-task-names.json

A table key that names a task is that task; one that names a group is the group's leaf tasks; a
key that names neither (bbh_cot_fewshot_, leaderboard_math, babisteps-chat, ...) stands for the
groups whose names start with it. Every task of the original's own folders (read from its
repository as scripts/lmeval-fixtures/generate.py does) is in the set; the port's own `bigbench`
entry is left out. Output: a JSON array sorted by name, one object per task (name,
registered_as, output_type, dataset_path, dataset_name, splits).
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lmeval-fixtures"))
from generate import TaskManager, original_tasks_folder  # noqa: E402  (lm-eval behind the fixtures' shim)
from lm_eval.utils import load_yaml_config  # noqa: E402

PORT_ONLY_KEYS = ("bigbench",)


def config_of(manager, name):
    """The task's YAML with includes merged, its !functions left unresolved (names are enough here)."""
    return load_yaml_config(manager.task_index[name]["yaml_path"], mode="simple")


def leaves(manager, member):
    """The leaf task names under a group/tag/task name or an inline group (as lm-eval nests them)."""
    if isinstance(member, list):
        return [name for item in member for name in leaves(manager, item)]
    if isinstance(member, dict):
        return leaves(manager, member["task"])
    entry = manager.task_index[member]
    if entry["type"] == "tag":
        return leaves(manager, entry["task"])
    if entry["type"] == "group":
        return leaves(manager, config_of(manager, member)["task"])
    return [member]


def main():
    own_folder = original_tasks_folder()
    manager = TaskManager(include_path=own_folder)
    with open(os.path.join("tasks", "task_config.json")) as handle:
        table = json.load(handle)
    names = set()
    # The name a user registers: a table key naming a group is registered as that group, and the
    # original looks its settings up by that name (leaderboard_bbh's subtasks have no entry).
    registered_as = {}
    for key in table:
        if key in PORT_ONLY_KEYS:
            continue
        if key in manager.task_index:
            members = leaves(manager, key)
            names.update(members)
            if manager.task_index[key]["type"] == "group":
                registered_as.update({member: key for member in members})
            continue
        groups = [n for n, e in manager.task_index.items() if n.startswith(key.rstrip("_")) and e["type"] == "group"]
        if not groups:
            sys.exit(f"table key {key} names no task or group")
        for group in groups:
            names.update(leaves(manager, group))
    # The original's own folders are its taxonomy tasks, all of them (its README lists them).
    names.update(n for n, e in manager.task_index.items()
                 if e["type"] == "task" and str(e.get("yaml_path", "")).startswith(own_folder))
    rows = []
    for name in sorted(names):
        config = config_of(manager, name)
        splits = [config[k] for k in ("test_split", "validation_split", "training_split", "fewshot_split") if config.get(k)]
        rows.append({"name": name, "registered_as": registered_as.get(name, name), "output_type": config.get("output_type", "generate_until"),
                     "dataset_path": config.get("dataset_path"), "dataset_name": config.get("dataset_name"), "splits": sorted(set(splits))})
    print("[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]")


main()
