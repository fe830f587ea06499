"""player/store/features.py: saving results, what needs analysis, serving old versions."""

from __future__ import annotations

import numpy as np

from player.models import Track
from player.store import Store
from player.store.features import FeatureResult


def _tracks(store: Store, n: int, *, now: float = 100.0) -> list[int]:
    with store.db.transaction():
        return [store.tracks.upsert(Track(path=f"/m/{i:02d}.flac", duration=200.0 + i), now=now)
                for i in range(n)]


def _vec(value: float, dims: int = 4) -> np.ndarray:
    return np.full(dims, value, dtype=np.float32)


def test_saved_vectors_load_as_one_float32_matrix_in_id_order(store: Store) -> None:
    ids = _tracks(store, 3)
    store.features.save(1, [FeatureResult(ids[2], _vec(2.5)), FeatureResult(ids[0], _vec(0.5)),
                            FeatureResult(ids[1], None, "the audio is silent")], now=200.0)
    loaded = store.features.load_matrix(1)
    assert loaded.ids.tolist() == [ids[0], ids[2]]
    assert loaded.matrix.dtype == np.float32 and loaded.matrix.shape == (2, 4)
    assert loaded.matrix[:, 0].tolist() == [0.5, 2.5]
    assert loaded.version == 1
    assert store.features.vector(ids[2], 1).tolist() == [2.5] * 4
    [err] = store.features.errors(1)
    assert (err.track_id, err.path, err.error) == (ids[1], "/m/01.flac", "the audio is silent")
    assert store.features.counts(1) == {"analysed": 2, "failed": 1, "pending": 0}


def test_pending_skips_done_failed_and_missing_and_puts_priority_first(store: Store) -> None:
    ids = _tracks(store, 6)
    store.features.save(1, [FeatureResult(ids[0], _vec(1)), FeatureResult(ids[1], None, "bad")],
                        now=200.0)
    with store.db.transaction():
        store.tracks.mark_missing([ids[2]])
    assert [t.id for t in store.features.pending(1)] == ids[3:]
    first = store.features.pending(1, priority=[ids[5], ids[0], ids[4], ids[5]])
    assert [t.id for t in first] == [ids[5], ids[4], ids[3]]
    assert first[0].path == "/m/05.flac" and first[0].duration == 205.0
    # A new extractor version has everything (but the missing file) to do again.
    assert [t.id for t in store.features.pending(2)] == [ids[0], ids[1], *ids[3:]]


def test_a_file_changed_after_analysis_is_pending_again(store: Store) -> None:
    [tid] = _tracks(store, 1, now=100.0)
    store.features.save(1, [FeatureResult(tid, _vec(1))], now=200.0)
    assert store.features.pending(1) == []
    with store.db.transaction():
        store.tracks.upsert(Track(path="/m/00.flac", duration=10.0), now=300.0)
    assert [t.id for t in store.features.pending(1)] == [tid]


def test_old_vectors_serve_until_the_new_version_covers_as_many(store: Store) -> None:
    ids = _tracks(store, 3)
    store.features.save(1, [FeatureResult(i, _vec(1.0, 4)) for i in ids], now=200.0)
    # Version 2 changed the layout (6 values) and has described one track so far.
    store.features.save(2, [FeatureResult(ids[0], _vec(2.0, 6))], now=300.0)
    served = store.features.load_matrix(2)
    assert served.ids.tolist() == ids and served.matrix.shape == (3, 4)
    assert served.version == 1
    store.features.save(2, [FeatureResult(i, _vec(2.0, 6)) for i in ids[1:]], now=300.0)
    served = store.features.load_matrix(2)
    assert served.matrix.shape == (3, 6) and served.version == 2
    assert store.features.prune(2) == 3
    assert store.features.load_matrix(1).ids.tolist() == []


def test_same_layout_mixes_versions_per_track_newest_first(store: Store) -> None:
    ids = _tracks(store, 2)
    store.features.save(1, [FeatureResult(i, _vec(1.0)) for i in ids], now=200.0)
    store.features.save(2, [FeatureResult(ids[1], _vec(2.0))], now=300.0)
    served = store.features.load_matrix(2)
    assert served.matrix[:, 0].tolist() == [1.0, 2.0]


def test_missing_tracks_are_left_out_of_the_matrix_unless_asked(store: Store) -> None:
    ids = _tracks(store, 2)
    store.features.save(1, [FeatureResult(i, _vec(1.0)) for i in ids], now=200.0)
    with store.db.transaction():
        store.tracks.mark_missing([ids[0]])
    assert store.features.load_matrix(1).ids.tolist() == [ids[1]]
    assert store.features.load_matrix(1, include_missing=True).ids.tolist() == ids


def test_a_result_for_a_deleted_track_is_dropped(store: Store) -> None:
    [tid] = _tracks(store, 1)
    with store.db.transaction():
        store.tracks.delete(tid)
    store.features.save(1, [FeatureResult(tid, _vec(1.0))])
    assert store.db.scalar("SELECT count(*) FROM features") == 0


def test_pending_gives_a_non_utf8_name_as_a_path_the_os_opens(store: Store) -> None:
    name = "/m/caf\udce9.flac"  # the Latin-1 byte 0xE9, stored as the name's bytes
    with store.db.transaction():
        track_id = store.tracks.upsert(Track(path=name, duration=200.0))
    (pending,) = store.features.pending(1)
    assert (pending.id, pending.path) == (track_id, name)
    store.features.save(1, [FeatureResult(track_id, None, "bad")])
    assert store.features.errors(1)[0].path == name


def test_files_the_scan_could_not_read_are_not_analysed(store: Store) -> None:
    ids = _tracks(store, 2)
    with store.db.transaction():
        store.tracks.record_error("/m/00.flac", 1, 10, "damaged, or not a valid .flac file")
    assert [t.id for t in store.features.pending(1)] == [ids[1]]
    assert store.features.count_pending(1) == 1
