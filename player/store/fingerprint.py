"""A few numbers that change whenever the library's tracks or analysed vectors change.

What is built from the whole library (the auto-shuffle's catalog and sound index, and the
start-up copy of them) compares fingerprints to tell whether it must be built again. One
pass over each table: a few milliseconds at 100,000 tracks.
"""

from __future__ import annotations

from dataclasses import dataclass

from player.store.database import Database


@dataclass(frozen=True, slots=True)
class LibraryFingerprint:
    """*tracks*: rows and tags (count, highest id, sum of update times); *playability*: what
    makes tracks unplayable (missing, play and scan errors); *vectors*: the fast pass's
    results (count, sum of times, errors, newest version); *deep*: the same of every other
    kind of vector (the deep pass's)."""

    tracks: tuple[float, ...]
    playability: tuple[float, ...]
    vectors: tuple[float, ...]
    deep: tuple[float, ...] = ()

    def as_list(self) -> list[float]:
        return [*self.tracks, *self.playability, *self.vectors, *self.deep]


def library_fingerprint(db: Database) -> LibraryFingerprint:
    """The fingerprint of the library in *db* as it is now."""
    with db.read_transaction():
        tracks = db.query(
            "SELECT count(*), coalesce(max(id), 0), total(updated_at), count(missing_since), "
            "count(play_error), count(scan_error), total(coalesce(missing_since, 0)) "
            "FROM tracks")[0]
        features = db.query(
            "SELECT count(*), total(analysed_at), count(error), coalesce(max(version), 0) "
            "FROM features WHERE kind = 'sound'")[0]
        deep = db.query(
            "SELECT count(*), total(analysed_at), count(error), coalesce(max(version), 0) "
            "FROM features WHERE kind != 'sound'")[0]
    values = [float(v) for v in (*tracks, *features, *deep)]
    return LibraryFingerprint(tuple(values[0:3]), tuple(values[3:7]), tuple(values[7:11]),
                              tuple(values[11:15]))
