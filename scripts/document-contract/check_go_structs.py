#!/usr/bin/env python3
"""Checks the document contract fixture against the original's Go sources.

    scripts/document-contract/check_go_structs.py REPO [COMMIT ...]

REPO is a clone of pnyxai/pocket-ml-testbench (a bare mirror works); COMMITs default to the
fixture's `original.commits`. For every field of
Tests/TestbenchTests/Fixtures/document-contract/contract.json that names Go sources
("File Struct.Field GoType"), at each commit:
  - the struct and field exist, with that Go type, and the field's BSON key is the path's last key;
  - each BSON type the fixture expects is one mongo-driver v1.15.0's default decoders accept for
    that Go type (bson/bsoncodec: default_value_decoders.go, string_codec.go, time_codec.go,
    uint_codec.go), so the Go app decodes what the worker writes;
  - for what a Go app writes (`go_writes`, `go_sets`), the BSON type is the one its default
    encoders produce (an int that fits 32 bits as int32, int64 as int64, time.Time as a date).
Exit status 0 when everything holds; each mismatch is printed.
"""
import json
import pathlib
import re
import subprocess
import sys

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "Tests/TestbenchTests/Fixtures/document-contract/contract.json"

INTEGERS = {"int", "int64", "uint32"}
FLOATS = {"float32", "float64"}
NULLISH = {"null", "undefined"}
# Named types the reading structs use and what they are.
ALIASES = {"provider.RelayHeaders": "map[string]string"}


def decodable(go_type):
    """BSON types mongo-driver v1.15.0 decodes into `go_type` by default."""
    go_type = ALIASES.get(go_type, go_type)
    if go_type == "primitive.ObjectID":
        return {"objectId", "string"} | NULLISH
    if go_type == "string":
        return {"string", "objectId", "symbol"} | NULLISH  # ObjectId as hex: DecodeObjectIDAsHex defaults to true
    if go_type == "bool":
        return {"bool", "int32", "int64", "double"} | NULLISH
    if go_type in INTEGERS:
        return {"int32", "int64", "double", "bool"} | NULLISH  # a double only when integral
    if go_type in FLOATS:
        return {"int32", "int64", "double", "bool"} | NULLISH
    if go_type == "time.Time":
        return {"date", "string", "int64", "timestamp"} | NULLISH
    if go_type.startswith("[]"):
        return {"array"} | NULLISH
    if go_type.startswith("map["):
        return {"document"} | NULLISH
    return {"document"} | NULLISH  # a struct


def encoded(go_type):
    """The BSON type mongo-driver v1.15.0 writes for a value of `go_type` (default encoders)."""
    go_type = ALIASES.get(go_type, go_type)
    return {"primitive.ObjectID": "objectId", "string": "string", "bool": "bool", "int": "int32", "int64": "int64",
            "uint32": "int64", "float32": "double", "float64": "double", "time.Time": "date"}.get(
        go_type, "array" if go_type.startswith("[]") else "document")


def element(go_type, path):
    """The Go type a path's last step reaches: an array element ('[]') or a map value ('*')."""
    go_type = ALIASES.get(go_type, go_type)
    if path.endswith("[]"):
        return go_type[2:] if go_type.startswith("[]") else None
    if path.endswith(".*"):
        match = re.fullmatch(r"map\[[^\]]+\](.+)", go_type)
        return match.group(1) if match else None
    return go_type


def last_key(path):
    key = path[:-2] if path.endswith(".*") else path
    key = key[:-2] if key.endswith("[]") else key
    return key.split(".")[-1].replace("[]", "")


def structs(repo, commit, file, cache={}):
    """{struct: {field: (go_type, bson_key)}} of a Go file at a commit."""
    key = (commit, file)
    if key not in cache:
        text = subprocess.run(["git", "-C", repo, "show", f"{commit}:{file}"], check=True, capture_output=True, text=True).stdout
        found = {}
        for name, body in re.findall(r"^type (\w+) struct \{\n(.*?)^\}", text, re.S | re.M):
            fields = {}
            for line in body.splitlines():
                line = line.split("//")[0].rstrip() if "`" not in line else line
                match = re.match(r"^\s*(\w+)(?:\s+([\w.\[\]*]+))?\s*(`[^`]*`)?\s*$", line)
                if not match:
                    continue
                field, go_type, tags = match.group(1), match.group(2) or match.group(1), match.group(3) or ""
                tag = re.search(r'bson:"([^",]*)', tags)
                fields[field] = (go_type, tag.group(1) if tag and tag.group(1) else field.lower())
            found[name] = fields
        cache[key] = found
    return cache[key]


def check_source(repo, commit, source, path, projected=False):
    """Problems with one "File Struct.Field GoType" source for `path`, and the Go type; a projected
    field (decoded from an aggregation's $project under another name) keeps its own key."""
    file, member, go_type = source.split(" ", 2)
    struct, field = member.split(".")
    found = structs(repo, commit, file).get(struct)
    if found is None:
        return [f"{commit} {file}: no struct {struct}"], go_type
    if field not in found:
        return [f"{commit} {file}: {struct} has no field {field}"], go_type
    actual, bson_key = found[field]
    problems = []
    if actual != go_type:
        problems.append(f"{commit} {file}: {struct}.{field} is {actual}, the fixture says {go_type}")
    if not projected and bson_key != last_key(path):
        problems.append(f"{commit} {file}: {struct}.{field} is stored as '{bson_key}', the fixture's path is '{path}'")
    return problems, go_type


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    repo = sys.argv[1]
    contract = json.loads(FIXTURE.read_text())
    commits = sys.argv[2:] or contract["original"]["commits"]
    problems, checked = [], 0
    for commit in commits:
        for name, spec in contract["documents"].items():
            go_types = {}
            for path, field in spec.get("fields", {}).items():
                sources = [(source, False) for source in field.get("go", [])] + [(source, True) for source in field.get("projected", [])]
                for source, projected in sources:
                    found, go_type = check_source(repo, commit, source, path, projected)
                    problems += found
                    target = element(go_type, path)
                    if target is None:
                        problems.append(f"{name}.{path}: {go_type} has no elements")
                        continue
                    if source.startswith("apps/go/requester/types/") and not projected:
                        go_types.setdefault(path, target)
                    for bson in field["bson"]:
                        if bson not in decodable(target):
                            problems.append(f"{name}.{path}: {source.split()[1]} ({target}) cannot decode BSON {bson}")
                    checked += 1
            for path, bson in spec.get("go_sets", {}).get("fields", {}).items():
                if path not in go_types:
                    problems.append(f"{name}.{path}: go_sets names a field no requester struct in 'fields' declares")
                elif encoded(go_types[path]) != bson:
                    problems.append(f"{name}.{path}: the Go requester writes {encoded(go_types[path])}, the fixture says {bson}")
                checked += 1
            for path, field in spec.get("go_writes", {}).items():
                found, go_type = check_source(repo, commit, field["go"], path)
                problems += found
                if encoded(go_type) != field["bson"]:
                    problems.append(f"{name}.{path}: {go_type} is written as {encoded(go_type)}, the fixture says {field['bson']}")
                checked += 1
    for problem in problems:
        print("MISMATCH", problem)
    print(f"{checked} checks over {len(commits)} commit(s): {len(problems)} mismatches")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
