"""A cached venv with the real CKAN + ckanext-dcat, and a helper that harvests RDF through it."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CKAN_VERSION = "2.12.0"
CKANEXT_DCAT_VERSION = "2.4.4"

# The `extra == "requirements"` lines of the ckan 2.12.0 wheel's METADATA, psycopg2 -> -binary.
CKAN_REQUIREMENTS: tuple[str, ...] = (
    "alembic==1.18.5",
    "async-timeout==5.0.1",
    "babel==2.18.0",
    "blinker==1.9.0",
    "cachelib==0.14.0",
    "certifi==2026.6.17",
    "charset-normalizer==3.4.9",
    "click==8.4.2",
    "croniter==6.2.3",
    "dominate==2.9.1",
    "feedgen==1.0.0",
    "file-keeper==0.2.6",
    "flask==3.1.3",
    "flask-babel==4.0.0",
    "flask-login==0.6.3",
    "flask-session==0.8.0",
    "flask-wtf==1.3.0",
    "greenlet==3.5.3",
    "idna==3.18",
    "itsdangerous==2.2.0",
    "jinja2==3.1.6",
    "lxml==6.1.1",
    "mako==1.3.12",
    "markdown==3.10.2",
    "markupsafe==3.0.3",
    "msgspec==0.21.1",
    "nh3==0.3.6",
    "packaging==26.2",
    "passlib==1.7.4",
    "pglast==8.4",
    "pluggy==1.6.0",
    "polib==1.2.0",
    "psycopg2-binary==2.9.12",
    "pyjwt==2.13.0",
    "pyparsing==3.3.2",
    "pysolr==3.11.0",
    "python-dateutil==2.9.0.post0",
    "python-magic==0.4.27",
    "pytz==2026.2",
    "pyyaml==6.0.3",
    "redis==8.0.1",
    "requests==2.34.2",
    "rq==2.10.0",
    "simplejson==4.1.1",
    "six==1.17.0",
    "sqlalchemy==2.0.51",
    "tomli==2.4.1",
    "typing-extensions==4.16.0",
    "tzlocal==5.4.4",
    "urllib3==2.7.0",
    "watchdog==6.0.0",
    "webassets==3.0.0",
    "werkzeug==3.1.8",
    "wtforms==3.2.2",
    "zope-dottedname==7.1",
    "zope-interface==8.5",
)

# ckanext-dcat's own (unpinned upstream) dependencies, as pip resolved them on CPython 3.11.
CKANEXT_DCAT_DEPENDENCIES: tuple[str, ...] = (
    "cachetools==8.0.2",
    "ckantoolkit==0.0.7",
    "frozendict==2.5.1",
    "geomet==1.1.0",
    "pyld==3.3.0",
    "rdflib==7.6.0",
)

# Everything is installed with --no-deps, so this list is the complete environment (`pip check`
# verifies it is consistent). setuptools is what CPython 3.11's venv ships; ckan needs it.
REQUIREMENTS: tuple[str, ...] = (
    f"ckan=={CKAN_VERSION}",
    f"ckanext-dcat=={CKANEXT_DCAT_VERSION}",
    "setuptools==65.5.0",
    *CKAN_REQUIREMENTS,
    *CKANEXT_DCAT_DEPENDENCIES,
)

VENV_NAME = "ckan-venv"
STAMP_NAME = "dcatgen-stamp.txt"
PARSE_SCRIPT = Path(__file__).resolve().with_name("ckan_parse.py")
REPO_CACHE_DIR = Path(__file__).resolve().parents[2] / ".cache"
SMOKE_TEST = "import ckan.common; from ckanext.dcat.processors import RDFParser"

# Noise from this machine's pip.conf (extra file:// indexes that do not exist).
_PIP_NOISE = ("WARNING: Location 'file://",)


class CkanEnvError(RuntimeError):
    """Building the ckan venv failed."""


class CkanHarvestError(RuntimeError):
    """ckan_parse.py exited non-zero; ``stderr`` holds its traceback."""

    def __init__(self, message: str, stderr: str) -> None:
        super().__init__(message)
        self.stderr = stderr


def _log(message: str) -> None:
    """Print a progress line to stderr."""
    print(f"[ckan-venv] {message}", file=sys.stderr, flush=True)


def requirements_key(requirements: Sequence[str] | None = None) -> str:
    """Hash of the pinned requirements and the base interpreter, as stored in the stamp file."""
    if requirements is None:
        requirements = REQUIREMENTS
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    text = "\n".join([f"python {platform.python_version()} {base}", *requirements])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _venv_python(venv_dir: Path) -> Path:
    """Path of the interpreter inside a venv."""
    return venv_dir / "bin" / "python"


def _stamp_ok(venv_dir: Path, key: str) -> bool:
    """True if the venv exists and its stamp names the current requirements key."""
    stamp = venv_dir / STAMP_NAME
    if not stamp.is_file() or not _venv_python(venv_dir).exists():
        return False
    first_line = stamp.read_text(encoding="utf-8").partition("\n")[0].strip()
    return first_line == key


def _tail(output: str, lines: int = 40) -> str:
    """Last lines of a command's output, without this machine's pip config noise."""
    kept = [line for line in output.splitlines() if not line.startswith(_PIP_NOISE)]
    return "\n".join(kept[-lines:])


def _run(cmd: Sequence[str | Path], what: str, log_file: Path) -> None:
    """Run one build step, append its output to the build log, raise CkanEnvError on failure."""
    started = time.monotonic()
    proc = subprocess.run(
        [str(part) for part in cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_clean_env(),
        check=False,
    )
    with log_file.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(str(part) for part in cmd)}\n{proc.stdout}\n")
    if proc.returncode != 0:
        raise CkanEnvError(
            f"{what} failed (exit {proc.returncode}); full log: {log_file}\n{_tail(proc.stdout)}"
        )
    _log(f"{what}: done in {time.monotonic() - started:.1f} s")


def _clean_env() -> dict[str, str]:
    """The environment without variables that would leak another Python setup into the venv."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"):
        env.pop(name, None)
    return env


def _build(venv_dir: Path, key: str) -> None:
    """Create the venv from scratch, install the pins, check it, then write the stamp."""
    if venv_dir.exists():
        _log(f"removing stale {venv_dir}")
        shutil.rmtree(venv_dir)
    log_file = venv_dir.with_name(f"{VENV_NAME}-build.log")
    log_file.write_text("", encoding="utf-8")
    started = time.monotonic()
    _log(f"building {venv_dir} (ckan {CKAN_VERSION}, ckanext-dcat {CKANEXT_DCAT_VERSION})")
    _run([sys.executable, "-m", "venv", venv_dir], "python -m venv", log_file)
    python = _venv_python(venv_dir)
    pip: list[str | Path] = [python, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _run([*pip, "install", "--no-deps", *REQUIREMENTS], "pip install", log_file)
    _run([*pip, "check"], "pip check", log_file)
    _run([python, "-c", SMOKE_TEST], "import check", log_file)
    stamp_text = "\n".join([key, *REQUIREMENTS]) + "\n"
    (venv_dir / STAMP_NAME).write_text(stamp_text, encoding="utf-8")
    _log(f"ready in {time.monotonic() - started:.1f} s: {python}")


def ensure_ckan_venv(cache_dir: Path) -> Path:
    """Create (once, then reuse) ``cache_dir/ckan-venv`` and return its python; safe in parallel."""
    cache_dir = Path(cache_dir).resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    venv_dir = cache_dir / VENV_NAME
    key = requirements_key()
    with (cache_dir / f"{VENV_NAME}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not _stamp_ok(venv_dir, key):
                _build(venv_dir, key)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return _venv_python(venv_dir)


def harvest_with_ckanext_dcat(
    python: Path,
    source: str | Path,
    fmt: str | None = None,
    follow_pages: bool = False,
    *,
    max_pages: int = 100,
    timeout: float = 300.0,
) -> list[dict[str, Any]]:
    """Parse a file or http(s) URL with ckanext-dcat's RDFParser; return the CKAN dataset dicts."""
    cmd = [str(python), "-I", str(PARSE_SCRIPT), str(source), "--max-pages", str(max_pages)]
    if fmt is not None:
        cmd += ["--format", fmt]
    if follow_pages:
        cmd.append("--follow-pages")
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, env=_clean_env(), check=False
    )
    if proc.returncode != 0:
        raise CkanHarvestError(
            f"ckan_parse.py failed on {source} (exit {proc.returncode}):\n{_tail(proc.stderr)}",
            proc.stderr,
        )
    datasets = json.loads(proc.stdout)
    if not isinstance(datasets, list):
        raise CkanHarvestError(f"ckan_parse.py printed {type(datasets).__name__}", proc.stderr)
    return datasets


if __name__ == "__main__":
    # Manual use: python tests/harvester/ckan_env.py SOURCE [FORMAT]
    venv_python = ensure_ckan_venv(REPO_CACHE_DIR)
    if len(sys.argv) > 1:
        fmt_arg = sys.argv[2] if len(sys.argv) > 2 else None
        result = harvest_with_ckanext_dcat(venv_python, sys.argv[1], fmt_arg)
        print(json.dumps(result, indent=2, ensure_ascii=False))
