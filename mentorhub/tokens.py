"""Secret tokens for links sent by mail. Only a hash is stored, so a leaked table opens nothing."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh (token, hash) pair; the token goes in the link, the hash in the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
