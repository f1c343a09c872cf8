"""Former name of ``constructs_lib.value_rules`` (the pure value rules), kept so existing imports keep working.

New code imports ``constructs_lib.value_rules``; this module re-exports its public names and holds nothing else.
"""

from .value_rules import *  # noqa: F403 - the public names of the renamed module, unchanged
