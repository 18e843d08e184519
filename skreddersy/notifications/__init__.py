"""Notifications: the client is told, by SMS, e-mail or letter, that something waits on Min side.

A transactional outbox (docs/architecture.md): the services that write a message, propose an
activity or send a decision call ``outbox.notify`` inside their own transaction, so a rolled-back
write leaves no notification and a committed one always has its row. The worker drains the outbox
(``delivery.drain``, run by the periodic task ``tasks.drain_notifications``)."""
