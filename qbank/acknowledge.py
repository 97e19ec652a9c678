"""Acknowledged warnings: which diagnostics an author has accepted, and where they said so.

Three places can acknowledge a warning, most specific first:

1. the source: ``allow="T004@canvas: reason"`` on a question heading (that question's
   diagnostics), on a group heading (the group heading's own), or ``allow:`` in the front
   matter (the bank's own: those about no single question) — :class:`qbank.models.Allowance`;
2. the command line: ``--ignore CODES`` (added to the configuration's) and ``--select CODES``
   (instead of the configuration's);
3. the configuration (:mod:`qbank.config`): ``select``, ``ignore``, ``per-target-ignores``,
   ``per-file-ignores``.

An acknowledged warning is not printed and does not fail ``--strict``, but it stays in the
JSON output and the build manifest with ``acknowledged: {by, reason}``. Errors are never
acknowledged. An ``allow=`` that matches nothing (the loss it accepted is gone) is W110, when
every check that could have raised it has run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from qbank import config as cfg
from qbank import diagnostics as dg
from qbank.codes import CODES

if TYPE_CHECKING:
    from qbank.models import Allowance

__all__ = ["Policy", "apply", "parse_allow", "policy"]

ALLOW_HINT = ('write e.g. allow="T004@canvas: Canvas shows the formula as text" (warning codes, then a reason; '
              'several entries are separated by `;`)')


_ENTRY = re.compile(r";\s*(?=[A-Z]{1,8}[0-9]{3}\b)")


@cache
def _installed_targets() -> frozenset[str]:
    from qbank import registry

    return frozenset(registry.available_targets())


def parse_allow(text: str) -> tuple[list[tuple[str, str | None, str | None]], list[tuple[str, str]]]:
    """``"T004@canvas T002@gift: reason; W101: another"`` → its (code, target, reason) triples,
    and the problems (message, hint) of the specs that cannot acknowledge anything.

    Entries are separated by `;` (before the next entry's first code), each its codes then an
    optional `: reason`. Only exact warning
    codes are allowed in the source (no prefixes): each acknowledgement names the loss it accepts.
    """
    found: list[tuple[str, str | None, str | None]] = []
    problems: list[tuple[str, str]] = []
    # A `;` starts a new entry only before a code: a reason may hold `;` of its own.
    for entry in _ENTRY.split(text):
        codes_part, _, reason = entry.partition(":")
        for spec in cfg.parse_codes(codes_part):
            why = cfg.rule_problem(spec, exact=True)
            if why is not None:
                problems.append((why[1], why[2] if why[0] != "syntax" else ALLOW_HINT))
                continue
            code, _, target = spec.partition("@")
            if target and target not in _installed_targets():
                problems.append((f"`{spec}`: no target `{target}` is installed",
                                 f"targets: {', '.join(sorted(_installed_targets()))} (see `qbank targets`)"))
                continue
            found.append((code, target or None, reason.strip() or None))
    if not found and not problems:
        problems.append(("`allow` names no code", ALLOW_HINT))
    return found, problems


@dataclass(frozen=True)
class Policy:
    """What the command line says: ``--select`` (replacing the configuration's) and ``--ignore``."""

    select: tuple[cfg.Rule, ...] | None = None
    ignore: tuple[cfg.Rule, ...] = ()
    use_config: bool = True


def policy(select: Sequence[str] = (), ignore: Sequence[str] = (), *, use_config: bool = True) -> Policy | str:
    """The policy of ``--select``/``--ignore`` values (each comma-separated), or a usage error."""
    parsed: dict[str, list[cfg.Rule]] = {"select": [], "ignore": []}
    for option, values in (("select", select), ("ignore", ignore)):
        for value in values:
            for spec in cfg.parse_codes(value):
                why = cfg.rule_problem(spec, exact=False)
                if why is not None and not (option == "select" and why[0] == "error"):
                    return f"--{option} {spec}: {why[1]} ({why[2]})"
                prefix, _, target = spec.partition("@")
                parsed[option].append(cfg.Rule(prefix, f"--{option} {spec}", target or None))
    cfg.forget()  # each command reads the configuration afresh
    return Policy(tuple(parsed["select"]) if select else None, tuple(parsed["ignore"]), use_config)


def _allowed_by(d: dg.Diagnostic, allowances: Sequence[Allowance]) -> Allowance | None:
    best: Allowance | None = None
    for allowance in allowances:
        if allowance.code != d.code or (allowance.target is not None and allowance.target != d.target):
            continue
        if allowance.question is not None and allowance.question != d.question:
            continue
        if allowance.question is None and d.question is not None:
            continue  # the front matter's and a group's: what is about no single question
        if allowance.group is not None and d.line != allowance.pos.line:
            continue
        if best is None or _rank(allowance) > _rank(best):
            best = allowance
    return best


def _rank(allowance: Allowance) -> int:
    """The most specific acknowledgement wins: a question's, then a group heading's, then the bank's."""
    return 2 if allowance.question is not None else 1 if allowance.group is not None else 0


def _acknowledgement(d: dg.Diagnostic, allowances: Sequence[Allowance], pol: Policy,
                     used: set[Allowance]) -> dg.Acknowledgement | None:
    allowance = _allowed_by(d, allowances)
    if allowance is not None:
        used.add(allowance)
        return dg.Acknowledgement(f"{allowance.pos.file}:{allowance.pos.line}", allowance.reason)
    for rule in pol.ignore:
        if rule.matches(d):
            return dg.Acknowledgement(rule.origin)
    config = cfg.config_for(d.file) if pol.use_config and d.line > 0 else cfg.Config()
    for rule in config.ignore:
        if rule.matches(d):
            return dg.Acknowledgement(rule.origin)
    select = pol.select if pol.select is not None else config.select
    if select is not None and not any(rule.matches(d) for rule in select):
        origin = "--select" if pol.select is not None else f"{config.path}: select"
        return dg.Acknowledgement(f"{origin} (not selected)")
    return None


def apply(found: Iterable[dg.Diagnostic], allowances: Mapping[str, Sequence[Allowance]], pol: Policy, *,
          ran: Iterable[str] = (), every_target: bool = False) -> list[dg.Diagnostic]:
    """``found`` with every acknowledged warning marked, the configurations' own problems
    (E905) and the source's unused ``allow=`` (W110) added.

    ``ran``: the targets whose checks produced ``found``; ``every_target``: whether they are all
    the installed ones (only then can an ``allow=`` of a T code for any target be unused).
    """
    used: set[Allowance] = set()
    out: list[dg.Diagnostic] = []
    configs: dict[str, cfg.Config] = {}
    failed: set[str] = set()
    for d in found:
        if d.is_error or d.acknowledged is not None:  # errors never; an acknowledgement stays as it is
            out.append(d)
            if d.is_error:
                failed.add(d.file)
            continue
        ack = _acknowledgement(d, allowances.get(d.file, ()), pol, used)
        out.append(d if ack is None else replace(d, acknowledged=ack))
    if pol.use_config:
        for file in {*allowances, *(d.file for d in out if d.line > 0)}:
            config = cfg.config_for(file)
            if config.path is not None:
                configs[str(config.path)] = config
    for config in configs.values():
        out.extend(config.problems)
    ran = set(ran)
    for file, listed in allowances.items():
        if file in failed:
            continue  # a bank with errors did not run every check: nothing can be called unused
        # The same code twice in one place (with two reasons) is one acknowledgement: used together.
        used_scopes = {(a.code, a.target, a.question, a.group) for a in used}
        for allowance in listed:
            if (allowance.code, allowance.target, allowance.question, allowance.group) in used_scopes \
                    or not _could_have_run(allowance, ran, every_target):
                continue
            where = f"`{allowance.code}{'@' + allowance.target if allowance.target else ''}`"
            unused = dg.make("W110", f"{where} is acknowledged here but nothing raises it any more",
                             allowance.pos.file, allowance.pos.line, allowance.pos.col,
                             hint="remove it from `allow`: the loss it accepted is gone", question=allowance.question)
            ack = _acknowledgement(unused, (), pol, used)
            out.append(unused if ack is None else replace(unused, acknowledged=ack))
    return out


def _could_have_run(allowance: Allowance, ran: set[str], every_target: bool) -> bool:
    """Whether every check that raises the allowance's code ran (so its silence means something)."""
    if allowance.code in CODES and not allowance.code.startswith("T"):
        return True  # the reader's and the lint rules' warnings: they always run
    if allowance.target is not None:
        return allowance.target in ran
    return every_target
