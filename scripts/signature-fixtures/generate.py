"""Writes the `signatures` test fixtures (Tests/TestbenchTests/Fixtures/signatures/).

- tokenizer.json: what a supplier's GET /pokt/tokenizer answers, {file stem: file JSON}, for a
  small byte-level BPE tokenizer trained here (the `tokenizers` library) and saved by
  `transformers`' `save_pretrained`, as the original's suppliers serve it.
- config.json: what GET /pokt/config answers, {"config": config.json}, for a tiny Llama config.
- expected.json: the hashes the original's evaluator computes for them: its own
  `load_tokenizer` + `prepare_tokenizer` and `load_config` + `prepare_config` steps (transformers
  AutoTokenizer / AutoConfig, save_pretrained, json.dumps(sort_keys=True), sha256), reimplemented
  here with the same library calls; and the identity prompts for seed 1234.

Run: python3 -m venv .venv-signatures && .venv-signatures/bin/pip install transformers==4.46.3 tokenizers
     .venv-signatures/bin/python scripts/signature-fixtures/generate.py
"""
import hashlib
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
from transformers import AutoConfig, AutoTokenizer, LlamaConfig, PreTrainedTokenizerFast

OUT = Path(__file__).resolve().parents[2] / "Tests/TestbenchTests/Fixtures/signatures"

LOREM = """
Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna
aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.
Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint
occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.
"""


def files_of(saved: Path) -> dict:
    return {p.stem: json.loads(p.read_text()) for p in sorted(saved.glob("*.json"))}


def tokenizer_files(work: Path) -> dict:
    bpe = Tokenizer(models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator([LOREM] * 4, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|im_start|>", eos_token="<|im_end|>",
                                   unk_token="<|endoftext|>", model_max_length=8192)
    saved = work / "served-tokenizer"
    fast.save_pretrained(saved)
    return files_of(saved)


def original_tokenizer_hash(tokenizer_jsons: dict, work: Path) -> tuple[dict, str]:
    # load_tokenizer: write each object as <key>.json, AutoTokenizer.from_pretrained.
    tokenizer_jsons = json.loads(json.dumps(tokenizer_jsons))
    if "model_max_length" in tokenizer_jsons["tokenizer_config"]:
        tokenizer_jsons["tokenizer_config"]["model_max_length"] = int(tokenizer_jsons["tokenizer_config"]["model_max_length"])
    load = work / "load-tokenizer"
    load.mkdir()
    for key, value in tokenizer_jsons.items():
        (load / f"{key}.json").write_text(json.dumps(value))
    tokenizer = AutoTokenizer.from_pretrained(load, trust_remote_code=True)
    # prepare_tokenizer: save_pretrained, read the *.json back, model_max_length as str, hash.
    saved = work / "prepare-tokenizer"
    tokenizer.save_pretrained(saved)
    jsons = files_of(saved)
    if "model_max_length" in jsons["tokenizer_config"]:
        jsons["tokenizer_config"]["model_max_length"] = str(jsons["tokenizer_config"]["model_max_length"])
    return jsons, hashlib.sha256(json.dumps(jsons, sort_keys=True).encode("utf-8")).hexdigest()


def config_files(work: Path) -> dict:
    config = LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2,
                         num_key_value_heads=1, max_position_embeddings=8192, bos_token_id=1, eos_token_id=2, tie_word_embeddings=True)
    saved = work / "served-config"
    config.save_pretrained(saved)
    return files_of(saved)


def original_config_hash(config_jsons: dict, work: Path) -> tuple[dict, str]:
    load = work / "load-config"
    load.mkdir()
    for key, value in config_jsons.items():
        (load / f"{key}.json").write_text(json.dumps(value))
    config = AutoConfig.from_pretrained(load, trust_remote_code=False)
    saved = work / "prepare-config"
    config.save_pretrained(saved)
    jsons = files_of(saved)
    for key in jsons:
        if "_name_or_path" in jsons[key]:
            jsons[key]["_name_or_path"] = "Unknown"
    return jsons, hashlib.sha256(json.dumps(jsons, sort_keys=True).encode("utf-8")).hexdigest()


def received_hash(files: dict, tokenizer: bool) -> str:
    """The files as received with only the original's own normalisations (no transformers round
    trip): what a port that skipped the round trip would compute, to show the round trip matters."""
    files = json.loads(json.dumps(files))
    if tokenizer and "model_max_length" in files["tokenizer_config"]:
        files["tokenizer_config"]["model_max_length"] = str(int(files["tokenizer_config"]["model_max_length"]))
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode("utf-8")).hexdigest()


def identity_prompts(seed: int) -> list[str]:
    words = LOREM.replace("\n", "").split(" ")
    random.seed(seed)
    return [" ".join(random.choices(words, k=10)) + " " for _ in range(5)]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tokenizer = tokenizer_files(work)
        config = config_files(work)
        _, tokenizer_hash = original_tokenizer_hash(tokenizer, work)
        _, config_hash = original_config_hash(config, work)
    (OUT / "tokenizer.json").write_text(json.dumps(tokenizer))
    (OUT / "config.json").write_text(json.dumps(config))
    expected = {
        "tokenizer_hash_original": tokenizer_hash,
        "tokenizer_hash_received": received_hash(tokenizer, True),
        "config_hash_original": config_hash,
        "config_hash_received": received_hash(config, False),
        "identity_prompts_1234": identity_prompts(1234),
    }
    (OUT / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(json.dumps(expected, indent=2))


if __name__ == "__main__":
    sys.exit(main())
