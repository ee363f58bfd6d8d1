#!/usr/bin/env bash
# Set up (first time) and run the whole test suite offscreen. Arguments go to pytest.
# ZHAOCUN_VENV / ZHAOCUN_QT: another venv and PySide6 version (tools/venv.sh); FONTCONFIG_FILE: a font set
# (tools/fonts/*.conf), as .ci/run uses them.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/system-deps.sh || exit 1
bash tools/venv.sh test || exit 1
export QT_QPA_PLATFORM=offscreen
venv=${ZHAOCUN_VENV:-.venv}
# The house's shape first (a second each): the layers as import-linter contracts (pyproject.toml), then ruff's
# rules. A broken contract or a finding fails the run before any test, whatever pytest arguments were given.
lint=$(mktemp)
if ! "$venv/bin/lint-imports" --no-cache >"$lint" 2>&1; then
  cat "$lint" >&2
  rm -f "$lint"
  echo "import-linter: a contract in pyproject.toml is broken (see above); docs/architecture.md says where a module belongs." >&2
  exit 1
fi
if ! "$venv/bin/ruff" check --quiet . >"$lint" 2>&1; then
  cat "$lint" >&2
  rm -f "$lint"
  echo "ruff: the findings above break the rules in pyproject.toml ([tool.ruff]); fix them, or say why in a noqa comment." >&2
  exit 1
fi
rm -f "$lint"
log=$(mktemp)
"$venv/bin/python" -m pytest "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests (exit 5): nothing was checked, so this run fails." >&2
  status=1
elif [ "$status" -ge 128 ] || [ "$status" -eq 134 ]; then
  if grep -q " passed" "$log"; then
    echo "pytest aborted (exit $status) AFTER reporting passed tests: the interpreter crashed at exit." >&2
    echo "With PySide6 6.12 on Python 3.11 this is 'Fatal Python error: none_dealloc' (see pitfalls.md); check the pin in pyproject.toml." >&2
  fi
  status=1
fi
rm -f "$log"
exit "$status"
