"""LLM adapters over the official SDKs. Vendor wire formats never leave this package.

Public surface: ``ProviderConfig`` (config), ``build_chat_model`` and ``probe`` (factory). The
SDKs load only when a model is built, so importing these is cheap.
"""
