"""Images found in a foreign package, as :class:`~qbank.models.Image` objects of the model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from qbank.assets import MAX_IMAGE_BYTES
from qbank.models import Image, Pos

__all__ = ["MAX_IMAGE_BYTES", "PackageImage", "image_model", "safe_name"]


@dataclass(frozen=True)
class PackageImage:
    """An image file of a package: the name it keeps beside the imported bank, and its bytes."""

    name: str
    data: bytes


def safe_name(member: str) -> str:
    """A file name for a package member (its original name, made safe to write)."""
    name = PurePosixPath(member.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]+", "-", name).strip(". ") or "image"
    return name


def image_model(image: PackageImage, alt: str, title: str | None, pos: Pos) -> Image:
    """The model's image: ``src`` is the name it is written under, beside the bank."""
    fields = Image.model_fields
    extra: dict[str, object] = {"data": image.data} if "data" in fields else {}
    return Image(src=image.name, path=image.name, alt=alt, title=title, pos=pos, **extra)
