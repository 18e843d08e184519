"""The product's own reference data (JSON files beside this module), read by
``skreddersy.core.reference`` with ``importlib.resources``. See README.md for each file's source."""
