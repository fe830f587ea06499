"""Playlist commands: `riffle playlist list|show|import|export|delete|rename|smart`.

Text output is for people; `--json` prints one JSON document for scripts.
"""

from __future__ import annotations

import argparse
from typing import Any

from player import edits
from player.playlist_io import export_playlist, import_playlist, playlist_tracks
from player.store.playlists import EntryText, Playlist
from ui.cli.context import CliContext
from ui.cli.library_commands import track_json, track_line
from ui.cli.output import dumps, shown


def register(sub: Any) -> None:
    p = sub.add_parser("playlist", help="list, show, import, export or delete playlists",
                       description="Saved playlists: lists of tracks (imported from M3U, "
                       "M3U8 or XSPF files, or made in the window) and smart playlists (a "
                       "query, as in `riffle list`, evaluated whenever the playlist is "
                       "read). NAME is a playlist's name (case ignored) or its id.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = actions.add_parser("list", help="every playlist with its number of entries")
    a.add_argument("--json", action="store_true", help="print a JSON array")
    a.set_defaults(handler=run_list)

    a = actions.add_parser("show", help="the entries of a playlist")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--json", action="store_true", help="print a JSON object")
    a.set_defaults(handler=run_show)

    a = actions.add_parser(
        "import", help="save playlist files (.m3u, .m3u8, .xspf) in the library",
        description="Each entry is matched to the library by its path, a path relative to "
        "the playlist, the end of a path from another computer, or its artist and title. "
        "Entries that match nothing are listed with their line and kept in the playlist, "
        "so exporting it writes them back.")
    a.add_argument("files", nargs="+", metavar="FILE")
    a.add_argument("--name", help="the playlist's name (default: the title the file gives, "
                   "else its file name); only with one FILE")
    a.add_argument("--replace", action="store_true",
                   help="replace a playlist of the same name")
    a.add_argument("--json", action="store_true", help="print a JSON array of reports")
    a.set_defaults(handler=run_import)

    a = actions.add_parser("export", help="write a playlist to FILE (.m3u, .m3u8 or .xspf)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--relative", action="store_true",
                   help="write paths relative to FILE's folder (default: absolute)")
    a.add_argument("--force", action="store_true", help="replace FILE if it exists")
    a.set_defaults(handler=run_export)

    a = actions.add_parser("delete", help="delete playlists (their tracks stay)")
    a.add_argument("names", nargs="+", metavar="NAME")
    a.set_defaults(handler=run_delete)

    a = actions.add_parser("rename", help="give a playlist another name")
    a.add_argument("name", metavar="NAME")
    a.add_argument("new_name", metavar="NEW_NAME")
    a.set_defaults(handler=run_rename)

    a = actions.add_parser("smart", help="save a query as a smart playlist",
                           description="A smart playlist plays what QUERY finds at the time: "
                           "`riffle playlist smart Loved rating:>=4 plays:<3`.")
    a.add_argument("name", metavar="NAME")
    a.add_argument("query", nargs="+", metavar="QUERY")
    a.add_argument("--replace", action="store_true",
                   help="change the query of the smart playlist NAME")
    a.set_defaults(handler=run_smart)


def _playlist_json(playlist: Playlist) -> dict[str, Any]:
    return {"id": playlist.id, "name": playlist.name, "query": playlist.query,
            "entries": playlist.entries, "unmatched": playlist.unmatched}


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    playlists = ctx.store.playlists.all()
    if args.json:
        ctx.out(dumps([_playlist_json(p) for p in playlists]))
        return 0
    for playlist in playlists:
        if playlist.smart:
            ctx.out(f"{playlist.id:>5}  {playlist.name}  (smart: {playlist.query})")
            continue
        missing = f", {playlist.unmatched} not found" if playlist.unmatched else ""
        count = f"{playlist.entries} entr{'ies' if playlist.entries != 1 else 'y'}"
        ctx.out(f"{playlist.id:>5}  {playlist.name}  ({count}{missing})")
    if not playlists:
        ctx.out("no playlists yet (riffle playlist import FILE, or riffle playlist smart)")
    return 0


def _entry_words(text: EntryText) -> str:
    tags = " – ".join(t for t in (text.artist, text.title) if t)
    where = shown(text.location) if text.location else ""
    return f"{where} ({tags})" if where and tags else where or tags


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    playlist = edits.playlist_by_name(store, args.name)
    if playlist.smart:
        tracks = playlist_tracks(store, playlist)
        if args.json:
            ctx.out(dumps({**_playlist_json(playlist),
                           "tracks": [track_json(t) for t in tracks]}))
            return 0
        ctx.out(f"{playlist.name}: smart, {playlist.query} ({len(tracks)} tracks now)")
        for track in tracks:
            ctx.out(track_line(track))
        return 0
    entries = store.playlists.entries(playlist.id)
    tracks = store.tracks.get_many([e.track_id for e in entries if e.track_id is not None])
    if args.json:
        ctx.out(dumps({**_playlist_json(playlist), "items": [
            {"track": track_json(tracks[e.track_id]) if e.track_id in tracks else None,
             "location": e.text.location, "artist": e.text.artist, "title": e.text.title,
             "album": e.text.album, "duration": e.text.duration}
            for e in entries]}))
        return 0
    ctx.out(f"{playlist.name}: {playlist.entries} entries"
            + (f", {playlist.unmatched} not found in the library" if playlist.unmatched
               else ""))
    for entry in entries:
        track = tracks.get(entry.track_id) if entry.track_id is not None else None
        if track is not None:
            ctx.out(track_line(track))
        else:
            ctx.out(f"{'':>6}  not found: {_entry_words(entry.text)}")
    return 0


def run_import(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.name and len(args.files) > 1:
        ctx.err("riffle playlist import: --name names one playlist; give one FILE with it")
        return 2
    reports = []
    for path in args.files:
        report, _changes = import_playlist(store, path, name=args.name, replace=args.replace)
        reports.append(report)
        if args.json:
            continue
        kinds = ", ".join(f"{n} by {kind}" for kind, n in sorted(report.matched.items()))
        matched = sum(report.matched.values())
        ctx.out(f"{report.name}: {report.entries} entries, {matched} found"
                + (f" ({kinds})" if kinds else "")
                + (f", {len(report.unmatched)} not found (kept as missing)"
                   if report.unmatched else ""))
        for entry in report.unmatched:
            ctx.err(f"{shown(path)}:{entry.line}: not found: {_entry_words(entry.text)}")
    if args.json:
        ctx.out(dumps([{"id": r.playlist_id, "name": r.name, "entries": r.entries,
                        "matched": {str(k): n for k, n in sorted(r.matched.items())},
                        "unmatched": [{"line": e.line, "location": e.text.location,
                                       "artist": e.text.artist, "title": e.text.title}
                                      for e in r.unmatched]} for r in reports]))
    return 0


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    playlist = edits.playlist_by_name(ctx.store, args.name)
    count = export_playlist(ctx.store, playlist, args.file, relative=args.relative,
                            force=args.force)
    ctx.err(f"wrote {count} entries of {playlist.name} to {shown(args.file)}")
    return 0


def run_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    doomed = [edits.playlist_by_name(store, name) for name in args.names]
    for playlist in doomed:
        edits.delete_playlist(store, playlist.id)
        ctx.out(f"deleted: {playlist.name}")
    return 0


def run_rename(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    playlist = edits.playlist_by_name(store, args.name)
    edits.rename_playlist(store, playlist.id, args.new_name)
    ctx.out(f"renamed: {playlist.name} → {edits.playlist_by_name(store, str(playlist.id)).name}")
    return 0


def run_smart(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    query = " ".join(args.query)
    if args.replace:
        playlist = edits.playlist_by_name(store, args.name)
        edits.set_playlist_query(store, playlist.id, query)
    else:
        edits.create_playlist(store, args.name, query=query)
        playlist = edits.playlist_by_name(store, args.name)
    count = len(playlist_tracks(store, edits.playlist_by_name(store, args.name)))
    ctx.out(f"{playlist.name}: {query} ({count} tracks now)")
    return 0
