"""The bundle's one program: the desktop client; ``courtdesk cli …`` runs the command line instead.

PyInstaller freezes this file (``courtdesk.spec``, ``windows/courtdesk-win.spec``). ``cli`` as the first
argument hands the rest to :func:`courtdesk.cli.main` (``courtdesk cli render …``, ``courtdesk cli
demo-data …``), so an administrator has the same commands as a source checkout without a second
executable in the folder; anything else goes to :func:`ui.app.main` (``--db``, ``--demo``, ``--smoke``).
The command line's help and error lines name the program as it was started (``courtdesk cli``,
``courtdesk-console.exe cli``), not ``python -m courtdesk``: ``COURTDESK_CLI_PROG`` tells the parser.
"""

import os
import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["cli"]:
        del sys.argv[1]
        os.environ["COURTDESK_CLI_PROG"] = f"{os.path.basename(sys.argv[0])} cli"
        from courtdesk.cli import main as cli_main

        raise SystemExit(cli_main())
    from ui.app import main

    raise SystemExit(main())
