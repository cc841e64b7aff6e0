"""``python -m crosspaths.matching match ...`` is the same as ``crosspaths match ...``."""

import sys

from .cli import main

sys.exit(main())
