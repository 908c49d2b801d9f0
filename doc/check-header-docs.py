#!/usr/bin/env python3
"""Check the public headers' doc comments against the house rule
(doc/conventions.md, "Headers"): every declaration has a doc comment saying
what it does, each negative errno it can return, and who owns what.

usage: check-header-docs.py HEADER...

Heuristic, line-based checks on each function declaration and each callback
of a plug-in vtable:
  undocumented  no /** */ comment right before it;
  errors        returns int but the comment names no -E... code
                (nor "@return as f()" / "See f()");
  ownership     hands out memory through a ret* parameter of type T ** or
                T *** (not const T **, which lends), or returns a pointer, and
                the comment says neither who frees it (free, unref, release)
                nor that it is lent or static.  Callbacks' outputs are left
                out: the plug-in headers state their ownership once, at the top.
A function returning int whose parameters are all const handles is a getter
(it returns a value, not an error) and needs no error codes.
Prints one line per finding (HEADER:LINE: name: what) and exits 1 if any.
"""
import re
import sys

DECL = re.compile(
    r"(?P<ret>(?:(?:const|unsigned|signed|long|short)\s+)*[A-Za-z_][\w]*(?:\s+const)?(?:\s*\*+\s*(?:const\s*)?)*)\s*"
    r"(?:(?P<name>ctr_\w+)|\(\s*\*\s*(?P<cb>\w+)\s*\))\s*\((?P<args>[^;{}]*?)\)\s*"
    r"(?:__attribute__\s*\(\(.*?\)\)\s*)?;",
    re.S)
COMMENT = re.compile(r"/\*.*?\*/", re.S)
ERRNO = re.compile(r"-E[A-Z]{2,}|@return as\b|\bSee ctr_\w+\(\)|[Rr]eturns? as ctr_\w+\(\)")
OWNS = re.compile(r"\bfree|\bunref|\brelease|\blent\b|\blends?\b|\bLent\b|[Ss]tatic|owned by libctr|"
                  r"valid until|Returns @p|Returns NULL|[Nn]ever NULL")


def strip_gnu_attr(text):
    # `#if defined(__GNUC__) __attribute__(...) #endif` before the `;`
    return re.sub(r"#if defined\(__GNUC__\)\s*__attribute__\(\(.*?\)\)\s*#endif",
                  lambda m: " " * len(m.group(0)) if "\n" not in m.group(0)
                  else "\n" * m.group(0).count("\n"), text, flags=re.S)


def check(path):
    text = strip_gnu_attr(open(path, encoding="utf-8").read())
    comments = [(m.start(), m.end(), m.group(0)) for m in COMMENT.finditer(text)]
    # Blank out comments so that declarations are found in code only.
    code = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    code = re.sub(r"^\s*#.*$", lambda m: " " * len(m.group(0)), code, flags=re.M)
    findings = []
    for m in DECL.finditer(code):
        name = m.group("name") or m.group("cb")
        ret = " ".join(m.group("ret").split())
        if ret.startswith("typedef") or code[:m.start()].rstrip().endswith("typedef"):
            continue  # a callback type: documented, no errors of its own
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        line = text.count("\n", 0, start) + 1
        doc = None
        for cs, ce, ct in comments:
            if ce <= start and text[ce:start].strip() == "" and ct.startswith("/**"):
                doc = ct
        label = name if m.group("name") else "callback %s()" % name
        if doc is None:
            findings.append((line, label, "undocumented"))
            continue
        args = [" ".join(a.split()) for a in m.group("args").split(",")]
        # A getter taking only const handles returns a value, not an error.
        getter = all(a.startswith("const ") and a.count("*") == 1 for a in args)
        if ret == "int" and not getter and not ERRNO.search(doc):
            findings.append((line, label, "errors: returns int, no -E... code named"))
        # Outputs are the ret* parameters (doc/conventions.md, "Parameters")
        # that are pointers to pointers and not lent const arrays; the plug-in
        # headers state the ownership of callback outputs once, at the top.
        outs = [a for a in args if re.search(r"\*\s*\*\s*ret\w*$", a)
                and not re.match(r"const \w+ \*\*", a)]
        if m.group("cb"):
            outs, ret_ptr = [], False
        else:
            ret_ptr = "*" in ret
        if (outs or ret_ptr) and not OWNS.search(doc):
            what = "output %s" % ", ".join(" ".join(a.split()) for a in outs) if outs else "returns %s" % ret
            findings.append((line, label, "ownership: %s, doc says nothing of who frees it" % what))
    return [(path, *f) for f in findings]


def main(paths):
    out = []
    for p in paths:
        out += check(p)
    for path, line, name, what in out:
        print("%s:%d: %s: %s" % (path, line, name, what))
    print("%d findings in %d headers" % (len(out), len(paths)))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
