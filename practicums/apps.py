from django.apps import AppConfig


class PracticumsConfig(AppConfig):
    name = "practicums"
    verbose_name = "Practicums and live events"

    def ready(self) -> None:
        from core.models import on_write

        from .models import Practicum, Session
        from .services.public_feed import public_feed_changed

        # Every write path of the feed's rows (saves, bulk SEQUENCE bumps, deletes and cascades).
        on_write(Practicum, public_feed_changed)
        on_write(Session, public_feed_changed)
