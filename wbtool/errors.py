"""The one exception hierarchy of wbtool.

Bad input files never raise: they become findings.  These are for the few things
that stop a command as a whole; each carries a Chinese message for the user, and
the CLI maps them all to exit code 2.
"""

from __future__ import annotations


class WbtoolError(Exception):
    """A command cannot do what was asked; ``str(error)`` says why, in Chinese."""


class Refused(WbtoolError):
    """The request itself is unsafe or malformed: outputs among the inputs, a bad batch id."""


class UnreadableInput(WbtoolError):
    """A file the user gave us (not a return) cannot be understood: an assignments list, a manifest."""


class CannotWrite(WbtoolError):
    """An output could not be written: the disk, a lock, or a writer library refusing a call."""
