"""What ships holds what Guichet reads: the wheel every file of ``resources/`` and the
migrations; the bundle (``installer/contents.py``) every module Guichet imports by name.

Nothing here names a Guichet module: the packages are walked and the names written in the
code are read from it, so moving modules around (``db/<area>/``…) needs no change here.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installer"))
import contents  # noqa: E402

MIGRATIONS = ROOT / Path(*contents.MIGRATIONS.split("."))
RESOURCES = ROOT / contents.RESOURCES
_ROOTS = "|".join(contents.PACKAGES)
_DOTTED = re.compile(rf"^(?:{_ROOTS})(?:\.\w+)+(?::\w+)?$")  # "db.models", "desktop.x:Page"
_PREFIX = re.compile(rf"^(?:{_ROOTS})(?:\.\w+)*\.$")  # f"db.models.{area}"


def files_under(folder: Path, *suffixes: str) -> list[Path]:
    """The files of a folder, relative to the repository, without compiled ones."""
    return sorted(
        path.relative_to(ROOT) for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        and (not suffixes or path.suffix in suffixes)
    )


def tree_modules() -> set[str]:
    """Every module of db, desktop and widgets, found as files, but the migrations' folder
    (Alembic reads it as source files: it ships as data)."""
    return {
        ".".join(path.with_suffix("").parts).removesuffix(".__init__")
        for package in contents.PACKAGES
        for path in files_under(ROOT / package, ".py")
        if not (ROOT / path).is_relative_to(MIGRATIONS)
    }


def named_modules() -> dict[str, list[str]]:
    """Modules written as text in the code (``importlib.import_module("…")``, the areas'
    ``"module:Class"`` pages, ``BOOKING_MODULE``…): {module or package prefix: [where]}.
    A prefix (``f"db.models.{area}"``) ends with a dot."""
    found: dict[str, list[str]] = {}
    for package in contents.PACKAGES:
        for path in files_under(ROOT / package, ".py"):
            for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
                text = None
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and _DOTTED.match(node.value):
                    text = node.value.split(":")[0]
                elif isinstance(node, ast.JoinedStr) and node.values \
                        and isinstance(node.values[0], ast.Constant) \
                        and _PREFIX.match(str(node.values[0].value)):
                    text = node.values[0].value
                if text is not None:
                    found.setdefault(text, []).append(f"{path}:{node.lineno}")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> set[str]:
    """The names in the wheel built from a copy of the working tree (a build in place would
    leave setuptools' build/ behind)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "__pycache__", "*.egg-info", ".*_cache"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(source)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = work.glob("guichet-*.whl")
    with zipfile.ZipFile(built) as archive:
        return set(archive.namelist())


def test_every_file_of_resources_is_in_the_wheel(wheel):
    expected = {path.as_posix() for path in files_under(RESOURCES)}
    assert expected, "resources/ is empty"
    assert sorted(expected - wheel) == []


def test_the_migrations_are_in_the_wheel_as_source_files(wheel):
    expected = {path.as_posix() for path in files_under(MIGRATIONS, ".py", ".mako")}
    assert any("/versions/" in name for name in expected)
    assert sorted(expected - wheel) == []


def test_the_modules_named_in_the_code_exist():
    """A module named as text is imported by name: a moved module must be renamed there
    too (else the area, the booking hook or the models fail at run time, bundle or not)."""
    migration_scripts = {".".join(path.with_suffix("").parts)
                         for path in files_under(MIGRATIONS, ".py")}
    known = tree_modules() | migration_scripts
    named = named_modules()
    assert named, "no module named as text: the search is broken"
    for name, where in named.items():
        if name.endswith("."):
            assert any(module.startswith(name) for module in known), (name, where)
        else:
            assert name in known, f"« {name} », named at {where}, is no module"


def _bundle_python() -> str | None:
    for candidate in (ROOT / ".venv-bundle" / "bin" / "python",
                      ROOT / ".venv-bundle" / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return sys.executable if importlib.util.find_spec("PyInstaller") else None


@pytest.fixture(scope="module")
def bundle_lists() -> dict:
    """contents.hidden_imports() and contents.datas() as the spec computes them, on the
    working tree (PYTHONPATH), in the environment where PyInstaller is installed."""
    python = _bundle_python()
    if python is None:
        if os.environ.get("CI"):
            pytest.fail("PyInstaller is missing: CI runs ./dev bundle before the tests")
        pytest.skip("PyInstaller is not installed (./dev bundle installs it in .venv-bundle)")
    code = ("import json, contents; print(json.dumps({'hidden': contents.hidden_imports(), "
            "'datas': contents.datas()}))")
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "installer")])}
    result = subprocess.run([python, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _data_files(datas: list[list[str]]) -> set[str]:
    return {(PurePosixPath(Path(destination).as_posix()) / Path(source).name).as_posix()
            for source, destination in datas}


def test_every_module_is_a_hidden_import_of_the_bundle(bundle_lists):
    """PyInstaller follows imports, not ``importlib.import_module``: every module must be a
    hidden import. A sub-package without ``__init__.py`` or a module that fails to import is
    left out by ``collect_submodules`` and shows here."""
    missing = (tree_modules() | set(contents.THIRD_PARTY)) - set(bundle_lists["hidden"])
    assert sorted(missing) == []


def test_the_third_party_modules_imported_on_a_rare_path_are_dependencies():
    """SQLCipher is imported only to open an encrypted replica: named for the bundle, and a
    dependency the wheel installs."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for name in contents.THIRD_PARTY:
        assert importlib.util.find_spec(name) is not None, name
        assert f'"{name.split(".")[0]}>=' in text, name


def test_the_modules_named_in_the_code_are_in_the_bundle(bundle_lists):
    hidden = set(bundle_lists["hidden"])
    data = _data_files(bundle_lists["datas"])
    for name, where in named_modules().items():
        if name.endswith("."):
            assert any(module.startswith(name) for module in hidden), (name, where)
        else:
            as_file = "/".join(name.split(".")) + ".py"
            assert name in hidden or as_file in data, f"« {name} » ({where}) not bundled"


def test_the_migrations_and_resources_are_data_of_the_bundle(bundle_lists):
    data = _data_files(bundle_lists["datas"])
    expected = {path.as_posix() for path in files_under(MIGRATIONS, ".py", ".mako")}
    expected |= {path.as_posix() for path in files_under(RESOURCES) if path.suffix != ".py"}
    assert sorted(expected - data) == []
    metadata = re.compile(rf"^{contents.DISTRIBUTION}[-.].*(dist|egg)-info$")
    assert any(metadata.match(destination) for _source, destination in bundle_lists["datas"]), \
        "guichet --version needs the package's metadata"


@pytest.mark.parametrize(("destination", "kept"), [
    ("PySide6/Qt/translations/qtbase_fr.qm", True),
    ("PySide6/Qt/translations/qt_fr.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", False),
    ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("resources/fonts/DejaVuSans.ttf", True),
])
def test_the_bundle_keeps_french_translations_and_the_desktop_plugins(destination, kept):
    assert contents.keep(destination) is kept
