"""A disk cache of what docxtpl recomputes from the template on every build.

Before filling a template, docxtpl cleans its XML with some twenty regular
expressions (``patch_xml``) and Jinja compiles the result to Python code; both
depend on the template alone, and take most of a build's rendering time. Both
results are kept on disk, named by the SHA-256 of what they were made from (and
of the library versions and environment settings that shape them), so a build
with an unchanged template reuses them. The document's bytes are the same as
without the cache: the same cleaned XML, the same compiled code, the same
render. Entries are written to a temporary file and renamed into place, so two
processes building at once never read a half-written entry; each entry starts
with the SHA-256 of its content, and an entry that does not match is recomputed.
``VANBAN_CACHE`` names the cache folder ("" turns the cache off).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path

import docxtpl
import jinja2
from docxtpl import DocxTemplate

_VERSIONS = f"{sys.version}|{jinja2.__version__}|{docxtpl.__version__}|1"


def cache_folder() -> Path | None:
    """Where entries are kept: ``VANBAN_CACHE``, else the user's cache folder."""
    named = os.environ.get("VANBAN_CACHE")
    if named is not None:
        return Path(named) if named else None
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "vanban" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "vanban"


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256(f"{kind}|{_VERSIONS}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _read(name: str) -> bytes | None:
    folder = cache_folder()
    if folder is None:
        return None
    try:
        stored = (folder / name).read_bytes()
    except OSError:
        return None
    check, data = stored[:32], stored[32:]
    return data if hashlib.sha256(data).digest() == check else None  # damaged: recompute


def _write(name: str, data: bytes) -> None:
    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tam-", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(hashlib.sha256(data).digest() + data)
        os.replace(temporary, folder / name)
    except OSError:  # a read-only or full disk: build without the cache
        pass


class CachedTemplate(DocxTemplate):
    """A DocxTemplate whose XML clean-up (``patch_xml``) is looked up in the cache."""

    def patch_xml(self, src_xml: str) -> str:
        name = _key("patch", src_xml) + ".xml"
        cached = _read(name)
        if cached is not None:
            try:
                return cached.decode("utf-8")
            except UnicodeDecodeError:
                pass
        patched = super().patch_xml(src_xml)
        _write(name, patched.encode("utf-8"))
        return patched


def _settings(environment: jinja2.Environment) -> str:
    """What, besides the source, shapes the code Jinja compiles."""
    return repr(
        (
            type(environment).__module__,
            type(environment).__qualname__,
            environment.block_start_string,
            environment.block_end_string,
            environment.variable_start_string,
            environment.variable_end_string,
            environment.comment_start_string,
            environment.comment_end_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.newline_sequence,
            environment.keep_trailing_newline,
            environment.optimized,
            sorted(environment.extensions),
            sorted(getattr(environment, "intercepted_binops", ())),
            sorted(getattr(environment, "intercepted_unops", ())),
        )
    )


def with_compile_cache(environment: jinja2.Environment) -> jinja2.Environment:
    """``environment`` whose ``from_string`` reuses compiled code from the cache."""
    if getattr(environment, "_vanban_cached", False):
        return environment
    settings = _settings(environment)

    def from_string(source, globals=None, template_class=None):
        if not isinstance(source, str) or template_class is not None:
            return jinja2.Environment.from_string(environment, source, globals, template_class)
        name = _key("code", settings, source) + ".pyc"
        code = None
        cached = _read(name)
        if cached is not None:
            try:
                code = marshal.loads(cached)
            except (EOFError, ValueError, TypeError):
                code = None
        if code is None:
            code = environment.compile(source)
            _write(name, marshal.dumps(code))
        template_globals = environment.make_globals(globals)
        return environment.template_class.from_code(environment, code, template_globals)

    environment.from_string = from_string
    environment._vanban_cached = True
    return environment
