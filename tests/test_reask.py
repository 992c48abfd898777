"""Re-asks, budgets and transport retries seen from ``Extractor`` (strategy ``single``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import factx
from factx import BackendError, BudgetExceededError, ExtractionError, Extractor
from factx._article import Article
from factx.backends import FakeBackend

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
TEXT = (SEEDS / "000_b1cba7760af5b319.txt").read_text(encoding="utf-8")
ARTICLE = Article.parse(TEXT)
REAL = "Dia adalah pemimpin Barat pertama yang menunjukkan empati"
FAKE_A = "Pakistan will never bow to anyone"
FAKE_B = "Rusia adalah saudara abadi Pakistan"


def sentence_with(words: str, article: Article = ARTICLE) -> int:
    return next(s.index for s in article.sentences if words in s.text)


def quote(text: str, sentence: int | None = None, speaker: str = "Imran Khan") -> dict[str, Any]:
    n = sentence if sentence is not None else sentence_with(REAL)
    return {"quotes": [{"speaker": speaker, "text": text, "cue": "kata", "sentence": n}]}


def extractor(backend: Any, **kw: Any) -> Extractor:
    return Extractor(backend, strategy="single", **kw)


def last_user(call: tuple[list[dict[str, str]], Any]) -> str:
    messages, _ = call
    assert messages[-1]["role"] == "user"
    return messages[-1]["content"]


def test_first_answer_needs_no_reask() -> None:
    fake = FakeBackend([quote(REAL)])
    facts = extractor(fake).extract(TEXT)
    assert [q.text for q in facts.quotes] == [REAL]
    assert (facts.usage.calls, facts.usage.reasks) == (1, 0)
    (messages, model), = fake.calls  # fmt: skip
    assert model.__name__ == "_SAll"
    assert [m["role"] for m in messages] == ["system", "user"]


def test_hallucinated_quote_is_reasked_with_the_reason() -> None:
    bad, good = quote(FAKE_A), quote(REAL)
    fake = FakeBackend([bad, good])
    facts = extractor(fake).extract(TEXT)

    assert len(fake.calls) == 2
    messages, _ = fake.calls[1]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[:2] == fake.calls[0][0]  # same question, same article prefix
    assert json.loads(messages[2]["content"]) == bad  # the rejected answer goes back
    reask = last_user(fake.calls[1])
    assert FAKE_A in reask
    assert "not verbatim" in reask

    (q,) = facts.quotes
    assert q.text == REAL
    assert TEXT[q.evidence[0].start : q.evidence[0].end] == q.evidence[0].text
    assert facts.usage.reasks == 1
    assert facts.usage.calls == 2
    assert facts.usage.attempts == 2


def test_invalid_json_is_reasked_with_the_schema_error() -> None:
    fake = FakeBackend(['{"quotes": [{"text": 5}]}', quote(REAL)])
    facts = extractor(fake).extract(TEXT)
    assert facts.usage.reasks == 1
    reask = last_user(fake.calls[1])
    assert "quotes.0" in reask  # the validation error's location
    assert [q.text for q in facts.quotes] == [REAL]


def test_unknown_sentence_number_is_reasked() -> None:
    fake = FakeBackend([quote(REAL, sentence=999), quote(REAL)])
    facts = extractor(fake).extract(TEXT)
    assert "no such sentence number" in last_user(fake.calls[1])
    assert facts.usage.reasks == 1


def test_only_the_latest_failure_is_in_the_reask() -> None:
    first, second = quote(FAKE_A), quote(FAKE_B)
    fake = FakeBackend([first, second, quote(REAL)])
    facts = extractor(fake, max_reasks=2).extract(TEXT)

    messages, _ = fake.calls[2]
    assert len(messages) == 4  # system, article+question, last answer, last reason
    sent = json.dumps(messages, ensure_ascii=False)
    assert FAKE_B in sent
    assert FAKE_A not in sent
    assert json.dumps(first, ensure_ascii=False) not in sent
    assert facts.usage.reasks == 2
    assert facts.usage.calls == 3


def test_exhausted_reasks_raise_extraction_error() -> None:
    answers = [quote(FAKE_A), quote(FAKE_B), quote(FAKE_A + " lagi")]
    fake = FakeBackend(answers)
    with pytest.raises(ExtractionError) as info:
        extractor(fake, max_reasks=2).extract(TEXT)
    err = info.value
    assert type(err) is ExtractionError
    assert err.attempts == 3
    assert err.last_raw is not None
    assert json.loads(err.last_raw) == answers[-1]
    assert err.errors and "not verbatim" in err.errors[-1]
    assert err.usage is not None
    assert err.usage.calls == 3
    assert err.usage.reasks == 2
    assert err.usage.prompt_tokens > 0
    assert "not verbatim" in str(err)


def test_zero_reasks_fail_on_the_first_bad_answer() -> None:
    fake = FakeBackend([quote(FAKE_A)])
    with pytest.raises(ExtractionError) as info:
        extractor(fake, max_reasks=0).extract(TEXT)
    assert info.value.attempts == 1
    assert len(fake.calls) == 1


def test_token_cap_raises_budget_exceeded_with_usage() -> None:
    fake = FakeBackend([quote(REAL)])
    with pytest.raises(BudgetExceededError) as info:
        Extractor(fake, strategy="single", max_tokens_per_article=10).extract(TEXT)
    err = info.value
    assert isinstance(err, ExtractionError)
    assert err.usage is not None
    assert err.usage.calls == 1
    assert err.usage.prompt_tokens + err.usage.completion_tokens > 10
    assert "10" in str(err)
    assert len(fake.calls) == 1  # no further call once the cap is passed


def test_no_cap_means_no_budget_error() -> None:
    facts = Extractor(
        FakeBackend([quote(REAL)]), strategy="single", max_tokens_per_article=None
    ).extract(TEXT)
    assert facts.quotes


def test_token_cap_stops_reasks() -> None:
    """A cap between one and two calls' worth of tokens stops the re-ask loop."""
    probe = FakeBackend([quote(FAKE_A)])
    with pytest.raises(ExtractionError) as first:
        extractor(probe, max_reasks=0).extract(TEXT)
    assert first.value.usage is not None
    one_call = first.value.usage.prompt_tokens + first.value.usage.completion_tokens
    fake = FakeBackend([quote(FAKE_A), quote(FAKE_B), quote(REAL)])
    with pytest.raises(BudgetExceededError) as info:
        extractor(fake, max_reasks=5, max_tokens_per_article=int(one_call * 1.5)).extract(TEXT)
    assert len(fake.calls) == 2
    assert info.value.usage is not None and info.value.usage.reasks == 1


# ----------------------------------------------------------------------------- over the wire


def test_429_is_retried_and_counted_in_article_usage(server: Any) -> None:
    busy = server.error(429, "rate limited", headers={"Retry-After": "0"})
    server.queue(busy, busy, server.reply(quote(REAL), prompt_tokens=500, completion_tokens=40))
    facts = factx.extract(TEXT, backend=server.backend(backoff_base=0.01), strategy="single")
    assert [q.text for q in facts.quotes] == [REAL]
    assert facts.usage.attempts == 3
    assert facts.usage.calls == 1
    assert facts.usage.reasks == 0
    assert facts.usage.prompt_tokens == 500


def test_reask_over_the_wire_sums_usage(server: Any) -> None:
    server.queue(
        server.reply("not json", prompt_tokens=100, completion_tokens=3),
        server.reply(quote(REAL), prompt_tokens=120, completion_tokens=30),
    )
    facts = factx.extract(TEXT, backend=server.backend(), strategy="single")
    assert (facts.usage.calls, facts.usage.attempts, facts.usage.reasks) == (2, 2, 1)
    assert facts.usage.prompt_tokens == 220
    assert facts.usage.completion_tokens == 33
    first, second = server.requests
    assert second["messages"][-2] == {"role": "assistant", "content": "not json"}
    assert second["messages"][:2] == first["messages"]


def test_backend_error_is_never_reasked(server: Any) -> None:
    server.queue(server.error(401, "bad key"))
    with pytest.raises(BackendError) as info:
        factx.extract(TEXT, backend=server.backend(), strategy="single")
    assert info.value.status_code == 401
    assert len(server.requests) == 1


# ----------------------------------------------------------------------------- furniture


def test_quote_from_related_articles_is_reasked() -> None:
    text = (SEEDS / "003_11419a4754fb116b.txt").read_text(encoding="utf-8")
    article = Article.parse(text)
    body_quote = "Ini demi kepentingan semua negara di kawasan itu,"
    n = sentence_with(body_quote, article)
    fake = FakeBackend(
        [quote("berikan dulu pada ibuku,", n, "warganet"), quote(body_quote, n, "Lavrov")]
    )
    facts = extractor(fake).extract(text)
    assert [q.text for q in facts.quotes] == [body_quote]
    assert facts.usage.reasks == 1


def test_quote_of_bare_quote_marks_is_reasked() -> None:
    n = sentence_with(REAL)
    fake = FakeBackend([quote("“", n), quote(REAL)])
    facts = extractor(fake).extract(TEXT)
    assert all(q.text for q in facts.quotes)
    assert facts.usage.reasks == 1
