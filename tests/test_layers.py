"""The import graph keeps its layers: the crawl core never reaches up into ``distributed/``, and no
module imports itself back through others (imports for type checking only are not arrows)."""

from __future__ import annotations

import grimp
import pytest

CORE = ("archiver.crawl", "archiver.capture", "archiver.recording", "archiver.extraction", "spiders", "pipelines")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("archiver", "spiders", "pipelines", exclude_type_checking_imports=True)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_crawl_core_does_not_import_distributed(graph: grimp.ImportGraph) -> None:
    upward = sorted(f"{m} -> {t}" for m in graph.modules if m.startswith(CORE)
                    for t in graph.find_modules_directly_imported_by(m) if t.startswith("archiver.distributed"))
    assert not upward, "the crawl core reaches up into distributed/ (choose backends by setting):\n" + "\n".join(upward)


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    assert not _cycles(graph)


def test_cycle_finder_sees_a_cycle() -> None:
    """The check above is not blind: a graph with a loop reports it."""
    g = grimp.ImportGraph()
    for name in ("a", "b", "c"):
        g.add_module(name)
    g.add_import(importer="a", imported="b")
    g.add_import(importer="b", imported="c")
    g.add_import(importer="c", imported="a")
    assert _cycles(g) == [["a", "b", "c"]]


def test_no_loose_crawl_process_modules() -> None:
    """The crawl's run-time plumbing lives in archiver/crawl/, not beside the packages."""
    import archiver
    from pathlib import Path
    loose = {p.stem for p in Path(archiver.__file__).parent.glob("*.py")}
    plumbing = {"runner", "session", "report", "summary", "progress", "logs", "terminal", "frontier_commits",
                "lock", "state"}
    assert not loose & plumbing
