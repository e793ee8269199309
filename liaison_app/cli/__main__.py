"""`python -m liaison_app.cli` runs the `liaison` command."""

import sys

from liaison_app.cli import main

sys.exit(main())
