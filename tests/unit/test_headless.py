"""The intake run headless, without a server: private files and folders (its state 0600 in 0700) and
its credentials file (refused when others could read it; from the flag or systemd's directory)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from curhat_tui.cli.intake import CredentialsError, credentials_toml, find_credentials, read_credentials
from curhat_tui.intake.service import IntakeService
from curhat_tui.storage.files import PrivateFileError, keep_private, read_private, replace_private, write_secret

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- private files -------------------------------------------------------------------------------
@posix_only
def test_replace_private_is_0600_in_a_new_0700_folder_and_narrows_an_old_file(tmp_path):
    target = tmp_path / "state" / "intake.json"
    replace_private(target, "{}")
    assert (mode(target), mode(target.parent)) == (0o600, 0o700)
    os.chmod(target, 0o644)
    replace_private(target, '{"since": "s1"}')
    assert mode(target) == 0o600 and target.read_text() == '{"since": "s1"}'
    assert [p.name for p in target.parent.iterdir()] == ["intake.json"]  # no temporary file left


@posix_only
def test_keep_private_narrows_an_open_folder_and_its_files_and_says_so(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    (folder / "intake.json").write_text("{}")
    os.chmod(folder / "intake.json", 0o644)
    notices = keep_private(folder, ["intake.json", "missing.json"])
    assert (mode(folder), mode(folder / "intake.json")) == (0o700, 0o600)
    assert len(notices) == 2 and "0755" in notices[0] and "0644" in notices[1]
    assert keep_private(folder, ["intake.json"]) == []  # already private: nothing to say


@posix_only
def test_read_private_refuses_a_secret_others_could_read(tmp_path):
    secret = tmp_path / "intake.toml"
    secret.write_text('password = "x"\n')
    os.chmod(secret, 0o644)
    with pytest.raises(PrivateFileError, match=r"mode 0644.*chmod 600 .*intake.toml"):
        read_private(secret)
    os.chmod(secret, 0o600)
    assert read_private(secret) == 'password = "x"\n'
    os.chmod(secret, 0o440)  # systemd's credential shared with the unit's user by an ACL
    assert read_private(secret, open_bits=0o007)
    with pytest.raises(PrivateFileError):
        read_private(secret)


@posix_only
def test_write_secret_never_overwrites_and_leaves_the_folder_alone(tmp_path):
    os.chmod(tmp_path, 0o755)
    written = write_secret(tmp_path / "c.toml", "a")
    assert mode(written) == 0o600 and mode(tmp_path) == 0o755
    with pytest.raises(FileExistsError):
        write_secret(written, "b")


# ---- the intake's state file ---------------------------------------------------------------------
@posix_only
def test_the_intake_state_file_is_0600_in_a_0700_folder(tmp_path, data):
    folder = tmp_path / "intake-state"
    folder.mkdir()
    os.chmod(folder, 0o755)
    state = folder / "intake.json"
    state.write_text('{"since": "s0", "clients": {}}')
    os.chmod(state, 0o644)
    (folder / "intake-purges.json").write_text("{}")  # beside it: another of the intake's files
    os.chmod(folder / "intake-purges.json", 0o644)
    service = IntakeService(None, data, state_file=state)  # type: ignore[arg-type]
    service._load()
    assert service.since == "s0"
    assert (mode(folder), mode(state), mode(folder / "intake-purges.json")) == (0o700, 0o600, 0o600)
    service.since = "s1"
    service._save()
    assert mode(state) == 0o600 and '"s1"' in state.read_text()
    fresh = IntakeService(None, data, state_file=tmp_path / "new" / "intake.json")  # type: ignore[arg-type]
    fresh._save()
    assert (mode(tmp_path / "new"), mode(tmp_path / "new" / "intake.json")) == (0o700, 0o600)


# ---- the intake's credentials file ---------------------------------------------------------------
def credentials_file(path: Path, text: str, file_mode: int = 0o600) -> Path:
    path.write_text(text)
    os.chmod(path, file_mode)
    return path


def test_a_written_credentials_file_reads_back(tmp_path):
    path = credentials_file(tmp_path / "c.toml", credentials_toml("@intake:x", 'syt_"odd\\token', "DEV1"))
    creds = read_credentials(path)
    assert (creds.user, creds.access_token, creds.device_id, creds.password) == ("@intake:x", 'syt_"odd\\token',
                                                                                "DEV1", None)


@pytest.mark.parametrize("text, message", [
    ('access_token = "a"\npassword = "b"\n', "either access_token"),
    ('user = "@intake:x"\n', "either access_token"),
    ('password = "b"\ntoken = "a"\n', "unknown key 'token'"),
    ('password = ""\n', "non-empty string"),
    ('password = b\n', "not valid TOML"),
])
def test_a_malformed_credentials_file_is_refused_by_name(tmp_path, text, message):
    path = credentials_file(tmp_path / "c.toml", text)
    with pytest.raises(CredentialsError, match=message) as caught:
        read_credentials(path)
    assert str(path) in str(caught.value)


@posix_only
def test_a_credentials_file_others_can_read_is_refused(tmp_path):
    path = credentials_file(tmp_path / "c.toml", 'password = "b"\n', 0o644)
    with pytest.raises(CredentialsError, match=r"c.toml is readable by other users \(mode 0644\).*chmod 600"):
        find_credentials(str(path), "@intake:x")


def test_credentials_come_from_the_flag_then_systemd(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    assert find_credentials(None, "@intake:x") is None  # the OS keyring, as before
    systemd = tmp_path / "creds"
    systemd.mkdir()
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(systemd))
    with pytest.raises(CredentialsError, match="no credential named curhat-intake.*LoadCredential=curhat-intake"):
        find_credentials(None, "@intake:x")
    credentials_file(systemd / "curhat-intake", 'user = "@intake:x"\npassword = "b"\n', 0o400)
    creds = find_credentials(None, "@intake:x")
    assert creds is not None and creds.password == "b" and creds.source.startswith("systemd credential")
    with pytest.raises(CredentialsError, match="login of @intake:x, not of @other:x"):
        find_credentials(None, "@other:x")
    flag = credentials_file(tmp_path / "flag.toml", 'access_token = "t"\n')
    assert find_credentials(str(flag), "@intake:x").access_token == "t"  # type: ignore[union-attr]
