"""Any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp server, LiteLLM) via instructor."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import random
import re
import time
from typing import Any, Literal

from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from ..exceptions import BackendError, ConfigError
from ..models import Usage
from ._base import Message, Reply, T, schema_of
from ._fake import _describe

RequestFormat = Literal["json_schema", "json_object", "tools"]
# Tried in this order when a server rejects a format ("auto" only walks down from the start).
_FALLBACK: dict[str, RequestFormat] = {"json_schema": "json_object", "json_object": "tools"}


def _retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError)):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def _retry_after(exc: BaseException | None) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return float(value)
        except ValueError:
            return None
    return None


class OpenAIBackend:
    """Structured calls to an OpenAI-compatible chat completions endpoint.

    Args:
        model: model name the server knows.
        base_url: server URL (``http://localhost:8080/v1``); None means OpenAI itself.
        api_key: key; falls back to ``OPENAI_API_KEY``. Local servers accept any value. It is
            redacted from error messages, chained provider errors and the server's answers
            (a server may echo it), so it never reaches records, logs or the cache.
        request_format: how structured output is requested. ``json_schema`` (OpenAI, vLLM:
            strict schema), ``json_object`` (llama.cpp-style servers, schema passed along so the
            server can build a grammar), ``tools`` (function calling). Default: ``json_schema``
            for OpenAI, ``json_object`` for other servers. If the server rejects the format
            with HTTP 400 the backend steps down (json_schema -> json_object -> tools) once
            and remembers it.
        timeout: seconds per HTTP request.
        max_retries: transport retries (timeouts, connection errors, 429, 5xx), with
            exponential backoff and jitter, honouring ``Retry-After``.
        tier: "large" (one call per article) or "small" (staged focused questions).
        http_client: an ``httpx.AsyncClient`` to use (tests pass one with a MockTransport).
            By default openai's aiohttp-based client when aiohttp is installed (less CPU per
            call in large batches), else openai's default httpx client.
        provider: the name recorded in provenance and the cache key; default ``"openai"``
            without ``base_url``, else ``"openai-compatible"``.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        request_format: RequestFormat | None = None,
        timeout: float = 120.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        temperature: float = 0.0,
        tier: str = "large",
        http_client: Any = None,
        provider: str | None = None,
    ) -> None:
        try:
            import instructor
            import openai
        except ImportError as e:  # pragma: no cover - both are hard dependencies
            raise ConfigError(f"factx needs openai and instructor: {e}") from e
        if api_key is None:
            raise ConfigError("api_key is required (use 'local' for a server without keys)")
        self.model = model
        self.tier = tier
        self.base_url = base_url
        self.provider = provider or ("openai" if base_url is None else "openai-compatible")
        self.request_format: RequestFormat = request_format or (
            "json_schema" if base_url is None else "json_object"
        )
        self._configured_format = self.request_format
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.temperature = temperature
        self._openai = openai
        self._settings: dict[str, Any] = {
            "api_key": api_key,
            "base_url": base_url,
            "timeout": timeout,
            # The openai client's own retries are off: tenacity below owns them, so attempts
            # and Retry-After are visible and counted.
            "max_retries": 0,
        }
        # Redacted from every text that leaves the backend: a hostile or broken server may
        # echo the key in error bodies or even in its answers (short keys are placeholders).
        self._secrets = (api_key,) if len(api_key) >= 8 else ()
        self._http_client = http_client
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._client = self._new_client()
        self._instructor = instructor
        # instructor logs every failed attempt at ERROR; factx reports failures itself.
        logging.getLogger("instructor").addHandler(logging.NullHandler())
        self._clients: dict[str, Any] = {}

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r})"

    def identity(self) -> dict[str, Any]:
        """What changes this backend's answers (for the result cache; no key)."""
        return {
            "provider": self.provider,
            "model": self.model,
            "base_url": self.base_url or "https://api.openai.com/v1",
            "request_format": self._configured_format,
            "temperature": self.temperature,
        }

    def _new_client(self) -> Any:
        http_client = self._http_client
        aio = getattr(self._openai, "DefaultAioHttpClient", None)  # openai >= 1.9x
        if http_client is None and aio is not None and importlib.util.find_spec("aiohttp"):
            # openai's aiohttp transport: ~1 ms less client CPU per call than its default
            # httpx pool at 64 concurrent calls (benchmarks/throughput.py).
            http_client = aio(timeout=self._settings["timeout"])
        return self._openai.AsyncOpenAI(http_client=http_client, **self._settings)

    def _bind_loop(self) -> None:
        """Connections belong to the event loop that opened them: each new loop (one per
        blocking ``extract`` call, which runs ``asyncio.run``) gets its own client."""
        loop = asyncio.get_running_loop()
        stale = self._client_loop is not None and loop is not self._client_loop
        if self._http_client is None and (stale or self._client.is_closed()):
            self._client = self._new_client()
            self._clients = {}
        self._client_loop = loop

    async def aclose(self) -> None:
        """Close the connections this backend opened; the next call reconnects. A client
        passed as ``http_client`` is the caller's to close."""
        if self._http_client is None:
            await self._client.close()

    def _instructor_client(self, fmt: RequestFormat) -> Any:
        if fmt not in self._clients:
            mode = {
                "json_schema": self._instructor.Mode.JSON_SCHEMA,
                "json_object": self._instructor.Mode.JSON,
                "tools": self._instructor.Mode.TOOLS,
            }[fmt]
            self._clients[fmt] = self._instructor.from_openai(self._client, mode=mode)
        return self._clients[fmt]

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = _retry_after(exc)
        if hinted is not None:
            return min(hinted, self.backoff_max)
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)  # full jitter

    async def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Reply[T]:
        import openai

        usage = Usage(model=self.model)
        started = time.perf_counter()
        self._bind_loop()
        while True:
            fmt = self.request_format
            try:
                reply = await self._call_with_retries(
                    fmt, messages, response_model, max_tokens, usage
                )
            except openai.APIError as e:
                _scrub(e, self._secrets)  # its text is in tracebacks of the chained error
                if not isinstance(e, openai.BadRequestError):
                    raise self._backend_error(e, usage) from e
                nxt = _FALLBACK.get(fmt)
                if nxt is None or not _is_format_rejection(e):
                    raise BackendError(
                        f"{self.model}: server rejected the request: {_short(e)}",
                        attempts=usage.attempts,
                        status_code=e.status_code,
                    ) from e
                self.request_format = nxt
                continue
            reply.usage.seconds = time.perf_counter() - started
            return reply

    def _backend_error(self, e: Any, usage: Usage) -> BackendError:
        if isinstance(e, self._openai.APIStatusError):
            return BackendError(
                f"{self.model}: HTTP {e.status_code} after {usage.attempts} attempts: {_short(e)}",
                attempts=usage.attempts,
                status_code=e.status_code,
            )
        return BackendError(
            f"{self.model}: {type(e).__name__} after {usage.attempts} attempts: {_short(e)}",
            attempts=usage.attempts,
        )

    async def _call_with_retries(
        self,
        fmt: RequestFormat,
        messages: list[Message],
        response_model: type[T],
        max_tokens: int | None,
        usage: Usage,
    ) -> Reply[T]:
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                usage.attempts += 1
                return await self._call_once(fmt, messages, response_model, max_tokens, usage)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _call_once(
        self,
        fmt: RequestFormat,
        messages: list[Message],
        response_model: type[T],
        max_tokens: int | None,
        usage: Usage,
    ) -> Reply[T]:
        import openai
        from instructor import core as instructor_core
        from instructor.core import InstructorRetryException

        # Raised (not wrapped in a retry exception) when finish_reason is "length".
        incomplete = getattr(instructor_core, "IncompleteOutputException", ())

        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_model": response_model,
            "max_retries": 0,  # re-asks are factx's, with grounding errors included
            "temperature": self.temperature,
        }
        if max_tokens:
            kwargs["max_tokens"] = max_tokens
        if fmt == "json_object":
            return await self._call_json_object(messages, response_model, max_tokens, usage)
        client = self._instructor_client(fmt)
        try:
            value, completion = await client.chat.completions.create_with_completion(**kwargs)
        except incomplete as e:  # finish_reason "length": a cut answer
            completion = e.last_completion
            usage.calls += 1
            _add_usage(usage, getattr(completion, "usage", None))
            raw = _redact(_raw_text(completion), self._secrets, shapes=False)
            return Reply(
                value=None,
                raw=raw,
                usage=usage,
                error="the answer was cut off at the max_tokens limit",
                finish_reason=_finish_reason(completion) or "length",
            )
        except InstructorRetryException as e:
            cause = e.__cause__
            if isinstance(cause, openai.APIError):
                raise cause from None
            _add_usage(usage, getattr(e, "total_usage", None))
            usage.calls += 1
            raw = _redact(_raw_text(e.last_completion), self._secrets, shapes=False)
            reason = _describe(cause) if isinstance(cause, ValidationError) else str(cause or e)
            return Reply(
                value=None,
                raw=raw,
                usage=usage,
                error=_redact(reason, self._secrets),
                finish_reason=_finish_reason(e.last_completion),
            )
        usage.calls += 1
        _add_usage(usage, getattr(completion, "usage", None))
        text = _raw_text(completion)
        raw = _redact(text, self._secrets, shapes=False)
        finish = _finish_reason(completion)
        if raw != text:  # the answer carried a secret: keep only the redacted version
            try:
                value = response_model.model_validate_json(raw or "")
            except ValidationError as e:
                return Reply(
                    value=None, raw=raw, usage=usage, error=_describe(e), finish_reason=finish
                )
        return Reply(value=value, raw=raw, usage=usage, finish_reason=finish)

    async def _call_json_object(
        self,
        messages: list[Message],
        response_model: type[T],
        max_tokens: int | None,
        usage: Usage,
    ) -> Reply[T]:
        """llama.cpp-style servers: the schema rides in ``response_format`` (the server compiles
        it to a grammar). instructor's JSON mode would also append the schema to the system
        prompt, which changes the prompt prefix per question and defeats the server's KV-cache
        reuse of the article, so this one path parses with pydantic directly."""
        from openai.types.chat import ChatCompletion

        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            # ``schema`` inside ``json_object`` is a server extension, not an OpenAI field.
            "response_format": {"type": "json_object", "schema": schema_of(response_model)},
        }
        if max_tokens:
            body["max_tokens"] = max_tokens
        # The body is already in wire form: posting it directly skips the client's parameter
        # transform, which walks every field against the typed request definition (~0.6 ms of
        # client CPU per call; benchmarks/throughput.py).
        completion = await self._client.post("/chat/completions", body=body, cast_to=ChatCompletion)
        usage.calls += 1
        _add_usage(usage, getattr(completion, "usage", None))
        raw = _redact(_raw_text(completion), self._secrets, shapes=False)
        finish = _finish_reason(completion)
        try:
            value = response_model.model_validate_json(raw or "")
        except ValidationError as e:
            return Reply(value=None, raw=raw, usage=usage, error=_describe(e), finish_reason=finish)
        return Reply(value=value, raw=raw, usage=usage, finish_reason=finish)


def _add_usage(usage: Usage, reported: Any) -> None:
    if reported is None:
        return
    usage.prompt_tokens += int(getattr(reported, "prompt_tokens", 0) or 0)
    usage.completion_tokens += int(getattr(reported, "completion_tokens", 0) or 0)


def _raw_text(completion: Any) -> str | None:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if message.content:
        return str(message.content)
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments)
    return None


def _finish_reason(completion: Any) -> str | None:
    """The server's finish reason ("stop", "length", ...), if the completion carries one."""
    try:
        reason = completion.choices[0].finish_reason
    except (AttributeError, IndexError, TypeError):
        return None
    return reason if isinstance(reason, str) else None


def _is_format_rejection(e: Any) -> bool:
    text = json.dumps(getattr(e, "body", None) or str(e)).lower()
    return any(k in text for k in ("response_format", "json_schema", "json_object", "'text'"))


_TOKEN = re.compile(r"\b(sk-|Bearer\s+)[A-Za-z0-9_\-]{8,}")


def _redact(text: str | None, secrets: tuple[str, ...] = (), *, shapes: bool = True) -> str | None:
    """``text`` without the given secrets and, with ``shapes``, without anything shaped like
    a bearer token or an ``sk-`` key (for error texts; a model's answer may legitimately say
    "Bearer" or "sk-", so answers lose only the exact secrets).

    A server may echo the request's credentials in its error bodies or answers.
    """
    if not text:
        return text
    for secret in secrets:
        text = text.replace(secret, "[REDACTED]")
    return _TOKEN.sub(r"\1[REDACTED]", text) if shapes else text


def _scrub(e: Any, secrets: tuple[str, ...]) -> None:
    """Redact an openai error's text in place: it stays chained (``raise ... from e``) to the
    BackendError, so tracebacks and loggers print it."""
    e.args = tuple(_redact(a, secrets) if isinstance(a, str) else a for a in e.args)
    if isinstance(getattr(e, "message", None), str):
        e.message = _redact(e.message, secrets)
    body = getattr(e, "body", None)
    if body is not None:
        try:
            e.body = json.loads(_redact(json.dumps(body), secrets) or "null")
        except (TypeError, ValueError):
            e.body = None


def _short(e: BaseException, limit: int = 300) -> str:
    text = _redact(str(e)) or ""
    return text if len(text) <= limit else text[:limit] + "..."
