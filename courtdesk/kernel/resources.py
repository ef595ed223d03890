"""Where the bundled resources are: the source tree, or a PyInstaller bundle. No heavy imports."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def fonts_dir() -> Path:
    """``resources/fonts``; ``COURTDESK_FONTS_DIR`` overrides it."""
    env = os.environ.get("COURTDESK_FONTS_DIR")
    return Path(env) if env else resources_dir() / "fonts"
