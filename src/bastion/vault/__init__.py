"""Encrypted secrets: AES-256-GCM per secret, master key from env, OS keyring or key file."""

from bastion.vault.master_key import KeySource, MasterKey, resolve_master_key
from bastion.vault.vault import SecretInfo, Vault

__all__ = ["KeySource", "MasterKey", "SecretInfo", "Vault", "resolve_master_key"]
