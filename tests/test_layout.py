"""The layout the README's 'Architectuur' describes, kept: which layer may import which, algorithms apart from their
helpers, no import cycles. Read from the source (every import statement, also those inside functions), so a
lazy import cannot hide a dependency."""

import ast

from conftest import REPO

PACKAGES = ("veerkracht_plugin", "processing_algorithms")
QT = ("qgis", "PyQt5", "PyQt6", "sip", "osgeo", "processing")
SOURCES_ON_QGIS = {"cache", "layers", "network"}  # sources/ modules on QGIS' network stack and providers
FEATURES = ("dock", "atlas", "webmap")  # the parts a user sees, each on the shared adapters only


def _name(path):
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))}


def _imports(module):
    """Every module ``module`` imports: ours by dotted name (a submodule where ``from x import y`` names one),
    others by their top-level name."""
    path = MODULES[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module.removeprefix("veerkracht.")
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
    return {name if name in MODULES else name.split(".")[0] for name in found} - {module}


IMPORTS = {module: _imports(module) for module in MODULES}


def _ours(module):
    return {name for name in IMPORTS[module] if name in MODULES}


def _in(module, package):
    return module == package or module.startswith(package + ".")


def _breaking(rule, modules):
    """'module -> import' for each import of ``modules`` that ``rule(module, import)`` refuses."""
    return sorted(f"{m} -> {i}" for m in modules for i in IMPORTS[m] if not rule(m, i))


def test_every_folder_is_a_package():
    folders = {path.parent for path in MODULES.values()}
    assert sorted(str(f.relative_to(REPO)) for f in folders if not (f / "__init__.py").is_file()) == []


def test_core_knows_nothing_of_qt_or_qgis():
    """The pandas core: plain Python, pandas and the paths of the bundled files."""
    core = [m for m in MODULES if _in(m, "veerkracht_plugin.core")] + ["veerkracht_plugin.paths"]

    def allowed(module, imported):
        ours = _in(imported, "veerkracht_plugin.core") or imported == "veerkracht_plugin.paths"
        return imported not in QT and (imported not in MODULES or ours)

    assert _breaking(allowed, core) == []


def test_sources_are_plain_python_but_for_the_network():
    sources = [m for m in MODULES if _in(m, "veerkracht_plugin.sources")]
    on_qgis = {m.rsplit(".", 1)[-1] for m in sources if IMPORTS[m] & set(QT)}
    assert on_qgis <= SOURCES_ON_QGIS
    allowed = ("veerkracht_plugin.sources", "veerkracht_plugin.compat", "veerkracht_plugin.paths")
    assert _breaking(lambda m, i: i not in MODULES or any(_in(i, a) for a in allowed), sources) == []


def test_adapters_and_features_stay_below_the_algorithms():
    """Only the plugin class knows the Processing provider; the shared adapters (styling, rendering, layer_queries,
    ...) know no dock, atlas or web map; dock, atlas and web map know each other not."""
    plugin = [m for m in MODULES if _in(m, "veerkracht_plugin")]
    assert _breaking(lambda m, i: m == "veerkracht_plugin.plugin" or not _in(i, "processing_algorithms"), plugin) == []
    features = [f"veerkracht_plugin.{f}" for f in FEATURES]

    def feature_of(module):
        return next((f for f in features if _in(module, f)), None)

    adapters = [m for m in plugin if feature_of(m) is None and m != "veerkracht_plugin.plugin"]
    assert _breaking(lambda m, i: feature_of(i) is None and i != "veerkracht_plugin.plugin", adapters) == []
    inside = [m for m in plugin if feature_of(m)]
    assert _breaking(lambda m, i: feature_of(i) in (None, feature_of(m)), inside) == []


def test_processing_algorithms_lists_the_algorithms():
    """processing_algorithms/ holds one module per algorithm, the provider and the base class; helpers are in
    support/, and the provider offers every algorithm module."""
    top = [p for p in (REPO / "processing_algorithms").glob("*.py") if p.stem not in ("__init__", "provider", "base")]
    for path in top:
        classes = [
            node.name
            for node in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") == "VeerkrachtAlgorithm" for b in node.bases)
        ]
        assert len(classes) == 1, f"{path.name}: geen algoritme (hoort in support/?) of meer dan één: {classes}"
    offered = {i.rsplit(".", 1)[-1] for i in _ours("processing_algorithms.provider")} - {"paths"}
    assert offered == {p.stem for p in top}


def test_algorithms_build_on_base_and_support_only():
    """An algorithm imports the base class and support/, never another algorithm; support/ imports no algorithm and
    not the base class."""
    top = [p.stem for p in (REPO / "processing_algorithms").glob("*.py") if p.stem not in ("__init__", "provider")]
    support = [m for m in MODULES if _in(m, "processing_algorithms.support")]

    def from_algorithm(module, imported):
        helper = _in(imported, "processing_algorithms.support") or imported == "processing_algorithms.base"
        return not _in(imported, "processing_algorithms") or helper

    def from_support(module, imported):
        return not _in(imported, "processing_algorithms") or _in(imported, "processing_algorithms.support")

    assert _breaking(from_algorithm, [f"processing_algorithms.{stem}" for stem in top]) == []
    assert _breaking(from_support, support) == []


def test_no_import_cycles():
    """No module imports, through others, itself: each layer reads from the top down (Tarjan's strongly connected
    components of the import graph)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in _ours(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert cycles == []
