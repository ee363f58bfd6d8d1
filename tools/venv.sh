#!/usr/bin/env bash
# Create .venv (once) and install the project into it, editable, with the given extras.
# Usage: tools/venv.sh [EXTRAS]   e.g. tools/venv.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
spec="."
[ -n "${1:-}" ] && spec=".[${1}]"
.venv/bin/python -m pip install -q -e "$spec"
