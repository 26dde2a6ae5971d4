"""Scoring an attempt: pure functions, so every rule is tested without a database."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class QuestionKey:
    kind: str  # "single", "multiple" or "true_false"
    correct: frozenset[int]
    choices: frozenset[int]


def key_of(kind: str, choices) -> QuestionKey:
    """The key of a question from its choices (anything with `pk` and `is_correct`)."""
    choices = list(choices)
    return QuestionKey(
        kind=kind,
        correct=frozenset(c.pk for c in choices if c.is_correct),
        choices=frozenset(c.pk for c in choices),
    )


def question_credit(key: QuestionKey, chosen: set[int]) -> Decimal:
    """1 for a right answer, 0 for a wrong or missing one. Multiple choice earns partial
    credit: (right picks - wrong picks) / number of right choices, never below 0."""
    chosen = chosen & key.choices
    if not chosen:
        return Decimal(0)
    if key.kind != "multiple":
        return Decimal(1) if chosen == key.correct else Decimal(0)
    hits = len(chosen & key.correct)
    misses = len(chosen - key.correct)
    return max(Decimal(0), Decimal(hits - misses) / Decimal(len(key.correct)))


def score_percent(keys: dict[int, QuestionKey], answers: dict[int, set[int]]) -> Decimal:
    if not keys:
        return Decimal(0)
    total = sum((question_credit(key, answers.get(qid, set())) for qid, key in keys.items()), Decimal(0))
    return (total * 100 / len(keys)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def passes(score: Decimal, pass_mark_percent: int) -> bool:
    """Exactly the pass mark passes."""
    return score >= Decimal(pass_mark_percent)
