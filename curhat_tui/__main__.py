import sys

from curhat_tui.cli import main

sys.exit(main())
