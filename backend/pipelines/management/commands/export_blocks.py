"""Write the block catalogue as GET /api/v1/blocks/ serves it: the frontend tests' fixture."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from backend.blocks import all_blocks
from backend.pipelines.design.selectors import block_catalogue


def catalogue_json() -> str:
    """The catalogue of the blocks this process registers, as indented JSON with a final newline.

    The built-ins, plus the plugins named in BLOCK_PLUGINS (leave it empty for the fixture).
    """
    return json.dumps(block_catalogue(), indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    """``manage.py export_blocks [--file PATH]``; `make schema` writes the frontend's fixture,
    frontend/src/test/blocks.json, with it."""

    help = "Write the block catalogue (what GET /api/v1/blocks/ returns) as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", help="write to this path (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        text = catalogue_json()
        if options["file"] is None:
            self.stdout.write(text, ending="")
            return
        path = Path(options["file"])
        path.write_text(text, encoding="utf-8")
        self.stderr.write(f"wrote {len(all_blocks())} blocks to {path}")
