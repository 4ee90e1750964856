#!/usr/bin/env bash
# Validates the Compose files offline: `docker-compose config -q` parses, interpolates and
# schema-checks each file without a Docker engine; without arguments it also checks that pgAdmin's
# server and the workers' credentials are the original's documented ones, and validates the app
# file merged with its Temporal override (docker-compose.temporal.yaml is not valid alone: it only
# changes the workers' configuration). Exit 0 when all are valid, 1 when one is not,
# 2 when docker-compose is missing. Usage: scripts/check-stack.sh [COMPOSE_FILE...]
# (default: both files under docker-compose/, and the app file with its Temporal override).
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
if [ "$#" -eq 0 ]; then
  # The names the original's documentation gives users (apps/python/sampler/README.md: pgAdmin's
  # "Add New Server" with host postgres_container, port 5432, maintenance database postgres,
  # user/password admin, name pokt-ml-datasets) and the worker configs' matching credentials.
  if ! problems="$(python3 - "$root" <<'PY'
import json, sys, urllib.parse
root = sys.argv[1]
problems = []
server = next(iter(json.load(open(f"{root}/docker-compose/dependencies/pgadmin/servers.json"))["Servers"].values()))
want = {"Name": "pokt-ml-datasets", "Host": "postgres_container", "Port": 5432, "MaintenanceDB": "postgres", "Username": "admin"}
problems += [f"pgadmin/servers.json {k} is {server.get(k)!r}, the original's README says {v!r}" for k, v in want.items() if server.get(k) != v]
compose = open(f"{root}/docker-compose/dependencies/docker-compose.yaml").read()
for line in ("container_name: postgres_container", "POSTGRES_USER: admin", "POSTGRES_PASSWORD: admin"):
    if line not in compose:
        problems.append(f"dependencies/docker-compose.yaml lacks '{line}'")
for config in ("docker-compose/app/config/sampler.json", "docker-compose/app/config/evaluator.json",
               "docker-compose/app/config/sampler-temporal.json", "docker-compose/app/config/evaluator-temporal.json",
               "apps/sampler/config.sample.json", "apps/evaluator/config.sample.json"):
    uri = urllib.parse.urlsplit(json.load(open(f"{root}/{config}"))["postgres_uri"])
    if (uri.username, uri.password, uri.path) != ("admin", "admin", "/pocket-ml-testbench"):
        problems.append(f"{config}: postgres_uri is not admin:admin@…/pocket-ml-testbench")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
)"; then
    echo "INVALID the stack's names and credentials" >&2
    printf '%s\n' "$problems" | sed 's/^/        /' >&2
    status=1
  else
    echo "ok      pgAdmin server pokt-ml-datasets (postgres_container:5432, postgres, admin) and worker credentials"
  fi
fi
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
if [ "$#" -eq 0 ]; then
  app="$root/docker-compose/app/docker-compose.yaml"
  override="$root/docker-compose/app/docker-compose.temporal.yaml"
  if output="$("${compose[@]}" -f "$app" -f "$override" config -q 2>&1)"; then
    echo "ok      $app + $override"
  else
    echo "INVALID $app + $override" >&2
    printf '%s\n' "$output" | sed 's/^/        /' >&2
    status=1
  fi
fi
exit "$status"
