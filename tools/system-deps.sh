#!/usr/bin/env bash
# Debian/Ubuntu libraries Qt needs to run (offscreen too) and a CJK font for screenshots.
# Installs what is missing when run as root; otherwise prints the command to run.
set -euo pipefail
packages=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-wqy-microhei)
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
