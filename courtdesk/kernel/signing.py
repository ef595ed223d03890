"""Signed audit entries (签名留痕): who wrote an entry, not only in which order.

A hash chain proves order; anyone who can write the database file can append a well-formed entry
naming someone else. Here every entry is signed with an Ed25519 key:

- **A person's key.** Each account has a key pair (``signing_key``, an audited table). The private key
  is stored encrypted (AES-GCM) under a key-wrapping key that comes from the *same* argon2id
  computation that checks the password (:mod:`courtdesk.kernel.people`: 64 bytes of output, the first
  half stored as the verifier, the second half never stored), so login pays for one hash. Unwrapped,
  the private key lives only in this process's memory (:data:`_keyring`, by public key).
- **The installation key.** Work with no person (migrations, the daily checkpoint, demo and bulk
  filling, counting a failed login) is signed by a key created at ``init``. Its private key is in the
  database: it proves an entry was made by this installation's software, not by whom.
- **What is signed.** One signature per flush of the audit writer (one per write, as a rule): the
  signature over the *last* entry's hash (:func:`message`), which covers that entry's canonical bytes
  and its previous entry's hash, and so every entry of the flush. Each entry of the flush carries it
  (same ``key_id``, same ``signature``); :func:`courtdesk.kernel.audit.verify` checks each signature
  once, against the last entry carrying it. This keeps verification at tens of thousands of entries a
  second (one Ed25519 verification is ~0.15 ms) while every entry is covered.
- **Which key may sign for whom.** A person's key is in force from the audit entry that created it
  (exclusive) up to the entry that created the next key of that person (inclusive). An entry naming a
  person must be signed by the key in force; before the person had any key, by the installation key.
  An entry naming nobody must be signed by the installation key. A key's change is always the last flush of
  its write (:func:`rekey`), signed still by the key it replaces.
"""

from __future__ import annotations

import hashlib
import os
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, inspect, or_, select

from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.base import table_of
from courtdesk.kernel.models.infra import SigningKey

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from sqlalchemy.orm import Session

LEGACY_NOTE = "签名前的留痕"
INSTALLATION = "本机安装密钥"
_DOMAIN = b"courtdesk-audit-signature/1\n"
_WRAP_AAD = b"courtdesk-user-key/1\n"
_key = table_of(SigningKey)
_SIGNER_INFO = "courtdesk_signers"  # conn.info: the signers of this transaction, by user id
_DEFER_INFO = "courtdesk_unsigned"  # conn.info: runs of entries this write has still to sign

#: Private keys unlocked in this process, by public key (hex). Filled at login (and by the demo, which
#: knows its people's password); never written anywhere.
_keyring: dict[str, Ed25519PrivateKey] = {}
#: Engines whose database has the signing tables (only positive answers are remembered).
_ready: weakref.WeakSet[Any] = weakref.WeakSet()


def preload() -> None:
    """Import the cryptography modules now (~30 ms), not at the first login or write."""
    from cryptography import exceptions  # noqa: F401
    from cryptography.hazmat.primitives import serialization  # noqa: F401
    from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: F401
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: F401


def _ed() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return ed25519


def public_hex(private: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _private_bytes(private: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def new_private() -> Ed25519PrivateKey:
    return _ed().Ed25519PrivateKey.generate()  # type: ignore[no-any-return]


def message(entry_hash: str) -> bytes:
    """The bytes a signature covers: the entry's hash (sha256 of the previous entry's hash and the
    entry's canonical fields), under a domain prefix."""
    return _DOMAIN + bytes.fromhex(entry_hash)


def sign(private: Ed25519PrivateKey, entry_hash: str) -> str:
    return private.sign(message(entry_hash)).hex()  # type: ignore[no-any-return]


def load_public(hex_key: str) -> Ed25519PublicKey:
    return _ed().Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_key))  # type: ignore[no-any-return]


def check(public: Ed25519PublicKey, signature: str, entry_hash: str) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public.verify(bytes.fromhex(signature), message(entry_hash))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# --- wrapping a person's private key under their password ------------------------------------------

def wrap(wrap_key: bytes, private: Ed25519PrivateKey) -> str:
    """The private key encrypted under ``wrap_key`` (AES-256-GCM, the public key as associated data)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(wrap_key).encrypt(nonce, _private_bytes(private), _WRAP_AAD + public_hex(private).encode())
    return (nonce + sealed).hex()


def unwrap(wrap_key: bytes, secret: str, public_key: str) -> Ed25519PrivateKey | None:
    """The private key, or None when ``wrap_key`` does not open it (or it does not match ``public_key``)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = bytes.fromhex(secret)
        opened = AESGCM(wrap_key).decrypt(raw[:12], raw[12:], _WRAP_AAD + public_key.encode())
        private = _ed().Ed25519PrivateKey.from_private_bytes(opened)
    except (InvalidTag, ValueError, TypeError):
        return None
    return private if public_hex(private) == public_key else None  # type: ignore[no-any-return]


def remember(private: Ed25519PrivateKey) -> str:
    """Keep an unlocked private key in this process's memory; returns its public key."""
    pub = public_hex(private)
    _keyring[pub] = private
    return pub


def forget(public_key: str) -> None:
    _keyring.pop(public_key, None)


def forget_person(conn_or_session: Any, user_id: int) -> int:
    """Drop every unlocked key of ``user_id`` from this process (at logout: the next person at this
    workstation cannot sign as them); how many were held."""
    conn = conn_or_session.connection() if hasattr(conn_or_session, "connection") else conn_or_session
    if not ready(conn):
        return 0
    held = [pub for pub in conn.execute(select(_key.c.public_key).where(_key.c.user_id == user_id)).scalars()
            if pub in _keyring]
    for pub in held:
        forget(pub)
    return len(held)


# --- the signer of a write -------------------------------------------------------------------------

@dataclass(frozen=True)
class Signer:
    key_id: int
    private: Ed25519PrivateKey


def ready(conn: Connection) -> bool:
    """Whether the database has the signing tables (an older schema, mid-upgrade, has not)."""
    engine = conn.engine
    if engine in _ready:
        return True
    if inspect(conn).has_table(_key.name):
        _ready.add(engine)
        return True
    return False


def reset(conn: Connection) -> None:
    """Forget the signers chosen on this connection (each write chooses afresh) and any signing
    deferred on it."""
    reset_info(conn.info)


def reset_info(info: dict[Any, Any]) -> None:
    info.pop(_SIGNER_INFO, None)
    info.pop(_DEFER_INFO, None)


def begin_write(conn: Connection) -> None:
    """From now until :func:`seal`, entries written on ``conn`` are signed once, at the end."""
    reset(conn)
    conn.info[_DEFER_INFO] = []


def deferred(conn: Connection) -> bool:
    return _DEFER_INFO in conn.info


def defer(conn: Connection, signer: Signer, first_id: int, last_id: int, last_hash: str) -> None:
    """Entries ``first_id``..``last_id`` (the last one's hash ``last_hash``) await ``signer``'s signature."""
    segments: list[list[Any]] = conn.info[_DEFER_INFO]
    if segments and segments[-1][0] is signer and segments[-1][2] == first_id - 1:
        segments[-1][2:] = [last_id, last_hash]
    else:
        segments.append([signer, first_id, last_id, last_hash])


def seal(conn: Connection) -> None:
    """Sign what this write appended: one signature per signer's run of entries (as a rule one for
    the whole write), over its last entry's hash, written into each entry of the run."""
    from sqlalchemy import update

    from courtdesk.kernel.models.infra import AuditEntry

    entry = table_of(AuditEntry)
    segments: list[list[Any]] = conn.info.pop(_DEFER_INFO, None) or []
    for signer, first_id, last_id, last_hash in segments:
        conn.execute(update(entry).where(entry.c.id >= first_id, entry.c.id <= last_id)
                     .values(key_id=signer.key_id, signature=sign(signer.private, last_hash)))


def signer_for(conn: Connection, user_id: int | None, user_name: str = "") -> Signer | None:
    """The key that signs what ``user_id`` writes in this transaction: the person's own key in force
    (refused when it is not unlocked in this process), else the installation key. Chosen once per
    transaction, so a key changed inside a write does not sign that write. None: no signing tables yet."""
    chosen: dict[int | None, Signer] = conn.info.setdefault(_SIGNER_INFO, {})
    if user_id in chosen:
        return chosen[user_id]
    if not ready(conn):
        return None
    rows = conn.execute(
        select(_key.c.id, _key.c.user_id, _key.c.public_key, _key.c.secret)
        .where(_key.c.replaced_at.is_(None), or_(_key.c.user_id.is_(None), _key.c.user_id == user_id))
        .order_by(_key.c.id)
    ).all()
    own = [r for r in rows if user_id is not None and r.user_id == user_id]
    if own:
        row = own[-1]
        private = _keyring.get(row.public_key)
        if private is None:
            who = user_name or f"第 {user_id} 号用户"
            raise DomainError(f"签名：「{who}」的个人签名密钥未解锁，请重新登录后再保存", field="签名")
        signer = Signer(int(row.id), private)
    else:
        installation = [r for r in rows if r.user_id is None]
        if not installation:
            return None
        row = installation[0]
        private = _keyring.get(row.public_key)
        if private is None:
            private = _ed().Ed25519PrivateKey.from_private_bytes(bytes.fromhex(row.secret))
            _keyring[row.public_key] = private
        signer = Signer(int(row.id), private)
    chosen[user_id] = signer
    return signer


def create_installation_key(conn: Connection) -> tuple[int, Ed25519PrivateKey]:
    """Insert the installation key (``init``; the signing migration); returns its id and private key.
    The caller writes its audit entry (it needs the id first, to sign older entries with it)."""
    private = new_private()
    key_id = conn.execute(insert(_key).values(
        user_id=None, public_key=public_hex(private), secret=_private_bytes(private).hex(),
        valid_from=clock.now(), replaced_at=None,
    ).returning(_key.c.id)).scalar_one()
    _keyring[public_hex(private)] = private
    return int(key_id), private


def installation_public(conn: Connection) -> str:
    """The installation's public key (hex), or "" before the signing migration."""
    if not ready(conn):
        return ""
    value = conn.execute(select(_key.c.public_key).where(_key.c.user_id.is_(None)).order_by(_key.c.id)
                         .limit(1)).scalar_one_or_none()
    return str(value or "")


def rekey(session: Session, user_id: int, wrap_key: bytes, *, keep: Ed25519PrivateKey | None = None,
          unlock: bool = False) -> str:
    """Give ``user_id`` a key wrapped under ``wrap_key``: ``keep`` (their current private key,
    re-wrapped after a password change) or a new pair (a new account, a reset, a first login after
    this upgrade). Must be the last thing its write does: the change is flushed on its own, signed
    by the key the writer had before it. ``unlock``: keep the private key in this process (the person
    is the one logged in here). Returns the public key."""
    conn = session.connection()
    actor = session.info.get("actor")
    signer_for(conn, getattr(actor, "id", None), getattr(actor, "name", ""))  # pinned before the change
    session.flush()
    current = session.scalars(
        select(SigningKey).where(SigningKey.user_id == user_id, SigningKey.replaced_at.is_(None))
        .order_by(SigningKey.id)).all()
    if keep is not None and current and current[-1].public_key == public_hex(keep):
        current[-1].secret = wrap(wrap_key, keep)
        private = keep
    else:
        now = clock.now()
        for old in current:
            old.replaced_at = now
        private = new_private()
        session.add(SigningKey(user_id=user_id, public_key=public_hex(private), secret=wrap(wrap_key, private),
                               valid_from=now))
    session.flush()
    if unlock:
        remember(private)
    return public_hex(private)


def unlock(conn_or_session: Any, user_id: int, wrap_key: bytes) -> str | None:
    """Unlock ``user_id``'s current key with ``wrap_key`` into this process; its public key, or None
    (no key yet, or it does not open)."""
    conn = conn_or_session.connection() if hasattr(conn_or_session, "connection") else conn_or_session
    if not ready(conn):
        return None
    row = conn.execute(
        select(_key.c.public_key, _key.c.secret)
        .where(_key.c.user_id == user_id, _key.c.replaced_at.is_(None)).order_by(_key.c.id.desc()).limit(1)
    ).one_or_none()
    if row is None:
        return None
    private = unwrap(wrap_key, row.secret, row.public_key)
    if private is None:
        return None
    return remember(private)


def unlocked_key(public_key: str | None) -> Ed25519PrivateKey | None:
    """The private key of ``public_key`` if it is unlocked in this process."""
    return _keyring.get(public_key) if public_key else None


# --- the key set -----------------------------------------------------------------------------------

def fingerprint(keys: list[tuple[int, int | None, str]]) -> str:
    """SHA-256 over the key set (id, owner, public key), in id order: what a checkpoint pins."""
    text = "".join(f"{kid}:{uid if uid is not None else '-'}:{pub}\n" for kid, uid, pub in sorted(keys))
    return hashlib.sha256(text.encode("ascii")).hexdigest()
