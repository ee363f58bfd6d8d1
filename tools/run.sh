#!/usr/bin/env bash
# Set up (first time) and start the program. Arguments go to the program: --demo, --db PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/system-deps.sh
bash tools/venv.sh
exec .venv/bin/python -m zhaocun_desktop "$@"
