"""The error a `quietude` command raises to refuse, with a message for the user."""


class CliError(Exception):
    """A command was refused; the message is meant for the user."""
