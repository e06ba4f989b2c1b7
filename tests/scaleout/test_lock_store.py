"""Tickets taken at the same moment by several Rasa processes are all different, and a lock with
a waiting ticket is never deleted."""
import threading

from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore


def store_for(redis_url: str) -> AtomicRedisLockStore:
    host, port = redis_url.split("//")[1].split("/")[0].split(":")
    return AtomicRedisLockStore(EndpointConfig(url=host, port=int(port), db=0, key_prefix="test"))


def test_concurrent_tickets_are_unique(databases):
    _, redis_url = databases
    stores = [store_for(redis_url) for _ in range(4)]      # one per "process", each its own connection
    tickets: list[int] = []
    guard = threading.Lock()

    def take(store):
        for _ in range(50):
            number = store.issue_ticket("conversation-1")
            with guard:
                tickets.append(number)

    threads = [threading.Thread(target=take, args=(store,)) for store in stores for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tickets) == 400 and len(set(tickets)) == 400


def test_cleanup_keeps_a_lock_someone_waits_for(databases):
    _, redis_url = databases
    first, second = store_for(redis_url), store_for(redis_url)
    served = first.issue_ticket("conversation-2")
    waiting = second.issue_ticket("conversation-2")
    first.cleanup("conversation-2", served)
    lock = second.get_lock("conversation-2")
    assert lock is not None and not lock.is_locked(waiting)
    second.cleanup("conversation-2", waiting)
    assert second.get_lock("conversation-2") is None
