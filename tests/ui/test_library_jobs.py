"""ui/library_jobs.py: what the window's background library work asks of the core."""

from __future__ import annotations

from player.models import Track
from player.queue import Queue
from player.queue_saving import QueueSaver
from player.store import Store
from ui.library_jobs import about_to_play


def test_the_analysis_starts_with_what_the_queue_will_play(store: Store) -> None:
    with store.db.transaction():
        ids = [store.tracks.upsert(Track(path=f"/music/{i}.flac")) for i in range(6)]
    queue = Queue(None, auto=False, saver=QueueSaver(store.queue_state))
    queue.play_now([ids[4]])
    queue.enqueue([ids[1], ids[5]])
    assert about_to_play(store) == [ids[4], ids[1], ids[5]]
    queue.advance()
    assert about_to_play(store) == [ids[1], ids[5]]
