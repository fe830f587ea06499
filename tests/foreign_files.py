"""Other players' and services' history files, written as they write them: ListenBrainz
listens, Strawberry's and Clementine's collection databases (their real table and column
names, from their published schemas)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def listenbrainz_listen(at: float, artist: str, title: str, release: str | None = None,
                        duration_ms: int | None = None) -> dict[str, object]:
    """One listen as a ListenBrainz export writes it."""
    meta: dict[str, object] = {"artist_name": artist, "track_name": title,
                               "additional_info": {"media_player": "Strawberry"}}
    if release:
        meta["release_name"] = release
    if duration_ms:
        meta["additional_info"] = {"duration_ms": duration_ms}
    return {"listened_at": int(at), "recording_msid": "0c3b-…", "user_name": "ann",
            "inserted_at": int(at) + 5, "track_metadata": meta}


def strawberry_db(path: Path, rows: list[dict[str, object]]) -> Path:
    """A Strawberry collection database with the songs table as Strawberry creates it."""
    conn = sqlite3.connect(path)
    conn.executescript("""
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (20);
CREATE TABLE directories (path TEXT NOT NULL, subdirs INTEGER NOT NULL);
CREATE TABLE songs (
  title TEXT, album TEXT, artist TEXT, albumartist TEXT,
  track INTEGER NOT NULL DEFAULT -1, disc INTEGER NOT NULL DEFAULT -1,
  year INTEGER NOT NULL DEFAULT -1, originalyear INTEGER NOT NULL DEFAULT -1,
  genre TEXT, compilation INTEGER NOT NULL DEFAULT 0, composer TEXT, performer TEXT,
  grouping TEXT, comment TEXT, lyrics TEXT, artist_id TEXT, album_id TEXT, song_id TEXT,
  beginning INTEGER NOT NULL DEFAULT 0, length INTEGER NOT NULL DEFAULT 0,
  bitrate INTEGER NOT NULL DEFAULT -1, samplerate INTEGER NOT NULL DEFAULT -1,
  bitdepth INTEGER NOT NULL DEFAULT -1, source INTEGER NOT NULL DEFAULT 0,
  directory_id INTEGER NOT NULL DEFAULT -1, url TEXT NOT NULL,
  filetype INTEGER NOT NULL DEFAULT 0, filesize INTEGER NOT NULL DEFAULT -1,
  mtime INTEGER NOT NULL DEFAULT -1, ctime INTEGER NOT NULL DEFAULT -1,
  unavailable INTEGER DEFAULT 0, fingerprint TEXT,
  playcount INTEGER NOT NULL DEFAULT 0, skipcount INTEGER NOT NULL DEFAULT 0,
  lastplayed INTEGER NOT NULL DEFAULT -1, lastseen INTEGER NOT NULL DEFAULT -1,
  compilation_detected INTEGER DEFAULT 0, compilation_on INTEGER NOT NULL DEFAULT 0,
  compilation_off INTEGER NOT NULL DEFAULT 0, compilation_effective INTEGER NOT NULL DEFAULT 0,
  art_embedded INTEGER DEFAULT 0, art_automatic TEXT, art_manual TEXT,
  art_unset INTEGER DEFAULT 0, effective_albumartist TEXT,
  effective_originalyear INTEGER NOT NULL DEFAULT 0, cue_path TEXT,
  rating INTEGER DEFAULT -1
);
PRAGMA journal_mode = WAL;
""")
    for row in rows:
        conn.execute(f"INSERT INTO songs ({', '.join(row)}) VALUES "
                     f"({', '.join('?' for _ in row)})", list(row.values()))
    conn.commit()
    conn.close()
    return path


def clementine_db(path: Path, rows: list[dict[str, object]]) -> Path:
    """A Clementine collection database: its songs table after the upgrades to schema 3x."""
    conn = sqlite3.connect(path)
    conn.executescript("""
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (60);
CREATE TABLE songs (
  title TEXT, album TEXT, artist TEXT, albumartist TEXT, composer TEXT, track INTEGER,
  disc INTEGER, bpm REAL, year INTEGER, genre TEXT, comment TEXT, compilation INTEGER,
  length INTEGER, bitrate INTEGER, samplerate INTEGER,
  directory INTEGER NOT NULL, filename TEXT NOT NULL, mtime INTEGER NOT NULL,
  ctime INTEGER NOT NULL, filesize INTEGER NOT NULL,
  sampler INTEGER NOT NULL DEFAULT 0, art_automatic TEXT, art_manual TEXT,
  filetype INTEGER NOT NULL DEFAULT 0, playcount INTEGER NOT NULL DEFAULT 0,
  lastplayed INTEGER, rating INTEGER,
  forced_compilation_on INTEGER NOT NULL DEFAULT 0,
  forced_compilation_off INTEGER NOT NULL DEFAULT 0,
  effective_compilation NOT NULL DEFAULT 0, skipcount INTEGER NOT NULL DEFAULT 0,
  score INTEGER NOT NULL DEFAULT 0, beginning NOT NULL DEFAULT 0, cue_path TEXT,
  unavailable INTEGER DEFAULT 0, effective_albumartist TEXT, etag TEXT, performer TEXT,
  grouping TEXT, lyrics TEXT, originalyear INTEGER, effective_originalyear INTEGER
);
""")
    for row in rows:
        full = {"directory": 1, "mtime": 0, "filesize": 1000, **row}
        conn.execute(f"INSERT INTO songs ({', '.join(full)}) VALUES "
                     f"({', '.join('?' for _ in full)})", list(full.values()))
    conn.commit()
    conn.close()
    return path
