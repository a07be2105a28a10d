"""What ships holds what Guichet reads: the wheel every file of ``resources/`` and the
migrations."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "db" / "migrations"
RESOURCES = ROOT / "resources"


def files_under(folder: Path, *suffixes: str) -> list[Path]:
    """The files of a folder, relative to the repository, without compiled ones."""
    return sorted(
        path.relative_to(ROOT) for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        and (not suffixes or path.suffix in suffixes)
    )


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
