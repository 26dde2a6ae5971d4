"""What the module pages say: time left, durations, a completed module's bar."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from modules.models import LessonProgress, ModuleCompletion
from modules.selectors import modules_status_for_user

from .factories import LessonFactory, ModuleFactory, enroll


@pytest.mark.django_db
def test_module_page_says_all_lessons_done_when_none_is_left(client):
    module = ModuleFactory()
    lessons = LessonFactory.create_batch(2, module=module, minutes=15)
    user = UserFactory()
    enroll(user, module.program)
    for lesson in lessons:
        LessonProgress.objects.create(user=user, lesson=lesson, completed_at=timezone.now())
    client.force_login(user)
    html = client.get(reverse("modules:detail", args=[module.pk])).content.decode()
    assert "<dt>Time left</dt><dd>All lessons done</dd>" in html
    assert "about 0 min" not in html


@pytest.mark.django_db
def test_module_page_says_minutes_left_while_lessons_remain(client):
    module = ModuleFactory()
    LessonFactory.create_batch(2, module=module, minutes=15)
    user = UserFactory()
    enroll(user, module.program)
    client.force_login(user)
    html = client.get(reverse("modules:detail", args=[module.pk])).content.decode()
    assert "<dt>Time left</dt><dd>about 30 min of lessons</dd>" in html


@pytest.mark.django_db
def test_a_completed_module_is_at_100_percent_whatever_lessons_were_opened():
    module = ModuleFactory()
    LessonFactory.create_batch(3, module=module)
    user = UserFactory()
    enrollment = enroll(user, module.program)
    now = timezone.now()
    ModuleCompletion.objects.create(user=user, module=module, completed_at=now, completed_on=now.date())
    [status] = modules_status_for_user(user=user, enrollments=[enrollment])[enrollment.pk]
    assert status.percent == 100


@pytest.mark.django_db
def test_an_unfinished_module_counts_lessons_and_the_assessment():
    module = ModuleFactory()
    lessons = LessonFactory.create_batch(3, module=module)
    user = UserFactory()
    enrollment = enroll(user, module.program)
    LessonProgress.objects.create(user=user, lesson=lessons[0], completed_at=timezone.now())
    [status] = modules_status_for_user(user=user, enrollments=[enrollment])[enrollment.pk]
    assert status.percent == 25


@pytest.mark.django_db
def test_assessment_page_says_waits_in_hours_and_days(client):
    module = ModuleFactory(assessment__wait_minutes=24 * 60, assessment__time_limit_minutes=90)
    user = UserFactory()
    enroll(user, module.program)
    client.force_login(user)
    html = client.get(reverse("modules:assessment", args=[module.pk])).content.decode()
    assert "<li>Wait between attempts: 1 day</li>" in html
    assert "<li>Time limit: 90 minutes, counted on our server from when you start</li>" in html


@pytest.mark.django_db
def test_lesson_page_says_its_title_once_when_the_body_opens_with_it(client):
    lesson = LessonFactory(
        title="The big idea", body="## The *big* idea ##\n\nWhy it matters.\n\n## A case\n\nText."
    )
    user = UserFactory()
    enroll(user, lesson.module.program)
    client.force_login(user)
    html = client.get(reverse("modules:lesson", args=[lesson.module.pk, lesson.pk])).content.decode()
    assert html.count("<h1>The big idea</h1>") == 1
    assert "<h2>The <em>big</em> idea</h2>" not in html
    assert "<p>Why it matters.</p>" in html
    assert "<h2>A case</h2>" in html


@pytest.mark.django_db
def test_lesson_page_keeps_a_first_heading_that_is_not_its_title(client):
    lesson = LessonFactory(title="The big idea", body="## Before you start\n\nRead the case.")
    user = UserFactory()
    enroll(user, lesson.module.program)
    client.force_login(user)
    html = client.get(reverse("modules:lesson", args=[lesson.module.pk, lesson.pk])).content.decode()
    assert "<h2>Before you start</h2>" in html
