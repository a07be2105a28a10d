"""The Guichet desktop application: command line, main window and one package per area."""
