"""A bank file's bytes → text: UTF-8 (a byte-order mark and CRLF or CR line endings accepted)."""

from __future__ import annotations

from .context import Context

MAX_BYTES = 4 * 1024 * 1024


def decode(ctx: Context, data: bytes) -> str | None:
    if len(data) > MAX_BYTES:
        ctx.report("E005", f"file is {len(data) / 1048576:.1f} MiB; banks are limited to "
                   f"{MAX_BYTES // 1048576} MiB", 1, hint="split the bank, or move large content into images")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        ctx.report("E001", "file is UTF-16, not UTF-8", 1, 1,
                   hint="save the file as UTF-8 (most editors: 'Save with encoding')")
        return None
    if b"\x00" in data:
        at = data.index(b"\x00")
        ctx.report("E004", "file contains NUL bytes: it is binary, not a Markdown bank",
                   data.count(b"\n", 0, at) + 1, at - data.rfind(b"\n", 0, at),
                   hint="pass only Markdown (.md) question banks")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # Columns count characters (as editors do), not bytes, and not the byte-order mark.
        before = data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8").removeprefix("\ufeff")
        col = len(before) + 1
        ctx.report("E001", f"byte 0x{data[exc.start]:02x} is not valid UTF-8", line, col,
                   hint="save the file as UTF-8 (most editors: 'Save with encoding')")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        ctx.report("E002", "file is empty", 1, hint="start with front matter and a `## question` heading")
        return None
    return text
