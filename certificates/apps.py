from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (connects to modules' and practicums' signals)
