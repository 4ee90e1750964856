#!/usr/bin/env bash
# Loglikelihood benchmark (issue #14): 5-shot mmlu_anatomy over N synthetic mmlu-shaped documents
# (default 10,000; 4 loglikelihood instances each). Requests built per second (instances and their
# /v1/completions bodies) and responses scored per second (the scorer alone, and from echoed
# bodies), natively and with lm-eval 0.4.9 on the same documents and made-up values; one table.
# Usage: scripts/bench-loglikelihood.sh [--documents N] [--repetitions R] [--seed S]
# Needs lm-eval's task tree (scripts/fetch-lmeval-tasks.sh) and, for the lm-eval side, LMEVAL_PYTHON,
# else .venv-lmeval/bin/python (scripts/lmeval-fixtures/setup.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${LMEVAL_PYTHON:-$PWD/.venv-lmeval/bin/python}"
tree="$PWD/.cache/lm-eval-0.4.9/lm_eval/tasks"
[ -d "$tree" ] || { echo "bench-loglikelihood: no lm-eval task tree at $tree (run scripts/fetch-lmeval-tasks.sh)" >&2; exit 1; }
swift build -c release --product testbench-bench
bin="$(swift build -c release --show-bin-path)/testbench-bench"
if [ -x "$python" ]; then
  "$bin" loglikelihood --lmeval-tasks "$tree" --lmeval-python "$python" "$@"
else
  echo "bench-loglikelihood: no lm-eval virtualenv at $python (set LMEVAL_PYTHON); native side only" >&2
  "$bin" loglikelihood --lmeval-tasks "$tree" "$@"
fi
