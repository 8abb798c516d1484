"""Loading libtenet and declaring the C contract (bindings/README.md) for ctypes.

Only the functions and structures that contract lists are declared here; the
layouts must match include/tenet/*.h exactly.
"""
import ctypes
import ctypes.util
import os
import pathlib
import sys

# tenet_status values (include/tenet/errors.h); never renumbered.
OK = 0
ERROR = -1
EINVAL = -2
ENOMEM = -3
EPARSE = -4
ERULES = -5
ELIMIT = -6
EIO = -7
EFORMAT = -8

FORMAT_JSON = 1
CHECK_OPTIONS_VERSION = 1
RENDER_OPTIONS_VERSION = 1


class Error(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint),
        ("code", ctypes.c_int),
        ("line", ctypes.c_uint32),
        ("column", ctypes.c_uint32),
        ("source", ctypes.c_char * 256),
        ("message", ctypes.c_char * 512),
    ]


class Buf(ctypes.Structure):
    # c_void_p, not c_char_p: ctypes would otherwise copy and lose the pointer
    # tenet_buf_dispose needs.
    _fields_ = [("ptr", ctypes.c_void_p), ("size", ctypes.c_size_t)]


class Param(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class RulesSource(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("data", ctypes.c_char_p), ("len", ctypes.c_size_t)]


class CheckOptions(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint),
        ("filename", ctypes.c_char_p),
        ("regions", ctypes.POINTER(ctypes.c_char_p)),
        ("region_count", ctypes.c_size_t),
        ("params", ctypes.POINTER(Param)),
        ("param_count", ctypes.c_size_t),
        ("input_format", ctypes.c_char_p),
        ("operation", ctypes.c_char_p),
        ("max_input_bytes", ctypes.c_size_t),
        ("max_depth", ctypes.c_size_t),
        ("max_alias_nodes", ctypes.c_size_t),
        ("max_scalar_bytes", ctypes.c_size_t),
        ("max_scenarios", ctypes.c_size_t),
    ]


class RenderOptions(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint),
        ("format", ctypes.c_int),
        ("color", ctypes.c_int),
        ("min_severity", ctypes.c_int),
    ]


_SUFFIX = ".dylib" if sys.platform == "darwin" else ".so"
# The installed runtime name (CMake SOVERSION 0), for loaders find_library misses.
_SONAME = "libtenet.0.dylib" if sys.platform == "darwin" else "libtenet.so.0"


def _candidates():
    """Where to look, in order: $TENET_LIBRARY, the loader, this repository's build tree."""
    env = os.environ.get("TENET_LIBRARY")
    if env:
        # An explicit choice is final: do not silently fall back to another copy.
        return [env], True
    found = []
    name = ctypes.util.find_library("tenet")
    if name:
        found.append(name)
    found.append(_SONAME)
    # Running from a checkout: bindings/python/tenet/_lib.py -> repository root.
    parents = pathlib.Path(__file__).resolve().parents
    if len(parents) > 3:
        found.append(str(parents[3] / "build" / "src" / ("libtenet" + _SUFFIX)))
    return found, False


def _load():
    names, explicit = _candidates()
    problems = []
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError as e:
            problems.append(f"{name}: {e}")
    hint = "" if explicit else " (set TENET_LIBRARY to the path of libtenet" + _SUFFIX + ")"
    raise ImportError("cannot load libtenet" + hint + ": " + "; ".join(problems))


def _declare(lib):
    P = ctypes.POINTER
    vp = ctypes.c_void_p  # opaque handles: tenet_ruleset *, tenet_report *
    sigs = {
        "tenet_version": (ctypes.c_char_p, []),
        "tenet_status_str": (ctypes.c_char_p, [ctypes.c_int]),
        "tenet_ruleset_builtin": (ctypes.c_int, [P(vp), P(Error)]),
        "tenet_ruleset_compile": (ctypes.c_int, [P(vp), P(RulesSource), ctypes.c_size_t, P(Error)]),
        "tenet_ruleset_load_file": (ctypes.c_int, [P(vp), ctypes.c_char_p, P(Error)]),
        "tenet_ruleset_free": (None, [vp]),
        "tenet_check_options_init": (ctypes.c_int, [P(CheckOptions), ctypes.c_uint]),
        "tenet_report_new": (ctypes.c_int, [P(vp)]),
        "tenet_check": (ctypes.c_int, [vp, vp, ctypes.c_char_p, ctypes.c_size_t,
                                       P(CheckOptions), P(Error)]),
        "tenet_render_options_init": (ctypes.c_int, [P(RenderOptions), ctypes.c_uint]),
        "tenet_report_render": (ctypes.c_int, [vp, P(RenderOptions), P(Buf), P(Error)]),
        "tenet_buf_dispose": (None, [P(Buf)]),
        "tenet_report_free": (None, [vp]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


lib = _declare(_load())


def version():
    return lib.tenet_version().decode("utf-8")


def status_str(code):
    return lib.tenet_status_str(code).decode("utf-8", "replace")
