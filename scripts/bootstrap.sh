#!/usr/bin/env bash
# Prepare a Debian/Ubuntu machine to run or test Riffle: system libraries (through apt when
# running as root), a .venv with the Python packages. Safe to run again: it only does what
# is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Libraries that Qt's xcb platform and libvlc need at run time, and Xvfb for screenshots.
SYSTEM_PACKAGES=(
    libvlc5 vlc-plugin-base
    libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
    libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core
)
# What the test suite drives Riffle's desktop side with: a private D-Bus session bus
# (dbus-daemon, dbus-run-session) and playerctl, the MPRIS client media keys and panels use;
# and oggenc (libvorbis), whose VBR Ogg files are the ones libvlc's own demuxer seeks badly in.
TEST_PACKAGES=(dbus dbus-bin playerctl vorbis-tools)

python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "Riffle needs Python 3.11 or newer: install it with 'apt-get install python3 python3-venv'." >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Riffle needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
    exit 1
fi

wanted=("${SYSTEM_PACKAGES[@]}")
[ $want_test = 1 ] && wanted+=("${TEST_PACKAGES[@]}")
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    # venv needs ensurepip, which Debian ships apart from python3 itself.
    "$python" -c 'import ensurepip' >/dev/null 2>&1 || missing+=("python3-venv")
fi
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "Installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Riffle needs these system packages, which are not installed:" >&2
        echo "    sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

if ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    # Missing, or broken (say, after the system Python was upgraded): make it anew, and
    # forget what was installed into the old one.
    echo "Creating .venv"
    rm -rf .venv
    "$python" -m venv .venv
fi
extras=""
[ $want_test = 1 ] && extras="[test]"
stamp=".venv/.riffle-installed${extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extras}"
    touch "$stamp"
fi

# musicnn's trained network (ISC licence; trained on MagnaTagATune) for the deep listening
# pass: only the package's files, none of its dependencies (TensorFlow, an old numpy), since
# Riffle reads the weights itself. Without them Riffle runs on the fast analysis alone.
musicnn_stamp=".venv/.riffle-musicnn-0.1.0"
if [ ! -f "$musicnn_stamp" ]; then
    echo "Installing musicnn's weights into .venv"
    if .venv/bin/python -m pip install -q --no-deps musicnn==0.1.0; then
        touch "$musicnn_stamp"
    else
        echo "musicnn's weights could not be installed: Riffle will use its fast analysis alone." >&2
    fi
fi
