"""Guards against PySide6 builds that would crash a long-running window.

PySide6 6.12.0's `Signal.emit()` hands back True without owning a reference to it: every
emit from Python takes one reference from True, and after a few thousand (a playing track
emits several a second) Python frees True and aborts. pyproject.toml excludes that
release; this test fails on any build with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_a_signal_keeps_every_reference() -> None:
    emitter = _Emitter()
    emitter.fired.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for n in range(50):
        emitter.fired.emit(n)
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert after == before
