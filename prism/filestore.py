"""Where uploaded files and rendered outputs live: a local directory by default, behind a small
interface so another store (object storage) can replace it. Files are stored by content hash."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from prism.errors import NotFound
from prism.i18n import _

if TYPE_CHECKING:
    from prism.settings import Settings


class FileStore(Protocol):
    def put(self, data: bytes) -> str: ...
    def get(self, key: str) -> bytes: ...

    # Files made from a stored file (a page's preview), kept beside it under a name.
    def derived(self, key: str, name: str) -> bytes | None: ...
    def keep_derived(self, key: str, name: str, data: bytes) -> None: ...


def file_store(settings: Settings) -> FileStore:
    """The file store these settings name (a directory under the data directory)."""
    return LocalFileStore(settings.files_dir)


class LocalFileStore:
    """Files under one directory, named by their SHA-256; writing the same content twice is free."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader never sees half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, path)
        return key

    def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(_("The file's content is missing from the file store."))
        return path.read_bytes()

    def derived(self, key: str, name: str) -> bytes | None:
        path = self._derived_path(key, name)
        return path.read_bytes() if path.is_file() else None

    def keep_derived(self, key: str, name: str, data: bytes) -> None:
        path = self._derived_path(key, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)

    def _derived_path(self, key: str, name: str) -> Path:
        if not name.replace("-", "").replace(".", "").isalnum():
            raise NotFound(_("No such file."))
        return self._path(key).with_name(f"{key}.{name}")

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise NotFound(_("No such file."))
        return self.root / key[:2] / key
