"""The features table: one float32 vector (or the reason there is none) per track, kind and
version.

A *kind* is one pass of the analysis ("sound": the fast pass's descriptors; "musicnn": the
deep pass's embedding); each has its own versions and its own pending tracks. The
extractor's version is part of the key, so a new extractor's vectors are written beside
the old ones. Until the new version describes as many tracks as the old one, readers keep
getting the old vectors (see `load_matrix`); once it does, the old rows can be pruned.

A row is current for its track only if it was written after the track's file was last
read by the scanner (tracks.updated_at): a changed file is listened to again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from player.store.database import Database
from player.store.predicates import listed, present
from player.store.tracks import fs_path

#: Vectors are stored as little-endian float32.
VECTOR_DTYPE = np.dtype("<f4")

#: The kind of the fast pass's vectors, the default of every method.
SOUND = "sound"

# Tracks whose current-version row is absent or older than the file's last scan. A file
# the scan could not read is not worth decoding either: it waits until it changes.
_PENDING_WHERE = f"""
{listed("t")} AND NOT EXISTS (
    SELECT 1 FROM features f
    WHERE f.track_id = t.id AND f.kind = :kind AND f.version = :version
      AND f.analysed_at >= t.updated_at
)"""


@dataclass(frozen=True, slots=True)
class PendingTrack:
    """A track that needs analysing: its id, file path and duration in seconds (or None)."""

    id: int
    path: str
    duration: float | None


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """The outcome of analysing one track: a vector, or the reason there is none."""

    track_id: int
    vector: np.ndarray | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FeatureError:
    track_id: int
    path: str
    error: str
    analysed_at: float


@dataclass(frozen=True, slots=True)
class FeatureMatrix:
    """Vectors of many tracks: row i of *matrix* (float32) describes track *ids[i]*.

    *version* is the newest extractor version among the rows (None when empty).
    """

    ids: np.ndarray  # int64
    matrix: np.ndarray  # float32, (len(ids), dimensions)
    version: int | None

    def __len__(self) -> int:
        return len(self.ids)


class FeatureStore:
    """Reads and writes the features table. Callers batch writes in db.transaction()."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- writing ----------------------------------------------------------------------------

    def save(self, version: int, results: Iterable[FeatureResult], *,
             now: float | None = None, kind: str = SOUND) -> int:
        """Store each result for extractor *version*, replacing an earlier one; returns the
        number written. A result for a track deleted meanwhile is dropped silently."""
        now = time.time() if now is None else now
        rows = [
            (r.track_id, kind, version,
             None if r.vector is None else np.asarray(r.vector, VECTOR_DTYPE).tobytes(),
             now, r.error, r.track_id)
            for r in results
        ]
        with self.db.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO features "
                "(track_id, kind, version, vector, analysed_at, error) "
                "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tracks WHERE id = ?)",
                rows,
            )
        return len(rows)

    def prune(self, version: int, *, kind: str = SOUND) -> int:
        """Delete rows of older versions for tracks that have a vector of *version*."""
        cur = self.db.execute(
            "DELETE FROM features WHERE kind = ? AND version < ? AND track_id IN "
            "(SELECT track_id FROM features WHERE kind = ? AND version = ? "
            "AND vector IS NOT NULL)", (kind, version, kind, version),
        )
        return int(cur.rowcount)

    def clear(self, track_ids: Sequence[int]) -> None:
        """Forget every version's result for these tracks, so they are analysed again."""
        self.db.executemany("DELETE FROM features WHERE track_id = ?", ((i,) for i in track_ids))

    # -- reading ----------------------------------------------------------------------------

    def pending(self, version: int, *, priority: Sequence[int] = (),
                kind: str = SOUND) -> list[PendingTrack]:
        """Tracks to analyse for *version*: no current row (vector or error), not missing,
        and read by the scan without error. Paths come as the os functions take them
        (a name that is not UTF-8 as its escaped bytes).

        Ids in *priority* come first in the order given (those that need no analysis are
        skipped); the rest follow in id order.
        """
        rows = self.db.query(
            f"SELECT t.id, t.path, t.duration FROM tracks t WHERE {_PENDING_WHERE} "
            "ORDER BY t.id", {"version": version, "kind": kind},
        )
        tracks = [PendingTrack(r[0], fs_path(r[1]), r[2]) for r in rows]
        if not priority:
            return tracks
        by_id = {t.id: t for t in tracks}
        first = []
        for track_id in dict.fromkeys(priority):
            track = by_id.pop(track_id, None)
            if track is not None:
                first.append(track)
        return first + [t for t in tracks if t.id in by_id]

    def count_pending(self, version: int, *, kind: str = SOUND) -> int:
        return int(self.db.scalar(
            f"SELECT count(*) FROM tracks t WHERE {_PENDING_WHERE}",
            {"version": version, "kind": kind}))

    def counts(self, version: int, *, kind: str = SOUND) -> dict[str, int]:
        """How many tracks have a vector, an error, or still wait, for *version*."""
        row = self.db.query(
            "SELECT sum(vector IS NOT NULL), sum(error IS NOT NULL) FROM features "
            "WHERE kind = ? AND version = ?", (kind, version),
        )[0]
        return {"analysed": int(row[0] or 0), "failed": int(row[1] or 0),
                "pending": self.count_pending(version, kind=kind)}

    def errors(self, version: int, *, kind: str = SOUND) -> list[FeatureError]:
        """Tracks that could not be analysed by *version*, with the reason, by path."""
        rows = self.db.query(
            "SELECT f.track_id, t.path, f.error, f.analysed_at FROM features f "
            "JOIN tracks t ON t.id = f.track_id WHERE f.kind = ? AND f.version = ? "
            "AND f.error IS NOT NULL ORDER BY t.path", (kind, version),
        )
        return [FeatureError(r[0], fs_path(r[1]), r[2], r[3]) for r in rows]

    def error(self, track_id: int, version: int, *, kind: str = SOUND) -> str | None:
        """Why *version* could not describe this track, or None."""
        return self.db.scalar("SELECT error FROM features WHERE track_id = ? AND kind = ? "
                              "AND version = ?", (track_id, kind, version))

    def vector(self, track_id: int, version: int, *, kind: str = SOUND) -> np.ndarray | None:
        blob = self.db.scalar(
            "SELECT vector FROM features WHERE track_id = ? AND kind = ? AND version = ?",
            (track_id, kind, version),
        )
        return None if blob is None else np.frombuffer(blob, VECTOR_DTYPE).copy()

    def latest_analysis(self, *, kind: str | None = None) -> float:
        """When the newest result (vector or error) was written, in Unix seconds (of one
        *kind*, or any); 0 if none."""
        if kind is None:
            return float(self.db.scalar("SELECT coalesce(max(analysed_at), 0) FROM features"))
        return float(self.db.scalar(
            "SELECT coalesce(max(analysed_at), 0) FROM features WHERE kind = ?", (kind,)))

    def vectors_since(self, version: int, since: float, *, kind: str = SOUND
                      ) -> FeatureMatrix:
        """The vectors of exactly *version* written at or after *since* (present files
        only), for keeping an index current without reloading it."""
        rows = self.db.query(
            "SELECT f.track_id, f.vector FROM features f JOIN tracks t ON t.id = f.track_id "
            "WHERE f.kind = ? AND f.version = ? AND f.analysed_at >= ? "
            f"AND f.vector IS NOT NULL AND {present('t')} ORDER BY f.track_id",
            (kind, version, since))
        if not rows:
            return FeatureMatrix(np.zeros(0, np.int64), np.zeros((0, 0), np.float32), None)
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        matrix = np.frombuffer(b"".join(r[1] for r in rows), VECTOR_DTYPE).reshape(len(ids), -1)
        return FeatureMatrix(ids, matrix.astype(np.float32), version)

    def load_matrix(self, version: int, *, include_missing: bool = False,
                    kind: str = SOUND) -> FeatureMatrix:
        """The vectors that serve for extractor *version*, one row per track, by track id.

        Per track, the newest vector of a version no newer than *version*. Vectors of
        another length than the chosen one cannot share a matrix (the layout changed), so
        one length serves at a time: the one that describes the most tracks, ties going to
        the newest version. So while a new extractor re-analyses the library, the old
        vectors keep serving, and the new ones take over once they cover as much.
        Missing files are left out unless *include_missing*.
        """
        where = "" if include_missing else f" AND {present('t')}"
        cur = self.db.execute(
            "SELECT f.track_id, f.version, f.vector FROM features f "
            "JOIN tracks t ON t.id = f.track_id "
            f"WHERE f.kind = ? AND f.vector IS NOT NULL AND f.version <= ?{where} "
            "ORDER BY f.track_id, f.version DESC", (kind, version),
        )
        # Per vector length: track id → (version, blob), newest version first.
        by_length: dict[int, dict[int, tuple[int, bytes]]] = {}
        for track_id, row_version, blob in cur:
            by_length.setdefault(len(blob), {}).setdefault(track_id, (row_version, blob))
        if not by_length:
            return FeatureMatrix(np.zeros(0, np.int64), np.zeros((0, 0), np.float32), None)
        length = max(by_length, key=lambda n: (len(by_length[n]),
                                               max(v for v, _ in by_length[n].values())))
        chosen = by_length[length]
        ids = np.fromiter(chosen, dtype=np.int64, count=len(chosen))
        ids.sort()
        newest = max(v for v, _ in chosen.values())
        blob = b"".join(chosen[int(i)][1] for i in ids)
        by_length.clear()  # the rows' own bytes: the joined copy is all that is needed
        # float32 as stored: read in place (read-only), no third copy of a large library
        matrix = np.frombuffer(blob, VECTOR_DTYPE).reshape(len(ids), -1) \
            .astype(np.float32, copy=False)
        return FeatureMatrix(ids, matrix, newest)
