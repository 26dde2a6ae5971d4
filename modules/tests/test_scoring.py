from decimal import Decimal

from modules.scoring import QuestionKey, passes, question_credit, score_percent

SINGLE = QuestionKey(kind="single", correct=frozenset({1}), choices=frozenset({1, 2, 3}))
TF = QuestionKey(kind="true_false", correct=frozenset({5}), choices=frozenset({4, 5}))
MULTI = QuestionKey(kind="multiple", correct=frozenset({6, 7}), choices=frozenset({6, 7, 8, 9}))


def test_single_and_true_false_are_all_or_nothing():
    assert question_credit(SINGLE, {1}) == 1
    assert question_credit(SINGLE, {2}) == 0
    assert question_credit(SINGLE, {1, 2}) == 0  # two answers to a single-choice question is wrong
    assert question_credit(TF, {5}) == 1
    assert question_credit(TF, {4}) == 0


def test_multiple_choice_partial_credit():
    assert question_credit(MULTI, {6, 7}) == 1
    assert question_credit(MULTI, {6}) == Decimal("0.5")
    assert question_credit(MULTI, {6, 8}) == 0  # one right, one wrong
    assert question_credit(MULTI, {6, 7, 8}) == Decimal("0.5")
    assert question_credit(MULTI, {8, 9}) == 0  # never negative


def test_unanswered_and_foreign_choices_score_nothing():
    assert question_credit(SINGLE, set()) == 0
    assert question_credit(SINGLE, {99}) == 0


def test_score_percent_with_partial_answers():
    keys = {10: SINGLE, 11: TF, 12: MULTI}
    assert score_percent(keys, {10: {1}, 11: {5}, 12: {6, 7}}) == Decimal("100.00")
    assert score_percent(keys, {10: {1}, 12: {6}}) == Decimal("50.00")
    assert score_percent(keys, {}) == Decimal("0.00")
    assert score_percent(keys, {10: {1}, 11: {4}}) == Decimal("33.33")


def test_exactly_the_pass_mark_passes():
    assert passes(Decimal("80.00"), 80)
    assert not passes(Decimal("79.99"), 80)
    keys = dict.fromkeys(range(5), SINGLE)
    assert passes(score_percent(keys, {0: {1}, 1: {1}, 2: {1}, 3: {1}}), 80)  # 4 of 5 = 80%
