"""Run a throwaway Synapse homeserver as a separate process for Matrix integration tests.

Synapse is AGPL, so it lives in its own virtualenv (see ``.ci/install-synapse.sh``) and is
only ever started as a child process; nothing here imports it. This module uses only the
standard library and httpx.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_NAME = "curhat.test"
STARTUP_TIMEOUT_SECONDS = 60.0

# Synapse's defaults (e.g. 10 quick messages, 5 logins per IP, 5 invites per user before a
# 5-minute wait) break tests; production needs its own, deliberately chosen values.
_GENEROUS = {"per_second": 1000, "burst_count": 10000}
TEST_RATE_LIMITS: dict[str, object] = {
    "rc_message": _GENEROUS,
    "rc_registration": _GENEROUS,
    "rc_registration_token_validity": _GENEROUS,
    "rc_login": {"address": _GENEROUS, "account": _GENEROUS, "failed_attempts": _GENEROUS},
    "rc_joins": {"local": _GENEROUS, "remote": _GENEROUS},
    "rc_joins_per_room": _GENEROUS,
    "rc_invites": {"per_room": _GENEROUS, "per_user": _GENEROUS, "per_issuer": _GENEROUS},
    "rc_third_party_invite": _GENEROUS,
    "rc_room_creation": _GENEROUS,
    "rc_admin_redaction": _GENEROUS,
    "rc_3pid_validation": _GENEROUS,
    "rc_presence": {"per_user": _GENEROUS},
    "rc_delayed_event_mgmt": _GENEROUS,
    "rc_key_requests": _GENEROUS,
    "rc_reports": _GENEROUS,
    "rc_user_directory": _GENEROUS,
    "rc_profile": _GENEROUS,
}


# The limits README.md recommends for a real service ("Run it for your service"); the loss tests run with
# exactly these (and Synapse's own defaults for everything else) after the accounts are registered.
README_RATE_LIMITS: dict[str, object] = {
    "rc_message": {"per_second": 20, "burst_count": 100},
    "rc_invites": {"per_room": {"per_second": 10, "burst_count": 100},
                   "per_user": {"per_second": 10, "burst_count": 100},
                   "per_issuer": {"per_second": 10, "burst_count": 100}},
    "rc_joins": {"local": {"per_second": 10, "burst_count": 100}},
    "rc_login": {"address": {"per_second": 1, "burst_count": 20}, "account": {"per_second": 1, "burst_count": 20}},
}


class SynapseError(RuntimeError):
    """Synapse did not start, or stopped answering."""


@functools.cache
def _can_run_synapse(python: str) -> bool:
    """Whether ``python`` has the ``synapse.app.homeserver`` module (checked without running it)."""
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('synapse.app.homeserver') is None)"
    try:
        done = subprocess.run(
            [python, "-c", probe], env=_child_env(), capture_output=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def find_synapse() -> str | None:
    """The interpreter of Synapse's own virtualenv: $CURHAT_SYNAPSE_PYTHON, else <repo>/.synapse-venv."""
    explicit = os.environ.get("CURHAT_SYNAPSE_PYTHON")
    if explicit:
        candidates = [Path(explicit)]
    else:
        venv = REPO_ROOT / ".synapse-venv"
        candidates = [venv / "bin" / "python", venv / "Scripts" / "python.exe"]
    for candidate in candidates:
        if candidate.is_file() and _can_run_synapse(str(candidate)):
            return str(candidate)
    return None


def synapse_version(python: str) -> str:
    """The installed matrix-synapse version, read from package metadata."""
    probe = "import importlib.metadata as m; print(m.version('matrix-synapse'))"
    done = subprocess.run(
        [python, "-c", probe], env=_child_env(), capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signing_key_line() -> str:
    """A fresh ed25519 signing key in Synapse's inline format: 'ed25519 <key_id> <base64 seed>'."""
    key_id = "a_" + "".join(secrets.choice(string.ascii_letters) for _ in range(4))
    seed = base64.b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
    return f"ed25519 {key_id} {seed}"


def to_yaml(value: object, indent: int = 0) -> str:
    """Block-style YAML for dicts, lists and JSON scalars (JSON scalars are valid YAML)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {json.dumps(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                nested = to_yaml(item, indent + 1).lstrip()
                lines.append(f"{pad}- {nested}")
            else:
                lines.append(f"{pad}- {json.dumps(item)}")
    else:
        lines.append(pad + json.dumps(value))
    return "\n".join(lines)


def _child_env() -> dict[str, str]:
    """Our environment without what would make another venv's interpreter load our packages."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH"):
        env.pop(name, None)
    return env


class Synapse:
    """One Synapse homeserver on 127.0.0.1 with SQLite in a data dir; restartable on the same port.

    Use as a context manager, or call ``start()`` and ``close()``.
    """

    def __init__(
        self,
        python: str | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        server_name: str = SERVER_NAME,
        startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
        extra_config: dict[str, object] | None = None,
    ) -> None:
        found = python or find_synapse()
        if found is None:
            raise SynapseError("Synapse is not installed: run .ci/install-synapse.sh")
        self.python = found
        self._owns_data_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="curhat-synapse-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.server_name = server_name
        self.startup_timeout = startup_timeout
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.registration_shared_secret = secrets.token_urlsafe(32)
        self.signing_key = signing_key_line()
        self.config_path = self.data_dir / "homeserver.yaml"
        self.log_path = self.data_dir / "homeserver.log"
        self.output_path = self.data_dir / "stdout.log"
        self.startup_seconds: float | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._write_config(extra_config or {})

    # -- configuration -----------------------------------------------------------------

    def config(self) -> dict[str, object]:
        """The homeserver.yaml contents as a dict (before ``extra_config`` is merged in)."""
        return {
            "server_name": self.server_name,
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {
                "name": "sqlite3",
                "args": {"database": str(self.data_dir / "homeserver.db")},
            },
            "log_config": str(self.data_dir / "log.config"),
            "signing_key": self.signing_key,
            "report_stats": False,
            "registration_shared_secret": self.registration_shared_secret,
            "enable_registration": False,
            "enable_media_repo": False,
            "url_preview_enabled": False,
            "trusted_key_servers": [],
            "presence": {"enabled": False},
            "bcrypt_rounds": 4,
            "caches": {"sync_response_cache_duration": 0},
            **TEST_RATE_LIMITS,
        }

    def _write_config(self, extra_config: dict[str, object]) -> None:
        log_config = {
            "version": 1,
            "formatters": {
                "precise": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
            },
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "precise",
                    "filename": str(self.log_path),
                    "encoding": "utf8",
                }
            },
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }
        (self.data_dir / "log.config").write_text(to_yaml(log_config) + "\n", encoding="utf-8")
        config = {**self.config(), **extra_config}
        self.config_path.write_text(to_yaml(config) + "\n", encoding="utf-8")

    # -- process -----------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> Synapse:
        """Start the server and wait until it answers ``/_matrix/client/versions``."""
        if self.running():
            return self
        began = time.monotonic()
        with open(self.output_path, "ab") as output:
            self._process = subprocess.Popen(
                [self.python, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self.data_dir,
                env=_child_env(),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_ready(began)
        self.startup_seconds = time.monotonic() - began
        return self

    def _wait_until_ready(self, began: float) -> None:
        deadline = began + self.startup_timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self._process is not None and self._process.poll() is not None:
                    raise SynapseError(
                        f"Synapse exited with code {self._process.returncode} while starting:\n"
                        + self.output_tail()
                    )
                try:
                    if client.get(f"{self.base_url}/_matrix/client/versions").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.kill()
        raise SynapseError(
            f"Synapse did not answer within {self.startup_timeout:.0f} s:\n" + self.output_tail()
        )

    def output_tail(self, lines: int = 40) -> str:
        """The end of Synapse's console output and log file, for error messages."""
        parts = []
        for path in (self.output_path, self.log_path):
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()
                parts.append(f"--- {path.name} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(parts)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop gracefully with SIGTERM; SIGKILL if it has not exited within ``timeout``."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        self._process = None

    def kill(self) -> None:
        """Kill with SIGKILL, as a crash would, and reap the process."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        self._process = None

    def use_rate_limits(self, limits: dict[str, object]) -> Synapse:
        """Restart with exactly these rate limits (Synapse's defaults for the rest), not the test's generous ones."""
        config = {k: v for k, v in self.config().items() if k not in TEST_RATE_LIMITS}
        self.config_path.write_text(to_yaml({**config, **limits}) + "\n", encoding="utf-8")
        return self.restart()

    def restart(self) -> Synapse:
        """Stop (if running) and start again on the same port with the same data dir."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop the server and remove the data dir if this object created it."""
        self.stop()
        if self._owns_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Synapse:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- users -------------------------------------------------------------------------

    def register(self, username: str, password: str, admin: bool = False) -> dict:
        """Create a user through the shared-secret admin API.

        Returns Synapse's answer: ``user_id``, ``access_token``, ``device_id``, ``home_server``.
        """
        url = f"{self.base_url}/_synapse/admin/v1/register"
        with httpx.Client(timeout=30.0) as client:
            nonce_response = client.get(url)
            nonce_response.raise_for_status()
            nonce = nonce_response.json()["nonce"]
            mac = hmac.new(self.registration_shared_secret.encode("utf-8"), digestmod=hashlib.sha1)
            mac.update(b"\x00".join([
                nonce.encode("utf-8"),
                username.encode("utf-8"),
                password.encode("utf-8"),
                b"admin" if admin else b"notadmin",
            ]))
            response = client.post(url, json={
                "nonce": nonce,
                "username": username,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            })
            response.raise_for_status()
            return response.json()

    def login(self, username: str, password: str, device_id: str | None = None) -> dict:
        """Log in with a password; pass ``device_id`` to reuse a stable device."""
        body: dict[str, object] = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": username},
            "password": password,
        }
        if device_id:
            body["device_id"] = device_id
        response = httpx.post(f"{self.base_url}/_matrix/client/v3/login", json=body, timeout=30.0)
        response.raise_for_status()
        return response.json()


if __name__ == "__main__":
    # Manual use: print the config and keep a server running until Ctrl-C.
    with Synapse() as server:
        print(server.config_path.read_text(), file=sys.stderr)
        print(f"Synapse {synapse_version(server.python)} at {server.base_url} "
              f"(started in {server.startup_seconds:.2f} s, data in {server.data_dir})")
        try:
            while server.running():
                time.sleep(1)
        except KeyboardInterrupt:
            pass


def synapse_with_accounts(names: tuple[str, ...], password: str, *, rate_limits: dict[str, object] | None = None,
                          admins: tuple[str, ...] = ()):
    """A running Synapse with these accounts registered (a generator for module fixtures); with `rate_limits`,
    restarted under exactly those limits once the accounts exist.

    Without Synapse the tests skip, except under CI=true, where a missing homeserver is a failure.
    """
    import pytest

    python = find_synapse()
    if python is None:
        message = "Synapse is not installed: run .ci/install-synapse.sh"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with Synapse(python) as server:
        server.accounts = {name: server.register(name, password, admin=name in admins) for name in names}
        if rate_limits is not None:
            server.use_rate_limits(rate_limits)
        yield server
