"""``python -m db upgrade`` — applies the migrations to ``DATABASE_URL`` (the explicit production step)."""

from __future__ import annotations

import argparse

from db.database import Database
from settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__)
    parser.add_argument("command", choices=["upgrade"])
    parser.add_argument("--revision", default="head")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    Database(settings.resolved_database_url).migrate(args.revision)
    print("The database is up to date.")


if __name__ == "__main__":
    main()
