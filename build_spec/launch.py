"""Entry script of the frozen program (PyInstaller)."""

import gc

gc.disable()  # for the start only: see zhaocun_desktop.resume_collector

from zhaocun_desktop.cli import main  # noqa: E402 (after the line above)

raise SystemExit(main())
