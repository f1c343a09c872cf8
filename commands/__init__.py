"""The platform app's commands, one module each; ``main.py`` is the entry point that dispatches to them.

``common`` (parsers, selection helpers, exit codes, help text), ``synth`` (the default command),
``credentials`` (what a deploy or plan lacks), ``placeholders``, ``deploy``, ``plan`` and ``promote``.
Nothing here imports cdktf or a provider package at module level: configuration is validated first,
so bad input fails in well under a second (``tests/stacks/test_main.py``).
"""
