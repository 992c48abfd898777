"""Write your own backend: anything with ``model``, ``tier`` and an async ``complete``.

    python examples/03_custom_backend.py --backend fake
    python examples/03_custom_backend.py --backend openai:gpt-4o-mini

``TracingBackend`` wraps another backend (here the offline demo FakeBackend, or any named
backend) and records what each call cost. The same shape serves caching, rate limiting or a
client for a server factx does not know. The protocol::

    async def complete(messages, response_model, *, max_tokens=None) -> Reply

returns ``Reply(value=<validated model>)`` or ``Reply(value=None, error=<why>)`` for an
invalid answer (factx then re-asks with the reason), and raises
:class:`factx.BackendError` for transport failures (never re-asked).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _demo import SEEDS, backend_from
from pydantic import BaseModel

import factx
from factx.backends import Backend, Message, Reply, resolve_backend


@dataclass
class Trace:
    schema: str
    messages: int
    prompt_chars: int
    ok: bool
    tokens: int
    seconds: float


class TracingBackend:
    """Delegates to ``inner`` and keeps one :class:`Trace` per call."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.model = f"traced:{inner.model}"
        self.tier = inner.tier  # keeps the inner backend's pipeline (single or staged)
        self.traces: list[Trace] = []

    async def complete(
        self,
        messages: list[Message],
        response_model: type[BaseModel],
        *,
        max_tokens: int | None = None,
    ) -> Reply[BaseModel]:
        started = time.perf_counter()
        reply = await self.inner.complete(messages, response_model, max_tokens=max_tokens)
        self.traces.append(
            Trace(
                schema=response_model.__name__,
                messages=len(messages),
                prompt_chars=sum(len(m["content"]) for m in messages),
                ok=reply.value is not None,
                tokens=reply.usage.prompt_tokens + reply.usage.completion_tokens,
                seconds=time.perf_counter() - started,
            )
        )
        return reply


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extract through a custom tracing backend.")
    parser.add_argument("path", nargs="?", type=Path, default=SEEDS / "004_6b736f0b0c07c482.txt")
    parser.add_argument("--backend", default="fake", help="backend to wrap (default: fake)")
    args = parser.parse_args(argv)

    try:
        backend = TracingBackend(resolve_backend(backend_from(args.backend)))
        assert isinstance(backend, Backend)  # the protocol is runtime-checkable
        facts = factx.Extractor(backend).extract(args.path.read_text(encoding="utf-8"))
    except factx.FactxError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1

    for i, t in enumerate(backend.traces, 1):
        status = "ok" if t.ok else "invalid"
        print(
            f"call {i}: {t.schema} {status}, {t.messages} messages, {t.prompt_chars} chars, "
            f"{t.tokens} tokens, {t.seconds * 1000:.0f} ms"
        )
    print(f"model: {facts.usage.model}")
    print(f"quotes: {len(facts.quotes)}, statements: {len(facts.statements)}")
    for q in facts.quotes:
        print(f"  {q.speaker or '?'}: {q.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
