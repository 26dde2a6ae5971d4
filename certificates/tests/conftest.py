from signing.tests.fixtures import demo_keys, signing_on  # noqa: F401 (fixtures: signing on, a demo key)
