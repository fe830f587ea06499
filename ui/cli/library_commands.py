"""Library commands: roots, scan, list, stats, errors.

Text output is for people; `--json` prints one JSON document for scripts. Paths are shown
as text (bytes that are not UTF-8 appear as U+FFFD) but written exactly into JSON, where
such bytes are \\udcXX escapes that Python's os.fsencode turns back into the file name
(ui/cli/output.py).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from player.formatting import duration, problem_text, star_bar
from player.library import Scanner, ScanProgress, ScanReport
from player.models import Track
from player.store.stats import library_stats
from ui.cli.context import CliContext
from ui.cli.output import dumps, shown


def register(sub: Any) -> None:
    p = sub.add_parser("roots", help="list, add or remove library folders")
    p.add_argument("action", nargs="?", choices=["add", "remove"], help="what to do")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders to add or remove")
    p.set_defaults(handler=run_roots)

    p = sub.add_parser("scan", help="add folders to the library (if given) and scan them",
                       description="Scan the given folders (adding them as library folders) "
                       "or, with none, every library folder. Unchanged files are not read "
                       "again; moved files keep their history; vanished ones are marked "
                       "missing, never deleted.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders to add and scan")
    p.add_argument("--retry-errors", action="store_true",
                   help="read again the files that failed before, even if unchanged")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=run_scan)

    p = sub.add_parser("list", help="list tracks, optionally filtered by a query",
                       description="List the library's tracks. Query words match title, "
                       "artist, album or genre; filters: artist:X album:X genre:X title:X "
                       "year:1990..1999 rating:>=4 plays:>10 skips:0; \"quote phrases\".")
    p.add_argument("query", nargs="*", metavar="QUERY", help="words and filters, all must match")
    p.add_argument("--json", action="store_true", help="print a JSON array of tracks")
    p.set_defaults(handler=run_list)

    p = sub.add_parser("stats", help="count tracks, artists, albums, plays and ratings")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(handler=run_stats)

    p = sub.add_parser("errors", help="files that could not be read or played, or are "
                       "damaged, and why")
    p.add_argument("--json", action="store_true",
                   help='print a JSON array of {path, reason, kind}; kind is "scan", "play" '
                   'or "damaged"')
    p.set_defaults(handler=run_errors)


# -- output helpers ------------------------------------------------------------------------------


def track_json(track: Track) -> dict[str, Any]:
    """The `list --json` object of one track; title and artist as shown to a person."""
    return {
        "id": track.id,
        "path": track.path,
        "title": track.display_title,
        "artist": track.display_artist,
        "artists": list(track.artists),
        "album": track.album,
        "albumartist": track.albumartist,
        "genre": track.genre,
        "genres": list(track.genres),
        "year": track.year,
        "track": track.track_number,
        "disc": track.disc_number,
        "duration": track.duration,
        "codec": track.codec,
        "rating": track.rating,
        "play_count": track.play_count,
        "skip_count": track.skip_count,
        "last_played": track.last_played,
        "missing": track.missing,
    }


def track_line(track: Track) -> str:
    """One line of `riffle list`: id, stars, artist – title, album and year, duration."""
    stars = star_bar(track.rating, " " * 5)
    where = ", ".join(str(x) for x in (track.album, track.year) if x)
    line = f"{track.id:>6}  {stars}  {track.display_artist} – {track.display_title}"
    if where:
        line += f"  ({where})"
    line += f"  {duration(track.duration or None, '-:--')}"
    return line + ("  [missing]" if track.missing else "")


# -- commands ------------------------------------------------------------------------------------


def run_roots(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.action is None:
        for root in store.roots.list():
            ctx.out(shown(root))
        return 0
    if not args.paths:
        ctx.err(f"riffle roots {args.action}: name at least one folder")
        return 2
    with store.db.transaction():
        for path in args.paths:
            if args.action == "add":
                added = store.roots.add(path)
                ctx.out(f"{'added' if added else 'already a library folder'}: {shown(path)}")
            else:
                gone = store.roots.remove(path)
                if gone is None:
                    ctx.out(f"not a library folder: {shown(path)}")
                elif gone:
                    tracks = f"{gone} tracks are" if gone != 1 else "1 track is"
                    ctx.out(f"removed: {shown(path)}; its {tracks} now missing, with plays "
                            "and ratings kept (add the folder again and scan to bring them "
                            "back)")
                else:
                    ctx.out(f"removed: {shown(path)}")
    return 0


class _ProgressBar:
    """A tqdm bar on stderr: files found while walking, then files read."""

    def __init__(self, ctx: CliContext) -> None:
        from tqdm import tqdm  # only a scan on a terminal needs it

        self._bar = tqdm(total=None, desc="Looking for music", unit=" files", file=ctx.stderr,
                         leave=False, dynamic_ncols=True)
        self._phase = "walking"

    def __call__(self, progress: ScanProgress) -> None:
        if progress.phase == "reading" and self._phase == "walking":
            self._phase = "reading"
            self._bar.reset(total=progress.to_read)
            self._bar.set_description("Reading tags")
        count = progress.seen if self._phase == "walking" else progress.read
        self._bar.update(count - self._bar.n)
        if progress.errors:
            self._bar.set_postfix(errors=progress.errors, refresh=False)

    def close(self) -> None:
        self._bar.close()


def run_scan(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    for path in args.paths:
        if not os.path.isdir(path):
            ctx.err(f"riffle scan: {shown(path)} is not a folder")
            return 2
    if args.paths:
        with store.db.transaction():
            for path in args.paths:
                store.roots.add(path)
    elif not store.roots.list():
        ctx.err("riffle scan: no library folders yet. Name one: riffle scan ~/Music")
        return 2
    bar = _ProgressBar(ctx) if ctx.interactive and not args.json else None
    try:
        report = Scanner(store).scan(args.paths or None, progress=bar,
                                     retry_errors=args.retry_errors)
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        ctx.out(dumps(_report_json(report)))
    else:
        _print_report(report, ctx)
    return 0


def _report_json(report: ScanReport) -> dict[str, Any]:
    return {
        "added": report.added, "updated": report.updated, "moved": report.moved,
        "missing": report.missing, "errors": report.errors, "unchanged": report.unchanged,
        "restored": report.restored, "cancelled": report.cancelled,
        "absent_roots": report.absent_roots, "empty_roots": report.empty_roots,
        "unreadable_folders": [{"path": p, "reason": r} for p, r in report.unreadable_dirs],
        "seconds": round(report.seconds, 3),
    }


def _print_report(report: ScanReport, ctx: CliContext) -> None:
    for notice in report.notices():
        ctx.err(f"riffle scan: {notice}")
    ctx.out(report.summary())
    if report.errors:
        ctx.err(f"riffle scan: {report.errors} file{'s' if report.errors != 1 else ''} "
                "could not be read; see: riffle errors")


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    tracks = ctx.store.tracks.find(" ".join(args.query))
    if args.json:
        ctx.out(dumps([track_json(t) for t in tracks]))
    else:
        for track in tracks:
            ctx.out(track_line(track))
    return 0


def run_stats(args: argparse.Namespace, ctx: CliContext) -> int:
    stats = library_stats(ctx.store.db)
    if args.json:
        ctx.out(dumps(stats.as_dict()))
        return 0
    hours = stats.total_seconds / 3600
    lines = [
        f"tracks        {stats.tracks} ({hours:.1f} hours, {stats.total_bytes / 1e9:.2f} GB)",
        f"artists       {stats.artists}",
        f"albums        {stats.albums}",
        f"rated         {stats.rated}",
        f"plays         {stats.plays} ({stats.skips} skipped)",
        f"never played  {stats.never_played}",
        f"missing       {stats.missing}",
        f"unreadable    {stats.errors}",
        f"unplayable    {stats.play_errors}",
    ]
    if stats.codecs:
        lines.append("formats       " + ", ".join(f"{c} {n}" for c, n in stats.codecs.items()))
    lines.append("folders       " + (", ".join(shown(r) for r in stats.roots) or "none"))
    for line in lines:
        ctx.out(line)
    return 0


def run_errors(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    problems = store.tracks.problems()
    if args.json:
        ctx.out(dumps([{"path": path, "reason": reason, "kind": kind}
                       for path, kind, reason in problems]))
        return 0
    for path, kind, reason in problems:
        ctx.out(f"{shown(path)}: {problem_text(kind, reason)}")
    if not problems:
        ctx.out("no unreadable or unplayable files")
    return 0
