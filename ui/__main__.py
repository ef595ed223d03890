"""``python -m ui`` starts the desktop client (same as the ``courtdesk`` console script)."""

from ui.app import main

raise SystemExit(main())
