#!/usr/bin/env bash
# Build the one-folder program with PyInstaller and run its self-test; prints build time,
# folder size and the frozen program's start-up time. Run by hand (Linux; Windows: build.ps1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/venv.sh build
mkdir -p build
started=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build build_spec/zhaocun_desktop.spec >build/pyinstaller.log 2>&1 || { tail -40 build/pyinstaller.log; exit 1; }
echo "build time: $(( $(date +%s) - started )) s"
app="dist/司法所台账/司法所台账"
echo "folder size: $(du -sh "dist/司法所台账" | cut -f1)"
QT_QPA_PLATFORM=offscreen "$app" --self-test
export QT_QPA_PLATFORM=offscreen ZHAOCUN_DATA_DIR="$(mktemp -d)" ZHAOCUN_QUIT_AFTER_SHOW=1
"$app" demo --db "$ZHAOCUN_DATA_DIR/示例数据.db" >/dev/null
.venv/bin/python - "$app" <<'PY'
import subprocess, sys, time
for run in range(1, 4):
    started = time.perf_counter()
    out = subprocess.run([sys.argv[1], "--demo"], capture_output=True, text=True).stdout
    assert "RECORDS_PAINTED" in out, out
    print(f"frozen start to records painted (run {run}): {time.perf_counter() - started:.2f} s")
PY
