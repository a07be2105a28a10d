"""The offline laptop's replica (issue 13): an encrypted SQLite file holding part of the server.

``db.replica.cipher`` is the encrypted file itself (SQLCipher), under ``db.store``. Keep this
file free of imports: importing ``db.replica.cipher`` (the store does, on every start) runs it.
"""
