"""`python -m app` runs the `leadlens` command line."""

from app.cli import main

main()
