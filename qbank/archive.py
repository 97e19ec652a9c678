"""Deterministic zip archives: sorted entries, fixed timestamps and permissions."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

__all__ = ["FIXED_DATE", "build_zip"]

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def build_zip(files: Mapping[str, bytes]) -> bytes:
    """A zip of ``files`` (archive name → bytes) whose bytes depend only on the input."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()
