"""Rasa's RedisLockStore, with every change to a lock made atomically.

Rasa 3.6 changes a conversation's lock in Redis by reading it, changing it in Python and writing it
back. Two Rasa servers handling messages of the same conversation at the same moment can both
read the same lock: both get the same ticket and run at once, and the second to save the
conversation overwrites part of the first one's events, so a citizen's message disappears
(tests/scaleout found it). Or one deletes the lock just after the other took a ticket, and that
message fails. Here each change runs in a Redis transaction (WATCH/MULTI/EXEC, retried when another
process changed the lock in between), and a lock is deleted only when no ticket is left in it.

Use in endpoints: `lock_store: {type: bot.lock_store.AtomicRedisLockStore, url: HOST, port: ..., ...}`,
the same settings as Rasa's `type: redis`.
"""
from __future__ import annotations

import json
from typing import Callable, Optional, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str,
                change: Callable[[Optional[TicketLock]], tuple[Optional[TicketLock], Result]]) -> Result:
        """Apply `change` to the stored lock atomically; a returned lock of None deletes it."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
                    pipe.multi()
                    if lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take_ticket(lock):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take_ticket)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def without_expired(lock):
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, without_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def without_ticket(lock):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, without_ticket)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def served(lock):
            if lock is None:
                return None, False
            lock.remove_ticket_for(ticket_number)
            return (lock, False) if lock.is_someone_waiting() else (None, True)

        self._log_deletion(conversation_id, self._change(conversation_id, served))
