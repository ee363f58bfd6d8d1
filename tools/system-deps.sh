#!/usr/bin/env bash
# Debian/Ubuntu libraries Qt needs to run, on a real Linux desktop (xcb) and offscreen, a CJK font,
# and Xvfb/xwd/xwininfo for the test that starts the program on a real X server.
# Installs what is missing when run as root; otherwise prints the command to run.
#
# The xcb list is what `objdump -p` names as NEEDED in PySide6's Qt/plugins/platforms/libqxcb.so,
# Qt/lib/libQt6XcbQpa.so.6 and Qt/plugins/xcbglintegrations/*.so (PySide6 6.11), mapped to Debian
# packages with `dpkg -S`. Without libxcb-icccm4 / libxcb-keysyms1 Qt aborts on a real display with a
# message that names only libxcb-cursor0 (pitfalls.md).
set -euo pipefail
qt_core=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
qt_xcb=(libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
        libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
        libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0)
test_tools=(xvfb x11-apps x11-utils fonts-wqy-microhei)  # Xvfb, xwd, xwininfo; a CJK font for screenshots
packages=("${qt_core[@]}" "${qt_xcb[@]}" "${test_tools[@]}")
command -v dpkg >/dev/null 2>&1 || exit 0  # not Debian: nothing we know how to check
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "缺少系统软件包，请先运行：sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
