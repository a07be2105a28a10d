"""The replica's encrypted file: SQLite encrypted by SQLCipher 4, with its default settings.

A replica is opened with one of two secrets (``ReplicaCipher``):

- a raw 256-bit key (``new_key()``), which SQLCipher uses as it is, without deriving
  anything: the desktop keeps it in the operating system's keyring;
- a passphrase, where no keyring is usable: SQLCipher derives the key itself with its own
  KDF, PBKDF2-HMAC-SHA512 with 256,000 iterations (SQLCipher 4's defaults) over the random
  16-byte salt it writes at the start of each file, so the same passphrase gives each file
  (each backup too) a key of its own.

Every page is encrypted (AES-256-CBC) and authenticated (HMAC-SHA512), the first page's header
included: the file does not start with ``SQLite format 3``, the stdlib ``sqlite3`` cannot read
it, and neither the file nor its ``-wal`` holds a clear byte of its rows. Temporary tables and
sorts stay in memory (the bundled SQLCipher is built with ``SQLITE_TEMP_STORE=2``). The file is
created with mode 0600 before SQLCipher opens it; SQLite gives its ``-wal``, ``-shm`` and
``-journal`` the mode of the file.

Qt-free and keyring-free. ``sqlcipher3`` is imported when an encrypted file is opened, never
on the way to an ordinary database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import ModuleType

from db.errors import DatabaseRefused, ReplicaLocked

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32  # 256 bits
# SQLCipher writes whole pages, and its smallest page is 512 bytes: a file of another size
# that does not start with SQLite's header is no encrypted database but some other file.
_SMALLEST_PAGE = 512
PRIVATE = 0o600
SIBLINGS = ("-wal", "-shm", "-journal")
_WRONG_SECRET = "file is not a database"  # SQLite's SQLITE_NOTADB, on the first read
_WIPE_CHUNK = 1 << 20


def new_key() -> bytes:
    """A new random 256-bit key for a replica."""
    return secrets.token_bytes(KEY_BYTES)


def is_encrypted(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a non-empty file of whole pages that does not start with SQLite's
    header: an encrypted database, as far as one can tell without its key."""
    try:
        size = os.stat(path).st_size
        if size == 0 or size % _SMALLEST_PAGE:
            return False
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER
    except OSError:  # missing, a folder, unreadable
        return False


def dbapi() -> ModuleType:
    """``sqlcipher3.dbapi2``: the DB-API module of encrypted files (imported on first use)."""
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def create_private(path: str | os.PathLike) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (then it is made 0600)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        make_private(path)


def make_private(path: str | os.PathLike) -> None:
    """The file and its -wal, -shm and -journal, where they exist, readable by their owner
    alone (a copy made with ``cp`` is 0644 on most systems)."""
    for candidate in _with_siblings(Path(path)):
        try:
            if os.stat(candidate).st_mode & 0o077:
                os.chmod(candidate, PRIVATE)
        except FileNotFoundError:
            continue


def _with_siblings(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in SIBLINGS)]


class ReplicaCipher:
    """How one encrypted file is opened: a raw key or a passphrase. Its ``repr`` shows
    neither; make one with ``from_key`` or ``from_passphrase``."""

    __slots__ = ("_key_literal", "uses_passphrase")

    def __init__(self, key_literal: str, uses_passphrase: bool):
        self._key_literal = key_literal
        self.uses_passphrase = uses_passphrase

    @classmethod
    def from_key(cls, key: bytes) -> ReplicaCipher:
        """A raw 256-bit key (``new_key()``): ``PRAGMA key = "x'…'"``, no KDF."""
        if not isinstance(key, bytes) or len(key) != KEY_BYTES:
            raise ValueError(f"a replica's key is {KEY_BYTES} bytes")
        return cls(f"\"x'{key.hex()}'\"", uses_passphrase=False)

    @classmethod
    def from_passphrase(cls, passphrase: str) -> ReplicaCipher:
        """A passphrase, derived by SQLCipher's PBKDF2-HMAC-SHA512 with the file's salt."""
        # An empty key would make SQLCipher open (and write) the file in clear.
        if not passphrase or "\x00" in passphrase:
            raise ValueError("a passphrase is a non-empty text without NUL")
        quoted = passphrase.replace("'", "''")  # an SQL string literal
        return cls(f"'{quoted}'", uses_passphrase=True)

    def __repr__(self) -> str:
        return f"ReplicaCipher({'passphrase' if self.uses_passphrase else 'key'})"

    @staticmethod
    def dbapi() -> ModuleType:
        return dbapi()

    def connect(self, path: str | os.PathLike, *, read_only: bool = False):
        """An ``sqlcipher3`` connection to ``path``, keyed and checked. The key is the
        connection's first statement; the first read then tells whether it opens the file
        (a wrong key or passphrase: ``ReplicaLocked``, in French). A file that does not exist
        is created empty with mode 0600 first (unless ``read_only``)."""
        module = dbapi()
        path = Path(path)
        if read_only:
            target, uri = f"{path.resolve().as_uri()}?mode=ro", True
        else:
            create_private(path)
            target, uri = str(path), False
        connection = module.connect(target, uri=uri, check_same_thread=False)
        try:
            connection.execute(f"PRAGMA key = {self._key_literal}")
            # A wrong key makes SQLCipher print its own (English) errors on stderr.
            connection.execute("PRAGMA cipher_log_level = NONE")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError as error:
            connection.close()
            if _WRONG_SECRET in str(error):
                raise ReplicaLocked(self.refusal(path)) from None
            raise
        except BaseException:
            connection.close()
            raise
        if not read_only:
            make_private(path)
        return connection

    def refusal(self, path: Path) -> str:
        what = "La phrase de passe" if self.uses_passphrase else "La clé"
        return (f"{what} de cette permanence hors ligne ne correspond pas au fichier "
                f"« {path} » : il ne peut pas être ouvert. Il n'a pas été modifié.")

    def check(self, path: str | os.PathLike) -> None:
        """Refuse (``ReplicaLocked``) a key or passphrase that does not open ``path``."""
        self.connect(path, read_only=True).close()

    def copy(self, source: str | os.PathLike, target: str | os.PathLike) -> None:
        """A consistent copy of the encrypted file ``source`` (taken in one step, whatever is
        written meanwhile) into the new file ``target``, encrypted with the same key or
        passphrase, as one self-contained file (journal mode DELETE). ``target`` is created
        0600 and keyed before its first page is written: no clear copy ever reaches the
        disk. SQLite's backup API copies the pages, ``PRAGMA application_id`` included."""
        target = Path(target)
        if target.exists() and target.stat().st_size:
            raise FileExistsError(target)
        origin = self.connect(source, read_only=True)
        try:
            copy = self.connect(target)
            try:
                origin.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        finally:
            origin.close()

    def copy_into(self, source: str | os.PathLike, target: str | os.PathLike, *,
                  timeout: float = 5.0) -> None:
        """The pages of the encrypted file ``source`` written into the encrypted database
        ``target`` in place, under SQLite's locks (a restore), both opened with this cipher."""
        origin = self.connect(source, read_only=True)
        try:
            live = self.connect(target)
            try:
                live.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                origin.backup(live)
            finally:
                live.close()
        finally:
            origin.close()


def wipe(path: str | os.PathLike) -> list[Path]:
    """Overwrite the encrypted file ``path`` and its -wal, -shm and -journal with zeros, sync
    them to the disk, then delete them (« Rendre la permanence »); returns what was deleted.
    Every connection to it must be closed first (``Store.dispose()``).

    An SSD or a copy-on-write file system may keep the old blocks elsewhere: what protects the
    data then is that they are encrypted and that the key is forgotten too (the desktop's
    keyring entry). A clear SQLite file is refused: only a replica is wiped this way.
    """
    path = Path(path)
    if path.exists() and path.stat().st_size and not is_encrypted(path):
        raise DatabaseRefused(f"Le fichier « {path} » n'est pas une permanence hors ligne "
                              "chiffrée : il n'a pas été effacé.")
    removed = []
    for candidate in _with_siblings(path):
        try:
            size = candidate.stat().st_size
        except FileNotFoundError:
            continue
        if not os.access(candidate, os.W_OK):
            os.chmod(candidate, PRIVATE)
        with open(candidate, "r+b", buffering=0) as handle:
            for start in range(0, size, _WIPE_CHUNK):
                handle.write(bytes(min(_WIPE_CHUNK, size - start)))
            os.fsync(handle.fileno())
        candidate.unlink()
        removed.append(candidate)
    return removed
