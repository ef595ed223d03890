"""Where generated files go, and where uploaded ones come from.

Every PDF, Word file and export the client writes is saved where the user chooses in a save dialog.
The dialog opens in the folder the user saved to last (remembered per user, ``ui.state``), at first
in ``<documents>/CourtDesk`` (created when first used). A scan to upload is chosen in an open dialog
that starts where the user last took one from, at first in their documents folder — never in the
program's working directory.

Both dialogs are built by :func:`file_dialog`: Qt's own dialog (where the platform has no native one)
is Chinese throughout — the few strings ``qtbase_zh_CN`` lacks are filled in by ``ui.app``'s gap
translator, and dates and sizes read 2026-12-07 14:05 and 12 KB whatever the system's locale.
The save dialog itself is :func:`ask_save_path` alone, so a test can replace it and drive everything
else — the folder remembered, the file written — for real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QIdentityProxyModel, QModelIndex, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QWidget

from ui import state

FOLDER_KEY = "files/last_folder"
OPEN_FOLDER_KEY = "files/last_open_folder"
APP_FOLDER = "CourtDesk"
PDF_FILTER = "PDF 文件 (*.pdf)"
DOCX_FILTER = "Word 文档 (*.docx)"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
_FORBIDDEN = '\\/:*?"<>|'


def default_folder() -> Path:
    """The generated-files folder of this workstation's settings (``files_dir``, set on the 数据位置
    page), else ``<the user's documents folder>/CourtDesk``."""
    from courtdesk.kernel import localconfig

    configured, _origin = localconfig.folder("files_dir")
    if configured is not None:
        return configured
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / APP_FOLDER


def last_folder(user: Any) -> Path:
    """The folder the next save dialog opens in: the last one this user saved to while it still
    exists, else the default folder (created now; the home folder if it cannot be)."""
    saved = state.load_text(user, FOLDER_KEY)
    if saved and Path(saved).is_dir():
        return Path(saved)
    folder = default_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def remember_folder(user: Any, folder: str | Path) -> None:
    state.save_text(user, FOLDER_KEY, str(Path(folder)))


def safe_name(name: str, fallback: str = "文书") -> str:
    """A file name Windows accepts (its forbidden characters and control characters removed)."""
    cleaned = "".join(ch for ch in name if ch not in _FORBIDDEN and ord(ch) >= 32).strip().strip(".")
    return cleaned or fallback


def documents_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def open_folder(user: Any) -> Path:
    """Where the next open dialog starts: the folder this user last took a file from while it still
    exists, else their documents folder (else their home folder)."""
    saved = state.load_text(user, OPEN_FOLDER_KEY)
    return Path(saved) if saved and Path(saved).is_dir() else documents_folder()


class _ChineseFileColumns(QIdentityProxyModel):
    """The file dialog's 大小 and 修改日期 columns as a Chinese clerk reads them (Qt formats them
    with the system locale, which on many machines is C: 「7 12 2026」, 「0 bytes」)."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() in (1, 3):
            source = self.sourceModel()
            if isinstance(source, QFileSystemModel):
                info = source.fileInfo(self.mapToSource(index))
                if index.column() == 3:
                    return info.lastModified().toString("yyyy-MM-dd HH:mm")
                if info.isDir():
                    return ""
                return size_text(info.size())
        return super().data(index, role)


def size_text(size: int) -> str:
    """A file's size in words: 512 字节, 12 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1048576:
        return f"{size // 1024} KB"
    return f"{size / 1048576:.1f} MB"


def file_dialog(parent: QWidget | None, title: str, start: str, file_filter: str, *,
                save: bool, folder: bool = False, confirm_overwrite: bool = True) -> QFileDialog:
    """Qt's file dialog (its columns in Chinese) for saving (asks before overwriting, unless told
    not to), opening one existing file, or choosing a ``folder``."""
    dialog = QFileDialog(parent, title, start, file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    if folder:
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    else:
        dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    if not confirm_overwrite:
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    if save and Path(start).suffix:
        dialog.selectFile(start)
    dialog.setProxyModel(_ChineseFileColumns(dialog))
    return dialog


def ask(dialog: QFileDialog) -> str:
    """Show ``dialog``; the chosen path, ``""`` when the user cancels."""
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]


def ask_save_path(parent: QWidget | None, title: str, start: str, file_filter: str) -> str:
    """The save dialog; ``""`` when the user cancels."""
    return ask(file_dialog(parent, title, start, file_filter, save=True))


def ask_folder(parent: QWidget | None, title: str, start: str) -> str:
    """The dialog choosing a folder; ``""`` when the user cancels."""
    return ask(file_dialog(parent, title, start, "", save=False, folder=True))


def ask_open_path(parent: QWidget | None, user: Any, title: str, file_filter: str) -> str:
    """The open dialog, starting in :func:`open_folder`; the folder is remembered for next time.
    ``""`` when the user cancels."""
    path = ask(file_dialog(parent, title, str(open_folder(user)), file_filter, save=False))
    if path:
        state.save_text(user, OPEN_FOLDER_KEY, str(Path(path).parent))
    return path


def choose_save_path(parent: QWidget | None, user: Any, title: str, suggested_name: str,
                     file_filter: str) -> str | None:
    """Ask where to save ``suggested_name`` (opening in the user's last folder); the chosen path with
    the filter's extension, the folder remembered for next time. None when the user cancels."""
    start = last_folder(user) / safe_name(suggested_name)
    path = ask_save_path(parent, title, str(start), file_filter)
    if not path:
        return None
    suffix = Path(suggested_name).suffix
    if suffix and Path(path).suffix.lower() != suffix.lower():
        path += suffix
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True)
    remember_folder(user, folder)
    return path
