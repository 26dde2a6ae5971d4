from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Registered so that the composition root can own `seed_demo` and the cross-app templates."""

    name = "config"
    verbose_name = "Credo"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system checks)
        from .invalidation import connect

        connect()
