"""Entry script of the frozen program (PyInstaller)."""

from zhaocun_desktop.cli import main

raise SystemExit(main())
