"""`curhat llm-key`: keep the practice LLM server's API key in the OS keyring (asked for, never a flag)."""

from __future__ import annotations

import argparse
import sys


def llm_key_main(argv: list[str]) -> int:
    import getpass

    from keyring.errors import KeyringError

    from curhat_tui.channels.practice.llm_voice import chat_url, delete_key, save_key
    from curhat_tui.cli.passphrase import configured_catalogue
    from curhat_tui.config.settings import ConfigError, load_settings
    from curhat_tui.paths import resolve_data_dir
    from curhat_tui.storage.database_key import keyring_for_new_key

    parser = argparse.ArgumentParser(prog="curhat llm-key",
                                     description="Store the API key of the LLM server that voices practice clients "
                                                 "in the OS keyring. Local servers usually need none.")
    parser.add_argument("--llm-url", metavar="URL", help="the server (default: url under [llm] in config.toml)")
    parser.add_argument("--data-dir", metavar="DIR", help="where config.toml lives (also $CURHAT_DATA_DIR)")
    parser.add_argument("--delete", action="store_true", help="remove the stored key")
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    t = configured_catalogue(data_dir)
    try:
        url = args.llm_url or load_settings(data_dir).llm_url
    except ConfigError as exc:
        print(f"curhat llm-key: {exc.text(t)}", file=sys.stderr)
        return 2
    if not url:
        print(t("cli.llm_key.which"), file=sys.stderr)
        return 2
    try:
        if args.delete:
            removed = delete_key(url)
            print(t("cli.llm_key.removed" if removed else "cli.llm_key.none_stored", url=chat_url(url)))
            return 0
        keyring_for_new_key()  # never a file in the home folder (keyrings.alt would also ask, in English, for its own)
        key = getpass.getpass(t("cli.llm_key.ask", url=chat_url(url))).strip()
        if not key:
            print(t("cli.llm_key.empty"), file=sys.stderr)
            return 1
        save_key(url, key)
    except KeyringError as exc:
        print(t("cli.llm_key.no_keyring", error=exc), file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        return 1
    print(t("cli.llm_key.stored", url=chat_url(url)))
    return 0
