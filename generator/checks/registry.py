"""The rule registry: each rule has a stable id, a Vietnamese title and a check function.

A check yields its findings: a plain string is a failure, an :class:`Unclear` is something
the file alone cannot settle (the rule then says so instead of passing or failing).
A new rule is one decorated function in the module for its part of the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, UNCLEAR = "dat", "khong_dat", "chua_ro"


class Unclear(str):
    """A finding the file cannot settle (it depends on how the pages fall, say)."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    check: Callable[[Any], Iterator[str]]


@dataclass
class Result:
    id: str
    rule: str
    failures: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.failures:
            return FAILED
        return UNCLEAR if self.unclear else PASSED

    @property
    def passed(self) -> bool:
        """Nothing failed (an unclear rule has not failed)."""
        return not self.failures


RULES: list[Rule] = []


def rule(rule_id: str, title: str):
    """Register ``check`` under ``rule_id``; rules run in the order they are registered."""

    def register(check: Callable[[Any], Iterator[str]]):
        if any(r.id == rule_id for r in RULES):
            raise ValueError(f"rule {rule_id} registered twice")
        RULES.append(Rule(rule_id, title, check))
        return check

    return register


def run(rule_: Rule, context: Any) -> Result:
    result = Result(rule_.id, rule_.title)
    for finding in rule_.check(context):
        (result.unclear if isinstance(finding, Unclear) else result.failures).append(finding)
    return result
