"""Which tracks make one album, and whose album it is: said once for the window and
`riffle stats`.

An album is known by its name and its album artist. The album artist is the file's album
artist tag when it has one. Without it, the tracks of one album name in one folder (disc
folders such as "CD2" count as their parent) are one album: its artist is their artist
when they share one (the first artist named on each track), or "Various artists" when they
do not. So a compilation whose files only name each track's performer is one album, not
one album per performer; and two albums of the same name by different artists stay two.
Groups that end with the same name and album artist (ignoring case) are the same album,
so an album tagged with an album artist on some files only is still one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from player.models import UNKNOWN_ARTIST

VARIOUS_ARTISTS = "Various artists"

#: A folder that holds one disc of an album ("CD1", "Disc 2", "disk_03", "Side A").
_DISC_FOLDER = re.compile(r"^(cd|disc|disk|side)[\s._-]*(\d+|[a-d])$", re.IGNORECASE)
#: How several artists are joined into one (player.models.Track.artist).
_JOINED = " / "


@dataclass(frozen=True, slots=True)
class Album:
    """One album: its *title* as first seen, its *artist* (album artist, the one artist
    of its tracks, VARIOUS_ARTISTS, or UNKNOWN_ARTIST when no track names one), how many
    *tracks* it has and the index of its *first* row among those grouped."""

    title: str
    artist: str
    tracks: int
    first: int

    @property
    def key(self) -> str:
        """What tells this album from every other: its title and artist, ignoring case."""
        return album_key(self.title, self.artist)


def album_key(title: str, artist: str) -> str:
    """The identity of the album *title* by *artist* (see Album.key)."""
    return f"{title.casefold()}\x1f{artist.casefold()}"


@dataclass(slots=True)
class _Group:
    """The tracks of one album name under one album artist tag, or in one folder."""

    title: str
    first: int
    artists: dict[str, str] = field(default_factory=dict)  # case-folded → as first seen
    tracks: int = 0
    album: int = -1  # the index of the album it is part of, once known


def album_folder(folder: str) -> str:
    """The folder that stands for an album: *folder*, or its parent for a disc folder."""
    if _DISC_FOLDER.match(os.path.basename(folder.rstrip(os.sep))):
        return os.path.dirname(folder.rstrip(os.sep))
    return folder


def _group_of(values: tuple[str | None, str | None, str | None, str], row: int,
              groups: dict[tuple[str, str, str], _Group]) -> _Group | None:
    """The group of a track with these (album, album artist, artist, folder), made when it
    is the first; None for a track without an album name."""
    album, albumartist, artist, folder = values
    if not album:
        return None
    if albumartist:
        key = ("tag", album.casefold(), albumartist.casefold())
    else:
        key = ("folder", album.casefold(), album_folder(folder))
    group = groups.get(key)
    if group is None:
        group = groups[key] = _Group(album, row)
    named = albumartist or (artist.split(_JOINED, 1)[0] if artist else None)
    if named:
        group.artists.setdefault(named.casefold(), named)
    return group


def group_albums(rows: Iterable[tuple[str | None, str | None, str | None, str]]
                 ) -> tuple[list[int], list[Album]]:
    """Group rows of (album, album artist, artist, the file's folder) into albums.

    Returns, per row, the index of its album in the list returned beside it (-1 for a
    track without an album name), and the albums in order of their first row. Artists
    joined with " / " count by the first one named."""
    # first pass: (album name, album artist or folder) → its tracks. The tracks of an
    # album mostly repeat the same four values, so each new combination is worked out once.
    groups: dict[tuple[str, str, str], _Group] = {}
    row_group: list[_Group | None] = []
    seen: dict[tuple[str | None, str | None, str | None, str], _Group | None] = {}
    for row, values in enumerate(rows):
        group = seen.get(values)
        if group is None and values not in seen:
            group = seen[values] = _group_of(values, row, groups)
        if group is not None:
            group.tracks += 1
        row_group.append(group)

    # second pass: groups with the same name and album artist are one album
    albums: list[Album] = []
    merged: dict[str, int] = {}
    for group in groups.values():  # in order of their first row
        if len(group.artists) == 1:
            artist = next(iter(group.artists.values()))
        else:
            artist = VARIOUS_ARTISTS if group.artists else UNKNOWN_ARTIST
        identity = album_key(group.title, artist)
        index = merged.get(identity)
        if index is None:
            index = merged[identity] = len(albums)
            albums.append(Album(group.title, artist, group.tracks, group.first))
        else:
            known = albums[index]
            albums[index] = Album(known.title, known.artist, known.tracks + group.tracks,
                                  known.first)
        group.album = index
    return [-1 if group is None else group.album for group in row_group], albums
