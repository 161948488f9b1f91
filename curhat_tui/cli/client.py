"""`curhat client ACTION ALIAS`: a client's rights under UU PDP without the screen (each action is audited)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from curhat_tui.cli.passphrase import cli_catalogue, database_key


def client_main(argv: list[str]) -> int:
    """Show what is held about a client, export it, record withdrawn consent, or delete everything."""
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.config.settings import ConfigError, load_settings
    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.domain.i18n import Catalogue
    from curhat_tui.paths import practice_db, real_db, resolve_data_dir
    from curhat_tui.services.privacy import AmbiguousAlias, ClientNotFound, Privacy, SessionStillOpen
    from curhat_tui.storage.audit import AuditLog
    from curhat_tui.storage.database_key import KeyUnavailable
    from curhat_tui.storage.store import Store, StoreError

    parser = argparse.ArgumentParser(prog="curhat client", description="Serve a client's rights under UU PDP: see "
                                     "what is held, export it, record withdrawn consent, delete everything.")
    parser.add_argument("action", choices=("show", "export", "withdraw", "delete"))
    parser.add_argument("alias", help="the client's alias or key")
    parser.add_argument("--data-dir", metavar="DIR", help="where the database lives (also $CURHAT_DATA_DIR)")
    parser.add_argument("--key-file", metavar="PATH", help="database key file, for machines without an OS keyring")
    parser.add_argument("--practice", action="store_true", help="the practice database instead of the real one")
    parser.add_argument("--lang", choices=("id", "en"), help="language of the messages and the readable export")
    parser.add_argument("--yes", action="store_true", help="do not ask (delete: the alias need not be typed)")
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    try:
        data, settings = load_all(), load_settings(data_dir)
    except DataError as exc:
        print(f"curhat client: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"curhat client: {exc.text(cli_catalogue(args.lang))}", file=sys.stderr)
        return 2
    path = practice_db(data_dir) if args.practice else real_db(data_dir)
    t = Catalogue(data.strings, args.lang or settings.lang or "id")
    if not path.exists():
        print(t("cli.client.no_database" if args.practice else "cli.client.no_database_real", path=path),
              file=sys.stderr)
        return 1
    try:
        store = Store(path, key=database_key(data_dir, args.key_file, t))
    except (KeyUnavailable, StoreError, KeyboardInterrupt, EOFError) as exc:
        print(f"curhat client: {exc}", file=sys.stderr)
        return 1
    clock = SystemClock()
    privacy = Privacy(store, AuditLog(store, clock), clock, settings.retention)
    actor = f"{settings.name or 'Konselor'} (cli)"
    fmt = "%Y-%m-%d %H:%M"
    stamp = lambda epoch: datetime.fromtimestamp(epoch).strftime(fmt)  # noqa: E731
    try:
        client = privacy.find_client(args.alias)
        summary = privacy.summary(client)
        if args.action == "show":
            print(t("rights.client", alias=client.alias, client_key=client.key))
            w = summary.withdrawal
            print(t("rights.consent_given") if w is None else
                  t("rights.consent_withdrawn", date=stamp(w.withdrawn_at), due=stamp(w.due_at)))
            print(t("rights.counts", visits=summary.visits, sessions=len(summary.sessions),
                    open=len(summary.open_sessions)))
            for s in summary.sessions:
                mark = s.mark
                transcript = (t("rights.transcript_deleted", date=stamp(mark.transcript_at))
                              if mark and mark.transcript_at else t("rights.messages", count=s.messages))
                note = (t("rights.notes_deleted", date=stamp(mark.notes_at)) if mark and mark.notes_at
                        else t("rights.note_kept") if s.has_note else t("rights.no_note"))
                print("- " + t("rights.session", date=stamp(s.started_at), counselor=s.counselor,
                               status=t(f"rights.status.{s.status}"), transcript=transcript, note=note))
        elif args.action == "export":
            result = privacy.export(actor, client, t)
            print(t("rights.exported", json=str(result.json_path), text=str(result.text_path),
                    sessions=result.sessions, messages=result.messages))
        elif args.action == "withdraw":
            if not args.yes and input(t("rights.confirm_withdraw", alias=client.alias) + " [y/N] ").strip().lower() \
                    not in ("y", "ya", "yes"):
                return 1
            w = privacy.withdraw(actor, client)
            print(t("rights.withdrawn", alias=client.alias, date=stamp(w.withdrawn_at), due=stamp(w.due_at)))
        else:
            if not args.yes:
                print(t("rights.delete_title", alias=client.alias))
                if not sys.stdin.isatty() or input(t("rights.delete_prompt", alias=client.alias) + ": ").strip() \
                        != client.alias.strip():
                    print(t("rights.delete_mismatch"), file=sys.stderr)
                    return 1
            deleted = privacy.delete(actor, client)
            print(t("rights.deleted", alias=client.alias, sessions=deleted.counts.get("sessions", 0),
                    messages=deleted.counts.get("messages", 0), notes=deleted.counts.get("notes", 0),
                    exports=deleted.exports_removed))
            if deleted.plain_backups:
                print(t("rights.backups", paths=", ".join(map(str, deleted.plain_backups))), file=sys.stderr)
    except (ClientNotFound, AmbiguousAlias, SessionStillOpen) as exc:
        print(f"curhat client: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
