#!/usr/bin/env python3
"""Set-up and run Slant with nothing but Python 3.11+.

    python3 dev.py run     # create .venv if needed, serve the shipped model on http://127.0.0.1:8000
    python3 dev.py test    # create .venv if needed, run the test suite

The virtual environment is (re)installed whenever pyproject.toml changes.
Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".slant-installed"


def ensure_env() -> None:
    """Create ``.venv`` and install the project with its dev extras when out of date."""
    if sys.version_info < (3, 11):
        sys.exit(f"Slant needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    print("installing Slant and its pinned dependencies into .venv ...", flush=True)
    subprocess.run(pip + ["-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted + "\n")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__.strip())
        return 2
    ensure_env()
    os.chdir(ROOT)
    if argv[0] == "run":
        args = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "service.wsgi:app"]
    elif argv[0] == "test":
        args = [str(BIN / "python"), "-m", "pytest", *argv[1:]]
    else:
        return 0
    os.execv(args[0], args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
