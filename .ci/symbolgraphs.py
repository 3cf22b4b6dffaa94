"""The symbol graphs of the Vigie library modules, for .ci/api-audit.py and .ci/doc-coverage.py.

`swift package dump-symbol-graph` writes one `<Module>.symbols.json` per module (and
`<Module>@<Other>.symbols.json` for extensions of other modules' types); the library modules are
the ones named `Vigie…` that are not test targets.
"""
import glob
import json
import os

LIBRARY_PREFIX = "Vigie"  # Swift library modules; C shims (no stable API) and tests are not read


def directory_from(argv):
    """The folder given on the command line, else the newest `.build/*/symbolgraph`."""
    return argv[1] if len(argv) > 1 else max(glob.glob(".build/*/symbolgraph"), key=os.path.getmtime)


def library_graphs(directory, excluded_prefixes=()):
    """(path, graph) of each library module's symbol graph in `directory`, sorted by path."""
    paths = []
    for path in glob.glob(os.path.join(directory, "*.symbols.json")):
        name = os.path.basename(path)
        if (name.startswith(LIBRARY_PREFIX) and "Tests" not in name and "@" not in name
                and not any(name.startswith(p) for p in excluded_prefixes)):
            paths.append(path)
    return [(path, json.load(open(path))) for path in sorted(paths)]
