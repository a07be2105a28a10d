"""The offline laptop's life in the GUI (issue 13): « Préparer une permanence hors ligne… »
on the server, then on the replica the status bar's line, « Synchroniser », « Conflits à
résoudre » and « Rendre la permanence ». ``steps`` holds what the command line does too
(``desktop.cli_replica``), without Qt."""
