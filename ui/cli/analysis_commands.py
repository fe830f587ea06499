"""Analysis commands: analyze (listen to every track not yet described) and similar."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from player.formatting import distance
from player.models import Track
from player.settings import ANALYSIS_WORKERS, DEEP_ANALYSIS, Settings, analysis_workers
from recommender import reasons
from recommender.analysis import AnalysisSummary, Progress
from recommender.analysis_pool import Terminated, stop_signals
from recommender.layout import FEATURE_VERSION, MUSICNN, MUSICNN_VERSION
from recommender.passes import FAST, analyse_library
from ui.cli.context import CliContext
from ui.cli.output import dumps, shown

if TYPE_CHECKING:
    from recommender.index import Neighbour

#: The summary lists at most this many failures; `riffle analyze --errors` lists them all.
SHOWN_ERRORS = 20


def register(sub: Any) -> None:
    p = sub.add_parser("analyze", aliases=["analyse"],
                       help="listen to every track not yet described (resumable)",
                       description="Describe how every track sounds, for similar tracks and "
                       "the auto-shuffle: a fast pass over every track first (the library "
                       "is usable as soon as it ends), then a deep pass that listens closely "
                       "(musicnn's network). Only tracks without a current description are "
                       "analysed, so an interrupted run carries on where it stopped.")
    p.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="worker processes (default: the analysis.workers setting; "
                   "0 = one per CPU core)")
    p.add_argument("--errors", action="store_true",
                   help="list the files that could not be analysed, and why; analyse nothing")
    p.add_argument("--no-deep", action="store_true",
                   help="the fast pass only (default: the analysis.deep setting)")
    p.add_argument("--json", action="store_true",
                   help="print {fast: {...}, deep: {...} or null, deep_off} for scripts")
    p.set_defaults(handler=run_analyze)

    p = sub.add_parser("similar", help="tracks that sound like the given ones",
                       description="For each TRACK (a track id or a file path), the tracks "
                       "nearest by sound, with their distance (0 = the same, about 1 = as "
                       "different as two tracks picked at random) and what they share.")
    p.add_argument("tracks", nargs="+", metavar="TRACK", help="a track id or a file path")
    p.add_argument("-n", type=int, default=10, metavar="N",
                   help="how many tracks for each (default 10)")
    p.add_argument("--json", action="store_true",
                   help="print {TRACK: [{id, path, distance, reason}]}")
    p.set_defaults(handler=run_similar)


# -- analyze ------------------------------------------------------------------------------------


class _ProgressBar:
    """A tqdm bar on stderr while a person watches (one per pass); nothing otherwise."""

    def __init__(self, ctx: CliContext) -> None:
        self._ctx = ctx
        self._bar: Any = None
        self._pass = ""

    def __call__(self, name: str, progress: Progress) -> None:
        if not self._ctx.interactive:
            return
        if name != self._pass:
            self.close()
            from tqdm import tqdm  # only an analysis on a terminal needs it

            self._pass = name
            self._bar = tqdm(total=0, desc="Listening" if name == FAST else "Listening closely",
                             unit=" tracks", file=self._ctx.stderr, dynamic_ncols=True)
        self._bar.total = progress.total
        self._bar.n = progress.done
        self._bar.set_postfix_str(f"{progress.errors} errors" if progress.errors else "",
                                  refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _summary_lines(summary: AnalysisSummary, deep: bool = False) -> list[str]:
    if not summary.total:
        return ["Every track is already listened to closely." if deep
                else "Every track is already analysed."]
    verb = "Stopped after" if summary.cancelled else (
        "Listened closely to" if deep else "Analysed")
    lines = [f"{verb} {summary.done:,} of {summary.total:,} tracks in {summary.seconds:.1f} s "
             f"({summary.rate:.1f} tracks/s): {summary.analysed:,} described, "
             f"{summary.failed:,} could not be analysed."]
    for _tid, path, reason in summary.errors[:SHOWN_ERRORS]:
        lines.append(f"  {shown(path)}: {reason}")
    if len(summary.errors) > SHOWN_ERRORS:
        lines.append(f"  … and {len(summary.errors) - SHOWN_ERRORS:,} more "
                     "(riffle analyze --errors lists them all)")
    if summary.damaged:
        lines.append(f"{len(summary.damaged):,} damaged (their length is corrected; "
                     "riffle errors lists them):")
        for _tid, path, damage in summary.damaged[:SHOWN_ERRORS]:
            lines.append(f"  {shown(path)}: {damage}")
    return lines


def _stopping(ctx: CliContext, bar: _ProgressBar) -> None:
    bar.close()
    ctx.err("riffle analyze: finishing the tracks under way (Ctrl-C again stops at once)")


def _summary_json(summary: AnalysisSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {"tracks": summary.total, "analysed": summary.analysed, "failed": summary.failed,
            "seconds": round(summary.seconds, 3), "cancelled": summary.cancelled,
            "errors": [{"id": tid, "path": path, "reason": why}
                       for tid, path, why in summary.errors],
            "damaged": [{"id": tid, "path": path, "damage": what}
                        for tid, path, what in summary.damaged]}


def run_analyze(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.errors:
        for failure in store.features.errors(FEATURE_VERSION):
            ctx.out(f"{shown(failure.path)}: {failure.error}")
        for failure in store.features.errors(MUSICNN_VERSION, kind=MUSICNN):
            ctx.out(f"{shown(failure.path)}: {failure.error} (listening closely)")
        return 0
    if args.jobs is not None and args.jobs < 0:
        ctx.err("riffle analyze: --jobs is 0 (one per core) or more")
        return 2
    settings = Settings(store.settings)
    setting = args.jobs if args.jobs is not None else settings.get(ANALYSIS_WORKERS)
    deep = settings.get(DEEP_ANALYSIS) and not args.no_deep
    bar = _ProgressBar(ctx)
    try:
        with stop_signals(lambda: _stopping(ctx, bar)):
            analysis = analyse_library(store, workers=analysis_workers(setting), deep=deep,
                                       progress=bar)
    except KeyboardInterrupt as exc:
        bar.close()
        ctx.err("riffle analyze: stopped; the tracks finished so far are kept, "
                "run it again to carry on")
        return 143 if isinstance(exc, Terminated) else 130
    bar.close()
    if args.json:
        ctx.out(dumps({"fast": _summary_json(analysis.fast),
                       "deep": _summary_json(analysis.deep), "deep_off": analysis.deep_off}))
        return 0
    for line in _summary_lines(analysis.fast):
        ctx.out(line)
    if analysis.deep is not None:
        for line in _summary_lines(analysis.deep, deep=True):
            ctx.out(line)
    elif analysis.deep_off and args.no_deep is False:
        ctx.out(f"Not listening closely: {analysis.deep_off}.")
    return 0


# -- similar ------------------------------------------------------------------------------------


def _why_missing(ctx: CliContext, track: Track) -> str:
    if track.missing:
        return "its file is missing"
    error = ctx.store.features.error(track.id or 0, FEATURE_VERSION)
    if error:
        return f"it could not be analysed: {error}"
    return "it has not been analysed yet (run riffle analyze)"


def run_similar(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.n < 1:
        ctx.err("riffle similar: -n takes a number of tracks, 1 or more")
        return 2
    wanted = {spec: store.tracks.resolve(spec) for spec in dict.fromkeys(args.tracks)}
    from recommender.index import SoundIndex  # the sound space loads only for this command

    index = SoundIndex.from_store(store)
    found = index.neighbours_many([t.id for t in wanted.values() if t.id is not None], args.n)
    others = store.tracks.get_many(sorted({n.track_id for ns in found.values() for n in ns}))
    status = 0
    printed = False
    document: dict[str, list[dict[str, Any]]] = {}
    for spec, track in wanted.items():
        near: list[Neighbour] = found.get(track.id or 0, [])
        if track.id not in index:
            ctx.err(f"riffle similar: no similar tracks for {spec}: {_why_missing(ctx, track)}")
            status = 1
        document[spec] = [
            {"id": n.track_id, "path": others[n.track_id].path,
             "distance": round(n.distance, 4), "reason": reasons.sounds_alike(n.groups)}
            for n in near if n.track_id in others
        ]
        if not args.json and track.id in index:
            if printed:
                ctx.out("")
            printed = True
            ctx.out(f"Like {track.display_artist} – {track.display_title}:")
            for rank, n in enumerate(near, start=1):
                other = others.get(n.track_id)
                if other is None:
                    continue
                ctx.out(f"{rank:>4}. {distance(n.distance)}  {other.display_artist} – "
                        f"{other.display_title}  ({reasons.sounds_alike(n.groups)})")
    if args.json:
        ctx.out(dumps(document))
    return status
