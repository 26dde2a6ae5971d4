from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from insight import demo as insight_demo
from modules import demo as modules_demo
from modules.services import module_complete
from practicums import demo as practicums_demo
from programs import demo as programs_demo
from recertification import demo as recertification_demo


class Command(BaseCommand):
    help = "Create the demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        with transaction.atomic():
            people = accounts_demo.seed()
            certification, cert_created = programs_demo.seed_certification()
            series, series_created = programs_demo.seed_series(today)
            instructors = programs_demo.seed_instructors([certification, series])
            if cert_created:
                practicums_demo.seed_certification_practicums(certification, instructors, today)
            if series_created:
                practicums_demo.seed_series_sets(series, instructors)
            instructor_user = practicums_demo.seed_instructor_account(instructors[0])
            practicums_demo.seed_sessions(
                list(certification.practicums.all()) + list(series.practicums.all())
            )
            modules_demo.seed_certification_modules(certification)
            recertification_demo.seed_exam(certification)
            recertification_demo.seed_ce_events(certification, today)
            modules_demo.seed_series_modules(series)
            by_email = {user.email: user for user, _ in people}
            practicums_demo.enroll_demo_people(
                candidate=by_email[accounts_demo.DEMO_CANDIDATE_EMAIL],
                teacher=by_email[accounts_demo.DEMO_TEACHER_EMAIL],
                certification=certification,
                series=series,
                today=today,
            )
            # The demo teacher has finished the series' Introduction: a certificate to look at.
            teacher = by_email[accounts_demo.DEMO_TEACHER_EMAIL]
            introduction = series.modules.filter(title="Introduction").first()
            if introduction is not None:
                module_complete(user=teacher, module=introduction)
            cohort = insight_demo.seed_cohort(certification, today)
        for user, created in people:
            state = "created" if created else "exists"
            role = "staff admin" if user.is_staff else "participant"
            self.stdout.write(f"  {role:12} {user.email:28} ({state})")
        self.stdout.write(
            f"  instructor   {instructor_user.email:28} (staff, Instructors group: /instructor/)"
        )
        if cohort:
            self.stdout.write(
                f"  learners     {insight_demo.email_of(1)} … {insight_demo.email_of(cohort)}"
                " (created: the program dashboard's cohort)"
            )
        self.stdout.write(f"  password for all demo accounts: {accounts_demo.DEMO_PASSWORD}")
        self.stdout.write("  staff are asked to set up an authenticator app (TOTP) before the admin opens.")
        for program, created in ((certification, cert_created), (series, series_created)):
            self.stdout.write(f"  program      {program.title:28} ({'created' if created else 'exists'})")
