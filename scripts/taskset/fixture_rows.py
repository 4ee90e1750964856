"""Rows for the task-set test's dataset schemas that no other fixture folder has.

    python3 scripts/taskset/fixture_rows.py   # rewrites Tests/TestbenchTests/Fixtures/taskset/data

leaderboard gpqa and musr rows come from scripts/lmeval-fixtures/docs.py (the rows its parity cases
use); lm-eval's own `babi` (Muennighoff/babi: passage, question, answer) is written here; arc,
hellaswag and mmlu_pro take the parity/loglikelihood fixtures' rows, repeated (new ids) until the
table's few-shot counts can be drawn (25 arc, 10 hellaswag) and, for mmlu_pro, copied into each of
its 14 categories (its process_docs keeps one). The other schemas are read from the parity and
loglikelihood fixture folders as they are (see schemas.json).
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "Tests", "LMEvalTests", "Fixtures")
MMLU_PRO_CATEGORIES = ("biology", "business", "chemistry", "computer science", "economics", "engineering", "health",
                       "history", "law", "math", "other", "philosophy", "physics", "psychology")
sys.path.insert(0, os.path.join(HERE, "..", "lmeval-fixtures"))
import docs  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "Tests", "TestbenchTests", "Fixtures", "taskset", "data")

_BABI = [
    ("Mary moved to the bathroom.\nJohn went to the hallway.\n", "Where is Mary?", "bathroom"),
    ("Daniel went back to the hallway.\nSandra moved to the garden.\n", "Where is Daniel?", "hallway"),
    ("John moved to the office.\nSandra journeyed to the bathroom.\n", "Where is Sandra?", "bathroom"),
    ("Mary went to the kitchen.\nDaniel travelled to the office.\n", "Where is Daniel?", "office"),
]


def write(folder, split, rows):
    path = os.path.join(OUT, folder)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, f"{split}.jsonl"), "w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read(relative):
    with open(os.path.join(FIXTURES, relative)) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def repeated(rows, count, key):
    """`count` rows cycling through `rows`, each copy's `key` made unique."""
    out = []
    for i in range(count):
        row = dict(rows[i % len(rows)])
        row[key] = f"{row[key]}-{i}" if isinstance(row[key], str) else row[key] * 1000 + i
        out.append(row)
    return out


def main():
    write("gpqa", "train", docs.gpqa_rows())
    musr = docs.musr_rows()
    for split in ("murder_mysteries", "object_placements", "team_allocation"):
        write("musr", split, musr)
    babi = [{"passage": p, "question": q, "answer": a} for p, q, a in _BABI]
    write("babi", "train", babi[:3])
    write("babi", "valid", babi[3:])
    write("babi", "test", babi[2:])
    arc = "loglikelihood/data/arc_challenge"
    write("arc_challenge", "train", repeated(read(f"{arc}/train.jsonl"), 26, "id"))
    for split in ("test", "validation"):
        write("arc_challenge", split, read(f"{arc}/{split}.jsonl"))
    write("hellaswag", "train", repeated(read("loglikelihood/data/hellaswag/train.jsonl"), 12, "ind"))
    write("hellaswag", "validation", read("loglikelihood/data/hellaswag/validation.jsonl"))
    for split in ("test", "validation"):
        rows = read(f"parity/data/mmlu_pro/{split}.jsonl")
        write("mmlu_pro", split, [dict(row, category=category, question_id=row["question_id"] * 100 + n)
                                  for n, category in enumerate(MMLU_PRO_CATEGORIES) for row in rows])


main()
