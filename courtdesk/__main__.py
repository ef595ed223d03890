from courtdesk.cli import main

raise SystemExit(main())
