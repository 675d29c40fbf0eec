"""Specter client: the legacy action protocol, MD5 keys, the Latin-1 codec, change queues,
callbacks and typed answers.

Import from the modules, not from this package: it stays empty so that importing a model
(`specter.models`, `specter.changes`, `specter.reads`) does not load the HTTP stack (the import
contracts in pyproject.toml). The client is `specter.client.SpecterClient`.
"""
