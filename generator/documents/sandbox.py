"""The one Jinja sandbox every template vanban fills runs in, and the work it may do.

Jinja's :class:`SandboxedEnvironment` (no reaching into Python) with autoescape and
StrictUndefined, plus bounds on what a template can ask for: ``range`` sizes, loop
iterations and calls in total (every ``{% for %}`` is counted, nested or not), the size of
any string or list one operation builds (``'x' * 10**9``, ``~``, ``%``, ``.format``,
``center``, ``join``, ``replace``), powers and products (``7 ** (10**9)``), the size of the
output and the time. A bound that is hit raises :class:`TemplateLimit`, whose text is the
Vietnamese reason; :func:`generator.documents.render.rendering` turns it into the clerk's
message.
"""

from __future__ import annotations

import contextvars
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import markup_join
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..common.vnformat import FILTERS

MAX_RANGE = 100_000  # items one range() may give
MAX_STEPS = 5_000_000  # loop iterations, calls and operations in one render
MAX_TEXT = 2_000_000  # characters (or items) one operation may build
MAX_BUILT = 100_000_000  # characters (or items) all operations of one render may build
MAX_OUTPUT = 500_000_000  # characters one document may produce (~140,000 table rows)
MAX_POWER_BITS = 4_096  # size of a number a power or product may build
RENDER_SECONDS = 30.0  # time one render may take


class TemplateLimit(SecurityError):
    """A template asked for more work than a document can need; the text is Vietnamese."""


@dataclass
class _Budget:
    deadline: float
    steps: int = 0
    output: int = 0
    built: int = 0  # sizes of every string or list built so far (each kept, perhaps)


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("budget", default=None)


def _step(count: int = 1) -> None:
    budget = _BUDGET.get()
    if budget is None:  # outside rendering(): e.g. constant folding while compiling
        return
    budget.steps += count
    if budget.steps > MAX_STEPS:
        raise TemplateLimit(f"mẫu lặp hoặc tính quá {MAX_STEPS:,} bước".replace(",", "."))
    if budget.steps % 1024 < count and time.monotonic() > budget.deadline:
        raise TemplateLimit(f"điền mẫu quá {RENDER_SECONDS:.0f} giây")


def charge_output(size: int) -> None:
    """``size`` more characters of output: the document's length and the time are bounded."""
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.output += size
    if budget.output > MAX_OUTPUT:
        limit = f"{MAX_OUTPUT:,}".replace(",", ".")
        raise TemplateLimit(f"mẫu tạo ra văn bản dài hơn {limit} ký tự")
    if time.monotonic() > budget.deadline:
        raise TemplateLimit(f"điền mẫu quá {RENDER_SECONDS:.0f} giây")


def _too_big(size: int, what: str = "chuỗi hay danh sách", built: int | None = None) -> None:
    """Refuse a result of ``size``; ``built`` (default: ``size``) is what it adds in memory."""
    if size > MAX_TEXT:
        limit = f"{MAX_TEXT:,}".replace(",", ".")
        raise TemplateLimit(f"mẫu tạo {what} dài hơn {limit} phần tử")
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.built += (
        size if built is None else built
    )  # 100.000 strings of 2.000.000 each would each pass the bound above
    if budget.built > MAX_BUILT:
        limit = f"{MAX_BUILT:,}".replace(",", ".")
        raise TemplateLimit(f"mẫu tạo ra tổng cộng hơn {limit} ký tự hoặc phần tử")


def _length(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        limit = f"{MAX_RANGE:,}".replace(",", ".")
        raise TemplateLimit(f"range() trong mẫu cho quá {limit} số")
    return numbers


def _loop(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every ``{% for %}`` iterates through here: each item is one step of the budget."""
    for item in iterable:
        _step()
        yield item


def _concat(*parts: Any) -> Any:
    """The ``~`` operator, with the size of the result bounded."""
    _too_big(sum(_length(part) if isinstance(part, str) else 0 for part in parts))
    return markup_join(parts)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul,
    "**": operator.pow,
    "+": operator.add,
    "%": operator.mod,
}
_FORMAT_WIDTH = re.compile(r"(\d+)")


def _check_binop(symbol: str, left: Any, right: Any) -> None:
    if symbol == "*":
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple, bytes)) and isinstance(times, int):
                _too_big(len(sequence) * max(times, 0))
        both_int = isinstance(left, int) and isinstance(right, int)
        if both_int and abs(left).bit_length() + abs(right).bit_length() > MAX_POWER_BITS:
            raise TemplateLimit("mẫu nhân ra một số quá lớn")
    elif symbol == "**" and isinstance(left, int) and isinstance(right, int):
        if abs(left) > 1 and right > 0 and abs(left).bit_length() * right > MAX_POWER_BITS:
            raise TemplateLimit("mẫu tính luỹ thừa quá lớn")
    elif symbol == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, type(left)):
        _too_big(len(left) + len(right))
    elif symbol == "%" and isinstance(left, str):
        _check_format(left)


def _check_format(text: str) -> None:
    """``'%0999999999d' % 1`` or ``'{:>999999999}'.format(1)`` would build a huge string."""
    if "*" in text and "%" in text:
        raise TemplateLimit("mẫu dùng độ rộng «*» trong chuỗi định dạng")
    if any(int(width) > MAX_TEXT for width in _FORMAT_WIDTH.findall(text)):
        _too_big(MAX_TEXT + 1)


_SIZED_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map"}
_GROWING_METHODS = {"append", "extend", "insert", "update", "add", "setdefault", "__setitem__"}


def _check_call(function: Any, args: tuple, kwargs: dict) -> None:
    function = getattr(function, "__wrapped__", function)  # the sandbox's str.format wrapper
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "")
    if isinstance(owner, (list, dict, set)) and name in _GROWING_METHODS:
        added = _length(args[0]) if name in ("extend", "update") and args else 1
        _too_big(len(owner) + added, built=added)  # l.extend(l) forty times: 2**40 items
    elif isinstance(owner, str):
        if name in _SIZED_METHODS:
            _check_sizes(args, kwargs)
            if name in ("format", "format_map"):
                _check_format(owner)
        elif name == "replace" and len(args) >= 2:
            _check_replace(owner, *args[:2])
        elif name == "join" and args:
            _check_join(owner, args[0])


def _check_sizes(args: Iterable[Any], kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool):
            _too_big(value)


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        hits = len(text) + 1 if old == "" else text.count(old)
        _too_big(len(text) + hits * max(len(new) - len(old), 0))


def _check_join(separator: Any, items: Any) -> None:
    if isinstance(separator, str) and isinstance(items, (list, tuple, range)):
        _too_big(len(separator) * len(items))


def _guarded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that counts as a step, refuses huge widths and huge results."""

    passes = getattr(function, "jinja_pass_arg", None)  # @pass_context and the like

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _step()
        values = args[1:] if passes is not None else args
        if name == "replace" and len(values) >= 3:
            _check_replace(*values[:3])
        if name == "format" and values and isinstance(values[0], str):
            _check_format(values[0])  # '%999999999s'|format(1)
        if name == "join" and values:
            items = values[0]
            separator = values[1] if len(values) > 1 else kwargs.get("d", "")
            _check_join(separator, list(items) if isinstance(items, range) else items)
        _check_sizes(values[1:], kwargs)
        result = function(*args, **kwargs)
        if isinstance(result, (str, list, tuple)):
            _too_big(len(result))
        return result

    if passes is not None:
        guarded.jinja_pass_arg = passes  # type: ignore[attr-defined]
    guarded.__name__ = getattr(function, "__name__", name)
    return guarded


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox plus bounds on the work a template can ask for."""

    intercepted_binops = frozenset(_BINOPS)

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self.globals["range"] = _range
        self.globals.pop("lipsum", None)
        self.filters = {name: _guarded_filter(name, f) for name, f in self.filters.items()}
        self.filters.update(FILTERS)  # vanban's own write one short value: no guard needed
        self.vanban_loop = _loop
        self.vanban_concat = _concat

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``row.ten`` of a dict of data is its item, read first (no method lookup on the way:
        the cost of a long appendix)."""
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        _step()
        _check_binop(operator_, left, right)
        return _BINOPS[operator_](left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _step()
        _check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:  # a format string with a huge width, caught when it is read
            _check_format(value.__self__)
        return wrapped

    def concat(self, pieces: Iterable[str]) -> str:  # type: ignore[override]
        """The whole output of a template, bounded in size."""
        parts = []
        for piece in pieces:
            charge_output(len(piece))
            parts.append(piece)
            _step()
        return "".join(parts)

    def _generate(self, source: nodes.Template, *args: Any, **kwargs: Any) -> str:
        """Compile with every loop counted and every ``~`` bounded (the parsed tree that
        ``vanban check-template`` reads stays as written)."""
        return super()._generate(_guarded_tree(source), *args, **kwargs)


def _guarded_tree(tree: nodes.Template) -> nodes.Template:
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(
            nodes.EnvironmentAttribute("vanban_loop"), [loop.iter], [], None, None
        )
    for concat in list(tree.find_all(nodes.Concat)):
        call = nodes.Call(nodes.EnvironmentAttribute("vanban_concat"), concat.nodes, [], None, None)
        _replace(tree, concat, call)
    return tree


def _replace(tree: nodes.Node, old: nodes.Node, new: nodes.Node) -> None:
    for parent in tree.find_all(nodes.Node):
        for field in parent.fields:
            value = getattr(parent, field, None)
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                setattr(parent, field, [new if item is old else item for item in value])
                return


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment every render uses, with the Vietnamese filters and limits."""
    return _Sandbox()


@contextmanager
def budget() -> Iterator[None]:
    """The work and time allowance of one render (every guard above draws on it)."""
    token = _BUDGET.set(_Budget(deadline=time.monotonic() + RENDER_SECONDS))
    try:
        yield
    finally:
        _BUDGET.reset(token)
