#!/usr/bin/env python3
"""Record how PyYAML loads every *.yaml file of lm-eval's task tree, for the YAML module's parity test.

Each file is loaded the way lm-eval 0.4.9 loads task configs (yaml.load with CLoader, falling back to
the pure-Python Loader, plus a `!function` constructor), turned into canonical JSON, and recorded as the
first 16 hex digits of the SHA-256 of that JSON's UTF-8 bytes. Tests/YAMLTests/CanonicalJSON.swift
builds the same canonical JSON from the Swift loader's output, so the two must stay in step:

  - None, True/False, int: JSON null, true/false, decimal
  - str: a JSON string as json.dumps(ensure_ascii=False) writes it
  - float: {"$float": "<IEEE-754 binary64 bits as 16 lowercase hex digits>"}, NaN as {"$float": "nan"}
  - `!function x`: {"$tag": "!function", "$value": "x"}
  - dict: keys as Python's str() prints them, sorted by code point; list: in order
  - no whitespace between tokens

A file PyYAML cannot load is recorded as "error" (the Swift loader must then fail too). Values the Swift
loader deliberately represents differently (dates, bytes, sets, tuples, keys that collide once
stringified) stop the script with the file's name, because a digest of them would be meaningless.

Usage: generate.py [TASKS_DIR] [OUTPUT]
  TASKS_DIR defaults to $TESTBENCH_LMEVAL_TASKS, else <repo>/.cache/lm-eval-0.4.9/lm_eval/tasks
  (scripts/fetch-lmeval-tasks.sh puts it there); OUTPUT defaults to the test fixture.
"""
import hashlib
import json
import math
import os
import struct
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TASKS = os.path.join(REPO, ".cache", "lm-eval-0.4.9", "lm_eval", "tasks")
DEFAULT_OUTPUT = os.path.join(REPO, "Tests", "YAMLTests", "Fixtures", "lmeval-0.4.9-yaml-digests.json")
DIGEST_HEX_DIGITS = 16


class Tagged:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class ParityLoader(getattr(yaml, "CLoader", yaml.Loader)):
    pass


ParityLoader.add_constructor("!function", lambda loader, node: Tagged(node.tag, loader.construct_scalar(node)))


class Unsupported(Exception):
    pass


def key_text(key):
    if isinstance(key, (str, bool, int, float)) or key is None:
        return str(key)
    raise Unsupported("mapping key %r" % (key,))


def canonical(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        bits = "nan" if math.isnan(value) else struct.pack(">d", value).hex()
        return {"$float": bits}
    if isinstance(value, Tagged):
        return {"$tag": value.tag, "$value": value.value}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            text = key_text(key)
            if text in result:
                raise Unsupported("keys that collide as %r" % text)
            result[text] = canonical(item)
        return result
    raise Unsupported("value of type %s" % type(value).__name__)


def digest(path):
    try:
        with open(path, "rb") as file:
            data = yaml.load(file, Loader=ParityLoader)
    except yaml.YAMLError:
        return "error"
    text = json.dumps(canonical(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_HEX_DIGITS]


def main():
    tasks = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TESTBENCH_LMEVAL_TASKS", DEFAULT_TASKS)
    output = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUTPUT
    if not os.path.isdir(tasks):
        sys.exit("no task tree at %s; run scripts/fetch-lmeval-tasks.sh" % tasks)
    paths = []
    for root, _, files in os.walk(tasks):
        paths += [os.path.relpath(os.path.join(root, name), tasks) for name in files if name.endswith(".yaml")]
    digests = {}
    for relative in sorted(paths):
        try:
            digests[relative] = digest(os.path.join(tasks, relative))
        except Unsupported as problem:
            sys.exit("%s: %s has no canonical form the Swift loader shares" % (relative, problem))
    # One line per directory keeps the fixture small and its diffs readable.
    directories = {}
    for relative, value in digests.items():
        directory, name = os.path.split(relative)
        directories.setdefault(directory, {})[name] = value
    lines = ",\n".join(
        "%s:%s" % (json.dumps(directory), json.dumps(files, ensure_ascii=False, separators=(",", ":")))
        for directory, files in directories.items())
    header = {
        "lmEvalVersion": "0.4.9",
        "pyyaml": "%s (%s)" % (yaml.__version__, ParityLoader.__mro__[1].__name__),
        "digestHexDigits": DIGEST_HEX_DIGITS,
        "layout": "directories: {directory relative to lm_eval/tasks: {file name: digest}}",
        "fileCount": len(digests),
    }
    with open(output, "w", encoding="utf-8") as out:
        out.write(json.dumps(header, separators=(",", ":"))[:-1] + ',"directories":{\n' + lines + "\n}}\n")
    errors = sum(1 for value in digests.values() if value == "error")
    print("%d files (%d PyYAML errors) -> %s" % (len(digests), errors, output))


if __name__ == "__main__":
    main()
