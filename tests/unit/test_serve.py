"""`curhat serve` guards its address: textual-serve asks nobody who they are, so anything but loopback is
refused unless the supervisor says, with the flag, that they accept it; the refusal says why and how to come
in through an SSH tunnel instead. The served command never carries the key itself."""

from __future__ import annotations

import socket

import pytest

from curhat_tui import cli
from curhat_tui.cli.args import PUBLIC_FLAG
from curhat_tui.cli.serve import is_loopback, served_command


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("10.0.0.1", False),
    ("supervisor.example.org", False), ("127.0.0.1.nip.io", False), ("", False),
])
def test_only_loopback_addresses_count_as_this_machine(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("lang", "words"), [
    ("id", ("bukan alamat loopback", "tidak punya autentikasi", "ssh -L 8123:127.0.0.1:8123 host-supervisor")),
    ("en", ("not a loopback address", "has no authentication", "ssh -L 8123:127.0.0.1:8123 supervisor-host")),
])
def test_a_non_loopback_address_without_the_flag_is_refused_with_the_reason(tmp_path, capsys, lang, words):
    rc = cli.main(["serve", "--host", "0.0.0.0", "--port", "8123", "--lang", lang, "--data-dir", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert rc == 2
    assert all(w in err for w in words) and PUBLIC_FLAG in err, err
    assert not (tmp_path / "d").exists()  # refused before any key or database is touched
    with socket.socket() as s:  # and nothing listens
        assert s.connect_ex(("127.0.0.1", 8123)) != 0


def test_a_bad_port_is_refused_by_the_command_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", "--port", "70000", "--data-dir", str(tmp_path)])
    assert exit_.value.code == 2 and "not a TCP port" in capsys.readouterr().err


def test_the_served_command_is_a_supervisor_on_the_same_data_dir_naming_only_the_key_files_path(tmp_path):
    command = served_command(tmp_path / "data dir", lang="en", name="Sari W", key_file="/run/user/1/curhat-serve-x/key")
    assert "--role supervisor" in command and "--lang en" in command
    assert f"--data-dir '{tmp_path / 'data dir'}'" in command and "--name 'Sari W'" in command
    assert command.endswith("--key-file /run/user/1/curhat-serve-x/key")
    assert "--key-file" not in served_command(tmp_path, lang=None, name=None, key_file="")  # the keyring's own
