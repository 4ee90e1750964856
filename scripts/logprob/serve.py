"""A loopback OpenAI-style /v1/completions server that returns correct prompt logprobs (echo) for
SmolLM2-135M, on llama-cpp-python's low-level API: one llama_decode over the whole prompt with
logits at every position, log-softmax in float64, token i scored under the distribution that
predicts it (llama_cpp.server scores it under the next one: abetlen/llama-cpp-python#1983).
Started by scripts/logprob-server.sh, which owns the virtualenv and the pid file.

Endpoints:
  GET  /health                 200 once the model is loaded
  GET  /v1/models              the one model
  POST /v1/completions         prompt (a string or a list), echo, logprobs (top-k), max_tokens
                               (greedy; temperature and seed are accepted and do not matter)
  POST /v1/loglikelihood       {"context", "continuation"} -> {"loglikelihood", "is_greedy", "tokens"}:
                               the reference computation, split by tokens as lm-eval's HF model
                               splits (context encoded alone, continuation = the rest of the
                               whole encoding; trailing context spaces moved to the continuation)

Every prompt is scored after one prefix token (BOS, else EOS), as lm-eval scores an empty context
and rolling windows, so the first prompt token has a logprob too (OpenAI gives it null).
text_offset counts characters (Python str indices) of the prompt.
"""

import argparse
import ctypes
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "llama"))
from serve import model_path, write_atomically  # noqa: E402  (scripts/llama/serve.py: the same GGUF)

import llama_cpp  # noqa: E402


class Model:
    def __init__(self, path, n_ctx, threads):
        llama_cpp.llama_backend_init()
        params = llama_cpp.llama_model_default_params()
        self.model = llama_cpp.llama_model_load_from_file(path.encode(), params)
        if not self.model:
            raise SystemExit(f"serve.py: could not load {path}")
        self.vocab = llama_cpp.llama_model_get_vocab(self.model)
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(self.vocab)
        context = llama_cpp.llama_context_default_params()
        context.n_ctx = n_ctx
        context.n_batch = n_ctx
        context.n_ubatch = min(512, n_ctx)
        context.n_threads = threads
        context.n_threads_batch = threads
        self.ctx = llama_cpp.llama_init_from_model(self.model, context)
        if not self.ctx:
            raise SystemExit("serve.py: could not create a llama context")
        self.n_ctx = llama_cpp.llama_n_ctx(self.ctx)
        bos = llama_cpp.llama_vocab_bos(self.vocab)
        self.prefix = bos if bos >= 0 else llama_cpp.llama_vocab_eos(self.vocab)
        self.lock = threading.Lock()
        self.name = os.path.basename(path)

    def tokenize(self, text):
        data = text.encode("utf-8")
        capacity = len(data) + 8
        buffer = (llama_cpp.llama_token * capacity)()
        n = llama_cpp.llama_tokenize(self.vocab, data, len(data), buffer, capacity, False, False)
        if n < 0:
            raise ValueError("tokenization overflow")
        return list(buffer[:n])

    def piece(self, token):
        buffer = ctypes.create_string_buffer(256)
        n = llama_cpp.llama_token_to_piece(self.vocab, token, buffer, 256, 0, False)
        if n < 0:
            raise ValueError(f"token {token} has a piece longer than 256 bytes")
        return buffer.raw[:n]

    def log_softmax(self, tokens):
        """Log-probabilities (float64) after each of `tokens`: row i predicts token i + 1."""
        if len(tokens) > self.n_ctx:
            raise ValueError(f"{len(tokens)} tokens do not fit the context of {self.n_ctx}")
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(self.ctx), True)
        batch = llama_cpp.llama_batch_init(len(tokens), 0, 1)
        try:
            for i, token in enumerate(tokens):
                batch.token[i] = token
                batch.pos[i] = i
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = 0
                batch.logits[i] = True
            batch.n_tokens = len(tokens)
            if llama_cpp.llama_decode(self.ctx, batch) != 0:
                raise RuntimeError("llama_decode failed")
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits(self.ctx), shape=(len(tokens), self.n_vocab))
            rows = logits.astype(np.float64)
        finally:
            llama_cpp.llama_batch_free(batch)
        top = rows.max(axis=1, keepdims=True)
        return rows - top - np.log(np.exp(rows - top).sum(axis=1, keepdims=True))

    def complete(self, prompt, max_tokens, top_k, echo):
        with self.lock:
            prompt_tokens = self.tokenize(prompt)
            sequence = [self.prefix] + prompt_tokens
            generated = []
            rows = self.log_softmax(sequence)
            for step in range(max_tokens):
                token = int(np.argmax(rows[-1]))
                if llama_cpp.llama_vocab_is_eog(self.vocab, token):
                    break
                generated.append((token, rows[-1]))
                if step + 1 < max_tokens:
                    sequence.append(token)
                    rows = self.log_softmax(sequence)
            scored = []  # (token, distribution that predicts it)
            if echo:
                # Causal: row i depends only on tokens 0..i, so the last decode's rows still score the prompt.
                scored = [(t, rows[i]) for i, t in enumerate(prompt_tokens)]
            scored += generated
        pieces = [self.piece(t) for t, _ in scored]
        prompt_bytes = prompt.encode("utf-8")
        if echo and b"".join(pieces[: len(prompt_tokens)]) != prompt_bytes:
            raise ValueError("the tokenizer does not give back the prompt's bytes; text_offset would be wrong")
        generated_text = b"".join(self.piece(t) for t, _ in generated).decode("utf-8", errors="replace")
        text = (prompt + generated_text) if echo else generated_text
        result = {"text": text, "index": 0, "finish_reason": "length" if len(generated) == max_tokens else "stop"}
        if top_k is not None:
            tokens, token_logprobs, top_logprobs, offsets = [], [], [], []
            offset_bytes = 0 if echo else len(prompt_bytes)
            all_bytes = prompt_bytes + generated_text.encode("utf-8")
            for (token, distribution), piece in zip(scored, pieces):
                offsets.append(len(all_bytes[:offset_bytes].decode("utf-8", errors="ignore")))
                offset_bytes += len(piece)
                tokens.append(piece.decode("utf-8", errors="replace"))
                token_logprobs.append(float(distribution[token]))
                best = np.argsort(-distribution, kind="stable")[: max(1, top_k)]
                top_logprobs.append({self.piece(int(b)).decode("utf-8", errors="replace"): float(distribution[b]) for b in best})
            result["logprobs"] = {"tokens": tokens, "token_logprobs": token_logprobs, "top_logprobs": top_logprobs,
                                  "text_offset": offsets}
        else:
            result["logprobs"] = None
        return result, len(prompt_tokens), len(generated)

    def reference_loglikelihood(self, context, continuation):
        """lm-eval HFLM's split: context and whole encoded apart, the continuation is the rest."""
        n_spaces = len(context) - len(context.rstrip())
        if n_spaces > 0:
            continuation = context[-n_spaces:] + continuation
            context = context[:-n_spaces]
        with self.lock:
            if context == "":
                context_tokens = []
                continuation_tokens = self.tokenize(continuation)
            else:
                whole = self.tokenize(context + continuation)
                context_tokens = self.tokenize(context)
                continuation_tokens = whole[len(context_tokens):]
            sequence = [self.prefix] + context_tokens + continuation_tokens
            rows = self.log_softmax(sequence)
        total, greedy = 0.0, True
        start = 1 + len(context_tokens)
        for i in range(start, len(sequence)):
            distribution = rows[i - 1]
            total += float(distribution[sequence[i]])
            greedy = greedy and int(np.argmax(distribution)) == sequence[i]
        return {"loglikelihood": total, "is_greedy": greedy, "tokens": len(continuation_tokens)}


def handler_for(model, alias):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                self.reply(200, {"status": "ok"})
            elif self.path == "/v1/models":
                self.reply(200, {"object": "list", "data": [{"id": alias, "object": "model"}]})
            else:
                self.reply(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self):
            try:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
            except (ValueError, json.JSONDecodeError) as error:
                return self.reply(400, {"error": {"message": f"bad JSON body: {error}"}})
            try:
                if self.path == "/v1/completions":
                    return self.reply(200, self.completions(body))
                if self.path == "/v1/loglikelihood":
                    return self.reply(200, model.reference_loglikelihood(body["context"], body["continuation"]))
                return self.reply(404, {"error": {"message": f"no route {self.path} (chat completions cannot echo prompt logprobs)"}})
            except (KeyError, TypeError, ValueError) as error:
                return self.reply(400, {"error": {"message": str(error)}})

        def completions(self, body):
            prompts = body.get("prompt", "")
            if isinstance(prompts, str):
                prompts = [prompts]
            if not all(isinstance(p, str) for p in prompts):
                raise ValueError("prompt must be a string or a list of strings")
            top_k = body.get("logprobs")
            max_tokens = int(body.get("max_tokens", 16))
            echo = bool(body.get("echo", False))
            choices, prompt_tokens, completion_tokens = [], 0, 0
            for index, prompt in enumerate(prompts):
                choice, n_prompt, n_generated = model.complete(prompt, max_tokens, top_k, echo)
                choice["index"] = index
                choices.append(choice)
                prompt_tokens += n_prompt
                completion_tokens += n_generated
            return {"id": "cmpl-logprob", "object": "text_completion", "model": body.get("model", alias),
                    "choices": choices, "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                                  "total_tokens": prompt_tokens + completion_tokens}}

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument("--alias", default="SmolLM2-135M-Instruct")
    parser.add_argument("--address-file", required=True)
    parser.add_argument("--pid-file", required=True)
    args = parser.parse_args()
    write_atomically(args.pid_file, f"{os.getpid()}\n")
    model = Model(model_path(), args.ctx, args.threads)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(model, args.alias))
    server.daemon_threads = True
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: threading.Thread(target=server.shutdown).start())
    address = f"http://127.0.0.1:{server.server_address[1]}"
    write_atomically(args.address_file, address + "\n")
    print(f"serve.py: listening on {address}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
