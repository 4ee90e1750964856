#!/usr/bin/env bash
# Puts lm-eval 0.4.9's own task tree (YAML only; its Python code is never part of this
# repository) at .cache/lm-eval-0.4.9/lm_eval/tasks for the tests that load it whole.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=".cache/lm-eval-0.4.9"
[ -d "$dest/lm_eval/tasks" ] && exit 0
mkdir -p .cache/download
python3 -m pip download --quiet --no-deps --dest .cache/download lm-eval==0.4.9
python3 - "$dest" .cache/download/lm_eval-0.4.9-*.whl <<'PY'
import sys, zipfile
dest, wheel = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    z.extractall(dest, [n for n in z.namelist() if n.startswith("lm_eval/")])
PY
echo "lm-eval 0.4.9 task tree at $dest/lm_eval/tasks"
