"""``python -m inkwell``: the same as the ``inkwell`` command."""

import sys

from inkwell.cli import main

sys.exit(main())
