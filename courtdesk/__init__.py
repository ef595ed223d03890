"""CourtDesk core: domain rules, storage and documents. This package never imports Qt."""

__version__ = "0.1.0"
