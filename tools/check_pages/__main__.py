import sys

from tools.check_pages.run import main

sys.exit(main())
