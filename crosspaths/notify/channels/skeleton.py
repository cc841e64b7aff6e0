"""An e-mail template rendered once per shape of its context, then filled in.

The e-mail templates only print their context's strings, test them and loop over
lists: what they write apart from those strings (the markup, the translated
sentences, which ``{% if %}`` branch, how many ``{% for %}`` rounds) depends only on
the language and on the context's *shape* (which strings are empty, which are marked
safe, the lengths of the lists, the booleans, numbers and codes such as
``"primary"``). Django's template engine walks about a hundred nodes an e-mail to
write it again: a quarter of a worker's CPU.

``render`` replaces every other string of the context by a numbered stand-in
(``\\x00v<n>&V\\x00``), renders the template once for each (language, shape), and
cuts the output at the stand-ins: one printed with autoescaping comes out as
``\\x00v<n>&amp;V\\x00``, so each slot knows whether its value is to be escaped.
Later e-mails of that shape are the pieces joined with their own values.

What would make the skeleton wrong makes it not kept, and the template renders as
before: a filter other than ``default`` in the template or a template it extends or
includes (``|striptags`` leaves a stand-in unchanged but not the real value); a
stand-in compared, measured or searched while rendering (``{% if x == "…" %}``); a
stand-in changed on its way (a slice or a case change leaves a stray ``\\x00``).
``tests/notify/test_email_skeleton.py`` renders every kind both ways over random
contents.
"""

from __future__ import annotations

import html
import re
import threading
from functools import cached_property
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils import translation
from django.utils.safestring import SafeString

# A stand-in: letters in both cases (a case filter changes it), "&" (autoescaping
# changes it), NULs around (a slice of it leaves one behind).
_SLOT = re.compile("\x00v([0-9]+)&(amp;)?V\x00")
_TAG = re.compile(r"{[{%].*?[}%]}", re.DOTALL)
_FILTER = re.compile(r"\|\s*(\w+)")
_FAITHFUL = {"default"}  # filters that give a stand-in's truth and text as the real value's
_CODE = re.compile("[a-z_]+")  # "primary", "slot": values a template may compare
_LIMIT = 2_000  # shapes kept per template; beyond that, new shapes render as before
_generation = 0  # settings changed (tests): the skeletons made before are dropped


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    global _generation
    _generation += 1


_watch = threading.local()  # touched: a stand-in was compared or measured


class Unsupported(Exception):
    """A context value whose printing the skeleton cannot stand in for."""


class _Watched:
    """A stand-in that notices being compared, measured or searched (``{% if style ==
    "primary" %}``, ``|length``): the skeleton then depends on the real string and is
    not kept."""

    def __bool__(self) -> bool:
        return True  # stand-ins are made for non-empty strings only

    def _touched(self) -> None:
        _watch.touched = True

    def __eq__(self, other: object) -> bool:
        self._touched()
        return str.__eq__(self, other)  # type: ignore[operator]  # a mixin: the instance is always a str (_Mark, _SafeMark)

    def __ne__(self, other: object) -> bool:
        self._touched()
        return str.__ne__(self, other)  # type: ignore[operator]  # a mixin: the instance is always a str (_Mark, _SafeMark)

    def __hash__(self) -> int:
        self._touched()
        return str.__hash__(self)  # type: ignore[arg-type]  # a mixin: the instance is always a str (_Mark, _SafeMark)

    def __contains__(self, other: object) -> bool:
        self._touched()
        return str.__contains__(self, other)  # type: ignore[operator]  # a mixin: the instance is always a str (_Mark, _SafeMark)

    def __len__(self) -> int:
        self._touched()
        return str.__len__(self)  # type: ignore[arg-type]  # a mixin: the instance is always a str (_Mark, _SafeMark)

    def __iter__(self) -> Any:
        self._touched()
        return str.__iter__(self)  # type: ignore[arg-type]  # a mixin: the instance is always a str (_Mark, _SafeMark)

    def __lt__(self, other: object) -> bool:
        self._touched()
        return str.__lt__(self, other)  # type: ignore[operator]  # a mixin: the instance is always a str (_Mark, _SafeMark)

    __le__ = __gt__ = __ge__ = __lt__  # only ever "touched"; the order is not kept


class _Mark(_Watched, str):
    pass


class _SafeMark(_Watched, SafeString):
    pass


class _Opaque:
    """Bytes (an attachment's data) as the templates may see them: tested, never
    printed (printing it leaves a stray ``\\x00`` and the skeleton is not kept)."""

    def __init__(self, truth: bool) -> None:
        self.truth = truth

    def __bool__(self) -> bool:
        return self.truth

    def __str__(self) -> str:
        return "\x00!\x00"


class StandIns:
    """A context's real strings in order and its shape (everything else, as a
    hashable tuple); ``context``, the context with its strings replaced by numbered
    stand-ins, is made only when a skeleton has to be cut from it (once per
    language and shape: most e-mails never need it)."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.values: list[str] = []
        self.shape: list[Any] = []
        self._source = context
        self._walk(context, build=False)
        self.key = tuple(self.shape)

    @cached_property
    def context(self) -> dict[str, Any]:
        again = StandIns.__new__(StandIns)
        again.values, again.shape = [], []
        stood_in: dict[str, Any] = again._walk(self._source, build=True)
        return stood_in

    def _walk(self, value: Any, build: bool) -> Any:
        """Note the value's strings and shape; with ``build``, return its copy with
        the strings stood in (None otherwise: nothing is copied)."""
        kind = type(value)
        shape = self.shape
        if kind is str or kind is SafeString:
            if not value or (len(value) <= 20 and _CODE.fullmatch(value)):
                shape.append((kind, value))  # "", or a code such as "primary"
                return value
            safe = kind is SafeString
            shape.append(safe)
            index = len(self.values)
            self.values.append(value)
            return _mark(index, safe) if build else None
        if kind is bool or kind is int or value is None:
            shape.append((kind, value))
            return value
        if kind is tuple or kind is list:
            shape.append((kind, len(value)))
            items = [self._walk(item, build) for item in value]
            return kind(items) if build else None
        if kind is dict:
            shape.append((dict, tuple(value)))
            if not build:
                for item in value.values():
                    self._walk(item, False)
                return None
            return {key: self._walk(item, True) for key, item in value.items()}
        if kind is bytes:
            shape.append((bytes, bool(value)))
            return _Opaque(bool(value))
        if hasattr(kind, "__dataclass_fields__") and hasattr(value, "__dict__"):
            # A copy with the fields stood in (as dataclasses.replace, without
            # __init__: these are plain frozen records).
            shape.append(kind)
            if not build:
                for item in value.__dict__.values():
                    self._walk(item, False)
                return None
            copy = object.__new__(kind)
            copy.__dict__.update({k: self._walk(v, True) for k, v in value.__dict__.items()})
            return copy
        raise Unsupported(kind)


_marks: dict[tuple[int, bool], Any] = {}


def _mark(index: int, safe: bool) -> Any:
    """The stand-in for the ``index``-th string (made once, shared by all contexts)."""
    try:
        return _marks[index, safe]
    except KeyError:
        text = f"\x00v{index}&V\x00"
        mark = _marks[index, safe] = _SafeMark(text) if safe else _Mark(text)
        return mark


def render(template: Any, context: dict[str, Any], stand_ins: StandIns | None = None) -> str:
    """``template.render(context)``, from the template's skeleton for the active
    language and the context's shape (``stand_ins``: the context's, made once for an
    e-mail's three templates; None renders as before)."""
    if stand_ins is None:
        return template.render(context)
    skeletons = _skeletons(template)
    if skeletons is None:
        return template.render(context)
    key = (translation.get_language(), stand_ins.key)
    skeleton = skeletons.get(key)
    if skeleton is None:
        if key in skeletons or len(skeletons) >= _LIMIT:
            return template.render(context)
        _watch.touched = False
        output = template.render(stand_ins.context)
        skeleton = skeletons[key] = None if _watch.touched else _cut(output)
        if skeleton is None:
            return template.render(context)
    return _fill(skeleton, stand_ins.values)


def _skeletons(template: Any) -> dict[Any, Any] | None:
    """The skeletons kept on the loader's template object (dropped with it; the
    backend's wrapper is made anew for each ``get_template``); None for a template
    that filters its values (``_faithful``)."""
    engine_template = getattr(template, "template", template)
    cached = engine_template.__dict__
    held = cached.get("_skeletons")
    if held is None or held[0] != _generation:
        kept: dict[Any, Any] | None = {} if _faithful(engine_template) else None
        held = cached["_skeletons"] = (_generation, kept)
    return held[1]


def _faithful(template: Any) -> bool:
    """No filter but ``default`` in the template's tags, nor in the templates it
    extends or includes by name: a filter such as ``|striptags`` or ``|truncatewords``
    would leave a stand-in as it is and change the real value."""
    source = getattr(template, "source", None)
    if not isinstance(source, str):
        return False
    for tag in _TAG.findall(source):
        if not set(_FILTER.findall(tag)) <= _FAITHFUL:
            return False
    named = [n.parent_name for n in template.nodelist.get_nodes_by_type(ExtendsNode)]
    named += [n.template for n in template.nodelist.get_nodes_by_type(IncludeNode)]
    for expression in named:
        if not isinstance(getattr(expression, "var", None), str):
            return False  # a name from the context: not known here
        if not _faithful(template.engine.get_template(expression.var)):
            return False
    return True


def _cut(output: str) -> tuple[list[str], list[tuple[int, int, bool]]] | None:
    """The output's text pieces and its slots (where, which value, escaped or not);
    None when a stand-in was changed on its way (it cannot be filled in)."""
    pieces: list[str] = []
    slots: list[tuple[int, int, bool]] = []
    at = 0
    for found in _SLOT.finditer(output):
        pieces.append(output[at : found.start()])
        slots.append((len(pieces), int(found.group(1)), found.group(2) is not None))
        pieces.append("")
        at = found.end()
    pieces.append(output[at:])
    if any("\x00" in piece for piece in pieces):
        return None
    return pieces, slots


def _fill(skeleton: tuple[list[str], list[tuple[int, int, bool]]], values: list[str]) -> str:
    pieces, slots = skeleton
    out = pieces.copy()
    for at, index, escaped in slots:
        # Escaped where the stand-in was (a safe string's stand-in is safe too).
        out[at] = html.escape(values[index]) if escaped else values[index]
    return "".join(out)
