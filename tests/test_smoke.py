"""The package imports, reports its version, and its wheel ships what typed users need."""

from __future__ import annotations

import importlib.metadata
import json

import pytest

import leadflow


def _installed_editable(dist: importlib.metadata.Distribution) -> bool:
    """Tell whether ``dist`` is an editable install (PEP 660), which ships no package files."""
    direct_url = dist.read_text("direct_url.json")
    if direct_url is None:
        return False
    dir_info = json.loads(direct_url).get("dir_info", {})
    return bool(dir_info.get("editable", False))


class TestPackage:
    def test_version_is_exported(self) -> None:
        assert "__version__" in leadflow.__all__

    def test_version_is_the_installed_distribution_version(self) -> None:
        installed = importlib.metadata.version("leadflow")

        assert installed
        assert leadflow.__version__ == installed

    def test_wheel_ships_the_package_and_its_py_typed_marker(self) -> None:
        dist = importlib.metadata.distribution("leadflow")
        if _installed_editable(dist):
            pytest.skip("an editable install ships no package files to inspect")

        shipped = {path.as_posix() for path in dist.files or ()}

        assert "leadflow/__init__.py" in shipped
        assert "leadflow/py.typed" in shipped

    def test_wheel_ships_the_documentation_pages_but_not_the_sphinx_configuration(self) -> None:
        dist = importlib.metadata.distribution("leadflow")
        if _installed_editable(dist):
            pytest.skip("an editable install ships no package files to inspect")

        shipped = {path.as_posix() for path in dist.files or ()}

        # `leadflow docs` reads them; --help and usage errors point there.
        assert "leadflow/_docs/cli.md" in shipped
        assert "leadflow/_docs/crm/salesforce.md" in shipped
        assert not any(name.startswith("leadflow/_docs/_build/") for name in shipped)
        assert "leadflow/_docs/conf.py" not in shipped

    def test_the_documentation_pages_are_found_installed_or_in_a_checkout(self) -> None:
        from leadflow.cli._docs import docs_dir, pages

        root = docs_dir()

        assert root is not None
        found = pages(root)
        assert {"cli", "index", "crm/salesforce", "crm/hubspot"} <= set(found)
        assert "conf" not in found
        assert found["cli"].read_text(encoding="utf-8").startswith("# The command line")
