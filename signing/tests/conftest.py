from .fixtures import demo_keys, signing_on  # noqa: F401 (fixtures)
