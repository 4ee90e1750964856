#!/usr/bin/env bash
# Scoring benchmark: responses scored per second for a regex + exact_match task (10,000 synthetic
# documents of bigbench_arithmetic_2_digit_addition), natively (the scorer alone and the whole
# Evaluator path) and with lm-eval 0.4.9's own filters and metrics on the same responses.
# Usage: scripts/bench-scoring.sh [--documents N] [--repetitions R]
# lm-eval side: LMEVAL_PYTHON, else .venv-lmeval/bin/python (scripts/lmeval-fixtures/setup.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${LMEVAL_PYTHON:-$PWD/.venv-lmeval/bin/python}"
swift build -c release --product testbench-bench
bin="$(swift build -c release --show-bin-path)/testbench-bench"
if [ -x "$python" ]; then
  "$bin" scoring --tasks-dir "$PWD/tasks" --lmeval-python "$python" "$@"
else
  echo "bench-scoring: no lm-eval virtualenv at $python (set LMEVAL_PYTHON); native side only" >&2
  "$bin" scoring --tasks-dir "$PWD/tasks" "$@"
fi
