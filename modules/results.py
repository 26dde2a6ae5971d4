"""Per-module assessment results for staff: attempts, pass rate, average score, hardest questions."""

from dataclasses import dataclass, field
from decimal import Decimal

from .models import Attempt, Module, Question
from .scoring import key_of, question_credit


@dataclass
class QuestionStat:
    question: Question
    asked: int = 0
    credit: Decimal = Decimal(0)

    @property
    def percent_right(self) -> float:
        return float(self.credit * 100 / self.asked) if self.asked else 0.0


@dataclass
class ModuleResults:
    module: Module
    attempts: int = 0
    people: int = 0
    passed_people: int = 0
    average_score: float = 0.0
    questions: list[QuestionStat] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return 100 * self.passed_people / self.people if self.people else 0.0

    @property
    def hardest(self) -> list[QuestionStat]:
        return sorted((q for q in self.questions if q.asked), key=lambda q: q.percent_right)[:5]


def module_results(*, module: Module) -> ModuleResults:
    results = ModuleResults(module=module)
    if module.assessment_id is None:
        return results
    questions = list(Question.objects.filter(assessment_id=module.assessment_id).prefetch_related("choices"))
    keys = {q.pk: key_of(q.kind, q.choices.all()) for q in questions}
    stats = {q.pk: QuestionStat(question=q) for q in questions}
    attempts = Attempt.objects.filter(assessment_id=module.assessment_id).exclude(
        state=Attempt.State.IN_PROGRESS
    )
    scores, people, passed = [], set(), set()
    for attempt in attempts.only("user_id", "passed", "score_percent", "question_ids", "answers"):
        scores.append(float(attempt.score_percent or 0))
        people.add(attempt.user_id)
        if attempt.passed:
            passed.add(attempt.user_id)
        for qid in attempt.question_ids:
            if qid in stats:
                stats[qid].asked += 1
                stats[qid].credit += question_credit(keys[qid], set(attempt.answers.get(str(qid), [])))
    results.attempts = len(scores)
    results.people = len(people)
    results.passed_people = len(passed)
    results.average_score = sum(scores) / len(scores) if scores else 0.0
    results.questions = list(stats.values())
    return results
