"""What a build will do: the banks, the targets, and the name of every artifact."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qbank import registry
from qbank.atomic import write_atomic
from qbank.build.fingerprint import code_fingerprint, sha256_bytes, target_fingerprint
from qbank.variants.limits import expanded_size

if TYPE_CHECKING:
    from qbank.exporter import Exporter


class PlanError(Exception):
    """A usage problem found while planning (unknown target, clashing artifact names...)."""


@dataclass(frozen=True)
class Target:
    name: str
    suffix: str
    fingerprint: str
    options: tuple[tuple[str, str], ...] = ()
    family: str = ""  # the Python package the target comes from (targets of one family share work)


@dataclass(frozen=True)
class BankJob:
    """One bank to read, lint and export to every target of the build."""

    path: str  # as the user gave it (diagnostics name it this way)
    relative: str  # relative to the build's base folder, with forward slashes (for the manifest)
    key: str  # content hash of the bank file, its path and the code
    size: int  # bytes, a varied question counted once per variant: what building it costs


# Exporter classes loaded in this process. Looking a target up through the registry scans every
# installed distribution's metadata (milliseconds each time); a build needs each class once,
# and forked workers inherit this table.
_CLASSES: dict[str, type[Exporter]] = {}


def exporter_class(name: str) -> type[Exporter]:
    """The exporter class of installed target ``name`` (loaded once per process)."""
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = registry.load_target(name)
    return cls


def family_of(cls: type[Exporter]) -> str:
    """The package a target class comes from: ``qbank.exporters.qti`` for both QTI versions."""
    module = sys.modules[cls.__module__]
    return module.__name__ if hasattr(module, "__path__") else (module.__name__.rpartition(".")[0] or module.__name__)


def _known_targets(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(fp): {"suffix": str(v["suffix"]), "family": str(v["family"])} for fp, v in data.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def resolve_targets(names: list[str] | None, options: dict[str, dict[str, str]] | None = None,
                    known: Path | None = None) -> list[Target]:
    """The requested targets (all installed ones when ``names`` is None), in name order.

    ``options`` holds each target's ``-O`` settings by target name. ``known`` (a file in the
    build cache) remembers what a target whose code and options did not change is: its suffix
    and family, its options already found valid. Such a target is not even imported, so a
    build with nothing to do loads no exporter (nor the model they import).
    """
    options = options or {}
    installed = registry.available_targets()
    wanted = sorted(set(names)) if names else list(installed)
    unknown = [n for n in wanted if n not in installed]
    if unknown:
        raise PlanError(f"unknown target{'s' * (len(unknown) > 1)} {', '.join(f'`{n}`' for n in unknown)}; "
                        f"installed: {', '.join(installed) or 'none'}")
    if not wanted:
        raise PlanError("no targets are installed (see `qbank targets`)")
    targets = []
    remembered = _known_targets(known)
    learned: dict[str, dict[str, str]] = {}
    for name in wanted:
        settings = options.get(name, {})
        fingerprint = target_fingerprint(installed[name], settings)
        if fingerprint in remembered:
            entry = remembered[fingerprint]
            targets.append(Target(name, entry["suffix"], fingerprint, tuple(sorted(settings.items())),
                                  entry["family"]))
            continue
        try:
            cls = exporter_class(name)
        except registry.LoadError as exc:  # a third-party target may fail in any way: a usage error
            raise PlanError(str(exc)) from exc
        try:
            cls(settings)  # the exporter validates its own options
        except ValueError as exc:
            raise PlanError(f"{name}: {exc}") from exc
        targets.append(Target(name, cls.suffix, fingerprint, tuple(sorted(settings.items())), family_of(cls)))
        learned[fingerprint] = {"suffix": cls.suffix, "family": family_of(cls)}
    foreign = sorted(set(options) - set(wanted))
    if foreign:
        raise PlanError(f"options given for target{'s' * (len(foreign) > 1)} not built: {', '.join(foreign)}")
    if known is not None and learned:
        write_atomic(known, json.dumps({**remembered, **learned}, sort_keys=True).encode(), durable=False)
    return targets


def relative_posix(path: str | Path, base: Path) -> str:
    return Path(os.path.relpath(os.path.abspath(path), base)).as_posix()


def plan_banks(files: list[str], base: Path) -> list[BankJob]:
    jobs = []
    for file in files:
        try:
            data = Path(file).read_bytes()
        except OSError:
            data = b""  # the reader reports why it cannot read the file (E003)
        key = sha256_bytes(b"\0".join([code_fingerprint().encode(), file.encode(), data]))
        jobs.append(BankJob(file, relative_posix(file, base), key, expanded_size(data)))
    return jobs


def artifact_names(jobs: list[BankJob], targets: list[Target]) -> dict[tuple[str, str], str]:
    """``(bank path, target name) -> file name in the output folder``: ``<bank stem><suffix>``."""
    names: dict[tuple[str, str], str] = {}
    owner: dict[str, str] = {}
    for job in jobs:
        for target in targets:
            name = Path(job.path).stem + target.suffix
            if name in owner and owner[name] != job.path:
                raise PlanError(f"{owner[name]} and {job.path} would both write {name}; "
                                "rename one of the banks (artifacts are named after the bank file)")
            owner[name] = job.path
            names[(job.path, target.name)] = name
    return names
