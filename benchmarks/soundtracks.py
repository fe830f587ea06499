"""The soundtracks of the real-music corpus: which Debian package holds each, where its music
lies inside the package, its licence, and who made it when a file does not say.

Facts only, read from each package's file list and its /usr/share/doc/PACKAGE/copyright.
Every soundtrack here has at least eight pieces of 20 s or more that PyAV can decode, so a
track's ten nearest neighbours can come from its own soundtrack. Packages that were looked
at and left out, and why:

- asc-music (3 pieces), lincity-ng-data (3), extremetuxracer-data (6 pieces of 20 s or
  more), neverball-common (8 short loops of one style): too few for a label of their own;
- megaglest-data: one piece per faction, each by another composer in another style, so
  "same soundtrack" says nothing about sound;
- fb-music-high, pingus-data: music modules (.xm, .it), which Riffle's decoder (FFmpeg
  without libopenmpt) cannot read; xblast-tnt-musics: headerless raw samples;
- neverball-data: no music (it lies in neverball-common);
- planetblupi-music-ogg: ten suites of 10 to 28 minutes (2.8 hours, a third of all the
  audio to encode) by one hand: slow to build, and unlike the tracks of a library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Soundtrack:
    """One soundtrack: a label of the corpus.

    *pattern* matches the music's paths inside the package (fnmatch: ``*`` spans folders);
    when *archive* is set, the music lies in that zip file of the package (a Quake-style
    .pk3) and *pattern* matches paths inside it. *credit* is the artist of a file that
    names none; *artists* gives a file's artist from the start of its file name where the
    file name itself names the composer (the package's copyright file lists them).
    """

    name: str
    folder: str
    package: str
    pattern: str
    licence: str
    credit: str
    archive: str | None = None
    artists: tuple[tuple[str, str], ...] = ()


SOUNDTRACKS: tuple[Soundtrack, ...] = (
    Soundtrack("The Battle for Wesnoth", "wesnoth", "wesnoth-1.16-music",
               "usr/share/games/wesnoth/*/data/core/music/*.ogg", "GPL-2+",
               "The Battle for Wesnoth Project"),
    Soundtrack("UFO: Alien Invasion", "ufoai", "ufoai-music", "music/*.ogg",
               "CC-BY-3.0, CC-BY-SA-3.0 or GPL-2+ (per file)", "The UFO:AI Team",
               archive="usr/share/games/ufoai/base/0music.pk3",
               artists=(("Crystan-", 'Christian "Crystan" Hoffmann'),
                        ("Marine", '"Marine" Baklund'), ("Psymong", "Psymong"),
                        ("David", "David"), ("van_", "Manuel 'Vanethian' Marino"),
                        ("TheThings-Slippycurb", "Slippycurb"), ("azrael", "azrael1322"),
                        ("AlexFightmare", "Alex"))),
    Soundtrack("Widelands", "widelands", "widelands-data",
               "usr/share/games/widelands/data/music/*.ogg",
               "GPL-2+ (three pieces CC-BY-SA-3.0)", "Widelands Development Team"),
    Soundtrack("Drascula: The Vampire Strikes Back", "drascula", "drascula-music",
               "usr/share/scummvm/drascula/audio/*.ogg",
               "Drascula licence (free redistribution)", "Alcachofa Soft"),
    Soundtrack("Warzone 2100", "warzone2100", "warzone2100-music",
               "usr/share/games/warzone2100/music/*.opus", "GPL-2+",
               "Warzone 2100 Project"),
    Soundtrack("Hedgewars", "hedgewars", "hedgewars-data",
               "usr/share/games/hedgewars/Data/Music/*.ogg", "GPL-2", "Hedgewars Project"),
    Soundtrack("Nexuiz", "nexuiz", "nexuiz-music", "sound/cdtracks/*.ogg", "GPL-2+",
               "Alientrap", archive="usr/share/games/nexuiz/data/music.pk3"),
    Soundtrack("Endgame: Singularity", "singularity", "singularity-music",
               "usr/share/games/singularity/music/*.ogg", "CC-BY-SA-3.0", "Maxstack"),
    Soundtrack("FreedroidRPG", "freedroidrpg", "freedroidrpg-data",
               "usr/share/freedroidrpg/data/sound/music/*.ogg", "GPL-2+",
               "FreedroidRPG team"),
    Soundtrack("HyperRogue", "hyperrogue", "hyperrogue-music",
               "usr/share/hyperrogue/music/*.ogg", "CC-BY-SA-3.0", "HyperRogue",
               artists=(("hr-domina-", "Lincoln Domina"), ("hr-savino-", "Will Savino"),
                        ("hr3-", "Shawn Parrotte"))),
    Soundtrack("OpenClonk", "openclonk", "openclonk-data",
               "usr/share/games/openclonk/Music.ocg/*.ogg", "ISC, CC-BY-3.0",
               "OpenClonk Team"),
)


def by_name() -> dict[str, Soundtrack]:
    return {s.name: s for s in SOUNDTRACKS}
