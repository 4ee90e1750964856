#!/usr/bin/env python3
"""Checks that the trimmed protos in Protos/ are a wire-compatible subset of temporalio/api.

    python3 scripts/temporal-protos/check.py TRIMMED.pb UPSTREAM.pb

Both arguments are FileDescriptorSets written by `protoc --include_imports -o` (generate.sh makes
them). Every message, field, enum value and RPC of the trimmed set must exist upstream with the
same package, name, number, type, label and type name; anything else would change the wire format
or the gRPC method paths. Needs PyPI `protobuf` (generate.sh installs it in a throw-away venv).
"""
import sys

from google.protobuf import descriptor_pb2


def load(path):
    files = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as handle:
        files.ParseFromString(handle.read())
    messages, enums, services = {}, {}, {}

    def walk(prefix, message):
        name = f"{prefix}.{message.name}"
        messages[name] = message
        for nested in message.nested_type:
            walk(name, nested)
        for enum in message.enum_type:
            enums[f"{name}.{enum.name}"] = enum

    for file in files.file:
        if file.package.startswith("google."):
            continue
        for message in file.message_type:
            walk(file.package, message)
        for enum in file.enum_type:
            enums[f"{file.package}.{enum.name}"] = enum
        for service in file.service:
            services[f"{file.package}.{service.name}"] = service
    return messages, enums, services


def main():
    trimmed, upstream = load(sys.argv[1]), load(sys.argv[2])
    problems, counts = [], [0, 0, 0]
    for name, message in trimmed[0].items():
        original = upstream[0].get(name)
        if original is None:
            problems.append(f"message {name} is not upstream")
            continue
        fields = {field.name: field for field in original.field}
        for field in message.field:
            counts[0] += 1
            theirs = fields.get(field.name)
            if theirs is None:
                problems.append(f"{name}.{field.name} is not upstream")
                continue
            for attribute in ("number", "type", "label", "type_name"):
                if getattr(field, attribute) != getattr(theirs, attribute):
                    problems.append(f"{name}.{field.name}: {attribute} {getattr(field, attribute)!r}"
                                    f" != upstream {getattr(theirs, attribute)!r}")
            # A field in a oneof upstream must be in the oneof of the same name here (and not).
            ours_oneof = message.oneof_decl[field.oneof_index].name if field.HasField("oneof_index") else None
            theirs_oneof = original.oneof_decl[theirs.oneof_index].name if theirs.HasField("oneof_index") else None
            if ours_oneof != theirs_oneof:
                problems.append(f"{name}.{field.name}: oneof {ours_oneof} != upstream {theirs_oneof}")
    for name, enum in trimmed[1].items():
        original = upstream[1].get(name)
        if original is None:
            problems.append(f"enum {name} is not upstream")
            continue
        values = {value.name: value.number for value in original.value}
        for value in enum.value:
            counts[1] += 1
            if values.get(value.name) != value.number:
                problems.append(f"{name}.{value.name} = {value.number}, upstream {values.get(value.name)}")
    for name, service in trimmed[2].items():
        original = upstream[2].get(name)
        if original is None:
            problems.append(f"service {name} is not upstream")
            continue
        methods = {method.name: method for method in original.method}
        for method in service.method:
            counts[2] += 1
            theirs = methods.get(method.name)
            if theirs is None or (theirs.input_type, theirs.output_type) != (method.input_type, method.output_type):
                problems.append(f"rpc {name}.{method.name} differs from upstream")
    for problem in problems:
        print(f"check: {problem}", file=sys.stderr)
    print(f"check: {len(trimmed[0])} messages ({counts[0]} fields), {len(trimmed[1])} enums ({counts[1]} values),"
          f" {counts[2]} RPCs; {len(problems)} differences from upstream", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
