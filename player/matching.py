"""Finding the library's track for a name given elsewhere: a playlist entry, another
player's play, a track of an exported library.

In the order of how sure each is:

1. **path**: the file's absolute path (a file:// URL is read as its path);
2. **relative**: a path relative to the folder of the playlist that names it;
3. **tail**: a path from another machine or system (a Windows drive and backslashes,
   another home folder): the library track whose path ends in the longest run of the same
   components, when no other track ends in as long a run (case ignored, as Windows does);
4. **tags**: artist and title, then album and duration to choose among several,
   ignoring case, accents, typographic quotes and spacing.

`LibraryIndex` is built once from the store (one read of every track) and answers each
question from memory, so matching 10,000 entries costs dictionary lookups.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote, urlsplit

from player.store import Store
from player.store.tracks import TrackIdentity

#: Two durations this close (seconds) are the same recording.
DURATION_SLACK = 3.0

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-",
                         "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_SPACES = re.compile(r"\s+")
#: The combining marks accents decompose into (Latin, Greek, Cyrillic and the like).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
#: How several artists are joined in other players' and services' names.
_ARTIST_JOINS = re.compile(r"\s*(?:/|;|,|&| feat\.? | ft\.? | featuring | with | and )\s*",
                           re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:$")


def fold(text: str | None) -> str:
    """*text* as names are compared across players: case and accents ignored, typographic
    quotes and dashes as plain ones, runs of white space as one space."""
    if not text:
        return ""
    return _fold(text)


@functools.lru_cache(maxsize=1 << 16)  # a history names the same artists again and again
def _fold(text: str) -> str:
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _SPACES.sub(" ", text.translate(_QUOTES).casefold()).strip()


def _fold_part(part: str) -> str:
    """A path component as compared between systems: Unicode composed alike (macOS
    decomposes names), case ignored."""
    return unicodedata.normalize("NFC", part).casefold()


def local_path(location: str) -> str:
    """A playlist's location as a path: a file:// URL decoded (bytes that are not UTF-8
    kept as Python keeps them in file names), anything else as written."""
    text = location.strip()
    if text[:7].lower() == "file://":
        parts = urlsplit(text)
        path = unquote(parts.path, errors="surrogateescape")
        if parts.netloc and parts.netloc.lower() != "localhost":
            path = f"//{parts.netloc}{path}"  # a share: //server/folder/file
        if re.match(r"^/[A-Za-z]:/", path):  # file:///C:/Music/...
            path = path[1:]
        return path
    return text


def path_parts(location: str) -> list[str]:
    """The components of a path written on any system, without a drive letter, '.' or
    empty parts: "C:\\Users\\me\\Music\\a.mp3" gives ["Users", "me", "Music", "a.mp3"]."""
    parts = re.split(r"[\\/]+", local_path(location))
    return [p for p in parts if p and p != "." and not _DRIVE.match(p)]


def _is_windows_absolute(path: str) -> bool:
    return bool(re.match(r"^([A-Za-z]:[\\/]|\\\\)", path))


class MatchKind(StrEnum):
    """How an entry was matched, most certain first."""

    PATH = "path"
    RELATIVE = "relative"
    TAIL = "tail"
    TAGS = "tags"


@dataclass(frozen=True, slots=True)
class Match:
    track_id: int
    kind: MatchKind


def split_artists(artist: str) -> list[str]:
    """The names in an artist credit as other players join them ("A feat. B", "A & B")."""
    return [name for name in _ARTIST_JOINS.split(artist) if name.strip()]


class LibraryIndex:
    """Every readable track of a library, looked up by path, path tail and tags."""

    def __init__(self, identities: Iterable[TrackIdentity]) -> None:
        self._by_path: dict[str, int] = {}
        self._by_name: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
        self._by_tags: dict[tuple[str, str], list[TrackIdentity]] = defaultdict(list)
        self._by_title: dict[str, list[TrackIdentity]] = defaultdict(list)
        self._present: dict[int, bool] = {}
        self._durations: dict[int, float | None] = {}
        for track in identities:
            self._present[track.id] = track.present
            self._durations[track.id] = track.duration
            self._by_path[os.path.normpath(track.path)] = track.id
            parts = [_fold_part(p) for p in path_parts(track.path)]
            if parts:
                self._by_name[parts[-1]].append((track.id, parts))
            title = fold(track.title)
            if not title:
                continue
            self._by_title[title].append(track)
            names = {fold(" / ".join(track.artists)), fold(" / ".join(track.albumartists))}
            names.update(fold(a) for a in (*track.artists, *track.albumartists))
            for name in names - {""}:
                self._by_tags[(name, title)].append(track)

    @classmethod
    def of(cls, store: Store) -> LibraryIndex:
        """The index of *store*'s library, read now."""
        return cls(store.tracks.identities())

    def __len__(self) -> int:
        return len(self._present)

    def duration(self, track_id: int) -> float | None:
        """The track's length in seconds, when known."""
        return self._durations.get(track_id)

    # -- the questions ----------------------------------------------------------------------

    def match(self, *, location: str | None = None, base: str | None = None,
              artist: str | None = None, title: str | None = None,
              album: str | None = None, duration: float | None = None) -> Match | None:
        """The track an entry names, trying its location first (absolute, then relative
        to the folder *base*, then by tail) and its tags last; None when nothing fits."""
        if location:
            path = local_path(location)
            if os.path.isabs(path) and (found := self.by_path(path)) is not None:
                return Match(found, MatchKind.PATH)
            if base is not None and not os.path.isabs(path) \
                    and not _is_windows_absolute(path):
                for candidate in dict.fromkeys((path, path.replace("\\", "/"))):
                    found = self.by_path(os.path.join(base, candidate))
                    if found is not None:
                        return Match(found, MatchKind.RELATIVE)
            if (found := self.by_tail(path)) is not None:
                return Match(found, MatchKind.TAIL)
        if title and (found := self.by_tags(artist, title, album, duration)) is not None:
            return Match(found, MatchKind.TAGS)
        return None

    def by_path(self, path: str) -> int | None:
        return self._by_path.get(os.path.normpath(path))

    def by_tail(self, location: str) -> int | None:
        """The one track whose path ends in the longest run of *location*'s last
        components; None when none shares even the file name, or several share as long a
        run (a present file is preferred to a missing one)."""
        parts = [_fold_part(p) for p in path_parts(location)]
        if not parts:
            return None
        best, best_ids = 0, []
        for track_id, theirs in self._by_name.get(parts[-1], ()):
            same = _common_tail(parts, theirs)
            if same > best:
                best, best_ids = same, [track_id]
            elif same == best:
                best_ids.append(track_id)
        return self._one(best_ids)

    def by_tags(self, artist: str | None, title: str, album: str | None = None,
                duration: float | None = None) -> int | None:
        """The track with this artist and title (any of its artists, or its album artist);
        among several, the one on *album*, then the one closest to *duration* (seconds).
        Without an artist, only a title no other track has."""
        folded_title = fold(title)
        if not artist or not fold(artist):
            found = self._by_title.get(folded_title, [])
            return found[0].id if len(found) == 1 else None
        candidates = self._by_tags.get((fold(artist), folded_title), [])
        if not candidates:
            for name in split_artists(artist):
                candidates = self._by_tags.get((fold(name), folded_title), [])
                if candidates:
                    break
        return self._choose(candidates, album, duration)

    # -- choosing ---------------------------------------------------------------------------

    def _choose(self, candidates: Sequence[TrackIdentity], album: str | None,
                duration: float | None) -> int | None:
        if not candidates:
            return None
        pool = list(candidates)
        if album and (same := [t for t in pool if fold(t.album) == fold(album)]):
            pool = same
        if duration and duration > 0:
            timed = [t for t in pool if t.duration
                     and abs(t.duration - duration) <= DURATION_SLACK]
            if timed:
                pool = timed
            elif all(t.duration for t in pool):
                return None  # every candidate is a different length: another recording
        pool.sort(key=lambda t: (abs((t.duration or 0) - duration) if duration else 0,
                                 not t.present, t.id))
        return pool[0].id

    def _one(self, ids: list[int]) -> int | None:
        if len(ids) == 1:
            return ids[0]
        present = [i for i in ids if self._present.get(i)]
        return present[0] if len(present) == 1 else None


def _common_tail(ours: list[str], theirs: list[str]) -> int:
    same = 0
    for a, b in zip(reversed(ours), reversed(theirs), strict=False):
        if a != b:
            break
        same += 1
    return same
