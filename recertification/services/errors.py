"""The services' person-facing error."""


class RecertificationError(Exception):
    """A person-facing reason something cannot be done yet."""
