from django.apps import AppConfig


class PracticumsConfig(AppConfig):
    name = "practicums"
    verbose_name = "Practicums and live events"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Practicum, Session
        from .services.public_feed import public_feed_changed

        def changed(sender, **kwargs) -> None:
            public_feed_changed()

        for model in (Practicum, Session):
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"feed-{model.__name__}-saved")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"feed-{model.__name__}-gone")
