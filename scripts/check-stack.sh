#!/usr/bin/env bash
# Validates the Compose files offline: `docker-compose config -q` parses, interpolates and
# schema-checks each file without a Docker engine. Exit 0 when all are valid, 1 when one is not,
# 2 when docker-compose is missing. Usage: scripts/check-stack.sh [COMPOSE_FILE...]
# (default: both files under docker-compose/).
# docker-compose itself is installed by `make deps` (scripts/install-deps.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=("$root/docker-compose/dependencies/docker-compose.yaml" "$root/docker-compose/app/docker-compose.yaml")
fi

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  echo "check-stack: docker-compose not found; install it (Debian: apt-get install docker-compose, or run 'make deps')" >&2
  exit 2
fi

status=0
for file in "${files[@]}"; do
  # --project-directory is left alone: each file's relative paths and .env resolve from its own folder.
  if output="$("${compose[@]}" -f "$file" config -q 2>&1)"; then
    echo "ok      $file"
  else
    echo "INVALID $file" >&2
    printf '%s\n' "$output" | sed 's/^/        /' >&2
    status=1
  fi
done
exit "$status"
