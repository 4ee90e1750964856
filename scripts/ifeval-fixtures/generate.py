"""IFEval parity fixtures, made by lm-eval 0.4.9's own ifeval code (and the nltk and langdetect it
calls) in .venv-ifeval (setup.sh). Writes Tests/ScoringTests/Fixtures/ifeval/:

- rows.jsonl       the documents (google/IFEval's schema) of cases.py
- results.jsonl    per (row, response): lm-eval's process_results(doc, [response])
- aggregate.json   lm-eval's aggregation of those results (mean / agg_inst_level_acc)
- sentences.jsonl  nltk Punkt (what count_sentences loads) on SENTENCE_TEXTS and the responses
- words.jsonl      nltk.word_tokenize on WORD_TEXTS and the responses
- languages.jsonl  langdetect.detect (DetectorFactory.seed = 0) on LANGUAGE_TEXTS and the responses

Run: scripts/ifeval-fixtures/setup.sh && .venv-ifeval/bin/python scripts/ifeval-fixtures/generate.py
Deterministic: running it twice gives the same files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import types
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "Tests", "ScoringTests", "Fixtures", "ifeval")
os.environ.setdefault("NLTK_DATA", os.path.join(ROOT, ".venv-ifeval", "nltk_data"))
sys.path.insert(0, HERE)

import cases  # noqa: E402


def import_ifeval():
    """lm-eval's ifeval folder without lm_eval/__init__ (which imports the evaluator and torch)."""
    spec = importlib.util.find_spec("lm_eval")
    base = os.path.dirname(spec.origin)
    for name, path in (("lm_eval", base), ("lm_eval.tasks", os.path.join(base, "tasks")),
                       ("lm_eval.tasks.ifeval", os.path.join(base, "tasks", "ifeval"))):
        module = types.ModuleType(name)
        module.__path__ = [path]
        sys.modules[name] = module
    from lm_eval.tasks.ifeval import instructions_registry, instructions_util, utils
    return utils, instructions_util, instructions_registry


def main() -> None:
    import langdetect
    import nltk
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    utils, util, registry = import_ifeval()
    registered = set(registry.INSTRUCTION_DICT)
    used = {i for row in cases.ROWS for i in row["ids"]}
    assert used == registered, ("ids not covered", registered - used, "unknown", used - registered)

    os.makedirs(OUT, exist_ok=True)
    rows, results, responses = [], [], []
    per_metric: dict[str, list] = {}
    for row in cases.ROWS:
        doc = {"key": row["key"], "prompt": row["prompt"], "instruction_id_list": row["ids"], "kwargs": row["kwargs"]}
        rows.append(doc)
        for index, response in enumerate(row["responses"]):
            out = utils.process_results(doc, [response])
            results.append({"key": row["key"], "response_index": index, "response": response, "metrics": out})
            responses.append(response)
            for name, value in out.items():
                per_metric.setdefault(name, []).append(value)

    aggregate = {
        "prompt_level_strict_acc": sum(per_metric["prompt_level_strict_acc"]) / len(per_metric["prompt_level_strict_acc"]),
        "inst_level_strict_acc": utils.agg_inst_level_acc(per_metric["inst_level_strict_acc"]),
        "prompt_level_loose_acc": sum(per_metric["prompt_level_loose_acc"]) / len(per_metric["prompt_level_loose_acc"]),
        "inst_level_loose_acc": utils.agg_inst_level_acc(per_metric["inst_level_loose_acc"]),
        "n": len(results),
    }

    def detect(text):
        try:
            return langdetect.detect(text)
        except langdetect.LangDetectException:
            return None

    vietnamese_decomposed = unicodedata.normalize("NFD", "Tiếng Việt rất đẹp và phong phú.")
    sentence_texts = cases.SENTENCE_TEXTS + responses
    word_texts = cases.WORD_TEXTS + responses
    language_texts = cases.LANGUAGE_TEXTS + [vietnamese_decomposed] + responses

    def dump(name, items):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")

    dump("rows.jsonl", rows)
    dump("results.jsonl", results)
    dump("sentences.jsonl", [{"text": t, "sentences": util._get_sentence_tokenizer().tokenize(t)} for t in sentence_texts])
    dump("words.jsonl", [{"text": t, "words": nltk.word_tokenize(t)} for t in word_texts])
    dump("languages.jsonl", [{"text": t, "language": detect(t)} for t in language_texts])
    with open(os.path.join(OUT, "aggregate.json"), "w", encoding="utf-8") as f:
        json.dump(aggregate, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(rows)} rows, {len(results)} responses, {len(registered)} instruction ids -> {OUT}")


if __name__ == "__main__":
    main()
