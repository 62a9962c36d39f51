"""Command line for the directory: `python -m directory <command>`.

migrate                 bring the database schema up to date (Alembic)
seed                    load the fictional Calderbrook sample data (idempotent)
export [FILE]           write the directory as HSDS 3.0 JSON (stdout if no FILE)
import FILE             load an HSDS 3.0 JSON file (validated first; idempotent)
translations --missing  list directory records and bot texts with no text in a language
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def migrate(database_url: str | None = None) -> None:
    """Upgrade the database at `database_url` (default: settings) to the newest revision."""
    from alembic import command
    from alembic.config import Config

    from directory.core.config import REPO_ROOT

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "directory" / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    command.upgrade(config, "head")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m directory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the schema")
    seed_parser = commands.add_parser("seed", help="load the fictional sample data")
    seed_parser.add_argument(
        "--if-empty",
        action="store_true",
        help="load the sample directory only into an empty directory (keeps staff edits)",
    )
    export = commands.add_parser("export", help="write HSDS 3.0 JSON")
    export.add_argument("file", nargs="?", type=Path)
    load = commands.add_parser("import", help="load HSDS 3.0 JSON")
    load.add_argument("file", type=Path)
    texts = commands.add_parser("translations", help="what is not translated yet")
    texts.add_argument("--missing", action="store_true", help="list each missing text")
    texts.add_argument("--language", action="append", help="only this language (repeatable)")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        migrate()
        return 0
    if args.command == "seed":
        from sqlalchemy import func, select

        from directory.content import seed_content
        from directory.core.db import get_sessionmaker
        from directory.models import Service
        from directory.sample_data import seed

        with get_sessionmaker()() as session:
            has_services = bool(session.scalar(select(func.count()).select_from(Service)))
        if args.if_empty and has_services:
            print("The directory already has services: sample data not loaded (staff edits kept)")
        else:
            print(seed())
        with get_sessionmaker()() as session:
            print(f"Seeded {seed_content(session)} content texts (staff edits kept)")
        return 0
    if args.command == "export":
        from directory.hsds import export_to_file

        export_to_file(args.file)
        return 0
    if args.command == "import":
        from directory.hsds import import_cli

        return import_cli(args.file)
    if args.command == "translations":
        return translations_cli(args.language, details=args.missing)
    return 2


def translations_cli(languages: list[str] | None, *, details: bool) -> int:
    """Print per-language counts of missing translations (and, with details, each one)."""
    from directory.core.db import get_sessionmaker
    from directory.translations import LANGUAGES, missing

    unknown = sorted(set(languages or ()) - set(LANGUAGES))
    if unknown:
        print(f"Unknown language {', '.join(unknown)}: use {', '.join(LANGUAGES)}")
        return 2
    with get_sessionmaker()() as session:
        report = missing(session, languages or LANGUAGES)
    print(report.format(details=details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
