"""The ``wbtool`` command (also ``python -m wbtool``).

Light on purpose.  The commands that read returns start the readers' server first
thing, so that it boots on the second core while this process imports the CLI
rather than after it.  And multiprocessing runs the command's script again in every
reader worker: a script that imported the CLI would make the server import it too
(about 0.3 s) before it could fork the first worker.
"""

from __future__ import annotations

import sys

READING_COMMANDS = frozenset({"check", "merge", "demo", "remind"})


def main():
    if sys.argv[1:2] and sys.argv[1] in READING_COMMANDS:
        from .pool import warm_up

        warm_up()
    from .cli import main as cli

    return cli()


if __name__ == "__main__":
    sys.exit(main())
