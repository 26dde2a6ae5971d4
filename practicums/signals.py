"""Events other apps react to (certificates queues a certificate for a completed set).

set_completed: sent once per person and practicum, inside the transaction that records the
completion (it is rolled back with it), with keyword argument `completion` (a SetCompletion).
Receivers write in that transaction or queue work with `outbox_enqueue`, which runs once it
commits; nothing slow (a request is waiting).
"""

from django.dispatch import Signal

set_completed = Signal()
