"""Events other apps react to (certificates issues a certificate for a completed set).

set_completed: sent once per person and practicum, after the completion is committed, with
keyword argument `completion` (a SetCompletion).
"""

from django.dispatch import Signal

set_completed = Signal()
