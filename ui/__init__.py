"""CourtDesk Qt client (PySide6). The core (``courtdesk``) never imports this package."""
