"""MPRIS 2 on the session bus: media keys, playerctl and desktop panels drive Riffle.

Exports /org/mpris/MediaPlayer2 with the root and Player interfaces (the MPRIS 2.2
specification) under the name org.mpris.MediaPlayer2.riffle. Every command becomes the
same call on the Session the window's buttons make; what the window does not own
(raising it, volume through the bar, shuffle and repeat as the window shows them) comes in
as `MprisHooks`. `refresh()` sends PropertiesChanged for what changed since the last call;
`position_moved()` sends Seeked when the position jumps (whoever asked for the seek).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from jeepney import HeaderFields, Message

from PySide6.QtCore import QObject

from player.backend import PlayerState
from player.errors import RiffleError
from player.models import Track
from player.queue import RepeatMode
from player.session import Session
from ui.dbus_link import DBusFailure, SessionBus

logger = logging.getLogger(__name__)

BUS_NAME = "org.mpris.MediaPlayer2.riffle"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
TRACK_PATH = "/org/riffle/Riffle/track/"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
#: A position change this much larger than the time that passed is a seek (milliseconds).
SEEK_JUMP_MS = 1500
#: The MIME types Riffle plays (what tags.py reads and libvlc decodes).
MIME_TYPES = ("audio/mpeg", "audio/flac", "audio/x-flac", "audio/ogg", "audio/x-vorbis+ogg",
              "audio/opus", "audio/x-opus+ogg", "audio/mp4", "audio/x-m4a", "audio/aac",
              "audio/x-ms-wma", "audio/wav", "audio/x-wav", "audio/aiff", "audio/x-aiff",
              "audio/x-wavpack")
_LOOP = {RepeatMode.OFF: "None", RepeatMode.ONE: "Track", RepeatMode.QUEUE: "Playlist"}
_STATUS = {PlayerState.PLAYING: "Playing", PlayerState.PAUSED: "Paused",
           PlayerState.STOPPED: "Stopped"}


@dataclass
class MprisHooks:
    """What MPRIS asks of the window beyond the Session."""

    raise_window: Callable[[], None]
    quit: Callable[[], None]
    set_volume: Callable[[int], None]  # percent, through the bar (shown and saved)
    shuffle: Callable[[], bool]  # the auto-shuffle switch
    set_shuffle: Callable[[bool], None]
    set_repeat: Callable[[RepeatMode], None]
    open_paths: Callable[[list[str], bool], None]  # files or folders, play now?
    art_url: Callable[[Track], str]  # a file:// URL of the track's cover, "" when none


def file_url(path: str) -> str:
    """A file:// URL of *path* from its exact bytes."""
    return "file://" + quote(os.fsencode(os.path.abspath(path)))


class Mpris(QObject):
    """The MPRIS object of one window's Session (see the module docstring)."""

    def __init__(self, bus: SessionBus, session: Session, hooks: MprisHooks,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.session = session
        self.hooks = hooks
        self.name = ""
        self._sent: dict[str, dict[str, tuple[str, Any]]] = {}
        self._last_position: tuple[int, float] | None = None

    def start(self) -> bool:
        """Take the bus name and export the object; False when the name is taken."""
        for name in (BUS_NAME, f"{BUS_NAME}.instance{os.getpid()}"):
            if self.bus.request_name(name):
                self.name = name
                break
        else:
            return False
        self.bus.export(OBJECT_PATH, self._handle)
        self._sent = {ROOT: self._root_props(), PLAYER: self._player_props()}
        logger.info("MPRIS: %s on the session bus", self.name)
        return True

    # -- what changed ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Send PropertiesChanged for every property whose value changed."""
        if not self.name:
            return
        current = self._player_props()
        old = self._sent.get(PLAYER, {})
        changed = {k: v for k, v in current.items() if k != "Position" and old.get(k) != v}
        self._sent[PLAYER] = current
        if changed:
            self.bus.emit(OBJECT_PATH, PROPERTIES, "PropertiesChanged", "sa{sv}as",
                          (PLAYER, changed, []))

    def position_moved(self, position_ms: int, _duration_ms: int = -1) -> None:
        """A new position from the engine: a jump that time does not explain is a seek."""
        now = time.monotonic()
        last, self._last_position = self._last_position, (position_ms, now)
        if last is None or not self.name:
            return
        expected = last[0] + (now - last[1]) * 1000.0
        if abs(position_ms - expected) > SEEK_JUMP_MS:
            self._seeked(position_ms)

    def _seeked(self, position_ms: int) -> None:
        self._last_position = (position_ms, time.monotonic())
        self.bus.emit(OBJECT_PATH, PLAYER, "Seeked", "x", (int(position_ms) * 1000,))

    # -- properties --------------------------------------------------------------------------

    def _root_props(self) -> dict[str, tuple[str, Any]]:
        return {
            "CanQuit": ("b", True), "CanRaise": ("b", True), "HasTrackList": ("b", False),
            "CanSetFullscreen": ("b", False), "Fullscreen": ("b", False),
            "Identity": ("s", "Riffle"), "DesktopEntry": ("s", "riffle"),
            "SupportedUriSchemes": ("as", ["file"]),
            "SupportedMimeTypes": ("as", list(MIME_TYPES)),
        }

    def _player_props(self) -> dict[str, tuple[str, Any]]:
        session, queue = self.session, self.session.queue
        track = self._track()
        loaded = track is not None
        return {
            "PlaybackStatus": ("s", _STATUS[session.state]),
            "LoopStatus": ("s", _LOOP[queue.repeat]),
            "Rate": ("d", 1.0), "MinimumRate": ("d", 1.0), "MaximumRate": ("d", 1.0),
            "Shuffle": ("b", bool(self.hooks.shuffle())),
            "Metadata": ("a{sv}", self._metadata(track)),
            "Volume": ("d", session.backend.volume / 100.0),
            "Position": ("x", int(self._position_ms()) * 1000),
            "CanGoNext": ("b", bool(queue.upcoming) or queue.repeat is not RepeatMode.OFF),
            "CanGoPrevious": ("b", loaded),
            "CanPlay": ("b", loaded or bool(queue.upcoming)),
            "CanPause": ("b", loaded),
            "CanSeek": ("b", loaded and bool(session.duration_ms())),
            "CanControl": ("b", True),
        }

    def _track(self) -> Track | None:
        """The track loaded now, or the restored queue's current one, freshly read (its
        rating may have changed)."""
        entry = self.session.entry or self.session.queue.current
        if entry is None:
            return None
        try:
            return self.session.tracks.get(entry.track_id)
        except RiffleError:
            return None

    def _position_ms(self) -> int:
        if self.session.active:
            return self.session.position_ms() or 0
        return self.session.queue.resume_position_ms if self.session.track is None else 0

    def _metadata(self, track: Track | None) -> dict[str, tuple[str, Any]]:
        if track is None or track.id is None:
            return {"mpris:trackid": ("o", NO_TRACK)}
        meta: dict[str, tuple[str, Any]] = {
            "mpris:trackid": ("o", f"{TRACK_PATH}{track.id}"),
            "xesam:title": ("s", track.display_title),
            "xesam:url": ("s", file_url(track.path)),
        }
        # the tags' length first: libvlc misjudges some files (MPEG 2.5 MP3s by half)
        duration = int((track.duration or 0) * 1000) or self.session.duration_ms()
        if duration:
            meta["mpris:length"] = ("x", int(duration) * 1000)
        if track.artists:
            meta["xesam:artist"] = ("as", list(track.artists))
        if track.album:
            meta["xesam:album"] = ("s", track.album)
        if track.albumartists:
            meta["xesam:albumArtist"] = ("as", list(track.albumartists))
        if track.genres:
            meta["xesam:genre"] = ("as", list(track.genres))
        if track.track_number:
            meta["xesam:trackNumber"] = ("i", int(track.track_number))
        if track.disc_number:
            meta["xesam:discNumber"] = ("i", int(track.disc_number))
        if track.rating:
            meta["xesam:userRating"] = ("d", track.rating / 5.0)
        art = self.hooks.art_url(track)
        if art:
            meta["mpris:artUrl"] = ("s", art)
        return meta

    def _props(self, interface: str) -> dict[str, tuple[str, Any]]:
        if interface == ROOT:
            return self._root_props()
        if interface == PLAYER:
            return self._player_props()
        raise DBusFailure("org.freedesktop.DBus.Error.UnknownInterface",
                          f"No interface {interface}")

    # -- calls -------------------------------------------------------------------------------

    def _handle(self, msg: Message) -> tuple[str, tuple[Any, ...]]:
        interface = msg.header.fields.get(HeaderFields.interface, "")
        member = msg.header.fields.get(HeaderFields.member, "")
        args = msg.body
        if interface == INTROSPECTABLE and member == "Introspect":
            return "s", (_INTROSPECTION,)
        if interface == PROPERTIES:
            return self._properties_call(member, args)
        if interface in (ROOT, "") and member in ("Raise", "Quit"):
            (self.hooks.raise_window if member == "Raise" else self.hooks.quit)()
            return "", ()
        if interface in (PLAYER, ""):
            self._player_call(member, args)
            return "", ()
        raise DBusFailure("org.freedesktop.DBus.Error.UnknownMethod",
                          f"No method {interface}.{member}")

    def _properties_call(self, member: str, args: tuple[Any, ...]
                         ) -> tuple[str, tuple[Any, ...]]:
        if member == "Get":
            props = self._props(args[0])
            if args[1] not in props:
                raise DBusFailure("org.freedesktop.DBus.Error.UnknownProperty",
                                  f"No property {args[1]}")
            return "v", (props[args[1]],)
        if member == "GetAll":
            return "a{sv}", (self._props(args[0]),)
        if member == "Set":
            self._set(args[0], args[1], args[2][1])
            return "", ()
        raise DBusFailure("org.freedesktop.DBus.Error.UnknownMethod", f"No method {member}")

    def _set(self, interface: str, name: str, value: Any) -> None:
        if interface == PLAYER and name == "Volume":
            self.hooks.set_volume(round(max(0.0, min(1.0, float(value))) * 100))
        elif interface == PLAYER and name == "LoopStatus":
            modes = {v: k for k, v in _LOOP.items()}
            if value not in modes:
                raise DBusFailure("org.freedesktop.DBus.Error.InvalidArgs",
                                  f"LoopStatus is None, Track or Playlist, not {value!r}")
            self.hooks.set_repeat(modes[value])
        elif interface == PLAYER and name == "Shuffle":
            self.hooks.set_shuffle(bool(value))
        elif not (interface == PLAYER and name == "Rate"):  # one rate: a set is ignored
            raise DBusFailure("org.freedesktop.DBus.Error.PropertyReadOnly",
                              f"{name} cannot be set")
        self.refresh()

    def _player_call(self, member: str, args: tuple[Any, ...]) -> None:
        session = self.session
        simple: dict[str, Callable[[], None]] = {
            "Next": session.next, "Previous": session.previous, "Pause": session.pause,
            "PlayPause": session.toggle, "Stop": session.stop, "Play": session.play,
        }
        if member in simple:
            if member == "Pause" and session.state is not PlayerState.PLAYING:
                return
            simple[member]()
        elif member == "Seek":
            self._seek_to((session.position_ms() or 0) + int(args[0]) // 1000)
        elif member == "SetPosition":
            track = self._track()
            if track is None or args[0] != f"{TRACK_PATH}{track.id}":
                return  # the specification: a stale track id is ignored
            self._seek_to(int(args[1]) // 1000)
        elif member == "OpenUri":
            self._open_uri(str(args[0]))
        else:
            raise DBusFailure("org.freedesktop.DBus.Error.UnknownMethod",
                              f"No method {PLAYER}.{member}")

    def _seek_to(self, position_ms: int) -> None:
        session = self.session
        duration = session.duration_ms()
        position_ms = max(0, position_ms)
        if duration and position_ms > duration:
            session.next()  # past the end: the specification says act like Next
            return
        session.seek(position_ms)
        self._seeked(position_ms)

    def _open_uri(self, uri: str) -> None:
        parsed = urlparse(uri)
        if parsed.scheme not in ("file", ""):
            raise DBusFailure("org.freedesktop.DBus.Error.NotSupported",
                              f"Riffle plays local files, not {parsed.scheme} addresses")
        path = os.fsdecode(unquote(parsed.path).encode("utf-8", "surrogateescape")) \
            if parsed.scheme else uri
        if not Path(path).exists():
            raise DBusFailure("org.freedesktop.DBus.Error.InvalidArgs", f"No file {path}")
        self.hooks.open_paths([path], True)


_INTROSPECTION = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
 <interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect"><arg name="data" direction="out" type="s"/></method>
 </interface>
 <interface name="org.freedesktop.DBus.Properties">
  <method name="Get"><arg direction="in" type="s"/><arg direction="in" type="s"/>
   <arg direction="out" type="v"/></method>
  <method name="GetAll"><arg direction="in" type="s"/><arg direction="out" type="a{sv}"/>
  </method>
  <method name="Set"><arg direction="in" type="s"/><arg direction="in" type="s"/>
   <arg direction="in" type="v"/></method>
  <signal name="PropertiesChanged"><arg type="s"/><arg type="a{sv}"/><arg type="as"/>
  </signal>
 </interface>
 <interface name="org.mpris.MediaPlayer2">
  <method name="Raise"/><method name="Quit"/>
  <property name="CanQuit" type="b" access="read"/>
  <property name="CanRaise" type="b" access="read"/>
  <property name="Fullscreen" type="b" access="read"/>
  <property name="CanSetFullscreen" type="b" access="read"/>
  <property name="HasTrackList" type="b" access="read"/>
  <property name="Identity" type="s" access="read"/>
  <property name="DesktopEntry" type="s" access="read"/>
  <property name="SupportedUriSchemes" type="as" access="read"/>
  <property name="SupportedMimeTypes" type="as" access="read"/>
 </interface>
 <interface name="org.mpris.MediaPlayer2.Player">
  <method name="Next"/><method name="Previous"/><method name="Pause"/>
  <method name="PlayPause"/><method name="Stop"/><method name="Play"/>
  <method name="Seek"><arg name="Offset" direction="in" type="x"/></method>
  <method name="SetPosition"><arg name="TrackId" direction="in" type="o"/>
   <arg name="Position" direction="in" type="x"/></method>
  <method name="OpenUri"><arg name="Uri" direction="in" type="s"/></method>
  <signal name="Seeked"><arg name="Position" type="x"/></signal>
  <property name="PlaybackStatus" type="s" access="read"/>
  <property name="LoopStatus" type="s" access="readwrite"/>
  <property name="Rate" type="d" access="readwrite"/>
  <property name="Shuffle" type="b" access="readwrite"/>
  <property name="Metadata" type="a{sv}" access="read"/>
  <property name="Volume" type="d" access="readwrite"/>
  <property name="Position" type="x" access="read"/>
  <property name="MinimumRate" type="d" access="read"/>
  <property name="MaximumRate" type="d" access="read"/>
  <property name="CanGoNext" type="b" access="read"/>
  <property name="CanGoPrevious" type="b" access="read"/>
  <property name="CanPlay" type="b" access="read"/>
  <property name="CanPause" type="b" access="read"/>
  <property name="CanSeek" type="b" access="read"/>
  <property name="CanControl" type="b" access="read"/>
 </interface>
</node>
"""
