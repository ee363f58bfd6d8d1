#!/usr/bin/env bash
# Create .venv (once) and install the project into it, editable, with the given extras.
# Usage: tools/venv.sh [EXTRAS]   e.g. tools/venv.sh test
# ZHAOCUN_VENV=DIR uses another folder (default .venv); ZHAOCUN_QT=VERSION installs that PySide6-Essentials
# (CI: 6.9.3, the newest wheel for glibc 2.28, what 统信UOS 20 / 麒麟 V10 can run).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
venv=${ZHAOCUN_VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
spec="."
[ -n "${1:-}" ] && spec=".[${1}]"
qt=()
[ -n "${ZHAOCUN_QT:-}" ] && qt=("PySide6-Essentials==${ZHAOCUN_QT}")
"$venv/bin/python" -m pip install -q -e "$spec" "${qt[@]}"
