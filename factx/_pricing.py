"""What model calls cost: a small price table, overridable, in US dollars per million tokens.

A model's price is looked up in this order: prices given to :class:`~factx.Extractor`
(``prices={"my-model": (0.2, 0.6)}``, the CLI's ``--price MODEL=IN,OUT``), then the
``FACTX_PRICES`` environment variable (``"model=IN,OUT;other=IN,OUT"``), then
:data:`PRICES`. A dated snapshot name (``gpt-4o-mini-2024-07-18``) takes the price of its longest
known prefix. The embedded ``local`` backend costs nothing. An unknown model has no cost
(``Usage.cost_usd`` is None), never a guessed one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .exceptions import ConfigError

__all__ = ["PRICES", "Price", "PriceTable", "parse_price"]


@dataclass(frozen=True)
class Price:
    """US dollars per million input (prompt) and output (completion) tokens."""

    input: float
    output: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Dollars for this many tokens."""
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000


# OpenAI list prices (standard tier, USD per 1M tokens) as published on
# https://openai.com/api/pricing, taken 2025-08. Check them before relying on a budget.
PRICES: dict[str, Price] = {
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "o4-mini": Price(1.10, 4.40),
    "gpt-5": Price(1.25, 10.00),
    "gpt-5-mini": Price(0.25, 2.00),
    "gpt-5-nano": Price(0.05, 0.40),
}

FREE = Price(0.0, 0.0)
ENV_VAR = "FACTX_PRICES"

PriceLike = Price | tuple[float, float] | str


def parse_price(spec: str) -> tuple[str, Price]:
    """``"MODEL=IN,OUT"`` (dollars per million input/output tokens) to ``(model, Price)``.

    Raises:
        ConfigError: the text is not of that form or a price is negative.
    """
    model, sep, values = spec.partition("=")
    if not sep or not model.strip():
        raise ConfigError(f"price {spec!r} is not MODEL=IN,OUT (dollars per million tokens)")
    return model.strip(), _as_price(values, model.strip())


def _as_price(value: PriceLike, model: str) -> Price:
    if isinstance(value, Price):
        price = value
    else:
        parts = value.split(",") if isinstance(value, str) else list(value)
        try:
            if len(parts) != 2:
                raise ValueError
            price = Price(float(parts[0]), float(parts[1]))
        except (TypeError, ValueError):
            raise ConfigError(
                f"price of {model!r} must be two numbers IN,OUT (dollars per million input and "
                f"output tokens), not {value!r}"
            ) from None
    if price.input < 0 or price.output < 0:
        raise ConfigError(f"price of {model!r} cannot be negative")
    return price


def _from_env() -> dict[str, Price]:
    raw = os.environ.get(ENV_VAR, "")
    out: dict[str, Price] = {}
    for spec in raw.split(";"):
        if spec.strip():
            try:
                model, price = parse_price(spec)
            except ConfigError as e:
                raise ConfigError(f"{ENV_VAR}: {e}") from None
            out[model] = price
    return out


class PriceTable:
    """The prices in force: built-in, then ``FACTX_PRICES``, then ``overrides`` (which win).

    Args:
        overrides: model name to a :class:`Price`, an ``(in, out)`` pair or ``"IN,OUT"``.

    Raises:
        ConfigError: a price (given or in ``FACTX_PRICES``) is malformed.
    """

    def __init__(self, overrides: Mapping[str, PriceLike] | None = None) -> None:
        self.prices: dict[str, Price] = {**PRICES, **_from_env()}
        for model, value in (overrides or {}).items():
            self.prices[model] = _as_price(value, model)

    def get(self, model: str | None) -> Price | None:
        """The price of ``model`` (exact name, else its longest known ``name-`` prefix)."""
        if not model:
            return None
        if model in self.prices:
            return self.prices[model]
        prefixes = [m for m in self.prices if model.startswith(m + "-")]
        return self.prices[max(prefixes, key=len)] if prefixes else None
