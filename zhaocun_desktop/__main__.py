from zhaocun_desktop.cli import main

raise SystemExit(main())
