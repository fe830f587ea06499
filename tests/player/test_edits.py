"""player/edits.py: the writes a person asks for, each announcing what it changed."""

from __future__ import annotations

import pytest

from player import edits
from player.errors import PlaylistError, QueryError
from player.models import Track
from player.playlist_io import playlist_tracks
from player.store import Store


def _tracks(store: Store, count: int = 4) -> list[int]:
    with store.db.transaction():
        return [store.tracks.upsert(Track(path=f"/music/{n}.flac", title=f"Song {n}",
                                          artists=("Band",), album="LP", duration=100.0 + n))
                for n in range(count)]


def test_a_playlist_is_made_renamed_reordered_added_to_and_deleted(store: Store) -> None:
    a, b, c, d = _tracks(store)
    changes = edits.create_playlist(store, "  Road   trip ", [c, a])
    (playlist,) = store.playlists.all()
    assert changes.playlists == {playlist.id} and playlist.name == "Road trip"
    assert [t.id for t in playlist_tracks(store, playlist)] == [c, a]
    entry = store.playlists.entries(playlist.id)[0]
    assert (entry.text.location, entry.text.artist, entry.text.title) == \
        ("/music/2.flac", "Band", "Song 2")

    assert edits.add_to_playlist(store, playlist.id, [d, b], at=1).playlists == {playlist.id}
    assert [t.id for t in playlist_tracks(store, playlist)] == [c, d, b, a]
    entries = store.playlists.entries(playlist.id)
    edits.reorder_playlist(store, playlist.id, [entries[3].id, entries[0].id])
    assert [t.id for t in playlist_tracks(store, playlist)] == [a, c, d, b]
    edits.remove_from_playlist(store, playlist.id, [entries[1].id])
    assert [t.id for t in playlist_tracks(store, playlist)] == [a, c, b]

    edits.rename_playlist(store, playlist.id, "Long drive")
    assert edits.playlist_by_name(store, "LONG DRIVE").id == playlist.id
    assert edits.playlist_by_name(store, str(playlist.id)).name == "Long drive"
    assert edits.delete_playlist(store, playlist.id).playlists == {playlist.id}
    assert store.playlists.all() == []
    assert store.tracks.count() == 4


def test_names_must_be_given_and_unique_ignoring_case(store: Store) -> None:
    edits.create_playlist(store, "Mix")
    with pytest.raises(PlaylistError, match="named 'Mix' already"):
        edits.create_playlist(store, "mix")
    with pytest.raises(PlaylistError, match="needs a name"):
        edits.create_playlist(store, "   ")
    other = edits.create_playlist(store, "Other")
    with pytest.raises(PlaylistError, match="named 'Mix' already"):
        edits.rename_playlist(store, next(iter(other.playlists)), "MIX")
    with pytest.raises(PlaylistError, match=r"No playlist named 'Nope'.*'Mix', 'Other'"):
        edits.playlist_by_name(store, "Nope")


def test_a_smart_playlist_is_a_query_evaluated_when_read(store: Store) -> None:
    a, b, c, _ = _tracks(store)
    edits.create_playlist(store, "Loved", query="rating:>=4")
    smart = edits.playlist_by_name(store, "loved")
    assert smart.smart and playlist_tracks(store, smart) == []
    edits.rate(store, [b, c], 5)
    assert [t.id for t in playlist_tracks(store, smart)] == [b, c]
    edits.rate(store, [b], 2)
    assert [t.id for t in playlist_tracks(store, smart)] == [c]
    edits.set_playlist_query(store, smart.id, "rating:>=2")
    assert [t.id for t in playlist_tracks(store, edits.playlist_by_name(store, "Loved"))] == \
        [b, c]
    with pytest.raises(QueryError):
        edits.create_playlist(store, "Broken", query="rating:lots")
    with pytest.raises(PlaylistError, match="not to a smart playlist"):
        edits.add_to_playlist(store, smart.id, [a])
    assert [p.name for p in store.playlists.all()] == ["Loved"]
