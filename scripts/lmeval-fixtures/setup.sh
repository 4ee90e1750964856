#!/usr/bin/env bash
# Creates the throw-away virtualenv for generate.py at <repo>/.venv-lmeval (git-ignored).
# lm-eval 0.4.9 is installed without its dependencies (no torch); requirements.txt has the rest.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${LMEVAL_VENV:-.venv-lmeval}"
python="$(command -v python3.11 || command -v python3)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-deps lm-eval==0.4.9
"$venv/bin/pip" install --quiet -r scripts/lmeval-fixtures/requirements.txt
"$venv/bin/python" -c "import importlib.metadata as m; print('lm-eval', m.version('lm_eval'), 'in $venv')"
