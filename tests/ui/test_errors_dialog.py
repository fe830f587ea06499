"""ui/errors_dialog.py: every problem's text shown whole, and the list kept as it changes."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.errors_dialog import ErrorsDialog, wrapped_height

LONG = ("VLC could not decode the format \"undf\" (Undefined audio): the file's audio is in "
        "a format that no decoder installed on this computer understands, so nothing can be "
        "heard of it")


def test_long_reasons_wrap_instead_of_being_cut(qtbot: QtBot) -> None:
    dialog = ErrorsDialog([("/m/a long folder/first song.mp3", "play", LONG),
                           ("/m/b.mp3", "scan", "empty file (0 bytes)")])
    qtbot.addWidget(dialog)
    dialog.resize(700, 420)
    dialog.show()
    qtbot.waitExposed(dialog)
    first, second = dialog.list.topLevelItem(0), dialog.list.topLevelItem(1)
    assert first.text(2) == "could not be played: " + LONG  # the whole text, unelided
    assert (first.text(0), first.text(1)) == ("first song.mp3", "Does not play")
    width = dialog.list.columnWidth(2) - 10
    needed = wrapped_height(first.text(2), dialog.list.font(), width)
    one_line = dialog.list.visualItemRect(second).height()
    assert dialog.list.visualItemRect(first).height() >= needed > one_line
    dialog.resize(1000, 420)  # wider: the rows grow shorter again
    qtbot.waitUntil(lambda: dialog.list.visualItemRect(first).height()
                    < wrapped_height(first.text(2), dialog.list.font(), width), timeout=3000)


def test_the_list_follows_the_library_and_keeps_the_file_picked(qtbot: QtBot) -> None:
    dialog = ErrorsDialog([("/m/a.mp3", "scan", "empty file (0 bytes)"),
                           ("/m/b.flac", "damaged", "truncated: audio ends at 1:18 of 4:00")])
    qtbot.addWidget(dialog)
    dialog.list.setCurrentItem(dialog.list.topLevelItem(1))
    assert dialog.details.text() == "/m/b.flac\ntruncated: audio ends at 1:18 of 4:00"
    dialog.set_problems([("/m/0.ogg", "play", "the file is gone"),
                         ("/m/a.mp3", "scan", "empty file (0 bytes)"),
                         ("/m/b.flac", "damaged", "truncated: audio ends at 1:18 of 4:00")])
    assert dialog.list.topLevelItemCount() == 3
    assert dialog.list.currentItem().text(0) == "b.flac"
    assert dialog.intro.text().startswith("Riffle cannot use 3 files as it should.")
    dialog.set_problems([])
    assert dialog.intro.text() == "Every file in the library can be read and played."
