"""Entry point of the bundle's two executables, ``guichet`` and ``guichet-gui`` (the same
program; on Windows the second has no console window): the command line, which starts the
GUI when it is given no command."""

import sys

from desktop.cli import main

sys.exit(main())
