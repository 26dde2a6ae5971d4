from django.apps import AppConfig


class PracticumsConfig(AppConfig):
    name = "practicums"
    verbose_name = "Practicums and live events"
