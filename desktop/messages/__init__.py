"""Messages to people on the desktop side: the server's password in the keyring, the sender
while Guichet is open, and the ``guichet reminders`` commands."""
