"""`python -m media.quality analyze PATH... [--json]` (see `cli.py`)."""

from media.quality.cli import main

raise SystemExit(main())
