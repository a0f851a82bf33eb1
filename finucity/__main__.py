"""Command line: `python -m finucity create-user|migrate|check-config|seed-demo|import-legacy`.

`create-user --admin` is the only way to make an administrator outside the
admin page, so the first admin of a fresh install is made here.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from finucity import db
from finucity.config import get_settings
from finucity.services import accounts
from finucity.services.context import Actor
from finucity.services.errors import ServiceError


def _create_user(args: argparse.Namespace) -> int:
    password = args.password
    if password is None:
        password = getpass.getpass("Password (10+ characters): ")

    async def run():
        try:
            user = await accounts.create_user(
                Actor(channel="cli"), email=args.email, password=password, full_name=args.name, admin=args.admin
            )
        finally:
            await db.dispose()
        return user

    try:
        user = asyncio.run(run())
    except ServiceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(f"Created {user.role} {user.email} ({user.id})")
    return 0


def _migrate(_: argparse.Namespace) -> int:
    db.upgrade()
    print("Database is up to date.")
    return 0


def _seed_demo(args: argparse.Namespace) -> int:
    from finucity.services.demo import seed

    def progress(done: int, total: int) -> None:
        print(f"\r  {done:,} / {total:,} conversations", end="", flush=True)

    async def run():
        try:
            return await seed.seed_demo(
                users=args.users,
                conversations=args.conversations,
                messages_per=args.messages_per,
                seed=args.seed,
                progress=progress if sys.stdout.isatty() else None,
            )
        finally:
            await db.dispose()

    try:
        report = asyncio.run(run())
    except ServiceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if sys.stdout.isatty():
        print()
    rate = report.conversations / report.seconds if report.seconds else 0
    print(
        f"Added {report.users:,} users, {report.conversations:,} conversations, {report.messages:,} messages "
        f"and {report.feedback:,} ratings in {report.seconds:.1f} s ({rate:,.0f} conversations/s)."
    )
    if report.admin_password:
        print(f"Demo admin: {report.admin_email} / password {report.admin_password} (shown once)")
    else:
        print(f"Demo admin: {report.admin_email} (already there; password unchanged)")
    return 0


def _check_config(_: argparse.Namespace) -> int:
    settings = get_settings()  # raises with a clear message when invalid
    mode = "offline assistant" if settings.offline_mode else f"{settings.ai_model} at {settings.ai_base_url}"
    print(
        f"ENV={settings.env} database={settings.sync_database_url.split('@')[-1]} "
        f"redis={'on' if settings.redis_url else 'off'} ai={mode}"
    )
    return 0


def _import_legacy(args: argparse.Namespace) -> int:
    from finucity.services import legacy_import, password_resets

    def progress(what: str, count: int) -> None:
        print(f"\r  {count:,} {what}", end="", flush=True)

    async def run():
        try:
            report = await legacy_import.import_legacy(
                args.from_url, batch=args.batch, progress=progress if sys.stdout.isatty() else None
            )
            links = []
            if not args.no_links:
                for user_id in report.new_users:
                    user = await accounts.get_user(user_id)
                    link = await password_resets.issue_reset_link(
                        Actor(channel="cli"), user_id, base_url=args.base_url, days=args.link_days
                    )
                    links.append((user.email, link))
            return report, links
        finally:
            await db.dispose()

    try:
        report, links = asyncio.run(run())
    except ServiceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if sys.stdout.isatty():
        print()
    print(
        f"Imported {report.users_created:,} new users (and linked {report.users_linked:,} who already had an "
        f"account), {report.conversations:,} conversations and {report.questions:,} questions with their answers."
    )
    print(f"Already imported before, left alone: {report.already_imported:,} rows.")
    for reason, count in sorted(report.skipped.items()):
        print(f"Skipped {count:,}: {reason}.")
    if report.old_admins:
        print("Admins in the old site (imported as users; make them admins again if they still are):")
        for email in report.old_admins:
            print(f"  {email}")
    if links:
        print(f"Password links for the new users, valid {args.link_days} days (send each to its owner only):")
        for email, link in links:
            print(f"  {email}\t{link}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m finucity", description="Finucity Chat administration")
    commands = parser.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create-user", help="create a user (or, with --admin, an administrator)")
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="omit to be asked without echo")
    create.add_argument("--name", required=True, help="full name")
    create.add_argument("--admin", action="store_true", help="give the administrator role")
    create.set_defaults(handler=_create_user)

    migrate = commands.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    migrate.set_defaults(handler=_migrate)

    demo = commands.add_parser("seed-demo", help="add realistic demo users and conversations (run it again for more)")
    demo.add_argument("--users", type=int, required=True, help="demo users to add")
    demo.add_argument("--conversations", type=int, required=True, help="conversations to add, shared among them")
    demo.add_argument("--messages-per", default="2-12", help="messages per conversation, a range (default 2-12)")
    demo.add_argument("--seed", type=int, help="the same seed makes the same texts and shapes")
    demo.set_defaults(handler=_seed_demo)

    legacy = commands.add_parser(
        "import-legacy", help="import users and chats from the Flask version's database (safe to run again)"
    )
    legacy.add_argument("--from-url", required=True, help="the old PostgreSQL database, postgresql://...")
    legacy.add_argument("--base-url", default="http://localhost:3000", help="this site's address, for reset links")
    legacy.add_argument("--link-days", type=int, default=14, help="days a password link stays valid (default 14)")
    legacy.add_argument("--no-links", action="store_true", help="print no password links (Supabase Auth users)")
    legacy.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")
    legacy.set_defaults(handler=_import_legacy)

    check = commands.add_parser("check-config", help="validate settings and print a summary (no secrets)")
    check.set_defaults(handler=_check_config)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
