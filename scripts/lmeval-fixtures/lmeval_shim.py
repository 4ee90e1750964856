"""Import lm-eval 0.4.9 without torch/transformers, and feed it local JSONL documents.

lm-eval's package imports torch and transformers at module level on paths that never use them
to build prompts or score generations (its evaluator seeds torch, its model utilities annotate
with torch types, `lm_eval.models` imports every backend). Installing them is gigabytes, so:

* `install_stubs()` registers permissive stand-in modules for `torch` and `transformers` (and
  their submodules) in `sys.modules`. Any attribute is a do-nothing class, so type annotations,
  `torch.manual_seed(...)` and `class X(transformers.StoppingCriteria)` work. Nothing the
  fixtures record is computed by these stand-ins; a call that mattered would return a stand-in
  object, which would fail JSON serialisation loudly.
* It pre-registers `lm_eval.models` as an empty package (its real `__path__`) so that importing
  `lm_eval.models.openai_completions` does not import the HF/vLLM/... backends, with a
  placeholder `lm_eval.models.huggingface.HFLM` class (simple_evaluate only asks whether the
  model is an instance of it; ours never is).
* `use_local_data(resolver)` replaces `datasets.load_dataset` (as lm-eval's task module sees it)
  with a loader of `<folder>/<split>.jsonl` files through `datasets`' own `json` builder.

Everything else (TaskManager, ConfigurableTask, samplers, filters, metrics, the
local-completions / local-chat-completions request payloads, simple_evaluate) is lm-eval's code.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types

STUBBED = ("torch", "transformers")


class _StubMeta(type):
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _stub_class(f"{cls.__name__}.{name}")

    def __getitem__(cls, item):
        return cls

    def __call__(cls, *args, **kwargs):
        return cls


def _stub_class(name: str):
    return _StubMeta(name, (), {})


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "__version__":
            return "0.0.0-stub"
        return _stub_class(f"{self.__name__}.{name}")


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in STUBBED:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        module.__version__ = "0.0.0-stub"
        return module

    def exec_module(self, module):
        pass


def install_stubs() -> None:
    """Make `import torch` / `import transformers` succeed with stand-ins; skip lm_eval.models' backends."""
    # Import the real libraries that probe for torch first, while torch is truly absent.
    import datasets  # noqa: F401
    import evaluate  # noqa: F401
    import numpy  # noqa: F401

    for name in list(sys.modules):
        if name.split(".")[0] in STUBBED:
            raise RuntimeError(f"{name} was imported before the stubs were installed")
    sys.meta_path.insert(0, _StubFinder())

    spec = importlib.util.find_spec("lm_eval")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("lm_eval is not installed in this interpreter")
    root = list(spec.submodule_search_locations)[0]
    models = types.ModuleType("lm_eval.models")
    models.__path__ = [os.path.join(root, "models")]
    models.__package__ = "lm_eval.models"
    sys.modules["lm_eval.models"] = models
    # simple_evaluate asks `isinstance(lm, lm_eval.models.huggingface.HFLM)`; our models never are.
    huggingface = types.ModuleType("lm_eval.models.huggingface")
    huggingface.HFLM = type("HFLM", (), {})
    sys.modules["lm_eval.models.huggingface"] = huggingface
    models.huggingface = huggingface
    import lm_eval

    lm_eval.models = models


def use_local_data(resolver) -> None:
    """Route lm-eval's `datasets.load_dataset(path=…, name=…)` to local `<split>.jsonl` files.

    `resolver(path, name)` returns the folder holding the split files.
    """
    import datasets

    original = datasets.load_dataset

    def load_dataset(path=None, name=None, *args, **kwargs):
        folder = resolver(path, name)
        files = {
            f[: -len(".jsonl")]: os.path.join(folder, f)
            for f in sorted(os.listdir(folder))
            if f.endswith(".jsonl")
        }
        if not files:
            raise FileNotFoundError(f"no <split>.jsonl in {folder} for dataset {path}/{name}")
        return original("json", data_files=files)

    datasets.load_dataset = load_dataset
    import lm_eval.api.task as task_module

    task_module.datasets.load_dataset = load_dataset
