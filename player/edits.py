"""The writes a person asks for, each returning what it changed.

Both faces call these (the window through its writer thread, the command line at once), so
a rating, a setting or a playlist is written one way and always announces itself with a
`Changes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from player.changes import Changes
from player.errors import PartialWriteError, PlaylistError
from player.formatting import path_text
from player.formatting import stars as stars_text
from player.models import Track
from player.query import parse
from player.rating_tags import write_ratings
from player.settings import RATINGS_IN_TAGS, Setting, Settings
from player.store import Store
from player.store.playlists import EntryText, Playlist


def rate(store: Store, track_ids: Iterable[int], stars: int) -> Changes:
    """Rate tracks 1–5 stars, or clear their rating with 0 (the history of changes is kept).
    With the setting RATINGS_IN_TAGS on, the rating is written into the files' tags too.
    Raises RiffleError for stars outside 0–5, and PartialWriteError (carrying the ratings'
    Changes) when some files could not take the rating: the ratings are saved all the same.
    """
    ids = list(dict.fromkeys(track_ids))
    with store.db.transaction():
        for track_id in ids:
            store.ratings.set(track_id, stars)
    changes = Changes(ratings=frozenset(ids))
    if Settings(store.settings).get(RATINGS_IN_TAGS):
        problems = write_ratings(store, ids).problems
        if problems:
            listed = "; ".join(f"{path_text(path)} ({why})" for path, why in problems[:3])
            more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
            raise PartialWriteError(
                f"Rated {stars_text(stars) or 'no stars'}, but the rating could not be "
                f"written into {len(problems)} file{'s' if len(problems) > 1 else ''}: "
                f"{listed}{more}.", changes)
    return changes


def record_removals(store: Store, track_ids: Iterable[int]) -> Changes:
    """Auto picks the listener took out of the queue: a mild "not now" about each."""
    ids = list(track_ids)
    store.removals.add_many(ids)
    return Changes(removals=frozenset(ids))


def steer(store: Store, action: str, track_ids: Iterable[int], label: str = "") -> Changes:
    """Steer the auto-shuffle on a region of the taste map: "more" or "less" of these
    tracks, "clear" to go back to neither, or "forget" what was learned from them (their
    plays stay in the history). Raises RiffleError for an unknown action or no track."""
    store.steering.add(action, track_ids, label=label)
    return Changes(steering=True)


def save_settings(store: Store, values: Mapping[Setting[Any], Any]) -> Changes:
    """Validate and save settings; the Changes carry each key's stored value. Raises
    RiffleError for a value the setting refuses, before anything is written."""
    settings = Settings(store.settings)
    valid = {setting: setting.validate(value) for setting, value in values.items()}
    with store.db.transaction():
        for setting, value in valid.items():
            settings.set(setting, value)
    return Changes(settings={setting.key: value for setting, value in valid.items()})


# -- playlists --------------------------------------------------------------------------------

#: The longest playlist name taken, in characters.
MAX_NAME = 200


def playlist_name(store: Store, name: str, *, keep: int | None = None) -> str:
    """*name* as a playlist's name: trimmed, on one line, and not the name of another
    playlist (ignoring case; *keep* is the playlist being renamed). Raises PlaylistError."""
    clean = " ".join(name.split())
    if not clean:
        raise PlaylistError("A playlist needs a name.")
    if len(clean) > MAX_NAME:
        raise PlaylistError(f"A playlist name is at most {MAX_NAME} characters.")
    for playlist in store.playlists.all():
        if playlist.id != keep and playlist.name.casefold() == clean.casefold():
            raise PlaylistError(f"There is a playlist named {playlist.name!r} already; "
                                "choose another name.")
    return clean


def playlist_by_name(store: Store, name: str) -> Playlist:
    """The playlist called *name* (ignoring case), or its id as digits. Raises
    PlaylistError naming the playlists there are."""
    playlists = store.playlists.all()
    wanted = " ".join(name.split()).casefold()
    for playlist in playlists:
        if playlist.name.casefold() == wanted:
            return playlist
    if name.strip().isdigit():
        for playlist in playlists:
            if playlist.id == int(name):
                return playlist
    known = ", ".join(repr(p.name) for p in playlists[:10]) or "none yet"
    raise PlaylistError(f"No playlist named {name!r} (the playlists: {known}).")


def entry_of(track: Track) -> EntryText:
    """What a playlist says of a track added from the library."""
    return EntryText(location=track.path, artist=track.artist, title=track.title,
                     album=track.album, duration=track.duration)


def create_playlist(store: Store, name: str, track_ids: Iterable[int] = (), *,
                    query: str | None = None) -> Changes:
    """A new playlist of these tracks, or a smart playlist of *query* (the filter's
    language, checked here: QueryError for one that cannot be read). Raises PlaylistError
    for a name that is empty or taken."""
    if query is not None:
        parse(query)
    ids = list(track_ids)
    with store.db.transaction():
        clean = playlist_name(store, name)
        playlist_id = store.playlists.create(clean, query=query.strip() if query else None)
        if ids:
            tracks = store.tracks.get_many(ids)
            store.playlists.append(playlist_id, [(tid, entry_of(tracks[tid])) for tid in ids
                                                 if tid in tracks])
    return Changes(playlists=frozenset({playlist_id}))


def rename_playlist(store: Store, playlist_id: int, name: str) -> Changes:
    with store.db.transaction():
        store.playlists.rename(playlist_id, playlist_name(store, name, keep=playlist_id))
    return Changes(playlists=frozenset({playlist_id}))


def set_playlist_query(store: Store, playlist_id: int, query: str) -> Changes:
    """Change a smart playlist's query (QueryError for one that cannot be read)."""
    parse(query)
    playlist = store.playlists.get(playlist_id)
    if playlist is None or not playlist.smart:
        raise PlaylistError("Only a smart playlist has a query.")
    store.playlists.set_query(playlist_id, query.strip())
    return Changes(playlists=frozenset({playlist_id}))


def delete_playlist(store: Store, playlist_id: int) -> Changes:
    """Delete a playlist (its tracks stay in the library)."""
    store.playlists.delete(playlist_id)
    return Changes(playlists=frozenset({playlist_id}))


def add_to_playlist(store: Store, playlist_id: int, track_ids: Iterable[int],
                    at: int | None = None) -> Changes:
    """Add tracks to a playlist: at the end, or before its entry number *at* (0 first)."""
    ids = list(track_ids)
    with store.db.transaction():
        playlist = store.playlists.get(playlist_id)
        if playlist is None or playlist.smart:
            raise PlaylistError("Tracks are added to a playlist of tracks, not to a smart "
                                "playlist (its query chooses them).")
        before = [e.id for e in store.playlists.entries(playlist_id)]
        tracks = store.tracks.get_many(ids)
        store.playlists.append(playlist_id, [(tid, entry_of(tracks[tid])) for tid in ids
                                             if tid in tracks])
        if at is not None and at < len(before):
            added = [e.id for e in store.playlists.entries(playlist_id)][len(before):]
            store.playlists.reorder(playlist_id, before[:at] + added + before[at:])
    return Changes(playlists=frozenset({playlist_id}))


def remove_from_playlist(store: Store, playlist_id: int, entry_ids: Iterable[int]) -> Changes:
    store.playlists.remove(playlist_id, list(entry_ids))
    return Changes(playlists=frozenset({playlist_id}))


def reorder_playlist(store: Store, playlist_id: int, entry_ids: Sequence[int]) -> Changes:
    """Put a playlist's entries in this order (entries not named keep their order after)."""
    with store.db.transaction():
        store.playlists.reorder(playlist_id, entry_ids)
    return Changes(playlists=frozenset({playlist_id}))
