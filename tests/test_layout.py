"""The layout stays as it is built: no import cycle in tdkt/, pages without SQL, small modules and functions, one name
per module, a docstring each, no streamlit and no private names across tdkt's modules (read with `ast`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 80
LONG_MARKER = "# long:"  # on the line above a function's `def` (or decorators), or in its signature: why it is one
SQL_LIBRARIES = {"sqlmodel", "sqlalchemy"}
TYPES_ONLY_PAGE = "pages/_common.py"  # may import the SQL libraries' types under `if TYPE_CHECKING:`
IMPORTS_ALLOWED_IN_INIT = {"tdkt/cli/__init__.py"}  # exports `main` for `python -m tdkt`


@dataclass(frozen=True, slots=True)
class Module:
    """One Python file: its dotted name, its path relative to the root and its syntax tree."""

    name: str
    path: str
    tree: ast.Module
    lines: int

    @property
    def is_package(self) -> bool:
        return self.path.endswith("__init__.py")


@dataclass(frozen=True, slots=True)
class Import:
    """One imported name: `target` is the module it loads (a submodule when `from pkg import submodule`)."""

    module: str
    target: str
    name: str | None  # the name taken by `from target import name`; None for `import target`
    line: int
    type_checking: bool  # only under `if TYPE_CHECKING:`, so not at run time


def read_modules(root: Path, folder: str) -> dict[str, Module]:
    """Return every .py file under root/folder (or the one file root/folder) by dotted module name."""
    modules = {}
    top = root / folder
    for path in sorted(top.rglob("*.py")) if top.is_dir() else [top] if top.exists() else []:
        relative = path.relative_to(root)
        parts = relative.with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        text = path.read_text(encoding="utf-8")
        modules[name] = Module(name, relative.as_posix(), ast.parse(text, filename=str(relative)),
                               len(text.splitlines()))
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, type_checking: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below `node` (inside functions too), each with whether it sits under `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.body:
                yield statement, True
                yield from _walk(statement, True)
            for statement in child.orelse:
                yield statement, type_checking
                yield from _walk(statement, type_checking)
        else:
            yield child, type_checking
            yield from _walk(child, type_checking)


def _from_base(node: ast.ImportFrom, module: Module) -> str:
    """The absolute module a `from … import` reads from, relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    base = module.name if module.is_package else module.name.rpartition(".")[0]
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    return f"{base}.{node.module}" if node.module else base


def imports_of(module: Module, known: set[str]) -> list[Import]:
    """Every import in a module, at the top or inside a function, resolved against the known module names."""
    found = []
    for node, type_checking in _walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module.name, alias.name, None, node.lineno, type_checking))
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                target = submodule if submodule in known else base
                found.append(Import(module.name, target, None if target == submodule else alias.name,
                                    node.lineno, type_checking))
    return found


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Module → the known modules it imports at run time (TYPE_CHECKING-only imports left out)."""
    known = set(modules)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module in modules.values():
        for found in imports_of(module, known):
            if not found.type_checking and found.target in known and found.target != module.name:
                graph[module.name].add(found.target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle [a, b, …, a] per group of modules that import each other (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    cycles = []
    for component in components:
        start = min(component)
        paths = {start: [start]}
        queue = [start]
        while queue:  # breadth first inside the component: the shortest way back to `start`
            node = queue.pop(0)
            if start in graph[node]:
                cycles.append(paths[node] + [start])
                break
            for nxt in sorted(graph[node] & component):
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    queue.append(nxt)
    return sorted(cycles)


def import_cycles(root: Path) -> list[str]:
    """Each import cycle between tdkt's modules as "a → b → a"."""
    return [" → ".join(cycle) for cycle in find_cycles(import_graph(read_modules(root, "tdkt")))]


def _room(module: str) -> str:
    """The folder a module lives in, as a room of tdkt: tdkt.awards.rules.case → tdkt.awards."""
    return ".".join(module.split(".")[:2])


def package_cycles(root: Path) -> list[str]:
    """Each cycle between tdkt's folders (core, plan, clusters, awards, …) as "a → b → a": imports point one way."""
    graph: dict[str, set[str]] = {}
    for source, targets in import_graph(read_modules(root, "tdkt")).items():
        graph.setdefault(_room(source), set()).update(_room(t) for t in targets if _room(t) != _room(source))
    for targets in list(graph.values()):
        for target in targets:
            graph.setdefault(target, set())
    return [" → ".join(cycle) for cycle in find_cycles(graph)]


def pages_importing_sql(root: Path) -> list[str]:
    """Each page import of sqlmodel/sqlalchemy; pages/_common.py may import their types under TYPE_CHECKING."""
    pages = read_modules(root, "pages")
    problems = []
    for module in pages.values():
        for found in imports_of(module, set(pages)):
            if found.target.split(".")[0] in SQL_LIBRARIES and not (
                    found.type_checking and module.path == TYPES_ONLY_PAGE):
                problems.append(f"{module.path}:{found.line} imports {found.target}")
    return problems


def tdkt_modules(root: Path) -> list[Module]:
    """tdkt's modules the size rules apply to: all but the migrations."""
    return [m for m in read_modules(root, "tdkt").values() if not m.path.startswith("tdkt/migrations/")]


def long_modules(root: Path) -> list[str]:
    """Each module of tdkt over the line limit."""
    return [f"{m.path}: {m.lines} lines" for m in tdkt_modules(root) if m.lines > MAX_MODULE_LINES]


def long_functions(root: Path) -> list[str]:
    """Each function of tdkt (migrations aside), pages/ and app.py over the line limit without a `# long:` comment."""
    problems = []
    for module in [*tdkt_modules(root), *read_modules(root, "pages").values(), *read_modules(root, "app.py").values()]:
        text = (root / module.path).read_text(encoding="utf-8").splitlines()
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            length = node.end_lineno - start + 1
            said = text[start - 2: start - 1] + text[node.lineno - 1: node.body[0].lineno]
            if length > MAX_FUNCTION_LINES and not any(LONG_MARKER in line for line in said):
                problems.append(f"{module.path}:{node.lineno} {node.name}: {length} lines")
    return problems


def shared_file_names(root: Path) -> list[str]:
    """Each file name (`__init__.py` aside) that more than one module of tdkt has."""
    paths: dict[str, list[str]] = {}
    for module in read_modules(root, "tdkt").values():
        file_name = module.path.rsplit("/", 1)[-1]
        if file_name != "__init__.py":
            paths.setdefault(file_name, []).append(module.path)
    return [f"{name}: {', '.join(found)}" for name, found in sorted(paths.items()) if len(found) > 1]


def modules_without_docstring(root: Path) -> list[str]:
    """Each module of tdkt that does not start with a docstring."""
    return [m.path for m in read_modules(root, "tdkt").values()
            if not (ast.get_docstring(m.tree) or "").strip()]


def streamlit_imports(root: Path) -> list[str]:
    """Each import of streamlit (or a streamlit component) anywhere in tdkt."""
    modules = read_modules(root, "tdkt")
    return [f"{modules[f.module].path}:{f.line} imports {f.target}"
            for module in modules.values() for f in imports_of(module, set(modules))
            if "streamlit" in f.target.split(".")[0]]


def imports_in_package_inits(root: Path) -> list[str]:
    """Each import in a package `__init__.py` of tdkt (they hold a docstring only), but the CLI's."""
    return [f"{m.path}:{node.lineno}" for m in read_modules(root, "tdkt").values()
            if m.is_package and m.path not in IMPORTS_ALLOWED_IN_INIT
            for node in ast.walk(m.tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_names_across_modules(root: Path) -> list[str]:
    """Each `from tdkt.x import _name`, and each `x._name` on an imported tdkt module, in another module of tdkt."""
    modules = read_modules(root, "tdkt")
    known = set(modules)
    problems = []
    for module in modules.values():
        for found in imports_of(module, known):
            if found.target in known and found.target != module.name and found.name and _private(found.name):
                problems.append(f"{module.path}:{found.line} imports {found.name} from {found.target}")
        aliases = _module_aliases(module, known)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                target = _dotted(node.value, aliases)
                if target in known and target != module.name:
                    problems.append(f"{module.path}:{node.lineno} uses {target}.{node.attr}")
    return sorted(problems)


def _module_aliases(module: Module, known: set[str]) -> dict[str, str]:
    """Local names bound to tdkt modules by `import a.b as x` and `from a import b [as x]`."""
    aliases = {}
    for node, _ in _walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in known:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, module)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    return aliases


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """The dotted name an expression like `x.y` spells, its first name replaced by the module it is bound to."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def none_found(what: str, problems: list[str]) -> str:
    """The failure message: what the rule forbids, then one finding a line."""
    return f"{what}:\n  " + "\n  ".join(problems)


def test_no_import_cycle_between_tdkt_modules_counting_imports_inside_functions():
    cycles = import_cycles(ROOT)
    assert not cycles, none_found("Import cycles (TYPE_CHECKING-only imports aside)", cycles)


def test_tdkt_folders_import_one_way():
    found = package_cycles(ROOT)
    assert not found, none_found("Folders of tdkt that import each other (move the module that links them up)", found)


def test_pages_import_no_sqlmodel_or_sqlalchemy_except_types_in_common():
    found = pages_importing_sql(ROOT)
    assert not found, none_found("Pages query through tdkt, not sqlmodel/sqlalchemy", found)


def test_no_tdkt_module_over_700_lines_migrations_aside():
    found = long_modules(ROOT)
    assert not found, none_found(f"Modules over {MAX_MODULE_LINES} lines", found)


def test_no_function_over_80_lines_without_a_long_comment_saying_why():
    found = long_functions(ROOT)
    assert not found, none_found(f"Functions over {MAX_FUNCTION_LINES} lines without “{LONG_MARKER} why”", found)


def test_no_two_tdkt_modules_share_a_file_name():
    found = shared_file_names(ROOT)
    assert not found, none_found("File names used twice under tdkt/", found)


def test_every_tdkt_module_starts_with_a_docstring():
    found = modules_without_docstring(ROOT)
    assert not found, none_found("Modules without a docstring", found)


def test_tdkt_never_imports_streamlit():
    found = streamlit_imports(ROOT)
    assert not found, none_found("streamlit imported in tdkt/", found)


def test_package_inits_import_nothing_but_the_cli_entry_point():
    found = imports_in_package_inits(ROOT)
    assert not found, none_found("Imports in a package __init__.py (docstring only)", found)


def test_no_tdkt_module_imports_a_private_name_of_another():
    found = private_names_across_modules(ROOT)
    assert not found, none_found("Private names used across modules (make them public, with a docstring)", found)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


PACKAGE = {"tdkt/__init__.py": '"""Root."""\n', "tdkt/sub/__init__.py": '"""Sub."""\n'}


def test_cycle_through_an_import_inside_a_function_is_found_and_printed(tmp_path):
    root = write(tmp_path, PACKAGE | {
        "tdkt/a.py": '"""A."""\nfrom tdkt import b\n',
        "tdkt/b.py": '"""B."""\ndef f():\n    from tdkt.a import g\n',
        "tdkt/c.py": '"""C."""\nimport tdkt.b\n',
    })
    assert import_cycles(root) == ["tdkt.a → tdkt.b → tdkt.a"]


def test_folders_importing_each_other_are_found_though_no_module_cycle(tmp_path):
    root = write(tmp_path, PACKAGE | {
        "tdkt/low/__init__.py": '"""Low."""\n', "tdkt/high/__init__.py": '"""High."""\n',
        "tdkt/low/base.py": '"""Base."""\n',
        "tdkt/low/link.py": '"""Link."""\nfrom tdkt.high import user\n',
        "tdkt/high/user.py": '"""User."""\nfrom tdkt.low import base\n',
    })
    assert import_cycles(root) == []
    assert package_cycles(root) == ["tdkt.high → tdkt.low → tdkt.high"]


def test_relative_imports_resolve_to_modules_and_a_package_import_is_no_edge_to_its_submodules(tmp_path):
    root = write(tmp_path, PACKAGE | {
        "tdkt/sub/x.py": '"""X."""\nfrom . import y\n',
        "tdkt/sub/y.py": '"""Y."""\nfrom .z import h\n',
        "tdkt/sub/z.py": '"""Z."""\nfrom ..sub.x import k\nfrom tdkt.sub import VALUE\n',
    })
    graph = import_graph(read_modules(root, "tdkt"))
    assert graph["tdkt.sub.x"] == {"tdkt.sub.y"}
    assert graph["tdkt.sub.z"] == {"tdkt.sub.x", "tdkt.sub"}
    assert import_cycles(root) == ["tdkt.sub.x → tdkt.sub.y → tdkt.sub.z → tdkt.sub.x"]


def test_type_checking_imports_make_no_cycle(tmp_path):
    root = write(tmp_path, PACKAGE | {
        "tdkt/a.py": '"""A."""\nfrom tdkt import b\n',
        "tdkt/b.py": '"""B."""\nimport typing\nif typing.TYPE_CHECKING:\n    from tdkt.a import A\nelse:\n    pass\n',
    })
    assert import_cycles(root) == []


def test_sql_imports_in_pages_are_found_even_inside_functions_and_types_only_in_common(tmp_path):
    root = write(tmp_path, {
        "pages/_common.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlmodel import Session\n"
                            "import sqlalchemy.orm\n",
        "pages/fake.py": "def draw():\n    from sqlmodel import select\n",
        "pages/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy import Engine\n",
        "pages/clean.py": "from tdkt.core import text\n",
    })
    assert pages_importing_sql(root) == [
        "pages/_common.py:4 imports sqlalchemy.orm", "pages/fake.py:2 imports sqlmodel",
        "pages/typed.py:3 imports sqlalchemy",
    ]


def test_a_long_function_needs_a_long_comment(tmp_path):
    body = "    x = 1\n" * MAX_FUNCTION_LINES
    root = write(tmp_path, PACKAGE | {
        "tdkt/big.py": f'"""Big."""\n\n\ndef short():\n{body[:-10]}\n\ndef bare():\n{body}\n\n'
                       f'# long: one table, one pass\n@staticmethod\ndef above():\n{body}\n\n'
                       f'def inside(\n    a,\n):  # long: the order of the rows matters\n{body}\n',
        "tdkt/migrations/versions/0001_first.py": f'"""First."""\n\n\ndef upgrade():\n{body * 10}',
        "pages/form.py": f"def render():\n{body}",
        "app.py": f"def sign_in():\n{body[:-10]}",
    })
    assert long_functions(root) == [f"tdkt/big.py:{4 + MAX_FUNCTION_LINES + 2} bare: {MAX_FUNCTION_LINES + 1} lines",
                                    f"pages/form.py:1 render: {MAX_FUNCTION_LINES + 1} lines"]
    assert long_modules(root) == []
    write(root, {"tdkt/huge.py": '"""Huge."""\n' + "x = 1\n" * MAX_MODULE_LINES})
    assert long_modules(root) == [f"tdkt/huge.py: {MAX_MODULE_LINES + 1} lines"]


def test_names_docstrings_streamlit_inits_and_private_names_are_found(tmp_path):
    root = write(tmp_path, PACKAGE | {
        "tdkt/records.py": '"""Records."""\nimport streamlit as st\n',
        "tdkt/sub/records.py": "x = 1\n",
        "tdkt/sub/__init__.py": '"""Sub."""\nfrom tdkt.records import st\n',
        "tdkt/cli/__init__.py": '"""CLI."""\nfrom tdkt.cli.program import main\n',
        "tdkt/cli/program.py": '"""Program."""\ndef main():\n    from tdkt.plan import _shift\n',
        "tdkt/plan.py": '"""Plan."""\nfrom . import records as r\nr._cache\nfrom tdkt.sub import records\n'
                        'records._x, records.__doc__\n',
    })
    assert shared_file_names(root) == ["records.py: tdkt/records.py, tdkt/sub/records.py"]
    assert modules_without_docstring(root) == ["tdkt/sub/records.py"]
    assert streamlit_imports(root) == ["tdkt/records.py:2 imports streamlit"]
    assert imports_in_package_inits(root) == ["tdkt/sub/__init__.py:2"]
    assert private_names_across_modules(root) == ["tdkt/cli/program.py:3 imports _shift from tdkt.plan",
                                                  "tdkt/plan.py:3 uses tdkt.records._cache",
                                                  "tdkt/plan.py:5 uses tdkt.sub.records._x"]


def test_the_checks_read_the_real_tree():
    graph = import_graph(read_modules(ROOT, "tdkt"))
    assert len(graph) > 50 and "tdkt.reports.reports" in graph["tdkt.reports.report_docx"]
    assert "tdkt.cli.setup_commands" in graph["tdkt.cli.program"]
    assert "pages._common" in read_modules(ROOT, "pages")
