#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks of lib/'s structure (doc/architecture.md), one per subcommand:

  private-structs LIB       struct ctr_container is defined and dereferenced
                            only in core/container.c, struct ctr_runtime
                            only in core/runtime.c
  include-cycles LIB        the #include graph between modules (a .c with its
                            .h) has no cycle
  link-cycles NM ARCHIVE    the call graph between the archive's objects (who
                            uses a symbol another defines) has no cycle
  function-length LIB MAX   no function in lib/ is longer than MAX lines
  layers LIB                a module includes only headers of its own folder
                            or of a folder in a layer below (LAYERS)
  call-layers NM ARCHIVE    the same for calls, read from the archive

Each prints what it found wrong and exits 1, or exits 0 in silence."""
import os
import re
import subprocess
import sys

OWNERS = {
    'ctr_container': ('core/container.c', ['cfg', 'st', 'rt', 'lock', 'batch', 'removed', 'refs']),
    'ctr_runtime': ('core/runtime.c', None),
}

# lib/'s folders, lowest layer first; folders on one line are side by side
# and may not include each other.
LAYERS = [
    ['base'],
    ['data', 'native'],
    ['state', 'oci', 'registry'],
    ['storage', 'net'],
    ['core'],
    ['api'],
]


def sources(lib, exts=('.c', '.h')):
    for d, _, files in os.walk(lib):
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(d, f)


def strip_comments(text):
    """Comments and string literals blanked, lines kept."""
    def blank(m):
        return re.sub(r'[^\n]', ' ', m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', blank, text, flags=re.S)


def runtime_fields(lib):
    """The members of struct ctr_runtime, read from its definition."""
    text = strip_comments(open(os.path.join(lib, OWNERS['ctr_runtime'][0])).read())
    m = re.search(r'struct ctr_runtime\s*\{(.*?)\n\};', text, re.S)
    if not m:
        return []
    return re.findall(r'(\w+)\s*(?:\[[^\]]*\])?\s*;', m.group(1))


def check_private_structs(lib):
    bad = []
    fields = dict((k, v[1]) for k, v in OWNERS.items())
    fields['ctr_runtime'] = runtime_fields(lib)
    for path in sources(lib):
        rel = os.path.relpath(path, lib)
        text = strip_comments(open(path).read())
        for struct, (owner, _) in OWNERS.items():
            if rel == owner:
                continue
            for m in re.finditer(r'struct\s+%s\s*\{' % struct, text):
                line = text.count('\n', 0, m.start()) + 1
                bad.append('%s:%d: struct %s defined outside %s' % (rel, line, struct, owner))
            # A member reached through a pointer whose type is the struct.
            ptrs = set(re.findall(r'(?:struct\s+%s|%s_t)\s*\*\s*(?:const\s+)?(\w+)' % (struct, struct), text))
            for name in ptrs:
                pat = r'\b%s\s*->\s*(%s)\b' % (re.escape(name), '|'.join(fields[struct]) or 'NONE')
                for m in re.finditer(pat, text):
                    line = text.count('\n', 0, m.start()) + 1
                    bad.append('%s:%d: %s->%s reaches into struct %s (owned by %s)' %
                               (rel, line, name, m.group(1), struct, owner))
    return bad


def module_of(lib, path):
    rel = os.path.relpath(path, lib)
    return os.path.splitext(rel)[0]


def include_graph(lib):
    graph = {}
    for path in sources(lib):
        mod = module_of(lib, path)
        graph.setdefault(mod, set())
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', open(path).read(), re.M):
            for base in (os.path.dirname(path), lib):
                target = os.path.normpath(os.path.join(base, inc))
                if os.path.exists(target):
                    dep = module_of(lib, target)
                    if dep != mod:
                        graph[mod].add(dep)
                    break
    return graph


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def report_cycles(kind, graph):
    bad = []
    for comp in cycles(graph):
        bad.append('%s cycle of %d modules: %s' % (kind, len(comp), ' '.join(comp)))
        for a in comp:
            ties = sorted(b for b in graph[a] if b in comp)
            bad.append('  %s -> %s' % (a, ', '.join(ties)))
    return bad


def check_include_cycles(lib):
    return report_cycles('include', include_graph(lib))


def link_graph(nm, archive):
    out = subprocess.run([nm, '-A', '--defined-only', archive], capture_output=True, text=True, check=True).stdout
    defined = {}
    for line in out.splitlines():
        obj, _, rest = line.rpartition(':')
        parts = rest.split()
        if len(parts) == 3 and parts[1] in 'TDBRtdbr' and parts[1].isupper():
            defined[parts[2]] = obj.split(':')[-1]
    out = subprocess.run([nm, '-A', '--undefined-only', archive], capture_output=True, text=True, check=True).stdout
    graph = {}
    for obj in set(defined.values()):
        graph.setdefault(modname(obj), set())
    for line in out.splitlines():
        obj, _, rest = line.rpartition(':')
        sym = rest.split()[-1] if rest.split() else ''
        src = modname(obj.split(':')[-1])
        dst = defined.get(sym)
        if dst and modname(dst) != src:
            graph.setdefault(src, set()).add(modname(dst))
    return graph


def modname(obj):
    # meson names objects after their source path: lib_net_net.c.o, or
    # DIR/libctr-internal.a.p/net_net.c.o
    name = os.path.basename(obj)
    name = name[:-2] if name.endswith('.o') else name
    name = name[:-2] if name.endswith('.c') else name
    name = name[4:] if name.startswith('lib_') else name
    return name.replace('_', '/', 1) if name.split('_')[0] in [f for layer in LAYERS for f in layer] else name


def check_link_cycles(nm, archive):
    return report_cycles('call', link_graph(nm, archive))


def check_layers(graph, verb):
    rank = dict((f, i) for i, layer in enumerate(LAYERS) for f in layer)
    bad = []
    for mod, deps in sorted(graph.items()):
        folder = mod.split('/')[0]
        if folder not in rank:
            bad.append('%s: not in a layer folder (%s)' % (mod, ', '.join(rank)))
            continue
        for dep in sorted(deps):
            to = dep.split('/')[0]
            if to != folder and rank.get(to, -1) >= rank[folder]:
                bad.append('%s %s %s: %s is not below %s' % (mod, verb, dep, to, folder))
    return bad


def functions(text):
    """(name, first line, length) of each function definition: a signature
    starting in column 0 and a body from a '{' to a '}' in column 0."""
    lines = text.split('\n')
    start = None
    for i, line in enumerate(lines):
        if start is None and line == '{':
            j = i - 1
            while j > 0 and lines[j - 1].strip() and not lines[j - 1].rstrip().endswith((';', '}', '*/')) \
                    and not lines[j - 1].startswith(('#', ' ', '\t')) or (j > 0 and lines[j].startswith((' ', '\t'))):
                j -= 1
            m = re.search(r'(\w+)\s*\(', ' '.join(lines[j:i]))
            start = (m.group(1) if m else '?', j)
        elif start is not None and line.startswith('}'):
            name, j = start
            yield name, j + 1, i - j + 1
            start = None


def check_function_length(lib, limit):
    bad = []
    for path in sources(lib, ('.c',)):
        text = strip_comments(open(path).read())
        for name, line, n in functions(text):
            if n > limit:
                bad.append('%s:%d: %s() is %d lines (at most %d)' % (os.path.relpath(path, lib), line, name, n, limit))
    return bad


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == 'private-structs':
        bad = check_private_structs(argv[2])
    elif cmd == 'include-cycles':
        bad = check_include_cycles(argv[2])
    elif cmd == 'link-cycles':
        bad = check_link_cycles(argv[2], argv[3])
    elif cmd == 'layers':
        bad = check_layers(include_graph(argv[2]), 'includes')
    elif cmd == 'call-layers':
        bad = check_layers(link_graph(argv[2], argv[3]), 'calls')
    elif cmd == 'function-length':
        bad = check_function_length(argv[2], int(argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
