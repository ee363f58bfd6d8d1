# Build the one-folder Windows program and run its self-test (PowerShell, Python 3.11 on PATH).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path .venv)) { py -3.11 -m venv .venv }
.venv\Scripts\python -m pip install --upgrade pip
.venv\Scripts\python -m pip install -e ".[build]"
.venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build build_spec\zhaocun_desktop.spec
$exe = "dist\司法所台账\司法所台账.exe"
$p = Start-Process -FilePath $exe -ArgumentList "--self-test" -Wait -PassThru -NoNewWindow
if ($p.ExitCode -ne 0) { throw "self-test failed: exit $($p.ExitCode)" }
Write-Host "self-test passed; folder: dist\司法所台账"
