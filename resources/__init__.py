"""Guichet's icons and the fonts embedded in PDFs, as package data.

Read them with ``importlib.resources.files("resources")``: that finds them in a source
checkout, an installed wheel and the PyInstaller bundle alike (never through ``__file__``).
"""
