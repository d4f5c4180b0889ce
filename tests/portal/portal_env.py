"""A real CKAN portal for tests: its cached venv, a throwaway PostgreSQL cluster, the CKAN server.

See README.md beside this file for what runs, what cannot run here (Solr) and what it costs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import platform
import pwd
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from tests.harvester.ckan_env import _clean_env, _log, _run, _tail
from tests.servers import free_port, stop

CKAN_VERSION = "2.11.5"  # what avoindata.fi runs (vrk-kpa/opendata ckan/ckan-requirements.in)
SCHEMING_VERSION = "3.1.0"
FLUENT_VERSION = "1.0.0"  # PyPI's only release (2015, Python 2): ported below

# The `extra == "requirements"` lines of the ckan 2.11.5 wheel's METADATA (psycopg2 -> -binary),
# plus what ckanext-scheming 3.1.0 pulls in (ckanapi, docopt, python-slugify, text-unidecode),
# as pip resolved them on CPython 3.11.
CKAN_REQUIREMENTS: tuple[str, ...] = (
    "alembic==1.13.2",
    "async-timeout==4.0.3",
    "babel==2.15.0",
    "bleach==6.1.0",
    "blinker==1.9.0",
    "cachelib==0.13.0",
    "certifi==2026.1.4",
    "charset-normalizer==3.3.2",
    "ckanapi==4.11",
    "click==8.1.7",
    "docopt==0.6.2",
    "dominate==2.9.1",
    "feedgen==1.0.0",
    "flask==3.1.3",
    "flask-babel==4.0.0",
    "flask-login==0.6.3",
    "flask-session==0.8.0",
    "flask-wtf==1.2.1",
    "greenlet==3.3.1",
    "idna==3.7",
    "itsdangerous==2.2.0",
    "jinja2==3.1.6",
    "lxml==6.0.2",
    "mako==1.3.11",
    "markdown==3.10.2",
    "markupsafe==2.1.5",
    "msgspec==0.20.0",
    "mypy==1.10.1",
    "mypy-extensions==1.0.0",
    "packaging==24.1",
    "passlib==1.7.4",
    "polib==1.2.0",
    "psycopg2-binary==2.9.11",
    "pyjwt==2.12.1",
    "pyparsing==3.1.2",
    "pysolr==3.11.0",
    "python-dateutil==2.9.0.post0",
    "python-magic==0.4.27",
    "python-slugify==9.2.0",
    "pytz==2025.2",
    "pyyaml==6.0.1",
    "redis==5.0.7",
    "requests==2.33.0",
    "rq==1.16.2",
    "simplejson==3.19.2",
    "six==1.16.0",
    "sqlalchemy==1.4.52",
    "sqlalchemy2-stubs==0.0.2a38",
    "sqlparse==0.5.4",
    "text-unidecode==1.3",
    "tomli==2.0.1",
    "typing-extensions==4.12.2",
    "tzlocal==5.2",
    "urllib3==2.6.3",
    "watchdog==4.0.1",
    "webassets==2.0",
    "webencodings==0.5.1",
    "werkzeug==3.1.8",
    "wtforms==3.1.2",
    "zope.interface==6.4.post2",
)
REQUIREMENTS: tuple[str, ...] = (
    f"ckan=={CKAN_VERSION}",
    f"ckanext-scheming=={SCHEMING_VERSION}",
    "setuptools==65.5.0",
    # ckanext-fluent and the test plugin are built with the venv's own setuptools and wheel
    # (--no-build-isolation): an isolated build would fetch the newest setuptools each time.
    "wheel==0.45.1",
    *CKAN_REQUIREMENTS,
)

# ckanext-fluent 1.0.0 is Python 2 code.  These are the only changes that make it run on
# Python 3 and CKAN 2.11, each applied to exactly as many places as listed (checked).
FLUENT_PORT: tuple[tuple[str, str, str, int], ...] = (
    ("validators.py", "from pylons import config", "from ckan.plugins.toolkit import config", 1),
    # Python 2's str was bytes: these branches decode bytes, so they test for bytes now.
    ("validators.py", "if isinstance(text, str):", "if isinstance(text, bytes):", 2),
    ("validators.py", "if isinstance(v, str):", "if isinstance(v, bytes):", 1),
    ("validators.py", "basestring", "str", 4),
    ("validators.py", ".iteritems()", ".items()", 3),
    (
        "helpers.py",
        "from ckan.lib.helpers import get_available_locales",
        "from ckan.lib.i18n import get_available_locales",
        1,
    ),
)

HERE = Path(__file__).resolve().parent
TESTPORTAL = HERE / "testportal"
SETUP_SCRIPT = HERE / "portal_setup.py"
VENV_NAME = "portal-venv"
STAMP_NAME = "dcatgen-stamp.txt"
SMOKE_TEST = (
    "import ckan.common, ckanext.scheming.plugins, ckanext.fluent.plugins, "
    "dcatgen_testportal.plugin"
)
START_TIMEOUT_S = 120.0
SECRET = "dcatgen-test-secret-not-for-production"


class PortalUnavailable(RuntimeError):
    """A system package the portal needs is missing; the message names it."""


def _testportal_files() -> list[Path]:
    return sorted(p for p in TESTPORTAL.rglob("*") if p.is_file() and "egg-info" not in str(p))


def requirements_key() -> str:
    """Hash of everything that goes into the venv, as stored in its stamp file."""
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    digest = hashlib.sha256()
    for path in _testportal_files():
        digest.update(str(path.relative_to(TESTPORTAL)).encode() + b"\0" + path.read_bytes())
    lines = [
        f"python {platform.python_version()} {base}",
        *REQUIREMENTS,
        f"ckanext-fluent=={FLUENT_VERSION}",
        *(repr(change) for change in FLUENT_PORT),
        f"testportal {digest.hexdigest()}",
    ]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _port_fluent(source: Path) -> None:
    """Apply FLUENT_PORT to an unpacked ckanext-fluent sdist; refuse if it does not fit."""
    package = source / "ckanext" / "fluent"
    for file_name, old, new, count in FLUENT_PORT:
        path = package / file_name
        text = path.read_text(encoding="utf-8")
        found = text.count(old)
        if found != count:
            raise RuntimeError(f"ckanext-fluent port: {old!r} occurs {found}x in {path}")
        path.write_text(text.replace(old, new), encoding="utf-8")


def _build(venv_dir: Path, key: str) -> None:
    if venv_dir.exists():
        _log(f"removing stale {venv_dir}")
        shutil.rmtree(venv_dir)
    log_file = venv_dir.with_name(f"{VENV_NAME}-build.log")
    log_file.write_text("", encoding="utf-8")
    started = time.monotonic()
    _log(f"building {venv_dir} (ckan {CKAN_VERSION}, scheming {SCHEMING_VERSION}, fluent)")
    _run([sys.executable, "-m", "venv", venv_dir], "python -m venv", log_file)
    python = venv_dir / "bin" / "python"
    pip: list[str | Path] = [python, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _run([*pip, "install", "--no-deps", *REQUIREMENTS], "pip install", log_file)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        _run(
            [*pip, "download", "--no-deps", "--no-build-isolation", "--no-binary", ":all:",
             "-d", work, f"ckanext-fluent=={FLUENT_VERSION}"],
            "pip download ckanext-fluent",
            log_file,
        )  # fmt: skip
        with tarfile.open(work / f"ckanext-fluent-{FLUENT_VERSION}.tar.gz") as sdist:
            sdist.extractall(work, filter="data")
        fluent = work / f"ckanext-fluent-{FLUENT_VERSION}"
        _port_fluent(fluent)
        # A copy, so that building it leaves no build/ or egg-info in the repository.
        plugin = work / "testportal"
        shutil.copytree(TESTPORTAL, plugin, ignore=shutil.ignore_patterns("*.egg-info", "build"))
        _run(
            [*pip, "install", "--no-deps", "--no-build-isolation", fluent, plugin],
            "pip install fluent, plugin",
            log_file,
        )
    _run([*pip, "check"], "pip check", log_file)
    _run([python, "-c", SMOKE_TEST], "import check", log_file)
    (venv_dir / STAMP_NAME).write_text(key + "\n", encoding="utf-8")
    _log(f"ready in {time.monotonic() - started:.1f} s: {python}")


def ensure_portal_venv(cache_dir: Path) -> Path:
    """Create (once, then reuse) ``cache_dir/portal-venv``; return its python. Safe in parallel."""
    cache_dir = Path(cache_dir).resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    venv_dir = cache_dir / VENV_NAME
    key = requirements_key()
    with (cache_dir / f"{VENV_NAME}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            stamp = venv_dir / STAMP_NAME
            fresh = stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == key
            if not fresh:
                _build(venv_dir, key)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return venv_dir / "bin" / "python"


# --- PostgreSQL -------------------------------------------------------------------------


def postgres_bindir() -> Path:
    """The newest Debian PostgreSQL server's bin folder; PortalUnavailable if none."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not found:
        raise PortalUnavailable(
            "no PostgreSQL server (/usr/lib/postgresql/*/bin/postgres): "
            "install the Debian package 'postgresql'"
        )
    return found[-1].parent


def _cluster_user() -> str | None:
    """Whom PostgreSQL runs as: itself refuses root, so root hands it to 'postgres'."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PortalUnavailable("running as root and no 'postgres' or 'nobody' user to run PostgreSQL")


@dataclass
class Postgres:
    """A running throwaway cluster: port, superuser 'ckan', no password (trust on loopback)."""

    port: int
    bindir: Path
    user: str | None

    def createdb(self, name: str) -> str:
        """Create a database; return its SQLAlchemy URL."""
        subprocess.run(
            [self.bindir / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "ckan", name],
            check=True,
            capture_output=True,
            user=self.user,
        )
        return f"postgresql://ckan@127.0.0.1:{self.port}/{name}"


@contextlib.contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """initdb a cluster in a new temporary folder, run it as a child process on 127.0.0.1,
    stop it by PID and remove the folder.

    The folder is made directly under the temporary directory, not under pytest's: as root,
    the cluster runs as another user, who cannot enter pytest's root-only folders.
    """
    bindir = postgres_bindir()
    user = _cluster_user()
    folder = Path(tempfile.mkdtemp(prefix="dcatgen-postgres-"))
    try:
        if user is not None:
            shutil.chown(folder, user)
        with _running_cluster(bindir, user, folder) as postgres:
            yield postgres
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _running_cluster(bindir: Path, user: str | None, folder: Path) -> Iterator[Postgres]:
    data, log = folder / "data", folder / "postgres.log"
    initdb = subprocess.run(
        [bindir / "initdb", "-D", data, "-U", "ckan", "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8"],
        capture_output=True,
        text=True,
        user=user,
        check=False,
    )  # fmt: skip
    if initdb.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
    port = free_port()
    # fsync off: a test cluster need not survive a power cut, and fsync is most of its I/O.
    command = [
        bindir / "postgres", "-D", data, "-p", str(port), "-k", folder,
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, user=user
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            ready = subprocess.run(
                [bindir / "pg_isready", "-h", "127.0.0.1", "-p", str(port)],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield Postgres(port, bindir, user)
    finally:
        # SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for clients to leave.
        if process.poll() is None:
            os.kill(process.pid, signal.SIGINT)
        stop(process)


# --- CKAN -------------------------------------------------------------------------------


INI_TEMPLATE = """\
[app:main]
use = egg:ckan
SECRET_KEY = {secret}
api_token.jwt.encode.secret = string:{secret}
api_token.jwt.decode.secret = string:{secret}
sqlalchemy.url = {database}
ckan.site_url = {url}
ckan.site_id = {site_id}
# No Solr can run here (see tests/portal/README.md): a port where nothing listens.
solr_url = http://127.0.0.1:9/solr/ckan
ckan.storage_path = {storage}
ckan.plugins = {plugins}
{extra}
ckan.locale_default = fi
ckan.locales_offered = fi sv en

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""

SCHEMING = f"""\
scheming.dataset_schemas = dcatgen_testportal:avoindata_dataset.json
scheming.presets = ckanext.scheming:presets.json ckanext.fluent:presets.json
licenses_group_url = file://{TESTPORTAL / "dcatgen_testportal" / "licenses.json"}"""

PROFILES = {
    # avoindata.fi's dataset field set (ckanext-scheming + ckanext-fluent).
    "avoindata": ("dcatgen_testportal scheming_datasets fluent", SCHEMING),
    # CKAN's own dataset fields, no extensions but the no-Solr one.
    "ckan": ("dcatgen_testportal", ""),
}


@dataclass
class Portal:
    """A configured CKAN: its config file, URL, and an editor token per organisation."""

    python: Path
    ini: Path
    url: str
    port: int
    tokens: dict[str, str]
    outsider_token: str
    log: Path
    process: subprocess.Popen[bytes] | None = None
    """The server, while `ckan_server` runs one."""

    def stop(self) -> None:
        """Stop the running server now (a portal going down), by its PID."""
        assert self.process is not None
        stop(self.process)


def configure_portal(
    python: Path,
    postgres: Postgres,
    folder: Path,
    profile: str,
    organisations: dict[str, str],
) -> Portal:
    """A new database and config for one CKAN; editors and tokens for the organisations."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    plugins, extra = PROFILES[profile]
    ini = folder / "ckan.ini"
    (folder / "storage").mkdir(exist_ok=True)
    ini.write_text(
        INI_TEMPLATE.format(
            secret=SECRET,
            database=postgres.createdb(f"ckan_{profile}"),
            url=url,
            site_id=f"dcatgen-test-{profile}",
            storage=folder / "storage",
            plugins=plugins,
            extra=extra,
        ),
        encoding="utf-8",
    )
    spec = folder / "organisations.json"
    spec.write_text(
        json.dumps({"organisations": [{"name": n, "title": t} for n, t in organisations.items()]}),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [python, "-I", SETUP_SCRIPT, ini, spec],
        capture_output=True,
        text=True,
        env=_clean_env(),
        check=False,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"portal_setup.py failed (exit {proc.returncode}):\n{_tail(proc.stderr)}"
        )
    answer = json.loads(proc.stdout)
    return Portal(
        python, ini, url, port, answer["tokens"], answer["outsider_token"], folder / "ckan.log"
    )


@contextlib.contextmanager
def ckan_server(portal: Portal, port: int | None = None) -> Iterator[Portal]:
    """`ckan run` (CKAN's own server) on the portal's port, or another; stopped by PID when the
    block ends.  Another port runs a second server of the same portal (same database)."""
    if port is not None:
        portal = dataclasses.replace(portal, url=f"http://127.0.0.1:{port}", port=port)
    ckan = portal.python.with_name("ckan")
    command = [
        ckan, "-c", portal.ini, "run", "-H", "127.0.0.1", "-p", str(portal.port),
        "--disable-reloader",
    ]  # fmt: skip
    with portal.log.open("ab") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=_clean_env(),
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"CKAN exited {process.returncode}:\n{_tail(portal.log.read_text())}"
                )
            with contextlib.suppress(requests.RequestException):
                status = requests.get(f"{portal.url}/api/3/action/status_show", timeout=5)
                if status.status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"CKAN not ready after {START_TIMEOUT_S} s")
            time.sleep(0.2)
        yield dataclasses.replace(portal, process=process)
    finally:
        stop(process)
