"""Discussions is a lower app: the apps that react to its writes subscribe to its events."""

import ast
from pathlib import Path

import hearth.discussions.services

REACTING_APPS = ("hearth.search", "hearth.qa", "hearth.ideas")


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_discussions_services_import_none_of_the_apps_reacting_to_them():
    imported = _imported_modules(Path(hearth.discussions.services.__file__))
    assert not {
        module
        for module in imported
        if any(module == app or module.startswith(f"{app}.") for app in REACTING_APPS)
    }
