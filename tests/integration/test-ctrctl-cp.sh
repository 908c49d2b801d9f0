#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl cp against podman cp on the same image and inputs: a tree with
# modes (setuid, sticky, 0700), owners, symbolic links, a hard link, an empty
# directory and times round-trips in and out (by paths, and as tar streams
# with --archive=false), with the listings of both compared; the default
# --archive gives the container's user; between two containers; into a
# configured, a created, a running (seen by exec) and an exited container; into a named volume and a
# bind mount; symbolic links planted in the root file system (to /, to
# "..", absolute to /etc, in a middle component) and a hostile tar stream
# never reach the host (its file's checksum unchanged); a link copied out is
# a link; bad arguments give podman's errors and change nothing.
# usage: test-ctrctl-cp.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need podman runc conmon tar sha256sum /usr/bin/python3

export CTRCTL_NETWORK=none
# podman wants a lowercase path for an oci: reference.
tmp=/tmp/ctrctl-cp-test.$(tr -dc 'a-z0-9' </dev/urandom | head -c 10)
mkdir -m 700 "$tmp" || { echo "FAIL: cannot make $tmp"; exit 1; }
RUNROOT=$(run_root_for "$tmp")
C="timeout -k 5 120 $CTRCTL --root $tmp/root --runroot $RUNROOT"
P="timeout -k 5 120 podman --runtime runc --root $tmp/proot --runroot $tmp/prun --storage-driver overlay"
PRUN="--net=none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
final_cleanup() {
    $C rm -a -f >/dev/null 2>&1
    $C volume rm -a -f >/dev/null 2>&1
    $P rm -a -f >/dev/null 2>&1
    $P volume rm -a -f >/dev/null 2>&1
    $P rmi -a -f >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

# c CMD...: run, keeping RC, OUT and ERR.
c() {
    RC=0
    "$@" >"$tmp/out" 2>"$tmp/err" || RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
# listing DIR: what must survive a copy, one line per entry, sorted.
listing() { (cd "$1" && find . -printf '%p %m %U %G %y %l %TY-%Tm-%Td %TH:%TM\n' | sort); }
# extract_to DIR: a tar on stdin, extracted as root keeps owners and modes.
extract_to() { mkdir -p "$1" && tar -C "$1" --same-owner -xpf -; }

"$SRC/bindings/make-test-image.sh" "$tmp/oci" >/dev/null || { echo "FAIL: make-test-image"; exit 1; }
$C image load -q "oci:$tmp/oci:latest" bb >/dev/null || { echo "FAIL: load"; exit 1; }
img=$($P pull -q "oci:$tmp/oci:latest" 2>/dev/null)
[ -n "$img" ] || { echo "FAIL: podman pull"; exit 1; }

# ---- the tree ----
T=$tmp/tree
mkdir -p "$T/sticky" "$T/priv/deep" "$T/empty" "$T/sgid"
echo setuid >"$T/suid"
chmod 4755 "$T/suid"
chmod 1777 "$T/sticky"
chmod 2775 "$T/sgid"
echo secret >"$T/priv/secret"
chmod 600 "$T/priv/secret"
chown -R 1234:2345 "$T/priv"
chmod 700 "$T/priv" "$T/priv/deep"
echo plain >"$T/sticky/file"
chown 4321:5432 "$T/sticky/file"
ln -s ../suid "$T/priv/rel-link"
ln -s /etc/passwd "$T/abs-link"
ln -s /nowhere "$T/dangling"
ln "$T/suid" "$T/hard"
find "$T" -depth -exec touch -h -d '2001-02-03 04:05:06' {} +
touch -d '2002-03-04 05:06:07' "$T/priv/deep" "$T/priv"
want=$(listing "$T")

$C create --name k bb sleep 1000 >/dev/null 2>&1
$P create --name k $PRUN "$img" sleep 1000 >/dev/null 2>&1

# --archive=false keeps the owners (seen on the mounted root file system);
# out, as a stream or by paths, the caller owns the copy (podman's rules),
# the rest is kept.  (Into a directory under its own name: podman fails on a
# hard link renamed.)
nomode() { awk '{ $3 = "-"; $4 = "-"; print }'; }
for e in C P; do
    eval "X=\$$e"
    c $X cp --archive=false "$T" k:/
    check "$e: cp --archive=false TREE k:/" [ "$RC" = 0 ]
    m=$($X mount k 2>/dev/null)
    check "$e: in the container: the tree with its modes, owners, links, times" [ -n "$m" -a "$(listing "$m/tree")" = "$want" ]
    check "$e: the hard link is one inode" [ -n "$m" -a "$(stat -c %h "$m/tree/hard")" = 2 ]
    $X umount k >/dev/null 2>&1
    $X cp k:/tree - 2>/dev/null | extract_to "$tmp/back-$e"
    got=$(listing "$tmp/back-$e/tree" | nomode)
    check "$e: streamed out: the same, owned by the caller" \
        [ "$got" = "$(printf '%s\n' "$want" | nomode)" -a -z "$(find "$tmp/back-$e/tree" ! -user 0 | head -1)" ]
done
check "ctrctl and podman stream the same tree" [ "$(listing "$tmp/back-C")" = "$(listing "$tmp/back-P")" ]

# The default --archive: the container's user owns what is copied in; out,
# the caller owns the copy (podman's rules), the rest is kept.
for e in C P; do
    eval "X=\$$e"
    mkdir -p "$tmp/paths-$e"
    c $X cp "$T" k:/tmp/
    c $X cp k:/tmp/tree "$tmp/paths-$e/"
    check "$e: cp TREE k:/tmp/ and back" [ "$RC" = 0 ]
    $X cp k:/tmp/tree - 2>/dev/null | extract_to "$tmp/owned-$e"
done
check "default --archive: owned by the container's user (root)" \
    [ -z "$(find "$tmp/owned-C/tree" ! -user 0 -o ! -group 0 | head -1)" -a -f "$tmp/owned-C/tree/priv/secret" ]
check "default --archive: the same as podman's" [ "$(listing "$tmp/owned-C")" = "$(listing "$tmp/owned-P")" ]
check "paths out: the same as podman's" [ "$(listing "$tmp/paths-C")" = "$(listing "$tmp/paths-P")" ]
check "paths out: modes and links kept" \
    [ "$(listing "$tmp/paths-C/tree" | awk '{print $1, $2, $5, $6}')" = "$(printf '%s\n' "$want" | awk '{print $1, $2, $5, $6}')" ]

# podman's path rules: a file into a directory, renamed, contents with /.
mkdir -p "$tmp/rules/d/sub"
echo f >"$tmp/rules/d/f"
for e in C P; do
    eval "X=\$$e"
    $X cp "$tmp/rules/d/f" k:/tmp/ >/dev/null 2>&1
    $X cp "$tmp/rules/d/f" k:/tmp/renamed >/dev/null 2>&1
    $X cp "$tmp/rules/d" k:/tmp/ >/dev/null 2>&1
    $X cp "$tmp/rules/d/." k:/tmp/dot >/dev/null 2>&1
    $X cp "$tmp/rules/d/." k:/tmp/d >/dev/null 2>&1
    $X cp "$tmp/rules/d" k:/tmp/newdir >/dev/null 2>&1
    $X cp k:/tmp - 2>/dev/null | extract_to "$tmp/rules-$e"
done
check "the path rules: the same tree as podman's" \
    [ "$(listing "$tmp/rules-C" | awk '{print $1, $5}')" = "$(listing "$tmp/rules-P" | awk '{print $1, $5}')" ]
check "the path rules: what was made" sh -c "cd '$tmp/rules-C/tmp' && [ -f f ] && [ -f renamed ] && [ -f d/f ] && [ -d d/sub ] && [ -f dot/f ] && [ -d newdir/sub ]"

# ---- states: configured, created, running (exec sees it), exited ----
echo in-a-state >"$tmp/state-file"
$C create --name cfg bb cat /state-file >/dev/null 2>&1
c $C cp "$tmp/state-file" cfg:/state-file
check "cp into a configured container" [ "$RC" = 0 ]
check "the configured container sees it when it runs" sh -c "$C start -a cfg 2>/dev/null | grep -qx in-a-state"
$C create --name crt bb cat /state-file >/dev/null 2>&1
$C init crt >/dev/null 2>&1
check "a created container" sh -c "$C inspect --format '{{.State.Status}}' crt | grep -qx created"
c $C cp "$tmp/state-file" crt:/state-file
check "cp into a created container" [ "$RC" = 0 ]
check "the created container sees it when it starts" sh -c "$C start -a crt 2>/dev/null | grep -qx in-a-state"
$C run -d --name run bb sleep 1000 >/dev/null 2>&1
c $C cp "$tmp/state-file" run:/tmp/
check "cp into a running container" [ "$RC" = 0 ]
check "exec sees it" sh -c "$C exec run cat /tmp/state-file | grep -qx in-a-state"
$C exec run sh -c 'echo made-inside > /tmp/inside' >/dev/null 2>&1
c $C cp run:/tmp/inside "$tmp/inside-out"
check "cp out of a running container" [ "$RC" = 0 -a "$(cat "$tmp/inside-out" 2>/dev/null)" = made-inside ]
$C run --name ex bb true >/dev/null 2>&1
c $C cp "$tmp/state-file" ex:/
check "cp into an exited container" [ "$RC" = 0 ]
c $C cp ex:/state-file "$tmp/from-exited"
check "and out of it" [ "$RC" = 0 -a "$(cat "$tmp/from-exited" 2>/dev/null)" = in-a-state ]
check "the copies left no mount behind" [ -z "$($C inspect --format '{{.State.Status}}' ex | grep -v exited)" ]

# ---- a named volume and a bind mount ----
$C volume create cpvol >/dev/null 2>&1
mkdir -p "$tmp/bind"
$C create --name vc -v cpvol:/data -v "$tmp/bind:/bound" bb sleep 1000 >/dev/null 2>&1
c $C cp "$tmp/state-file" vc:/data/in-volume
check "cp into a path under a named volume" [ "$RC" = 0 ]
vdir=$($C volume inspect --format '{{.Mountpoint}}' cpvol 2>/dev/null)
check "it landed in the volume" [ -n "$vdir" -a "$(cat "$vdir/in-volume" 2>/dev/null)" = in-a-state ]
c $C cp "$tmp/rules/d" vc:/bound
check "cp into a bind mount lands in its source" [ "$RC" = 0 -a -f "$tmp/bind/d/f" ]
c $C cp vc:/data/in-volume "$tmp/vol-out"
check "cp out of a volume" [ "$RC" = 0 -a "$(cat "$tmp/vol-out" 2>/dev/null)" = in-a-state ]
$C start vc >/dev/null 2>&1
check "the running container sees the copy in its volume" sh -c "$C exec vc cat /data/in-volume | grep -qx in-a-state"

# ---- planted symbolic links never lead out ----
echo host-file >"$tmp/victim"
sum=$(sha256sum "$tmp/victim" | cut -d' ' -f1)
mkdir -p "$tmp/victim-dir"
# The container has the host file's directory too: a write through a link
# succeeds, in the container.
PLANT="mkdir -p $tmp; ln -s / /evil; ln -s ../../../../../../.. /up; ln -s /etc /abs; mkdir -p /mid; ln -s ../../../.. /mid/link; mkdir -p /tree; ln -s / /tree/root-link; ln -s $tmp/victim /tree/host-link"
$C run --name ev bb sh -c "$PLANT" >/dev/null 2>&1
$P run --name ev $PRUN "$img" sh -c "$PLANT" >/dev/null 2>&1
echo pwned >"$tmp/pwn"
for dst in "/evil$tmp/victim" "/up$tmp/victim" "/mid/link$tmp/victim" "/abs/..$tmp/victim"; do
    c $C cp "$tmp/pwn" "ev:$dst"
    ours="$RC $ERR"
    c $P cp "$tmp/pwn" "ev:$dst"
    check "cp through $dst: podman's result ($ours)" [ "$ours" = "$RC $ERR" ]
done
for dst in "/evil$tmp/victim-dir" "/up$tmp/victim-dir/" "/mid/link$tmp"; do
    c $C cp "$tmp/rules/d" "ev:$dst"
    ours="$RC $ERR"
    c $P cp "$tmp/rules/d" "ev:$dst"
    check "a tree through $dst: podman's result ($ours)" [ "$ours" = "$RC $ERR" ]
done
check "the writes through the links landed in the container" sh -c "$C cp ev:$tmp/victim - | tar -xOf - victim | grep -qx pwned"
check "and the trees" sh -c "$C cp ev:$tmp - | tar -tf - | grep -q 'victim-dir/f'"
c $C cp "$tmp/pwn" ev:/abs/planted
check "an absolute link to /etc is the container's /etc" sh -c "[ $RC = 0 ] && $C cp ev:/etc/planted - | tar -xOf - planted | grep -qx pwned"
check "the host file is unchanged" [ "$(sha256sum "$tmp/victim" | cut -d' ' -f1)" = "$sum" ]
check "nothing was written on the host" [ -z "$(ls -A "$tmp/victim-dir")" -a ! -e "$tmp/d" -a ! -e "$tmp/f" ]
c $C cp "ev:/evil$tmp/victim" "$tmp/evil-out"
check "cp out through a link to /: the container's file, not the host's" [ "$RC" = 0 -a "$(cat "$tmp/evil-out" 2>/dev/null)" = pwned ]
c $C cp ev:/tree "$tmp/tree-out"
check "links copied out stay links" [ "$RC" = 0 -a "$(readlink "$tmp/tree-out/root-link")" = / -a "$(readlink "$tmp/tree-out/host-link")" = "$tmp/victim" ]
# A hostile stream: a link to / and a file through it, and a "../" name.
/usr/bin/python3 - "$tmp/hostile.tar" "$tmp/victim" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    l = tarfile.TarInfo("l"); l.type = tarfile.SYMTYPE; l.linkname = "/"; t.addfile(l)
    for name in ("l" + sys.argv[2], "../../../../../.." + sys.argv[2]):
        f = tarfile.TarInfo(name); data = b"pwned\n"; f.size = len(data); t.addfile(f, io.BytesIO(data))
EOF
c $C cp - ev:/tmp <"$tmp/hostile.tar"
check "a hostile tar stream is extracted" [ "$RC" = 0 ]
check "the host file is still unchanged" [ "$(sha256sum "$tmp/victim" | cut -d' ' -f1)" = "$sum" ]
check "its entries stayed in the container" sh -c "$C cp ev:/tmp - | tar -tf - | grep -q 'tmp/l'"

# ---- between two containers ----
$C create --name k2 bb true >/dev/null 2>&1
$P create --name k2 $PRUN "$img" true >/dev/null 2>&1
for e in C P; do
    eval "X=\$$e"
    c $X cp k:/tree k2:/tmp/
    check "$e: cp k:/tree k2:/tmp/" [ "$RC" = 0 ]
    $X cp k:/tmp/tree/. k2:/copied-contents >/dev/null 2>&1
    $X cp k:/etc/passwd k2:/pw >/dev/null 2>&1
    for d in /tmp/tree /copied-contents /pw; do $X cp "k2:$d" - 2>/dev/null | extract_to "$tmp/k2-$e"; done
done
# Without the times: a directory the copy makes has the time it was made, and
# the two runs may straddle a minute (the times' round trip is checked above).
notime() { awk '{ NF -= 2; print }'; }
check "between containers: podman's result" \
    [ -n "$(listing "$tmp/k2-C")" -a "$(listing "$tmp/k2-C" | nomode | notime)" = "$(listing "$tmp/k2-P" | nomode | notime)" ]
check "between containers: the tree, its contents, a file" \
    [ -f "$tmp/k2-C/tree/priv/secret" -a -f "$tmp/k2-C/copied-contents/priv/secret" -a -s "$tmp/k2-C/pw" ]

# ---- streams both ways ----
$C create --name s bb true >/dev/null 2>&1
c sh -c "tar -C '$T' -cf - . | $C cp -a=false - s:/"
check "a stream in (to /)" [ "$RC" = 0 ]
c sh -c "$C cp s:/priv - | tar -tvf - | grep -q 'priv/secret'"
check "a stream out" [ "$RC" = 0 ]
$C cp s:/. - 2>/dev/null | extract_to "$tmp/stream-root"
check "the stream round-trips the tree (modes, links)" sh -c "cd '$tmp/stream-root' && [ \"\$(find suid priv sticky abs-link hard -printf '%p %m %y %l\n')\" = \"\$(cd '$T' && find suid priv sticky abs-link hard -printf '%p %m %y %l\n')\" ]"
m=$($C mount s 2>/dev/null)
check "a stream in with --archive=false keeps the owners" [ -n "$m" -a "$(stat -c '%u %g' "$m/priv/secret" "$m/sticky/file" 2>/dev/null | tr '\n' ' ')" = "1234 2345 4321 5432 " ]
$C umount s >/dev/null 2>&1

# ---- bad inputs: podman's errors, nothing changed ----
$C create --name b bb true >/dev/null 2>&1
$P create --name b $PRUN "$img" true >/dev/null 2>&1
echo x >"$tmp/x"
before=$($C diff b)
i=0
while IFS='|' read -r a1 a2; do
    i=$((i + 1))
    c $C cp $a1 $a2
    ours=$(printf '%s\n' "$ERR" | head -1) # podman's second line names podman's --help
    orc=$RC
    c $P cp $a1 $a2
    check "bad input $i ($a1 $a2): podman's error" [ "$orc" = 125 -a "$RC" = 125 -a "$ours" = "$(printf '%s\n' "$ERR" | head -1)" ]
done <<EOF
nosuch:/x|$tmp/o1
$tmp/x|nosuch:/x
/nonexist|b:/tmp
b:/nonexist|$tmp/o2
$tmp/x|b:/no/such/x
$tmp/x|b:/nonexist/
$tmp/rules/d|b:/etc/passwd
b:/etc|$tmp/x
b:/nonexist|k:/tmp
b:|$tmp/o3
$tmp/x|b:
/a|/b
:/x|$tmp/o4
onlyone|
--archive=maybe $tmp/x|b:/tmp
EOF
c sh -c "echo garbage | $C cp - b:/tmp"
check "not a tar on stdin: refused" [ "$RC" = 125 ] && has "$ERR" "must be a (compressed) tar archive"
c sh -c "tar -C '$tmp' -cf - x | $C cp - b:/etc/passwd"
check "a stream into a file: podman's error" [ "$RC" = 125 -a "$ERR" = "Error: destination must be a directory when copying from stdin" ]
c $C cp "$tmp/rules/d/." b:/etc/passwd
check "contents onto a file: refused" [ "$RC" = 125 ]
check "the failures changed nothing in the container" [ "$($C diff b)" = "$before" ]
check "nor on the host" [ ! -e "$tmp/o1" -a ! -e "$tmp/o2" -a ! -e "$tmp/o3" -a ! -e "$tmp/o4" -a "$(cat "$tmp/x")" = x ]
# --overwrite: a directory over a file.
mkdir -p "$tmp/ow/passwd"
c $C cp "$tmp/ow/." b:/etc
check "a directory over a file: refused without --overwrite" [ "$RC" = 125 ] && has "$ERR" "file exists"
c $C cp --overwrite "$tmp/ow/." b:/etc
check "and done with it" sh -c "[ $RC = 0 ] && $C cp b:/etc/passwd - | tar -tvf - | grep -q '^d'"

summary
