#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl networking end to end, as root: network create/ls/inspect/rm, run
# --network (names, none, host, container:), -p, port, --dns*, --add-host,
# inspect.  Real runc, conmon and CNI plugins, in a temporary root and CNI
# configuration directory, on the suite's own networks and subnets only:
#   ctrtest0  bridge ctrtest0  10.209.77.0/24
#   ctrtest1  bridge ctrtest1  10.209.78.0/24
# Traffic goes only to loopback and to the suite's containers.  At the end
# nothing made here remains (checked).
# usage: test-ctrctl-net.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc conmon
command -v busybox >/dev/null || missing "busybox (busybox-static) not found"
[ -x /usr/lib/cni/bridge ] || missing "the CNI plugins (containernetworking-plugins) not found"
command -v iptables >/dev/null || missing "iptables not found"
command -v ip >/dev/null || missing "iproute2 not found"
command -v nft >/dev/null || missing "nftables not found"
# One run of the network suites at a time on a machine (they share the
# ctrtest networks): a lock on the plugin directory itself (no file left).
exec 9</usr/lib/cni
flock 9 || { echo "FAIL: cannot lock /usr/lib/cni"; exit 1; }
if ip -o link show | grep -qE ': ctrtest[01][:@]'; then
    echo "FAIL: a ctrtest bridge exists already (another run, or a leftover)"
    exit 1
fi

tmp=$(mktemp -d /tmp/ctrctl-net-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
CNI=$tmp/cni.d
ROOTFS=$tmp/rootfs
PORT=18078
sh "$SRC/tests/lib/make-rootfs.sh" "$ROOTFS" || { echo "FAIL: make-rootfs.sh"; exit 1; }
mkdir -p "$ROOTFS/www" && echo "hello from ctrtest" > "$ROOTFS/www/index.html"
had_var_lib_cni=0
[ -e /var/lib/cni ] && had_var_lib_cni=1
had_nft_table=0
nft list table ip libctr >/dev/null 2>&1 && had_nft_table=1
had_chains=0
iptables -w -t nat -S CNI-HOSTPORT-DNAT >/dev/null 2>&1 && had_chains=1
chains_before=$(iptables-save | grep -E '^:CNI-' | grep -v '^:CNI-HOSTPORT-' | cut -d' ' -f1 | sort)

G="--root $ROOT --runroot $RUNROOT --cni-config-dir $CNI"
final_cleanup() {
    # shellcheck disable=SC2086
    "$CTRCTL" $G rm -a -f >/dev/null 2>&1
    for n in ctrtest0 ctrtest1; do
        # shellcheck disable=SC2086
        "$CTRCTL" $G network rm -f "$n" >/dev/null 2>&1
        ip link del "$n" 2>/dev/null
        rm -rf "/var/lib/cni/networks/$n"
    done
    if [ "$had_chains" = 0 ] && iptables -w -t nat -S CNI-HOSTPORT-DNAT >/dev/null 2>&1 &&
        ! iptables -w -t nat -S CNI-HOSTPORT-DNAT | grep -q -- '-A CNI-HOSTPORT-DNAT'; then
        iptables -w -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
        iptables -w -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
        iptables -w -t nat -D POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
        for ch in CNI-HOSTPORT-DNAT CNI-HOSTPORT-MASQ CNI-HOSTPORT-SETMARK; do
            iptables -w -t nat -F $ch
            iptables -w -t nat -X $ch
        done
    fi 2>/dev/null
    [ "$had_var_lib_cni" = 0 ] && rmdir /var/lib/cni/networks /var/lib/cni 2>/dev/null
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

# c ARGS...: run ctrctl (a minute at most); sets RC, OUT, ERR.
c() {
    # shellcheck disable=SC2086
    timeout -k 5 60 "$CTRCTL" $G "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
R="run --rootfs $ROOTFS"

echo "# ctrctl: $CTRCTL, root $tmp"

# ---- networks ----
c network create --subnet 10.209.77.0/24 --interface-name ctrtest0 --label suite=net ctrtest0
check "network create prints the name" [ "$RC" = 0 -a "$OUT" = ctrtest0 ]
check "network create writes a conflist" [ -f "$CNI/ctrtest0.conflist" ]
check "the conflist is podman's format, with libctr's marker" /usr/bin/python3 -c "
import json,sys
d=json.load(open('$CNI/ctrtest0.conflist'))
assert d['libctr']=={'native':True}
p=d['plugins']
assert d['name']=='ctrtest0' and p[0]['type']=='bridge' and p[0]['bridge']=='ctrtest0'
assert p[0]['ipam']['ranges'][0][0]=={'subnet':'10.209.77.0/24','gateway':'10.209.77.1'}
assert p[1]=={'type':'portmap','capabilities':{'portMappings':True}}
assert d['args']['podman_labels']=={'suite':'net'}"
c network create --subnet 10.209.77.0/24 --interface-name ctrtest9 ctrtest9
check "network create: an overlapping subnet is refused" [ "$RC" = 125 ] && has "$ERR" "overlaps"
c network create --subnet nonsense ctrtest9
check "network create: a bad subnet is refused" [ "$RC" = 125 ] && has "$ERR" "invalid subnet"
c network create --subnet 10.209.78.0/24 --interface-name ctrtest1 ctrtest1
c network ls
check "network ls" [ "$RC" = 0 ] && has "$OUT" "^[0-9a-f]\{12\} *ctrtest0 *bridge$" && has "$OUT" " ctrtest1 "
c network ls -q
check "network ls -q" [ "$RC" = 0 -a "$OUT" = "$(printf 'ctrtest0\nctrtest1')" ]
c network inspect ctrtest0
check "network inspect" [ "$RC" = 0 ] && [ "$(py "d[0]['subnets'][0]['subnet'], d[0]['network_interface'], d[0]['driver']")" = "10.209.77.0/24 ctrtest0 bridge" ]
c network inspect nosuchnet
check "network inspect of a missing network exits 125" [ "$RC" = 125 ] && has "$ERR" "nosuchnet"

# ---- containers ----
c $R -d --name web --network ctrtest0 -p 127.0.0.1:$PORT:80 /bin/sh -c 'exec httpd -f -p 80 -h /www'
check "run -d --network -p" [ "$RC" = 0 ]
c inspect web
ip_web=$(py "d[0]['NetworkSettings']['IPAddress']")
check "inspect: IPAddress on the subnet" has "$ip_web" '^10\.209\.77\.[0-9]*$'
check "inspect: Networks.ctrtest0 like podman's" [ "$(py "' '.join(str(d[0]['NetworkSettings']['Networks']['ctrtest0'][k]) for k in ('IPAddress','Gateway','IPPrefixLen'))")" = "$ip_web 10.209.77.1 24" ]
check "inspect: a MAC address" has "$(py "d[0]['NetworkSettings']['MacAddress']")" '^[0-9a-f]\{2\}\(:[0-9a-f]\{2\}\)\{5\}$'
check "inspect: Ports" [ "$(py "d[0]['NetworkSettings']['Ports']")" = "{'80/tcp': [{'HostIp': '127.0.0.1', 'HostPort': '$PORT'}]}" ]
check "inspect: NetworkMode bridge" [ "$(py "d[0]['HostConfig']['NetworkMode']")" = bridge ]
c port web
check "port lists the mapping" [ "$RC" = 0 -a "$OUT" = "80/tcp -> 127.0.0.1:$PORT" ]
c port web 80/tcp
check "port CTR PORT" [ "$RC" = 0 -a "$OUT" = "127.0.0.1:$PORT" ]
c port web 81
check "port of an unpublished port exits 125" [ "$RC" = 125 ]
body=""
for _ in $(seq 100); do
    body=$(busybox wget -q -O - "http://127.0.0.1:$PORT/index.html" 2>/dev/null) && break
    sleep 0.1
done
RC=0
check "the host reaches the container through 127.0.0.1:$PORT" [ "$body" = "hello from ctrtest" ]
c $R --rm --network ctrtest0 /bin/sh -c "for i in \$(seq 50); do wget -q -O - http://$ip_web/index.html && exit 0; sleep 0.1; done; exit 1"
check "a second container reaches the first by its address" [ "$RC" = 0 -a "$OUT" = "hello from ctrtest" ]
c $R --rm --network container:web /bin/sh -c "ip -o -4 addr show eth0 | awk '{print \$4}'"
check "--network container:ID shares its namespace" [ "$RC" = 0 -a "$OUT" = "$ip_web/24" ]
c $R --rm --network none ls /sys/class/net
check "--network none: loopback only" [ "$RC" = 0 -a "$OUT" = lo ]
c $R --rm --network host ls /sys/class/net
check "--network host: the host's interfaces" [ "$RC" = 0 ] && has "$OUT" '^ctrtest0$'
c $R --rm --network ctrtest0,ctrtest1 /bin/sh -c "ls /sys/class/net | tr '\n' ' '"
check "two networks: eth0 and eth1" [ "$RC" = 0 -a "$OUT" = "eth0 eth1 lo " ]
c $R --rm --network ctrtest0 --hostname box --dns 10.209.77.53 --dns-search example.test --dns-option ndots:3 \
    --add-host db:10.209.77.99 /bin/sh -c 'cat /etc/resolv.conf; tail -2 /etc/hosts; cat /etc/hostname'
check "--dns --dns-search --dns-option --add-host --hostname" [ "$RC" = 0 ] &&
    [ "$(printf '%s' "$OUT" | sed -n 1,3p)" = "$(printf 'search example.test\nnameserver 10.209.77.53\noptions ndots:3')" ] &&
    has "$OUT" "^10\.209\.77\.99	db$" && has "$OUT" "^10\.209\.77\.[0-9]*	box " && has "$OUT" "^box$"

# ---- the default network, errors ----
CTRCTL_NETWORK='' c --default-network ctrtest1 $R --rm /bin/sh -c "ip -o -4 addr show eth0 | awk '{print \$4}'"
check "run without --network: the default network" [ "$RC" = 0 ] && has "$OUT" '^10\.209\.78\.[0-9]*/24$'
CTRCTL_NETWORK=none c $R --rm ls /sys/class/net
check "CTRCTL_NETWORK=none" [ "$RC" = 0 -a "$OUT" = lo ]
c $R --rm --network nosuchnet true
check "run on a missing network exits 125" [ "$RC" = 125 ] && has "$ERR" "network nosuchnet not found"
c $R --rm --network none -p 8080:80 true
check "-p without a network of its own is refused" [ "$RC" = 125 ]
c $R --rm -p 80 true
check "a bad -p is refused" [ "$RC" = 125 ] && has "$ERR" "publish"
c ps -a -q
check "the failed runs left no container" [ "$(printf '%s' "$OUT" | grep -c .)" = 1 ]
c network rm ctrtest0
check "network rm of a network in use exits 125" [ "$RC" = 125 ] && has "$ERR" "used by 1 container"
c network rm -f ctrtest0 ctrtest1
check "network rm -f removes its containers" [ "$RC" = 0 -a "$OUT" = "$(printf 'ctrtest0\nctrtest1')" ]
c ps -a -q
check "no container left" [ "$RC" = 0 -a -z "$OUT" ]
check "the conflists are gone" [ ! -e "$CNI/ctrtest0.conflist" -a ! -e "$CNI/ctrtest1.conflist" ]

# ---- nothing left ----
RC=0
check "no ctrtest bridge" [ -z "$(ip -o link show | grep -E ': ctrtest[0-9]')" ]
left=""
for _ in $(seq 100); do
    left=$(ip -o link show type veth | grep 'master ctrtest')
    [ -z "$left" ] && break
    sleep 0.1
done
check "no veth" [ -z "$left" ]
check "no iptables rule" [ -z "$(iptables-save | grep -E 'ctrtest|10\.209\.7[78]\.')" ]
check "no nft element of the suite's" [ -z "$(nft list table ip libctr 2>/dev/null | grep -E '10\.209\.7[78]\.|18078')" ]
[ "$had_nft_table" = 0 ] && check "no libctr nft table without elements" \
    sh -c "! nft list table ip libctr >/dev/null 2>&1 || nft list table ip libctr | grep -q 'elements ='"
check "no CNI chain" [ "$(iptables-save | grep -E '^:CNI-' | grep -v '^:CNI-HOSTPORT-' | cut -d' ' -f1 | sort)" = "$chains_before" ]
check "no network namespace" [ -z "$(ls "$RUNROOT/netns" 2>/dev/null)" ]
check "no cached result" [ -z "$(ls "$ROOT/cni/results" 2>/dev/null)" ]
check "no host-local reservations" [ ! -e /var/lib/cni/networks/ctrtest0 -a ! -e /var/lib/cni/networks/ctrtest1 ]
check "no mount left under the root" [ -z "$(grep -F " $tmp/" /proc/self/mountinfo)" ]

summary
