#!/usr/bin/env bash
# A Debian package (.deb) of the one-folder build, made with dpkg-deb only (no extra tooling):
#   /opt/zhaocun-desktop/                      the PyInstaller folder (build_spec/build.sh makes it)
#   /usr/bin/zhaocun-desktop                   a link to the program (command line verbs work too)
#   /usr/share/applications/zhaocun-desktop.desktop   the menu entry, named 司法所台账, with the icon
#   /usr/share/icons/hicolor/{256x256,scalable}/apps/zhaocun-desktop.{png,svg}
# The database, backups and logs stay in the user's folder (~/.local/share/zhaocun-desktop, see paths.py):
# removing the package never removes data.
# Usage: build_spec/build_deb.sh [DIST_FOLDER] [OUT_DIR]   (defaults: dist/司法所台账, dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
name="司法所台账"
folder=${1:-dist/$name}
out=${2:-dist}
[ -x "$folder/$name" ] || { echo "no one-folder build at $folder: run build_spec/build.sh first" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' zhaocun_desktop/__init__.py)
arch=$(dpkg --print-architecture)
# the glibc the bundle needs: the newest GLIBC_x.y symbol version any of its binaries asks for (PyInstaller
# bundles against the build machine's glibc, and the PySide6 wheel has its own floor: 6.11 2.34, 6.9.3 2.28);
# without objdump (binutils), the build machine's glibc, which is never less than that
glibc=$(find "$folder" -type f \( -name '*.so*' -o -perm -u+x \) -print0 2>/dev/null | xargs -0 objdump -T 2>/dev/null \
        | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1 | cut -d_ -f2 || true)
[ -n "$glibc" ] || glibc=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
         "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/icons/hicolor/scalable/apps"
cp -a "$folder" "$root/opt/zhaocun-desktop"
ln -s "/opt/zhaocun-desktop/$name" "$root/usr/bin/zhaocun-desktop"
cp resources/icons/app.png "$root/usr/share/icons/hicolor/256x256/apps/zhaocun-desktop.png"
cp resources/icons/app.svg "$root/usr/share/icons/hicolor/scalable/apps/zhaocun-desktop.svg"
cat >"$root/usr/share/applications/zhaocun-desktop.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Version=1.0
Name=$name
Name[zh_CN]=$name
GenericName=司法所台账与年度报告
Comment=乡镇司法所台账、村(居)Excel 交换与法治政府建设年度报告
Exec=/opt/zhaocun-desktop/$name
Icon=zhaocun-desktop
Terminal=false
Categories=Office;
StartupWMClass=$name
DESKTOP
# Qt's xcb plugin loads these at run time (tools/system-deps.sh explains the list); the rest is bundled.
depends="libc6 (>= $glibc), libegl1, libgl1, libfontconfig1, libdbus-1-3, libglib2.0-0, libx11-6, libx11-xcb1, libxcb1,
 libxcb-cursor0, libxcb-glx0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0,
 libxcb-render-util0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1,
 libxkbcommon0, libxkbcommon-x11-0,
 fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei"  # a Chinese font, or every character is a box
cat >"$root/DEBIAN/control" <<CONTROL
Package: zhaocun-desktop
Version: $version
Architecture: $arch
Maintainer: zhaocun-desktop <noreply@localhost>
Installed-Size: $(du -sk "$root" | cut -f1)
Depends: $(echo $depends)
Section: misc
Priority: optional
Description: 司法所台账 — township judicial office ledgers and annual report (offline)
 An offline desktop program for the judicial office of a Chinese township: four ledgers
 in one SQLite file, Excel exchange with the villages, the yearly report draft.
CONTROL
cat >"$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
exit 0
POSTINST
cp "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
mkdir -p "$out"
deb="$out/zhaocun-desktop_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "$deb ($(du -h "$deb" | cut -f1))"
