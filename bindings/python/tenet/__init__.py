"""tenet: policy validation of infrastructure inputs, over libtenet.

    import tenet
    report = tenet.check(open("template.yaml").read(), filename="template.yaml",
                         regions=["us-east-1"])
    for d in report.errors:
        print(f"{d.file}:{d.line}:{d.column}: {d.message} [{d.rule}]")

Everything a diagnostic says comes from the C library; this package only
passes bytes and options in and decodes the JSON report (bindings/README.md).
"""
import ctypes
import os
import threading
from typing import Iterable, Mapping, Optional, Union

from . import _lib
from ._errors import Error, InputError, OptionsError, RulesError
from ._report import Diagnostic, InputErrorInfo, Report, Summary

__all__ = ["check", "Rules", "Report", "Diagnostic", "InputErrorInfo", "Summary",
           "Error", "RulesError", "InputError", "OptionsError", "__version__"]

__version__ = _lib.version()

Source = Union[str, bytes, bytearray, memoryview]

_INPUT_ERRORS = (_lib.EPARSE, _lib.ELIMIT, _lib.EFORMAT, _lib.EIO, _lib.ERROR)


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def _raise(cls, code: int, err: _lib.Error, **extra):
    if code == _lib.ENOMEM:
        raise MemoryError(_text(err.message) or _lib.status_str(code))
    message = _text(err.message) or _lib.status_str(code)
    raise cls(message, code=code, line=err.line or None, column=err.column or None,
              source=_text(err.source) or None, **extra)


def _utf8(value, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"{what} must be str, not {type(value).__name__}")


class Rules:
    """A compiled ruleset. Immutable: one instance may be used by any number
    of threads at once. Free it with close() or a `with` block; a finalizer
    frees it otherwise."""

    def __init__(self, _handle: ctypes.c_void_p):
        if not _handle:
            raise TypeError("use Rules.builtin(), Rules.load(), Rules.from_text() or Rules.from_file()")
        self._handle = _handle
        self._lock = threading.Lock()
        self._active = 0       # checks running on the handle right now
        self._closing = False  # close() was called while checks were running

    # --- construction -------------------------------------------------------

    @classmethod
    def _compile(cls, fn, *args) -> "Rules":
        handle = ctypes.c_void_p()
        err = _lib.Error()
        rc = fn(ctypes.byref(handle), *args, ctypes.byref(err))
        if rc != _lib.OK:
            _lib.lib.tenet_ruleset_free(handle)
            _raise(RulesError, rc, err)
        return cls(handle)

    @classmethod
    def builtin(cls) -> "Rules":
        """The rule packs built into the library."""
        return cls._compile(_lib.lib.tenet_ruleset_builtin)

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Rules":
        """Reads and compiles one rules file."""
        return cls._compile(_lib.lib.tenet_ruleset_load_file, os.fsencode(path))

    @classmethod
    def from_text(cls, text: Union[str, bytes], name: Optional[str] = None) -> "Rules":
        """Compiles rules YAML given as text; `name` is used in error positions."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        src = _lib.RulesSource(name.encode("utf-8") if name else None, data, len(data))
        return cls._compile(_lib.lib.tenet_ruleset_compile, ctypes.byref(src), 1)

    @classmethod
    def load(cls, path_or_text: Union[str, bytes, "os.PathLike[str]"]) -> "Rules":
        """A path when it names an existing file (or is a path object), else YAML text.
        A one-line string ending in .yaml/.yml/.json is taken as a path even if
        missing, so a typo reports the missing file rather than a YAML error."""
        if isinstance(path_or_text, os.PathLike):
            return cls.from_file(path_or_text)
        if isinstance(path_or_text, (bytes, bytearray)):
            return cls.from_text(bytes(path_or_text))
        s = path_or_text
        if "\n" not in s and (os.path.isfile(s) or s.endswith((".yaml", ".yml", ".json"))):
            return cls.from_file(s)
        return cls.from_text(s)

    # --- lifetime -----------------------------------------------------------

    def close(self) -> None:
        """Frees the ruleset (after any check still running on it). Idempotent."""
        with self._lock:
            if self._active:
                self._closing = True
                return
            handle, self._handle = self._handle, None
        if handle:
            _lib.lib.tenet_ruleset_free(handle)

    @property
    def closed(self) -> bool:
        return self._handle is None or self._closing

    def __enter__(self) -> "Rules":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            handle = getattr(self, "_handle", None)
            if handle:
                self._handle = None
                _lib.lib.tenet_ruleset_free(handle)
        except Exception:  # interpreter shutdown: modules may be gone
            pass

    def _acquire(self):
        with self._lock:
            if self._handle is None or self._closing:
                raise ValueError("check on a closed tenet.Rules")
            self._active += 1
            return self._handle

    def _release(self):
        with self._lock:
            self._active -= 1
            free = self._closing and self._active == 0
            handle = self._handle if free else None
            if free:
                self._handle = None
        if handle:
            _lib.lib.tenet_ruleset_free(handle)

    # --- checking -----------------------------------------------------------

    def check(self, source: Source, filename: Optional[str] = None,
              regions: Optional[Iterable[str]] = None, params: Optional[Mapping[str, str]] = None,
              input_format: Optional[str] = None, operation: Optional[str] = None) -> Report:
        """Checks one input and returns its Report.

        `source` is the document (str, or bytes in any encoding the library
        reads). Options left as None take the library's defaults: filename
        "<input>", the input's own region (else unknown), format detection.
        `regions` may include "all". Raises InputError (with .report) when the
        input cannot be read, OptionsError for an option the library rejects."""
        if isinstance(source, str):
            data = source.encode("utf-8")
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
        else:
            raise TypeError(f"source must be str or bytes, not {type(source).__name__}")

        opts = _lib.CheckOptions()
        rc = _lib.lib.tenet_check_options_init(ctypes.byref(opts), _lib.CHECK_OPTIONS_VERSION)
        if rc != _lib.OK:  # a library that no longer takes the layout declared in _lib
            raise Error(f"libtenet {__version__} rejects check options version "
                        f"{_lib.CHECK_OPTIONS_VERSION}: {_lib.status_str(rc)}", code=rc)
        # The encoded strings and arrays below must outlive the call: locals do.
        if filename is not None:
            opts.filename = _utf8(filename, "filename")
        if regions is not None:
            names = [regions] if isinstance(regions, str) else list(regions)
            region_arr = (ctypes.c_char_p * max(len(names), 1))(
                *[_utf8(r, "a region") for r in names])
            opts.regions = ctypes.cast(region_arr, ctypes.POINTER(ctypes.c_char_p))
            opts.region_count = len(names)
        if params:
            items = list(params.items())
            param_arr = (_lib.Param * len(items))(
                *[_lib.Param(_utf8(k, "a parameter name"), _utf8(v, f"parameter {k!r}"))
                  for k, v in items])
            opts.params = param_arr
            opts.param_count = len(items)
        if input_format is not None:
            opts.input_format = _utf8(input_format, "input_format")
        if operation is not None:
            opts.operation = _utf8(operation, "operation")

        handle = self._acquire()
        try:
            return _run(handle, data, opts)
        finally:
            self._release()


def _run(rules_handle, data: bytes, opts: _lib.CheckOptions) -> Report:
    """report_new -> check -> render JSON -> decode; the report is freed on every path."""
    L = _lib.lib
    report = ctypes.c_void_p()
    if L.tenet_report_new(ctypes.byref(report)) != _lib.OK:
        raise MemoryError("tenet: cannot create a report")
    try:
        err = _lib.Error()
        rc = L.tenet_check(report, rules_handle, data, len(data), ctypes.byref(opts),
                           ctypes.byref(err))
        if rc not in (_lib.OK,) + _INPUT_ERRORS:
            _raise(OptionsError, rc, err)
        rendered = _render(report)
        if rc != _lib.OK:
            _raise(InputError, rc, err, report=rendered)
        return rendered
    finally:
        L.tenet_report_free(report)


def _render(report) -> Report:
    L = _lib.lib
    ro = _lib.RenderOptions()
    rc = L.tenet_render_options_init(ctypes.byref(ro), _lib.RENDER_OPTIONS_VERSION)
    if rc != _lib.OK:
        raise Error(f"libtenet {__version__} rejects render options version "
                    f"{_lib.RENDER_OPTIONS_VERSION}: {_lib.status_str(rc)}", code=rc)
    ro.format = _lib.FORMAT_JSON
    buf = _lib.Buf()
    err = _lib.Error()
    rc = L.tenet_report_render(report, ctypes.byref(ro), ctypes.byref(buf), ctypes.byref(err))
    try:
        if rc != _lib.OK:
            _raise(Error, rc, err)
        text = ctypes.string_at(buf.ptr, buf.size).decode("utf-8")
    finally:
        L.tenet_buf_dispose(ctypes.byref(buf))
    return Report._from_json(text)


_builtin = None
_builtin_lock = threading.Lock()


def _builtin_rules() -> Rules:
    """The built-in packs, compiled once per process and shared by every
    tenet.check(rules=None); never freed (threads may still use it at exit)."""
    global _builtin
    with _builtin_lock:
        if _builtin is None:
            _builtin = Rules.builtin()
        return _builtin


def check(source: Source, filename: Optional[str] = None,
          regions: Optional[Iterable[str]] = None, params: Optional[Mapping[str, str]] = None,
          input_format: Optional[str] = None, operation: Optional[str] = None,
          rules: Optional[Rules] = None) -> Report:
    """Checks one input against `rules` (default: the built-in packs).
    See Rules.check for the arguments."""
    if rules is None:
        rules = _builtin_rules()
    elif not isinstance(rules, Rules):
        raise TypeError("rules must be a tenet.Rules (use tenet.Rules.load(...))")
    return rules.check(source, filename=filename, regions=regions, params=params,
                       input_format=input_format, operation=operation)
