import sys

from harm.cli import main

sys.exit(main())
