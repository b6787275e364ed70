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
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell shows for a command stopped by Ctrl-C


def main():
    try:
        if sys.argv[1:2] and sys.argv[1] in READING_COMMANDS:
            from .pool import warm_up

            warm_up()
        from .cli import main as cli

        return cli()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _leave()
        raise
    except KeyboardInterrupt:
        # Ctrl-C while modules load, before the command's own handler is in place:
        # one Chinese line, its own exit code; outputs are written atomically.
        try:
            sys.stderr.write("\n已中止。\n")
        except Exception:
            pass
        _leave()


def _leave() -> None:
    """Exit 130 now.  Interpreter shutdown after a Ctrl-C (joining the readers, a
    second KeyboardInterrupt in a finaliser) can turn it into a traceback or a death
    by SIGINT; the outputs are already safe (atomic), the children watch this process."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
