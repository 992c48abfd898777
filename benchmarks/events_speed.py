"""Time ``factx.events`` on many synthetic articles' facts (default 10,000) and print it.

    python benchmarks/events_speed.py [--articles 10000] [--seed 0]

Each synthetic article has 1 visit, 1 agreement, 3 statements and 4 quotes (9 facts), by
actors drawn from a pool of 300 people (each with a transliterated spelling variant and a
surname-only form) in 60 countries, dated over three years; about one article in three
re-reports an earlier article's visit, agreement and quotes (another spelling, another date
or status), so real merges happen. Quote words are drawn from 1,728 made-up words. Nothing
here runs a model.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from factx.events import events

FIRST = ["Sergey", "Ahmad", "Maria", "Jean", "Li", "Kofi", "Ana", "Omar", "Ivan", "Yuki"]
LAST = ["Lavrov", "Rahman", "Silva", "Dupont", "Wei", "Mensah", "Costa", "Haddad", "Petrov",
        "Tanaka", "Novak", "Okafor", "Larsen", "Kowalski", "Moreau"]  # fmt: skip
COUNTRIES = ["RUS", "PAK", "IDN", "CHN", "USA", "FRA", "DEU", "BRA", "IND", "JPN", "KEN", "EGY",
             "TUR", "MYS", "AUS", "GBR", "ITA", "ESP", "MEX", "ARG", "NGA", "ZAF", "SAU", "IRN",
             "VNM", "THA", "PHL", "KOR", "CAN", "POL"] * 2  # fmt: skip
CITIES = ["Capital", "Port", "North", "South"]
TOPICS = ["trade", "energy", "defence", "health", "education", "fisheries", "climate",
          "investment", "tourism", "agriculture", "railways", "space"]  # fmt: skip
SYLLABLES = ["ka", "ro", "mi", "ten", "sa", "lu", "per", "do", "vi", "an", "ge", "tor"]
WORDS = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]  # 1,728 words


def _people(rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for i in range(300):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        last = f"{last}{'ov' * (i // 150)}" if i >= 150 else last
        variant = first[:-1] + ("i" if first.endswith("y") else first[-1]) + " " + last
        out.append({"name": f"{first} {last}", "variant": variant, "short": last,
                    "country": COUNTRIES[i % len(COUNTRIES)]})  # fmt: skip
    return out


def synthetic(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` synthetic ``factx extract`` records."""
    rng = random.Random(seed)
    people = _people(rng)
    start = date(2021, 1, 1)
    records: list[dict[str, Any]] = []
    for k in range(n):
        pub = start + timedelta(days=rng.randrange(3 * 365))
        rec: dict[str, Any] = {"source": f"articles/{k:05d}.txt", "url": f"https://outlet{k % 40}"
                               f".example/{k}", "published": pub.isoformat()}  # fmt: skip
        if records and rng.random() < 0.33:
            old = records[rng.randrange(max(0, len(records) - 200), len(records))]
            p = rng.choice(people)
            rec["visits"] = [dict(v, visitor={"name": p["variant"]}, status="completed")
                             for v in old["visits"]]  # fmt: skip
            rec["agreements"] = [dict(a) for a in old["agreements"]]
            rec["quotes"] = [dict(q, text=q["text"] + " indeed") for q in old["quotes"]]
            rec["published"] = old["published"]
        else:
            v, host = rng.choice(people), rng.choice(COUNTRIES)
            when = pub + timedelta(days=rng.randrange(-3, 20))
            rec["visits"] = [{
                "visitor": {"name": v["name"], "country": v["country"]},
                "destination": {"country": host, "city": rng.choice(CITIES)},
                "start_date": when.isoformat(), "status": "planned" if when > pub else "ongoing",
                "evidence": [{"text": f"{v['name']} visits {host}", "start": 0, "end": 20}],
            }]  # fmt: skip
            a, b = rng.sample(COUNTRIES, 2)
            rec["agreements"] = [{
                "parties": [{"name": a, "country": a}, {"name": b, "country": b}],
                "subject": f"cooperation in {rng.choice(TOPICS)} and {rng.choice(TOPICS)}",
                "status": rng.choice(["agreed", "signed"]), "date": pub.isoformat(),
                "evidence": [{"text": f"{a} and {b} agree", "start": 30, "end": 45}],
            }]  # fmt: skip
            rec["quotes"] = [{
                "speaker": rng.choice([p["name"], p["short"]]),
                "text": " ".join(rng.sample(WORDS, 12)),
                "evidence": [{"text": "q", "start": 50 + i, "end": 51 + i}],
            } for i, p in enumerate(rng.sample(people, 4))]  # fmt: skip
        rec["statements"] = [{
            "speaker": {"name": p["name"], "country": p["country"]},
            "content": f"{p['short']} says {rng.choice(TOPICS)} ties matter for "
                       f"{rng.choice(TOPICS)}",
            "date": rec["published"],
            "evidence": [{"text": "s", "start": 80 + i, "end": 81 + i}],
        } for i, p in enumerate(rng.sample(people, 3))]  # fmt: skip
        records.append(rec)
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    records = synthetic(args.articles, args.seed)
    facts = sum(len(r[k]) for r in records for k in ("visits", "agreements", "statements",
                                                       "quotes"))  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    evs = events(records)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    multi = sum(1 for e in evs if e.n_sources > 1)
    print(f"{args.articles} articles, {facts} facts -> {len(evs)} events "
          f"({multi} with 2+ articles): merge time {seconds:.2f} s ({cpu:.2f} s CPU)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
