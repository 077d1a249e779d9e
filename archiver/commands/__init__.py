"""Subcommands of the ``archiver`` CLI, one module each (see ``archiver.cli``)."""
