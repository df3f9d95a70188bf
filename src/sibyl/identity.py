"""Finnish personal identity codes (henkilötunnus, HETU).

This is the only module that interprets a raw identity code. Validation is python-stdnum's
(``stdnum.fi.hetu``), which knows the century signs of the 2023 reform (``Y X W V U`` for the
1900s, ``B C D E F`` for the 2000s). Codes with an individual number 900–999 are temporary codes,
accepted only where the contract allows them. Anything shown to a person is masked: ``131052-****``.

Everywhere else Sibyl works with keyed pseudonyms, and the codes themselves are kept only in an
encrypted identity vault. Both need keys that are kept outside the database, and there is no
fallback key: without keys, :func:`load_keys` raises :class:`MissingKeys` and nothing starts.

Keys
    A :class:`Keyring` holds a pseudonym key (32 random bytes) and the vault keys (Fernet keys,
    the first is the current one; older ones only decrypt). :func:`load_keys` reads them from the
    key file named by ``SIBYL_KEY_FILE`` (JSON, format ``sibyl-keys/1``, mode 0600), or else from
    ``SIBYL_PSEUDONYM_KEY`` and ``SIBYL_VAULT_KEY`` (comma-separated, current first). Create a key
    file with ``sibyl keys create --out PATH``. No message ever shows a key.

Pseudonyms
    ``pseudonymise(code, contract_id, keyring)``: a per-contract key
    ``HMAC-SHA256(pseudonym_key, b"sibyl/pseudonym/v1/" + contract_id)``, then
    ``HMAC-SHA256(contract_key, normalised code)``, shown as ``ps-`` and the first 20 bytes in
    lower-case base32 (32 characters). Stable within a contract, unrelated across contracts. The
    pseudonym key is as sensitive as the vault: identity codes are few enough to enumerate, so
    whoever holds the key and a pseudonym can find the code.

Research ids
    ``research_id(pseudonym, contract_id, keyring)``: a second per-contract key
    ``HMAC-SHA256(pseudonym_key, b"sibyl/research/v1/" + contract_id)``, then
    ``HMAC-SHA256(research_key, pseudonym)``, shown as ``rs-`` and 32 base32 characters. The
    evaluators' extracts name children by research id only: stable across downloads, so that a
    longitudinal study links its years, and unlinkable to the ``ps-`` pseudonyms that the fund
    manager sees without the key. A new pseudonym key changes the pseudonyms and therefore the
    research ids: re-issue research extracts after such a rotation.

Vault
    :func:`seal` encrypts a normalised code with the current vault key; :func:`unseal` tries every
    vault key and raises :class:`VaultError` if none fits.

Rotation (the store runs steps 2–3 in one transaction)
    1. ``new = rotated_keyring(old, new_pseudonym_key=...)`` puts a fresh vault key in front and
       keeps the old ones for reading; write it to a new key file with :func:`write_key_file`.
    2. Re-seal every vault entry with ``rotate_token(token, old, new)``.
    3. If the pseudonym key changed, recompute every pseudonym with
       ``repseudonymise(code, contract_id, new)`` and replace the old ones everywhere. Pseudonyms
       in extracts already handed out no longer match: re-issue research extracts.
    4. Point ``SIBYL_KEY_FILE`` at the new file. When no kept backup needs the old vault keys any
       more, write ``retire_old_vault_keys(new)`` to a key file of its own and destroy the old
       files. ``docs/keys.md`` has the procedure step by step.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import hmac
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from stdnum import exceptions as stdnum_exceptions
from stdnum.fi import hetu as stdnum_hetu

from sibyl.errors import Location, SibylInputError, display_path

_CENTURIES = {"+": 1800}
_CENTURIES.update(dict.fromkeys("-YXWVU", 1900))
_CENTURIES.update(dict.fromkeys("ABCDEF", 2000))

_SHAPE = re.compile(r"^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$")


class InvalidIdentityCode(ValueError):
    """The value is not a valid identity code; the message says why (never the code itself)."""


class TemporaryIdentityCode(InvalidIdentityCode):
    """A temporary identity code (individual number 900–999) where none is accepted."""


def normalise(code: str) -> str:
    """Strip surrounding space and upper-case, as stdnum does."""
    return stdnum_hetu.compact(code)


def validate(code: str, *, allow_temporary: bool = False) -> str:
    """Return the normalised code, or raise :class:`InvalidIdentityCode` saying what is wrong."""
    value = normalise(code)
    try:
        return stdnum_hetu.validate(value, allow_temporary=allow_temporary)
    except stdnum_exceptions.InvalidChecksum:
        raise InvalidIdentityCode("the check character does not match") from None
    except stdnum_exceptions.InvalidFormat:
        raise InvalidIdentityCode(
            "not an identity code of the form DDMMYY, century sign, 3 digits, check character"
        ) from None
    except stdnum_exceptions.InvalidComponent:
        if _SHAPE.match(value) and 900 <= int(value[7:10]) <= 999 and not allow_temporary:
            raise TemporaryIdentityCode(
                "a temporary identity code (individual number 900–999), which this contract "
                "does not accept"
            ) from None
        if _SHAPE.match(value) and int(value[7:10]) < 2:
            raise InvalidIdentityCode("the individual number must be 002 or more") from None
        raise InvalidIdentityCode("the birth date in the code is not a real date") from None
    except stdnum_exceptions.ValidationError:
        raise InvalidIdentityCode("not a valid identity code") from None


def is_valid(code: str, *, allow_temporary: bool = False) -> bool:
    try:
        validate(code, allow_temporary=allow_temporary)
    except InvalidIdentityCode:
        return False
    return True


def birth_date(code: str) -> date:
    """The birth date a (valid) identity code encodes."""
    value = normalise(code)
    century = _CENTURIES[value[6]]
    return date(century + int(value[4:6]), int(value[2:4]), int(value[0:2]))


def mask(value: str) -> str:
    """A display form that hides the individual part: ``131052-308T`` becomes ``131052-****``.

    Anything that does not look like a code at all is masked whole except its first characters,
    so that a mistyped code never appears in a message either.
    """
    text = value.strip()
    if len(text) >= 7 and text[:6].isdigit():
        return text[:7] + "****"
    if not text:
        return ""
    return text[:2] + "*" * max(len(text) - 2, 2)


def make(birth: date, individual: int, *, new_century_signs: bool = False) -> str:
    """Build a valid identity code (for synthetic data).

    ``new_century_signs`` uses the signs introduced in 2023 (``Y`` and ``B``) instead of
    ``-`` and ``A``.
    """
    if not 2 <= individual <= 999:
        raise ValueError("the individual number must be 2–999")
    if birth.year >= 2000:
        sign = "B" if new_century_signs else "A"
    elif birth.year >= 1900:
        sign = "Y" if new_century_signs else "-"
    else:
        sign = "+"
    digits = f"{birth.day:02d}{birth.month:02d}{birth.year % 100:02d}{individual:03d}"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
    return f"{digits[:6]}{sign}{digits[6:]}{check}"


# --- Keys ---------------------------------------------------------------------------------------

KEY_FILE_FORMAT = "sibyl-keys/1"
ENV_KEY_FILE = "SIBYL_KEY_FILE"
ENV_PSEUDONYM_KEY = "SIBYL_PSEUDONYM_KEY"
ENV_VAULT_KEY = "SIBYL_VAULT_KEY"

PSEUDONYM_KEY_BYTES = 32
_PSEUDONYM_PREFIX = "ps-"
_PSEUDONYM_BYTES = 20  # 160 bits: 32 base32 characters, no padding
_CONTRACT_KEY_LABEL = b"sibyl/pseudonym/v1/"
_RESEARCH_PREFIX = "rs-"
_RESEARCH_KEY_LABEL = b"sibyl/research/v1/"
_KEY_ID_LABEL = b"sibyl/key-id/v1/"
_MAX_KEY_FILE_BYTES = 64 * 1024

_CREATE_FIX = (
    "run `sibyl keys create --out PATH` and set SIBYL_KEY_FILE=PATH "
    "(keep the file outside the database and its backups)"
)
_RESTORE_FIX = (
    "fix or restore the keys this installation uses, since new keys cannot read its vault; "
    "only for a new installation, " + _CREATE_FIX
)


class MissingKeys(SibylInputError):
    """No usable keys: none given, or given but malformed. The message never holds a key."""

    def __init__(self, what: str, where: Location | None = None, fix: str | None = _CREATE_FIX):
        super().__init__(what, where, fix)


def _broken(what: str, where: Location | None) -> MissingKeys:
    """Keys were configured but cannot be used: new keys would not read the existing vault."""
    return MissingKeys(what, where, _RESTORE_FIX)


class UnsafeKeyFile(MissingKeys):
    """The key file may be read or changed by other users, so it is not used."""


class VaultError(SibylInputError):
    """A sealed identity code that none of the vault keys decrypts (the message omits the token)."""


def _vault_key_bytes(key: str) -> bytes:
    """A Fernet key's 32 bytes, decoded strictly (Fernet itself skips stray characters)."""
    value = _b64decode(key)
    if len(value) != 32:
        raise ValueError("a Fernet key is url-safe base64 of 32 bytes")
    return value


@dataclass(frozen=True)
class Keyring:
    """The secrets Sibyl needs: a pseudonym key and the identity vault's keys.

    ``vault_keys`` are Fernet keys; the first encrypts, all of them decrypt (older keys stay only
    until a rotation completes). ``source`` says where the keys came from, for messages. The keys
    never appear in ``repr`` or in any message.
    """

    pseudonym_key: bytes = field(repr=False)
    vault_keys: tuple[str, ...] = field(repr=False)
    source: str = field(default="", compare=False)
    _vault: MultiFernet = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.pseudonym_key, bytes) or len(self.pseudonym_key) != (
            PSEUDONYM_KEY_BYTES
        ):
            raise ValueError(f"the pseudonym key must be {PSEUDONYM_KEY_BYTES} bytes")
        if isinstance(self.vault_keys, str) or not self.vault_keys:
            raise ValueError("vault_keys must be a non-empty tuple of Fernet keys")
        keys = tuple(self.vault_keys)
        object.__setattr__(self, "vault_keys", keys)
        try:
            secrets = [_vault_key_bytes(key) for key in keys]
        except (ValueError, TypeError):
            raise ValueError(
                "each vault key must be a Fernet key (url-safe base64 of 32 bytes)"
            ) from None
        if self.pseudonym_key in secrets:
            # Key separation: one secret must not serve both as HMAC key and as encryption key.
            raise ValueError("the pseudonym key must differ from every vault key")
        vault = MultiFernet([Fernet(base64.urlsafe_b64encode(secret)) for secret in secrets])
        object.__setattr__(self, "_vault", vault)

    def __repr__(self) -> str:
        return (
            f"Keyring(pseudonym key {self.pseudonym_key_id}, "
            f"{len(self.vault_keys)} vault key(s), current {self.vault_key_id}"
            + (f", from {self.source})" if self.source else ")")
        )

    @property
    def pseudonym_key_id(self) -> str:
        """A short, non-secret fingerprint of the pseudonym key, to compare two installations."""
        return _key_id(self.pseudonym_key)

    @property
    def vault_key_id(self) -> str:
        """A short, non-secret fingerprint of the current vault key."""
        return _key_id(_vault_key_bytes(self.vault_keys[0]))


def _key_id(secret: bytes) -> str:
    return hashlib.sha256(_KEY_ID_LABEL + secret).hexdigest()[:8]


def _b64decode(text: str) -> bytes:
    """Strict url-safe base64 (padding optional); raises ValueError on anything else."""
    value = text.strip()
    value += "=" * (-len(value) % 4)
    try:
        return base64.b64decode(value.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeError):
        raise ValueError("not url-safe base64") from None


def create_keys() -> Keyring:
    """Fresh random keys: a 32-byte pseudonym key and one Fernet vault key."""
    return Keyring(pseudonym_key=os.urandom(PSEUDONYM_KEY_BYTES), vault_keys=(_new_vault_key(),))


def _new_vault_key() -> str:
    return Fernet.generate_key().decode("ascii")


def load_keys(environ: Mapping[str, str] = os.environ) -> Keyring:
    """The keys from the key file named by ``SIBYL_KEY_FILE``, else from the environment.

    Without ``SIBYL_KEY_FILE`` both ``SIBYL_PSEUDONYM_KEY`` (url-safe base64 of 32 bytes) and
    ``SIBYL_VAULT_KEY`` (Fernet keys, comma-separated, current first) must be set. There is no
    fallback: anything missing or malformed raises :class:`MissingKeys`.
    """
    key_file = environ.get(ENV_KEY_FILE, "").strip()
    if key_file:
        return _load_key_file(key_file)

    pseudonym_text = environ.get(ENV_PSEUDONYM_KEY, "").strip()
    vault_text = environ.get(ENV_VAULT_KEY, "").strip()
    if not pseudonym_text and not vault_text:
        raise MissingKeys(
            f"no keys: {ENV_KEY_FILE} is not set, nor are {ENV_PSEUDONYM_KEY} and {ENV_VAULT_KEY}"
        )
    for name, text in ((ENV_PSEUDONYM_KEY, pseudonym_text), (ENV_VAULT_KEY, vault_text)):
        if not text:
            raise MissingKeys(
                f"{name} is not set, so the keys in the environment are incomplete",
                fix=f"set both {ENV_PSEUDONYM_KEY} and {ENV_VAULT_KEY}, or better, {_CREATE_FIX}",
            )
    vault_keys = tuple(key.strip() for key in vault_text.split(","))
    return _keyring(
        pseudonym_text,
        vault_keys,
        source=f"the environment variables {ENV_PSEUDONYM_KEY} and {ENV_VAULT_KEY}",
        names=(ENV_PSEUDONYM_KEY, ENV_VAULT_KEY),
        where=None,
    )


def _keyring(
    pseudonym_text: str,
    vault_keys: tuple[str, ...],
    *,
    source: str,
    names: tuple[str, str],
    where: Location | None,
) -> Keyring:
    """Build a keyring from text, with a message that names the bad key but never shows it."""
    pseudonym_name, vault_name = names
    try:
        pseudonym_key = _b64decode(pseudonym_text)
    except ValueError:
        pseudonym_key = b""
    if len(pseudonym_key) != PSEUDONYM_KEY_BYTES:
        raise _broken(
            f"{pseudonym_name} is not url-safe base64 of {PSEUDONYM_KEY_BYTES} bytes", where
        )
    if not vault_keys or not all(vault_keys):
        raise _broken(f"{vault_name} holds an empty vault key", where)
    for number, key in enumerate(vault_keys, start=1):
        try:
            _vault_key_bytes(key)
        except ValueError:
            raise _broken(
                f"vault key {number} of {len(vault_keys)} in {vault_name} is not a Fernet key "
                "(url-safe base64 of 32 bytes)",
                where,
            ) from None
    try:
        return Keyring(pseudonym_key=pseudonym_key, vault_keys=vault_keys, source=source)
    except ValueError as exc:
        # Keyring's messages describe the problem and never quote a key.
        raise _broken(f"{exc}", where) from None


def _load_key_file(name: str) -> Keyring:
    where = Location(file=display_path(name))
    source = f"the key file {display_path(name)}"
    try:
        fd = os.open(name, os.O_RDONLY)
    except FileNotFoundError:
        raise _broken(f"the key file named by {ENV_KEY_FILE} does not exist", where) from None
    except IsADirectoryError:
        raise _broken(f"{ENV_KEY_FILE} names a folder, not a key file", where) from None
    except PermissionError:
        raise MissingKeys(
            "this user may not read the key file", where, "run Sibyl as the key file's owner"
        ) from None
    except OSError as exc:
        reason = (exc.strerror or exc.__class__.__name__).lower()
        raise _broken(f"the key file cannot be opened ({reason})", where) from None
    try:
        # The checks look at the file actually opened, so it cannot be swapped in between.
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _broken(f"{ENV_KEY_FILE} names a folder, not a key file", where)
        if not stat.S_ISREG(info.st_mode):
            raise _broken(f"{ENV_KEY_FILE} names something that is not a file", where)
        if os.name == "posix" and info.st_mode & 0o077:
            raise UnsafeKeyFile(
                f"the key file may be read or changed by other users "
                f"(mode {stat.S_IMODE(info.st_mode):03o})",
                where,
                f"make it private with `chmod 600 {display_path(name)}`",
            )
        if info.st_size > _MAX_KEY_FILE_BYTES:
            raise _broken("this is not a Sibyl key file (far too large)", where)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(_MAX_KEY_FILE_BYTES + 1)
    finally:
        os.close(fd)

    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _broken("this is not a Sibyl key file (not UTF-8 text)", where) from None
    except json.JSONDecodeError as exc:
        # Only the position is used: the decoder's message may quote the file's content.
        raise _broken(
            f"this is not a Sibyl key file (not valid JSON at line {exc.lineno})", where
        ) from None
    except RecursionError:
        raise _broken("this is not a Sibyl key file (not valid JSON)", where) from None
    if not isinstance(data, dict) or data.get("format") != KEY_FILE_FORMAT:
        raise _broken(f'this is not a Sibyl key file ("format" is not "{KEY_FILE_FORMAT}")', where)
    pseudonym_text = data.get("pseudonym_key")
    vault_keys = data.get("vault_keys")
    if not isinstance(pseudonym_text, str):
        raise _broken('the key file has no "pseudonym_key" text', where)
    if (
        not isinstance(vault_keys, list)
        or not vault_keys
        or not all(isinstance(key, str) for key in vault_keys)
    ):
        raise _broken('the key file\'s "vault_keys" is not a non-empty list of keys', where)
    return _keyring(
        pseudonym_text,
        tuple(key.strip() for key in vault_keys),
        source=source,
        names=('"pseudonym_key"', '"vault_keys"'),
        where=where,
    )


def key_file_text(keyring: Keyring) -> str:
    """The key file's content (JSON). It holds the keys: never print or log it."""
    data = {
        "format": KEY_FILE_FORMAT,
        "pseudonym_key": base64.urlsafe_b64encode(keyring.pseudonym_key).decode("ascii"),
        "vault_keys": list(keyring.vault_keys),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return json.dumps(data, indent=2) + "\n"


def write_key_file(keyring: Keyring, path: str | Path) -> Path:
    """Write ``keyring`` to a new key file, readable only by its owner (mode 0600).

    The file appears whole or not at all (written to a temporary file in the same folder, then
    linked into place) and an existing file is never replaced: that would lose the keys the vault
    was sealed with.
    """
    target = Path(path)
    if target.exists() or target.is_symlink():
        raise SibylInputError(
            "a file of this name already exists and is never replaced, since it may hold the only "
            "copy of keys in use",
            Location(file=display_path(path)),
            "choose a new name for the key file",
        )
    folder = target.parent
    if not folder.is_dir():
        raise SibylInputError(
            "the folder for the key file does not exist",
            Location(file=display_path(path)),
            "create the folder first, outside the database's folder and its backups",
        )
    temporary = folder / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # the umask can only remove bits; make it exact
            with os.fdopen(fd, "w", encoding="utf-8", closefd=False) as stream:
                stream.write(key_file_text(keyring))
                stream.flush()
                os.fsync(stream.fileno())
        finally:
            os.close(fd)
        _link_new(temporary, target, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_folder(folder)
    return target


def _link_new(temporary: Path, target: Path, path: str | Path) -> None:
    """Move ``temporary`` to ``target`` unless ``target`` exists (atomically where possible)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise SibylInputError(
            "a file of this name appeared while the keys were being written, and is kept",
            Location(file=display_path(path)),
            "choose a new name for the key file",
        ) from None
    except OSError:
        # A file system without hard links: check, then rename (a narrow race remains).
        if target.exists():
            raise SibylInputError(
                "a file of this name already exists and is never replaced",
                Location(file=display_path(path)),
                "choose a new name for the key file",
            ) from None
        os.rename(temporary, target)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- Pseudonyms ---------------------------------------------------------------------------------


def _shaped(code: str) -> str:
    """The normalised code, checked for shape only (callers have validated the checksum)."""
    value = normalise(code)
    if not _SHAPE.match(value):
        raise InvalidIdentityCode(
            "not an identity code of the form DDMMYY, century sign, 3 digits, check character"
        )
    return value


def _contract_key(contract_id: str, keyring: Keyring) -> bytes:
    if not isinstance(contract_id, str) or not contract_id:
        raise ValueError("a pseudonym needs a contract id")
    return hmac.digest(
        keyring.pseudonym_key, _CONTRACT_KEY_LABEL + contract_id.encode("utf-8"), "sha256"
    )


def _token(contract_key: bytes, value: str) -> str:
    mac = hmac.digest(contract_key, value.encode("ascii"), "sha256")[:_PSEUDONYM_BYTES]
    return _PSEUDONYM_PREFIX + base64.b32encode(mac).decode("ascii").lower()


def pseudonymise(code: str, contract_id: str, keyring: Keyring) -> str:
    """The keyed pseudonym of an identity code within one contract, e.g. ``ps-k3…`` (35 chars).

    The code is normalised (surrounding space, case) and checked for shape, not for its check
    character: callers have validated it already.
    """
    return _token(_contract_key(contract_id, keyring), _shaped(code))


class Pseudonymiser:
    """:func:`pseudonymise` for many rows of one contract: the contract key is derived once and
    repeated codes are answered from a bounded per-instance cache."""

    def __init__(self, contract_id: str, keyring: Keyring, *, cache_size: int = 1 << 20):
        self.contract_id = contract_id
        self._contract_key = _contract_key(contract_id, keyring)
        self._cached = functools.lru_cache(maxsize=cache_size)(self._compute)

    def _compute(self, code: str) -> str:
        return _token(self._contract_key, _shaped(code))

    def __call__(self, code: str) -> str:
        return self._cached(code)

    def __repr__(self) -> str:
        return f"Pseudonymiser(contract_id={self.contract_id!r})"


def research_ids(pseudonyms: Iterable[str], contract_id: str, keyring: Keyring) -> dict[str, str]:
    """The research id of each pseudonym of one contract (``rs-…``, 35 characters).

    ``HMAC-SHA256(research_key, pseudonym)`` under the contract's research key
    ``HMAC-SHA256(pseudonym_key, b"sibyl/research/v1/" + contract_id)``, a key of its own (its
    label differs from the pseudonyms' one), so a research id tells nothing of the pseudonym
    without the pseudonym key. Stable within a contract, unrelated across contracts.
    """
    if not isinstance(contract_id, str) or not contract_id:
        raise ValueError("a research id needs a contract id")
    key = hmac.digest(
        keyring.pseudonym_key, _RESEARCH_KEY_LABEL + contract_id.encode("utf-8"), "sha256"
    )
    found: dict[str, str] = {}
    for pseudonym in pseudonyms:
        if not isinstance(pseudonym, str) or not pseudonym:
            raise ValueError("a research id needs a pseudonym")
        mac = hmac.digest(key, pseudonym.encode("utf-8"), "sha256")[:_PSEUDONYM_BYTES]
        found[pseudonym] = _RESEARCH_PREFIX + base64.b32encode(mac).decode("ascii").lower()
    return found


def research_id(pseudonym: str, contract_id: str, keyring: Keyring) -> str:
    """The research id of one pseudonym (:func:`research_ids`)."""
    return research_ids([pseudonym], contract_id, keyring)[pseudonym]


def repseudonymise(code: str, contract_id: str, new: Keyring) -> str:
    """The pseudonym of ``code`` under the new keyring (for a pseudonym-key rotation)."""
    return pseudonymise(code, contract_id, new)


# --- Vault --------------------------------------------------------------------------------------


def seal(code: str, keyring: Keyring) -> str:
    """Encrypt the normalised code with the current vault key; returns the Fernet token as text.

    Raises :class:`InvalidIdentityCode` for a value not shaped like a code (checksum not checked).
    """
    return keyring._vault.encrypt(_shaped(code).encode("ascii")).decode("ascii")


def unseal(token: str, keyring: Keyring) -> str:
    """The identity code in a sealed token; :class:`VaultError` if no vault key decrypts it."""
    try:
        return keyring._vault.decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        count = len(keyring.vault_keys)
        keys = "the vault key" if count == 1 else f"any of the {count} vault keys"
        raise VaultError(
            f"a sealed identity code cannot be decrypted with {keys}"
            + (f" from {keyring.source}" if keyring.source else ""),
            None,
            "use the key file the vault was sealed with, including the older vault keys until a "
            "rotation has completed",
        ) from None


def rotate_token(token: str, old: Keyring, new: Keyring) -> str:
    """Re-seal a token: decrypt with the old keyring, encrypt with the new current key."""
    return seal(unseal(token, old), new)


def rotated_keyring(old: Keyring, *, new_pseudonym_key: bool) -> Keyring:
    """A keyring with a fresh current vault key in front of the old ones (kept for reading until
    the rotation completes) and, if asked, a fresh pseudonym key."""
    return Keyring(
        pseudonym_key=os.urandom(PSEUDONYM_KEY_BYTES) if new_pseudonym_key else old.pseudonym_key,
        vault_keys=(_new_vault_key(), *old.vault_keys),
    )


def retire_old_vault_keys(keyring: Keyring) -> Keyring:
    """The keyring with only its current vault key, once every token is sealed with it."""
    return Keyring(pseudonym_key=keyring.pseudonym_key, vault_keys=keyring.vault_keys[:1])
