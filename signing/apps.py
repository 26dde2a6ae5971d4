from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = "PDF signing"

    def ready(self) -> None:
        """Refuse to start with signing on and no usable key (manage.py, gunicorn and the worker
        all load the apps first); `make run` makes its demo key here on first start."""
        from .keys import signer_check

        signer_check()
