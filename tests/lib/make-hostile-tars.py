#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write a corpus of hostile layer tars, each also wrapped in an OCI layout.

usage: make-hostile-tars.py OUTDIR CANARY

CANARY is an absolute directory outside any store, holding a file `victim`.
Every tar tries to write, link, delete or change something in CANARY (or
/etc/passwd) from inside a layer.  A safe extractor refuses the tar or
neutralises the entries: nothing in CANARY changes.  Writes OUTDIR/NAME.tar
and the layout OUTDIR/NAME/ (oci-layout, index.json tagged "latest").
"""
import hashlib
import io
import json
import os
import sys
import tarfile

out, canary = sys.argv[1], sys.argv[2].rstrip("/")
up = "../" * 24
os.makedirs(out, exist_ok=True)


def reg(name, data=b"pwned\n", mode=0o644, pax=None):
    t = tarfile.TarInfo(name)
    t.size, t.mode = len(data), mode
    if pax:
        t.pax_headers = pax
    return (t, data)


def sym(name, target):
    t = tarfile.TarInfo(name)
    t.type, t.linkname = tarfile.SYMTYPE, target
    return (t, None)


def hard(name, target):
    t = tarfile.TarInfo(name)
    t.type, t.linkname = tarfile.LNKTYPE, target
    return (t, None)


def dirent(name, mode=0o755):
    t = tarfile.TarInfo(name)
    t.type, t.mode = tarfile.DIRTYPE, mode
    return (t, None)


def chrdev(name, major, minor):
    t = tarfile.TarInfo(name)
    t.type, t.devmajor, t.devminor, t.mode = tarfile.CHRTYPE, major, minor, 0o666
    return (t, None)


corpus = {
    "dotdot": [reg(up + canary.lstrip("/") + "/dotdot")],
    "absolute": [reg(canary + "/absolute")],
    "symlink-absolute": [sym("link", canary), reg("link/through-absolute")],
    "symlink-relative": [sym("rel", up + canary.lstrip("/")), reg("rel/through-relative")],
    "symlink-chain": [sym("a", "b"), sym("b", canary), reg("a/through-chain")],
    "symlink-dir-swap": [dirent("x"), sym("x", canary), reg("x/through-swap")],
    "symlink-then-file": [sym("v", canary + "/victim"), reg("v", b"overwritten\n")],
    "symlink-victim-write": [sym("victim-link", canary + "/victim"), reg("victim-link", b"overwritten\n")],
    "hardlink-absolute": [hard("hl", canary + "/victim")],
    "hardlink-dotdot": [hard("hl", up + canary.lstrip("/") + "/victim")],
    "hardlink-through-symlink": [sym("s", canary), hard("hl", "s/victim")],
    "hardlink-passwd": [hard("pw", "/etc/passwd")],
    "hardlink-to-symlink": [sym("s", canary + "/victim"), hard("hl", "s"), reg("hl", b"overwritten\n")],
    "whiteout-dotdot": [reg(up + canary.lstrip("/") + "/.wh.victim", b"")],
    "whiteout-through-symlink": [sym("w", canary), reg("w/.wh.victim", b"")],
    "whiteout-name-dotdot": [reg(".wh..." , b""), reg("d/.wh..", b"")],
    "opaque-through-symlink": [sym("o", canary), reg("o/.wh..wh..opq", b"")],
    "overlay-xattrs": [dirent("dir"), reg("dir/file", pax={"SCHILY.xattr.trusted.overlay.opaque": "y",
                                                           "SCHILY.xattr.trusted.overlay.redirect": canary})],
    "long-name": [reg("d/" + "n" * 5000)],
    "dev-null": [chrdev("null", 1, 3)],
    "empty-names": [reg("./", b""), reg("/", b""), reg("..", b"")],
}

for name, entries in corpus.items():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for info, data in entries:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    layer = buf.getvalue()
    with open(os.path.join(out, name + ".tar"), "wb") as f:
        f.write(layer)
    # An OCI layout around it.
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)

    def blob(data):
        h = hashlib.sha256(data).hexdigest()
        with open(os.path.join(d, "blobs", "sha256", h), "wb") as f:
            f.write(data)
        return {"digest": "sha256:" + h, "size": len(data)}

    lh = hashlib.sha256(layer).hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + lh]}}).encode()
    cd = blob(config)
    ld = blob(layer)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **cd),
                           "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar", **ld)]}).encode()
    md = blob(manifest)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(d, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [dict(
            mediaType="application/vnd.oci.image.manifest.v1+json",
            annotations={"org.opencontainers.image.ref.name": "latest"}, **md)]}, f)
print(len(corpus))
