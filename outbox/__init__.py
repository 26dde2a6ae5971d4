"""The transactional outbox: Celery work queued in a database transaction is written as a row in
that transaction and published to the broker after the commit, so that a broker outage neither
loses it nor fails the request (decision 0012). Use `outbox.services.outbox_enqueue`."""
