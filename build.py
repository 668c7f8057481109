"""Build, check and serve the briefing site: python build.py --help."""

import sys

from sitegen.commands.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
