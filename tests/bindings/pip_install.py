#!/usr/bin/env python3
"""`pip install ./bindings/python` works offline, and the installed package checks.

Installs a copy of bindings/python (so the build leaves nothing in the source
tree) into a fresh venv with --no-index, then imports it from outside the
checkout and runs `python -m tenet` on the shipped example. The route is the
documented one: venv --system-site-packages + --no-build-isolation, building
with the system's setuptools and wheel (Debian: python3-setuptools,
python3-wheel). Tries this Python, then /usr/bin/python3; exits 77 (skipped)
when neither has venv, setuptools and wheel.

usage: pip_install.py  (TENET_LIBRARY must name the built libtenet.so)
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP = 77


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600, **kw)


def main():
    lib = os.environ.get("TENET_LIBRARY")
    if not lib or not os.path.exists(lib):
        print("TENET_LIBRARY must name the built libtenet.so")
        return 1
    tmp = tempfile.mkdtemp(prefix="tenet-pip-")
    try:
        src = os.path.join(tmp, "src")
        shutil.copytree(os.path.join(ROOT, "bindings", "python"), src,
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        env.pop("PYTHONPATH", None)
        py, why = None, []
        for i, base in enumerate(dict.fromkeys([sys.executable, "/usr/bin/python3"])):
            if not os.path.exists(base):
                continue
            venv = os.path.join(tmp, f"venv{i}")
            r = sh([base, "-m", "venv", "--system-site-packages", venv])
            cand = os.path.join(venv, "bin", "python")
            if r.returncode != 0:
                why.append(f"{base}: no venv module")
            elif sh([cand, "-c", "import setuptools, wheel"], env=env).returncode != 0:
                why.append(f"{base}: no setuptools or wheel")
            else:
                py = cand
                break
        if not py:
            print("SKIP: no Python with venv, setuptools and wheel (Debian: python3-venv "
                  "python3-setuptools python3-wheel): " + "; ".join(why))
            return SKIP
        cmd = [py, "-m", "pip", "install", "--no-index", "--no-build-isolation", src]
        print("$ " + " ".join(cmd))
        r = sh(cmd, env=env, cwd=tmp)
        print(r.stdout.decode("utf-8", "replace")[-3000:])
        if r.returncode != 0:
            return 1
        env["TENET_LIBRARY"] = lib
        probe = ("import tenet, os; assert not tenet.__file__.startswith(%r), tenet.__file__; "
                 "print(tenet.__file__, tenet.__version__)" % os.path.join(ROOT, "bindings"))
        r = sh([py, "-c", probe], env=env, cwd=tmp)
        print(r.stdout.decode("utf-8", "replace"))
        if r.returncode != 0:
            return 1
        example = os.path.join(ROOT, "examples", "redis-at-rest.yaml")
        r = sh([py, "-m", "tenet", "--region", "us-east-1", example], env=env, cwd=tmp)
        out = r.stdout.decode("utf-8", "replace")
        # The example has real findings: exit 1 and a report with errors.
        if r.returncode != 1 or '"diagnostics"' not in out:
            print(f"python -m tenet exited {r.returncode}:\n{out[:2000]}")
            return 1
        print("installed package checks the example: ok")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
