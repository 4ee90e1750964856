#!/usr/bin/env bash
# Regenerates Sources/TemporalAPI/*.swift from the trimmed Temporal API protos in Protos/ (issue 13).
# The generated code is committed, so a normal `swift build` never needs protoc or these plugins;
# run this only after editing Protos/.
#
#   scripts/temporal-protos/generate.sh
#
# Protos/ itself is written by trim.py from a checkout of temporalio/api (its header comments name
# the commit). With TEMPORAL_API_UPSTREAM=that checkout, this also runs check.py: every field,
# enum value and RPC kept must match upstream's number, type and name (PyPI protobuf, installed in
# a throw-away virtualenv).
#
# Needs protoc from Debian's protobuf-compiler (installed with apt-get when missing; it also brings
# google/protobuf/*.proto under /usr/include). The two protoc plugins are built from the machine's
# package copies at the versions Package.swift uses — protoc-gen-swift (apple/swift-protobuf
# 1.39.0) and protoc-gen-grpc-swift-2 (grpc/grpc-swift-protobuf 2.4.1) — in a throw-away package
# under TEMPORAL_PLUGIN_DIR (default: a new temporary folder, removed afterwards; name a folder to
# keep the build between runs, since the first build takes several minutes on two cores).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
protos="$root/Protos"
out="$root/Sources/TemporalAPI"
say() { echo "temporal-protos: $*" >&2; }
fail() { say "$*"; exit 1; }

if ! command -v protoc >/dev/null; then
  say "installing protobuf-compiler"
  { apt-get update -qq && apt-get install -y -qq protobuf-compiler; } >&2 || fail "apt-get install protobuf-compiler failed"
fi
[ -f /usr/include/google/protobuf/duration.proto ] || fail "google/protobuf/*.proto not found under /usr/include (Debian: apt-get install libprotobuf-dev)"

if [ -n "${TEMPORAL_PLUGIN_DIR:-}" ]; then
  plugins="$TEMPORAL_PLUGIN_DIR"
  mkdir -p "$plugins"
else
  plugins="$(mktemp -d)"
  trap 'rm -rf "$plugins"' EXIT
fi

# A package with no code of its own: it exists only to pin the plugins' versions (`exact:`), so
# the generated code matches the runtime libraries Package.swift resolves.
mkdir -p "$plugins/Sources/Empty"
echo "// Only here so that the package has a target." >"$plugins/Sources/Empty/Empty.swift"
cat >"$plugins/Package.swift" <<'SWIFT'
// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "temporal-protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: [.target(name: "Empty")]
)
SWIFT
for product in protoc-gen-swift protoc-gen-grpc-swift-2; do
  say "building $product in $plugins (log: $plugins/build.log)"
  swift build --package-path "$plugins" --product "$product" >>"$plugins/build.log" 2>&1 \
    || { tail -n 30 "$plugins/build.log" >&2; fail "building $product failed"; }
done
bin="$(swift build --package-path "$plugins" --show-bin-path)"

mapfile -t files < <(cd "$protos" && find temporal -name '*.proto' | LC_ALL=C sort)
[ "${#files[@]}" -gt 0 ] || fail "no .proto files under $protos"
mkdir -p "$out"
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
# FileNaming=PathToUnderscores: one flat folder (a Swift target's sources may not share a base
# name, and every Temporal proto is called message.proto). Visibility=Public: TemporalClient and
# later the worker use these types from another module.
say "generating ${#files[@]} files into $out"
(cd "$protos" && protoc -I . -I /usr/include --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --swift_out="$out" --swift_opt=Visibility=Public,FileNaming=PathToUnderscores "${files[@]}")
# The gRPC plugin writes a file for every input, an empty one where there is no service: give it
# only the files that declare one. Client only: this project never serves the WorkflowService.
mapfile -t services < <(cd "$protos" && grep -l '^service ' "${files[@]}")
(cd "$protos" && protoc -I . -I /usr/include --plugin=protoc-gen-grpc-swift="$bin/protoc-gen-grpc-swift-2" \
  --grpc-swift_out="$out" \
  --grpc-swift_opt=Visibility=Public,FileNaming=PathToUnderscores,Client=true,Server=false \
  "${services[@]}")
say "done: $(ls "$out" | wc -l) files"

if [ -n "${TEMPORAL_API_UPSTREAM:-}" ]; then
  check="$plugins/check"
  mkdir -p "$check"
  (cd "$protos" && protoc -I . -I /usr/include --include_imports -o "$check/trimmed.pb" "${files[@]}")
  mapfile -t upstream_files < <(cd "$TEMPORAL_API_UPSTREAM" && find temporal -name '*.proto' | LC_ALL=C sort)
  (cd "$TEMPORAL_API_UPSTREAM" && protoc -I . --include_imports -o "$check/upstream.pb" "${upstream_files[@]}")
  [ -x "$check/venv/bin/python" ] || python3 -m venv "$check/venv"
  "$check/venv/bin/pip" install --quiet --disable-pip-version-check protobuf >&2
  "$check/venv/bin/python" "$root/scripts/temporal-protos/check.py" "$check/trimmed.pb" "$check/upstream.pb"
fi
