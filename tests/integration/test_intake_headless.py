"""The intake as a headless service, on a real Synapse: the real `curhat intake` command runs from a credentials
file or systemd's $CREDENTIALS_DIRECTORY with no keyring backend at all, stops cleanly on SIGINT and SIGTERM, and
keeps its state 0600 in a 0700 folder; a workstation without a keyring keeps its login in the encrypted database."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY
from tests.support.synapse import synapse_with_accounts

PASSWORD = "rahasia-uji-123"
NO_KEYRING = "keyring.backends.fail.Keyring"  # every keyring call fails: the test proves none is made
START_TIMEOUT = 60.0
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and signals are POSIX")


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "budi"), PASSWORD)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CREDENTIALS_DIRECTORY", "CURHAT_DATA_DIR")}
    env["PYTHON_KEYRING_BACKEND"] = NO_KEYRING
    env["PYTHONFAULTHANDLER"] = "1"  # a child that hangs and is aborted says where
    env.update(extra)
    return env


def intake_args(hs, data_dir: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "curhat_tui", "intake", "--homeserver", hs.base_url,
            "--user", hs.accounts["intake"]["user_id"], "--data-dir", str(data_dir), *more]


class Intake:
    """`curhat intake` as a child process, its stderr in a file read while it runs."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.output = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=self.output,
                                        stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, *needles: str, timeout: float = START_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if all(n in text for n in needles):
                return text
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop(signal.SIGKILL)
        raise AssertionError(f"the intake never said {needles!r}; it said:\n{self.text()}")

    def stop(self, how: int = signal.SIGINT, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(how)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:  # hung: have it print every thread's stack (PYTHONFAULTHANDLER), then kill
            self.process.send_signal(signal.SIGABRT)
            try:
                code = self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait(10)
        self.output.close()
        return code


def rooms_saved(state: Path, timeout: float = START_TIMEOUT) -> None:
    """Until the intake's state file records its staff rooms (written once they are set up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if '"queue_room": "!' in (state / "intake.json").read_text():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("the intake never saved its staff rooms")


def device_of(text: str) -> str:
    found = re.search(r"running as \S+ \(device (\S+),", text)
    assert found, text
    return found.group(1)


@posix_only
def test_intake_runs_from_a_written_credentials_file_with_no_keyring_at_all(hs, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    os.chmod(state, 0o755)  # as a careless operator left it: tightened at start
    creds = tmp_path / "intake.toml"
    written = subprocess.run(intake_args(hs, state, "--write-credentials", str(creds)), env=child_env(),
                             input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    assert written.returncode == 0, written.stderr
    assert "was open to other users (mode 0755); it is now 0700" in written.stderr
    assert mode(creds) == 0o600 and "access_token" in creds.read_text() and PASSWORD not in creds.read_text()
    again = subprocess.run(intake_args(hs, state, "--write-credentials", str(creds)), env=child_env(),
                           input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "never overwritten" in again.stderr

    intake = Intake(intake_args(hs, state, "--credentials", str(creds), "--counselor", hs.accounts["ani"]["user_id"]),
                    child_env(), tmp_path / "intake.log")
    intake.wait_for("running as @intake:curhat.test", f"login from {creds}", "made a new closed queue room")
    rooms_saved(state)
    assert intake.stop(signal.SIGINT) == 0, intake.text()
    assert "Traceback" not in intake.text() and "keyring" not in intake.text().lower()
    assert "Unclosed" not in intake.text(), intake.text()  # its HTTP sessions closed on the way out
    assert mode(state) == 0o700
    files = sorted(p.name for p in state.iterdir())
    assert "intake.json" in files and "intake-device.json" in files
    for name in files:  # its files 0600, its end-to-end encryption store a 0700 folder
        assert mode(state / name) == (0o700 if (state / name).is_dir() else 0o600), name


@posix_only
def test_intake_logs_in_with_a_password_from_systemd_on_one_stable_device(hs, tmp_path):
    systemd = tmp_path / "credentials"
    systemd.mkdir()
    credential = systemd / "curhat-intake"
    credential.write_text(f'user = "{hs.accounts["intake"]["user_id"]}"\npassword = "{PASSWORD}"\n')
    os.chmod(credential, 0o400)  # as systemd leaves it
    state = tmp_path / "state"
    args = intake_args(hs, state, "--counselor", hs.accounts["ani"]["user_id"])
    env = child_env(CREDENTIALS_DIRECTORY=str(systemd))
    first = Intake(args, env, tmp_path / "first.log")
    text = first.wait_for(f"login from systemd credential {credential}", "made a new closed queue room")
    device = device_of(text)
    rooms_saved(state)
    assert first.stop(signal.SIGTERM) == 0, first.text()  # how systemd stops a unit
    assert mode(state) == 0o700 and mode(state / "intake-device.json") == 0o600
    assert device in (state / "intake-device.json").read_text()

    second = Intake(args, env, tmp_path / "second.log")
    assert device_of(second.wait_for("running as")) == device  # the same device after a restart
    assert second.stop(signal.SIGTERM) == 0, second.text()
    assert "Traceback" not in first.text() + second.text()


@posix_only
def test_a_credentials_file_others_can_read_is_refused_before_any_login(hs, tmp_path):
    creds = tmp_path / "intake.toml"
    creds.write_text(f'password = "{PASSWORD}"\n')
    os.chmod(creds, 0o644)
    refused = subprocess.run(intake_args(hs, tmp_path / "state", "--credentials", str(creds), "--counselor",
                                         hs.accounts["ani"]["user_id"]),
                             env=child_env(), capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert f"{creds} is readable by other users (mode 0644)" in refused.stderr
    assert f"chmod 600 {creds}" in refused.stderr and "running as" not in refused.stderr


@posix_only
def test_a_stale_token_in_the_credentials_file_says_how_to_write_a_new_one(hs, tmp_path):
    creds = tmp_path / "intake.toml"
    creds.write_text('access_token = "syt_not_a_real_token"\n')
    os.chmod(creds, 0o600)
    refused = subprocess.run(intake_args(hs, tmp_path / "state", "--credentials", str(creds), "--counselor",
                                         hs.accounts["ani"]["user_id"]),
                             env=child_env(), capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert f"{creds}: the homeserver no longer accepts this access token" in refused.stderr
    assert "--write-credentials" in refused.stderr


async def test_a_workstation_without_a_keyring_keeps_its_login_in_the_encrypted_database(hs, tmp_path):
    import keyring
    from keyring.backends import fail

    from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
    from curhat_tui.channels.matrix.login import LoginError, connect, database_tokens, logout, saved

    keyring.set_keyring(fail.Keyring())  # conftest restores its memory keyring afterwards
    user = hs.accounts["budi"]["user_id"]
    with pytest.raises(LoginError, match="no usable OS keyring"):
        await connect(hs.base_url, user, lambda: PASSWORD)
    tokens = database_tokens(tmp_path, TEST_KEY)
    api = await connect(hs.base_url, user, lambda: PASSWORD, fallback=tokens)
    first = saved(hs.base_url, user, tokens)
    assert first == {"access_token": api.access_token, "device_id": api.device_id}
    await api.close()

    def no_prompt() -> str:
        raise AssertionError("the saved token should have been used")

    again = await connect(hs.base_url, user, no_prompt, fallback=tokens)
    assert (again.user_id, again.device_id) == (user, first["device_id"])
    await again.close()
    assert await logout(hs.base_url, user, tokens)
    assert saved(hs.base_url, user, tokens) == {}
    stale = MatrixAPI(hs.base_url, first["access_token"])
    with pytest.raises(MatrixError):
        await stale.whoami()
    await stale.close()
