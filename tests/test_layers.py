"""The package's layers import only downwards, and nothing imports in a
cycle (read from the source with ast, nothing is imported)."""
import ast
from pathlib import Path
from typing import Dict, Set

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / 'linknet_mm'
#: Rank of each top-level part; a part may import parts of lower or equal
#: rank (equal: models, datasets... use each other's helpers).
LAYERS = {
    'errors': 0,
    'version': 0,
    'utils': 0,
    'models': 1,
    'datasets': 1,
    'evaluation': 1,
    'visualization': 1,
    'engine': 1,
    'deploy': 2,
    'apis': 3,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix('').parts)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def _imports() -> Dict[str, Set[str]]:
    """linknet_mm modules each linknet_mm module imports."""
    graph = {}
    for path in sorted(PACKAGE.rglob('*.py')):
        name = _module_name(path)
        package = name if path.stem == '__init__' else name.rpartition('.')[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package.split('.')
                base = base[:len(base) - node.level + 1] if node.level \
                    else []
                if node.module:  # from .x import y: module x
                    found.add('.'.join(base + [node.module]))
                else:  # from . import x, y: modules x and y
                    found.update('.'.join(base + [alias.name])
                                 for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {t for t in found if t.split('.')[0] == 'linknet_mm'}
    return graph


GRAPH = _imports()


def _part(module: str) -> str:
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else ''


def test_every_part_has_a_layer():
    parts = {_part(m) for m in GRAPH} - {''}
    assert parts == set(LAYERS)


@pytest.mark.parametrize('module', sorted(m for m in GRAPH if _part(m)))
def test_imports_go_down(module):
    rank = LAYERS[_part(module)]
    upward = [t for t in GRAPH[module] if _part(t) and LAYERS[_part(t)] > rank]
    assert not upward, f'{module} imports a layer above its own: {upward}'


def test_no_import_cycle():
    state: Dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module, path):
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                pytest.fail(f'import cycle: {" -> ".join(cycle)}')
            if target in GRAPH and not state.get(target):
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(GRAPH):
        if not state.get(module):
            visit(module, [module])
