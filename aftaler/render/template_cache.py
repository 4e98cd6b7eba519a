"""Compiled templates kept between runs, as Python keeps compiled modules in __pycache__.

Compiling the Word and site templates is a large part of building one set (≈0,3 s of CPU), and
the templates change far less often than agreements. Jinja's own FileSystemBytecodeCache keeps
the compiled code in Jinja's per-user directory (created private to the user, its owner checked)
and checks it against a hash of the template's source, so an edited template is compiled again.
docxtpl's clean-up of a Word template's XML, which comes before compiling, is kept beside it
(`derived_text`), keyed by a hash of its input.
`AFTALER_SKABELONCACHE=0` turns it off; `AFTALER_SKABELONCACHE=<mappe>` keeps it in that folder.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import secrets
import types
from pathlib import Path

import jinja2
from jinja2 import Environment, Template
from jinja2.bccache import Bucket, FileSystemBytecodeCache


class _Cache(FileSystemBytecodeCache):
    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        # Jinja keys by name alone; the code also depends on how the environment compiles
        # (sandbox, autoescape, syntax), so that is part of our key.
        bucket = Bucket(environment, self.get_cache_key(f"{_signature(environment)}|{name}", filename),
                        self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    # Each entry carries the sha256 of its own bytes: a damaged entry of any kind (cut short,
    # bytes changed, valid marshal data that is no template's code) is compiled again, never run.
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self._get_cache_filename(bucket), "rb") as handle:
                data = handle.read()
        except OSError:
            return
        digest, body = data[:32], data[32:]
        if hashlib.sha256(body).digest() != digest:
            return
        try:
            bucket.bytecode_from_string(body)
        except Exception:  # noqa: BLE001 - whatever the damage, the remedy is the same
            bucket.reset()
        if not isinstance(bucket.code, types.CodeType):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = bucket.bytecode_to_string()
        path = self._get_cache_filename(bucket)
        temporary = f"{path}.{secrets.token_hex(6)}.tmp"
        try:  # written whole and renamed: two builds at once never read half an entry
            with open(temporary, "wb") as handle:
                handle.write(hashlib.sha256(body).digest() + body)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)  # a cache that cannot be written is a slower build, not a failed one


@functools.cache  # one per process
def bytecode_cache() -> FileSystemBytecodeCache | None:
    """The cache for a Jinja environment, or None when it is turned off or has no safe place."""
    setting = os.environ.get("AFTALER_SKABELONCACHE", "")
    if setting == "0":
        return None
    try:
        if setting:
            os.makedirs(setting, mode=0o700, exist_ok=True)
        return _Cache(setting or None, pattern="aftaler-%s.cache")
    except (OSError, RuntimeError):  # no private temporary directory: compile every time
        return None


def _signature(env: Environment) -> str:
    settings = (type(env).__module__, type(env).__qualname__, jinja2.__version__, env.autoescape, env.optimized,
                env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
                env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
                env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
                env.keep_trailing_newline, sorted(env.extensions), env.is_async,
                getattr(env.finalize, "__qualname__", env.finalize),
                sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())))
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def from_source(env: Environment, source: str) -> Template:
    """`env.from_string(source)`, with the compiled code from the cache when it has it. The key
    is the source's own hash: each distinct template text has its own entry."""
    cache = env.bytecode_cache
    if cache is None:
        code = env.compile(source)
    else:
        bucket = cache.get_bucket(env, hashlib.sha256(source.encode("utf-8")).hexdigest(), None, source)
        if bucket.code is None:
            bucket.code = env.compile(source)
            cache.set_bucket(bucket)
        code = bucket.code
    try:
        return env.template_class.from_code(env, code, env.make_globals(None), None)
    except Exception:  # noqa: BLE001 - a damaged entry that still unmarshalled: compile again
        return env.template_class.from_code(env, env.compile(source), env.make_globals(None), None)


def derived_text(name: str, source: str, derive) -> str:
    """`derive(source)`, kept in the cache under `name` (which says what `derive` is, its
    version included) and a hash of `source`: the same input gives the same text without
    deriving it again. An entry carries its own hash; a damaged one is derived again."""
    cache = bytecode_cache()
    if cache is None:
        return derive(source)
    key = hashlib.sha256(f"{name}\0{source}".encode("utf-8")).hexdigest()
    path = Path(cache.directory) / f"aftaler-{key}.txt"
    try:
        check, _, text = path.read_text(encoding="utf-8").partition("\n")
        if check == _digest(text):
            return text
    except (OSError, UnicodeDecodeError):
        pass
    text = derive(source)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    try:  # written whole and renamed: two builds at once never read half a file
        temporary.write_text(f"{_digest(text)}\n{text}", encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # a cache that cannot be written is a slower build
    return text


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
