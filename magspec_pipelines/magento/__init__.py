"""Magento 2 REST client: auth, store scopes, searchCriteria, paging, batched and bulk writes,
errors.

Import from the modules, not from this package: it stays empty so that importing a model
(`magento.models`) does not load the HTTP stack (the import contracts in pyproject.toml).
The client is `magento.client.MagentoClient`; its vocabulary is in `models`, `errors`,
`search`, `paging`, `rest`, `auth` and `oauth`.
"""
