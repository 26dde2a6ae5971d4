"""Events other apps react to (certificates issues a certificate for an on-demand module).

module_completed: sent once per person and module, after the completion is committed, with
keyword arguments `completion` (a ModuleCompletion).
"""

from django.dispatch import Signal

module_completed = Signal()
