"""What the bundle holds beyond what PyInstaller finds by following imports.

Shared by ``installer/guichet.spec`` and ``tests/test_packaging.py``. No Guichet module is
named here: the packages are walked (``collect_submodules``), so modules moved or added under
``db/``, ``desktop/`` or ``widgets/`` are bundled without a change here.

- Hidden imports: every module of the three packages. The areas' pages and models, the
  booking module and the migrations are imported by name (``importlib.import_module``), which
  PyInstaller cannot follow. And the third-party modules imported only inside a function on
  a path few take (``THIRD_PARTY``): PyInstaller follows those imports too, but a bundle
  without them would fail only on that path (an offline laptop's encrypted replica).
- Data: the migrations as source files (Alembic runs ``env.py`` and the ``versions/`` scripts
  from the folder), ``resources/`` (icons, PDF fonts, licence texts), the French catalogues
  of ``holidays`` (read by gettext from its folder), and the installed
  metadata of Guichet and of its dependencies (``guichet --version``, the About dialog's
  versions, keyring's back-ends).
- Left out: Qt's translations into other languages than French, and what Guichet never
  uses (``EXCLUDES``, ``keep``).
"""

from __future__ import annotations

from pathlib import Path, PurePath

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("db", "desktop", "widgets")
MIGRATIONS = "db.migrations"  # a folder of source files for Alembic
RESOURCES = "resources"
DISTRIBUTION = "guichet"

# Standard-library and third-party modules that nothing on Guichet's paths needs (tests,
# GUI toolkits other than Qt, build tools). Qt modules are only bundled when imported.
EXCLUDES = [
    "tkinter",
    "_tkinter",
    "unittest",
    "pydoc_data",
    "lib2to3",
    "idlelib",
    "ensurepip",
    "venv",
    "pytest",
    "pytestqt",
    "setuptools",
    "pkg_resources",
    "pip",
    "IPython",
    "numpy",
    "doctest",  # phonenumbers imports it only when run as a script
    "PySide6.QtNetwork",  # PySide6's __init__ tries it for a Windows OpenSSL folder only
]


# SQLCipher's DB-API module (its wheel bundles SQLCipher and OpenSSL in one extension).
THIRD_PARTY = ["sqlcipher3.dbapi2"]


def hidden_imports() -> list[str]:
    """Every module of db, desktop and widgets, and ``THIRD_PARTY``; one that fails to import
    fails the build."""
    from PyInstaller.utils.hooks import collect_submodules

    found: set[str] = set(THIRD_PARTY)
    for package in PACKAGES:
        found.update(collect_submodules(package, on_error="raise"))
    return sorted(found)


def datas() -> list[tuple[str, str]]:
    """(source file, destination folder) pairs, as ``Analysis(datas=…)`` takes them."""
    from PyInstaller.utils.hooks import collect_data_files, copy_metadata

    return [
        *collect_data_files(MIGRATIONS, include_py_files=True,
                            includes=["**/*.py", "**/*.mako"]),
        *collect_data_files(RESOURCES),
        # Public holidays are asked for in French (db's working days): gettext catalogues.
        *collect_data_files("holidays", includes=["locale/fr/LC_MESSAGES/*.mo"]),
        *copy_metadata(DISTRIBUTION, recursive=True),
    ]


# Qt plugins a desktop never loads: the platforms without a window system (eglfs, linuxfb,
# vnc…) and their input and device plugins; and the GTK 3 theme, which would load the
# system's GTK against the bundle's older GLib (Guichet draws with Fusion and its own
# palettes; the XDG portal theme still tells the desktop's light or dark scheme).
_UNUSED_PLUGINS = {
    "platforms": ("qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc"),
    "platformthemes": ("qgtk3",),
}
_UNUSED_PLUGIN_FOLDERS = ("egldeviceintegrations", "generic")
_UNUSED_QT_LIBRARIES = ("Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport")


def keep(destination: str) -> bool:
    """Whether a file PyInstaller collected stays in the bundle: of Qt's translations only
    the French ones (``qtbase_fr.qm``…), and not the Qt plugins above."""
    path = PurePath(destination)
    if path.suffix == ".qm" and "translations" in path.parts:
        return path.stem.endswith("_fr")
    if "plugins" in path.parts[:-1]:
        folder = path.parts[-2]
        stem = path.name.split(".")[0].removeprefix("lib")
        return folder not in _UNUSED_PLUGIN_FOLDERS and stem not in _UNUSED_PLUGINS.get(
            folder, ())
    return not any(name in path.name for name in _UNUSED_QT_LIBRARIES)


PUBLISHER = "Caisse primaire d'assurance maladie"  # also installer/windows/guichet.iss


def version() -> str:
    """Guichet's version, from the installed metadata (pyproject.toml's)."""
    from importlib.metadata import version as installed_version

    return installed_version(DISTRIBUTION)


def windows_version_info():
    """The version resource of the Windows executables (Properties › Details), in French."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = tuple(int(part) for part in version().split(".")[:3] if part.isdigit())
    numbers = (*numbers, 0, 0, 0, 0)[:4]
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": "Guichet — accueil et rendez-vous",
        "FileVersion": version(),
        "InternalName": "guichet",
        "LegalCopyright": PUBLISHER,
        "OriginalFilename": "guichet.exe",
        "ProductName": "Guichet",
        "ProductVersion": version(),
    }
    french_unicode = "040C04B0"  # French (France), UTF-16
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            vi.StringFileInfo([vi.StringTable(french_unicode, [
                vi.StringStruct(key, value) for key, value in strings.items()])]),
            vi.VarFileInfo([vi.VarStruct("Translation", [0x040C, 1200])]),
        ],
    )
