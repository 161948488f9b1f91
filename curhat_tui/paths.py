"""Every file and folder name curhat-tui uses, in one place; computed lazily, nothing touched at import time.

The data dir comes from `--data-dir`, else `$CURHAT_DATA_DIR`, else the platform's user data folder.
Practice and real sessions never share a database; whether a store holds practice sessions is recorded
inside the database itself (storage.schema), not guessed from these names.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "curhat-tui"
KEYRING_SERVICE = APP_NAME  # the OS keyring's service name for every secret the app keeps
ENV_DATA_DIR = "CURHAT_DATA_DIR"
ENV_CACHE_DIR = "CURHAT_CACHE_DIR"  # where parsed data files are kept (default: the platform's user cache folder)

PRACTICE_DB = "practice.db"  # simulated clients and trainees' sessions
REAL_DB = "curhat.db"  # real clients
CONFIG_FILE = "config.toml"
INTAKE_STATE = "intake.json"  # the intake service's rooms and answers in progress
INTAKE_DEVICE = "intake-device.json"  # the intake account's stable device id, beside its state
INTAKE_CRYPTO = "intake-crypto"  # the intake's end-to-end encryption store (0700), beside its state
INTAKE_CRYPTO_KEY = "intake-crypto.key"  # the random key its Olm pickles are encrypted with (0600)
CRYPTO_DIR = "crypto"  # a workstation's end-to-end encryption store (0700), beside its database
INTAKE_CREDENTIAL = "curhat-intake"  # the intake's credentials in systemd's $CREDENTIALS_DIRECTORY
ENV_CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY"  # set by systemd for a unit with LoadCredential=
EXPORTS = "exports"  # session and client-rights exports of real sessions
PRACTICE_EXPORTS = "practice-exports"
PRACTICE_REPORTS = "practice-reports"  # trainees' feedback reports


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The platform's user cache folder: only things rebuilt from files when missing (parsed data files)."""
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def resolve_data_dir(flag: str | None) -> Path:
    """--data-dir, else $CURHAT_DATA_DIR, else the platform's user data folder."""
    if flag:
        return Path(flag).expanduser()
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser()
    return default_data_dir()


def practice_db(data_dir: Path) -> Path:
    return Path(data_dir) / PRACTICE_DB


def real_db(data_dir: Path) -> Path:
    return Path(data_dir) / REAL_DB


def config_file(data_dir: Path) -> Path:
    return Path(data_dir) / CONFIG_FILE


def crypto_dir(data_dir: Path) -> Path:
    return data_dir / CRYPTO_DIR


def intake_crypto(data_dir: Path) -> tuple[Path, Path]:
    """The intake's end-to-end encryption store folder and the file with its pickle key."""
    return data_dir / INTAKE_CRYPTO, data_dir / INTAKE_CRYPTO_KEY


def intake_state(data_dir: Path) -> Path:
    return Path(data_dir) / INTAKE_STATE


def intake_device(data_dir: Path) -> Path:
    return Path(data_dir) / INTAKE_DEVICE


def systemd_credential(name: str = INTAKE_CREDENTIAL) -> Path | None:
    """The credential `name` in systemd's $CREDENTIALS_DIRECTORY, or None when systemd passed none."""
    directory = os.environ.get(ENV_CREDENTIALS_DIRECTORY)
    return Path(directory) / name if directory else None


def exports_dir(data_dir: Path, practice: bool = False) -> Path:
    return Path(data_dir) / (PRACTICE_EXPORTS if practice else EXPORTS)


def practice_reports_dir(data_dir: Path) -> Path:
    return Path(data_dir) / PRACTICE_REPORTS
