"""``python -m leadflow``: the ``leadflow`` command (see :mod:`leadflow.cli`)."""

import sys

from leadflow.cli import main

if __name__ == "__main__":
    sys.exit(main())
