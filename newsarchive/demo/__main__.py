"""`python -m newsarchive.demo [--port N]`: serve the demo site (prints its URL first)."""

from newsarchive.demo.server import main

main()
