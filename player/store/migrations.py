"""Numbered schema migrations. The schema version lives in PRAGMA user_version.

Each migration takes the database from version N-1 to N inside one transaction. Never edit
a released migration: add a new one. tests/player/test_migrations.py upgrades a database
built at every earlier version and checks that nothing is lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

#: Written into PRAGMA application_id so Riffle can tell its own databases from others ('RFLE').
APPLICATION_ID = 0x52464C45


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.execute(statement)

    return run


_V1 = """
CREATE TABLE roots (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    added_at REAL NOT NULL
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE tracks (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    mtime_ns INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    title TEXT,
    artist TEXT,
    artists TEXT NOT NULL DEFAULT '[]',
    album TEXT,
    albumartist TEXT,
    albumartists TEXT NOT NULL DEFAULT '[]',
    genre TEXT,
    genres TEXT NOT NULL DEFAULT '[]',
    year INTEGER,
    track_number INTEGER,
    track_total INTEGER,
    disc_number INTEGER,
    disc_total INTEGER,
    duration REAL,
    codec TEXT,
    bitrate INTEGER,
    sample_rate INTEGER,
    channels INTEGER,
    rg_track_gain REAL,
    rg_track_peak REAL,
    rg_album_gain REAL,
    rg_album_peak REAL,
    tag_rating INTEGER,
    added_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    missing_since REAL,
    scan_error TEXT,
    play_error TEXT
);
CREATE INDEX tracks_artist ON tracks(artist COLLATE NOCASE);
CREATE INDEX tracks_album ON tracks(album COLLATE NOCASE);
CREATE TABLE features (
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    vector BLOB,
    analysed_at REAL NOT NULL,
    error TEXT,
    PRIMARY KEY (track_id, version)
);
CREATE TABLE plays (
    id INTEGER PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    started_at REAL NOT NULL,
    ended_at REAL,
    listened REAL NOT NULL DEFAULT 0,
    duration REAL,
    outcome TEXT CHECK (outcome IN ('completed', 'skipped', 'stopped', 'error')),
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'auto', 'import'))
);
CREATE INDEX plays_track ON plays(track_id, started_at);
CREATE INDEX plays_started ON plays(started_at);
CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 0 AND 5),
    rated_at REAL NOT NULL,
    source TEXT NOT NULL DEFAULT 'user'
);
CREATE INDEX ratings_track ON ratings(track_id, id)
"""

# The play queue, so it survives a restart: what was played (for "previous"), what plays
# now (with the position reached, in milliseconds), what the user queued, the auto-shuffle's
# picks with their reasons, and the cycle that "repeat queue" plays again. Rows keep their
# order by id within each part.
_V2 = """
CREATE TABLE queue_entries (
    id INTEGER PRIMARY KEY,
    part TEXT NOT NULL CHECK (part IN ('history', 'current', 'user', 'auto', 'cycle')),
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'auto')),
    reason TEXT,
    position_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX queue_entries_track ON queue_entries(track_id)
"""

_V3 = """
CREATE TABLE removals (
    id INTEGER PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    removed_at REAL NOT NULL
);
CREATE INDEX removals_track ON removals(track_id)
"""

# Why each play ended, as the player saw it: 'ended', 'next', 'previous', 'picked',
# 'stopped', 'error' or 'quit' (player.history.ChangeReason). The outcome is judged from it,
# and the recommender can tell "moved on" from "went back" or "closed the program".
_V4 = """
ALTER TABLE plays ADD COLUMN reason TEXT
"""

# Plays the listener asked Riffle not to learn from ("don't learn from this"): logged and
# exported like the others, but the recommender never sees them (judgements, recency).
_V5 = """
ALTER TABLE plays ADD COLUMN learn INTEGER NOT NULL DEFAULT 1 CHECK (learn IN (0, 1))
"""

# What is wrong with a file that still plays in part, found when it was analysed: a
# truncated file ("truncated: audio ends at 1:38 of 6:18"). Cleared when the file is read
# again, since the analysis then looks at it again.
_V6 = """
ALTER TABLE tracks ADD COLUMN damage TEXT
"""

# The analysis runs in passes, each writing vectors of its own kind: "sound" (the fast
# pass, all vectors so far) and "musicnn" (the deep pass's embedding). The kind joins the
# key, so the table is made again with it.
_V7 = """
CREATE TABLE features_by_kind (
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'sound',
    version INTEGER NOT NULL,
    vector BLOB,
    analysed_at REAL NOT NULL,
    error TEXT,
    PRIMARY KEY (track_id, kind, version)
);
INSERT INTO features_by_kind (track_id, kind, version, vector, analysed_at, error)
    SELECT track_id, 'sound', version, vector, analysed_at, error FROM features;
DROP TABLE features;
ALTER TABLE features_by_kind RENAME TO features
"""

# Saved playlists: a list of entries in order, or (query not NULL) a smart playlist, a query
# in the filter's language evaluated whenever it is read. An entry keeps what its playlist
# file said of it (location, artist, title, album, duration in seconds) beside the track it
# was matched to, so an entry no track matched (track_id NULL) is kept and written out
# again as it came. Plays get where an imported one came from ('listenbrainz', 'lastfm',
# 'strawberry', 'clementine'; NULL for Riffle's own), so importing again adds nothing twice.
_V8 = """
CREATE TABLE playlists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    query TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE playlist_entries (
    id INTEGER PRIMARY KEY,
    playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    track_id INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
    location TEXT,
    artist TEXT,
    title TEXT,
    album TEXT,
    duration REAL
);
CREATE INDEX playlist_entries_order ON playlist_entries(playlist_id, position);
CREATE INDEX playlist_entries_track ON playlist_entries(track_id);
ALTER TABLE plays ADD COLUMN origin TEXT
"""

# How the listener steered the auto-shuffle by region of the taste map: "more", "less" or
# "clear" (back to neutral) of a set of tracks, or "forget" what was learned from them up to
# then (their plays stay in the history). The tracks are kept by id, so a steer outlives a
# new analysis that redraws the regions.
_V9 = """
CREATE TABLE steering (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('more', 'less', 'clear', 'forget')),
    label TEXT NOT NULL DEFAULT '',
    steered_at REAL NOT NULL
);
CREATE TABLE steering_tracks (
    steering_id INTEGER NOT NULL REFERENCES steering(id) ON DELETE CASCADE,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    PRIMARY KEY (steering_id, track_id)
) WITHOUT ROWID;
CREATE INDEX steering_tracks_track ON steering_tracks(track_id)
"""

MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema: roots, settings, tracks, features, plays, ratings", _script(_V1)),
    Migration(2, "play queue that survives a restart", _script(_V2)),
    Migration(3, "auto picks the listener removed from the queue, a taste signal",
              _script(_V3)),
    Migration(4, "why each play ended", _script(_V4)),
    Migration(5, "plays the recommender does not learn from", _script(_V5)),
    Migration(6, "damage found in files that still play in part", _script(_V6)),
    Migration(7, "vectors of each analysis pass, by kind", _script(_V7)),
    Migration(8, "playlists, and where imported plays came from", _script(_V8)),
    Migration(9, "the listener's steering of the auto-shuffle by region", _script(_V9)),
]

LATEST_VERSION = MIGRATIONS[-1].version
