from django.apps import AppConfig


class RecertificationConfig(AppConfig):
    name = "recertification"
    verbose_name = "Exam, credentials and continuing education"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (credits CE events when attended)
