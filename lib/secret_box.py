# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Encryption of connector secrets at rest (Fernet: AES-128-CBC + HMAC)."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "SecretBox", "derive_key"]


def derive_key(material):
    """A Fernet key from arbitrary secret text (the fallback key source)."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"construction_connector.secret_box",
        info=b"connector secrets v1",
        backend=default_backend(),
    )
    return base64.urlsafe_b64encode(hkdf.derive(material.encode()))


class SecretBox:
    def __init__(self, key):
        self._fernet = Fernet(key)

    def seal(self, secret):
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, token):
        return self._fernet.decrypt(token.encode()).decode()
