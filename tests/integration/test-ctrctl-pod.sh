#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl pod end to end, as root, with real runc, conmon, catatonit and CNI:
# a pod on a bridge network of the test's own (ctrpod0, 10.209.93.0/24:
# traffic stays on the host) publishing a port on 127.0.0.1, with two
# members: they share the network (one reaches the other's httpd on
# 127.0.0.1), IPC and UTS namespaces and not the PID one; the published port
# reaches the httpd from the host; stop stops both; pause, unpause, kill and
# restart act on every container; rm leaves no container, infra container,
# mount, network namespace, veth or cgroup.  --share pid shares PIDs.  Names
# are unique across pods and containers; a member cannot publish ports; the
# infra container goes only with its pod; a running pod is removed only with
# -f.  The inspect document has podman 4.3's keys and types (compared with
# `podman pod inspect` of a pod made with the same options).  pod stats
# lists the running containers (the infra one too) with podman's columns
# and JSON keys, and a row of "--" for a pod with none.  The pod events of
# create, start, stop, kill, pause, unpause and rm come in order, read with
# --filter type=pod and --filter pod=NAME|ID.
# usage: test-ctrctl-pod.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

. "$SRC/tests/lib/pod-env.sh"
pod_env pod ctrpod0
pid_of() { "$CTRCTL" "${G[@]}" inspect --format '{{.State.Pid}}' "$1" 2>/dev/null; }
ns_of() { readlink "/proc/$(pid_of "$1")/ns/$2"; }
pod_infra() { "$CTRCTL" "${G[@]}" pod inspect "$1" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["InfraContainerID"])'; }
# py_true EXPR: EXPR (Python, d the last output as JSON) is True.
py_true() { [ "$(py "$1")" = True ]; }
# has_e TEXT PATTERN: TEXT matches the extended regular expression PATTERN.
has_e() { printf '%s' "$1" | grep -qE -- "$2"; }
pod_status() { "$CTRCTL" "${G[@]}" pod inspect "$1" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["State"])'; }

"$SRC/bindings/make-test-image.sh" "$tmp/oci" >/dev/null || { echo "FAIL: make-test-image"; exit 1; }
c image load -q "oci:$tmp/oci:latest" bb
[ "$RC" = 0 ] || { echo "FAIL: load: $ERR"; exit 1; }
c network create --subnet 10.209.93.0/24 --interface-name ctrpod0 ctrpod0
check "network create ctrpod0" [ "$RC" = 0 ]

# ---- a pod, two members ----
c pod create --name web --network ctrpod0 -p "127.0.0.1:$HP:8080" --label tier=front
check "pod create prints the pod's ID" rc_is 0 sh -c "printf '%s' '$OUT' | grep -qxE '[0-9a-f]{64}'"
POD=$OUT
c pod ps
check "pod ps lists it, Created, with its infra container" rc_is 0 has "$OUT" "^${POD:0:12} *web *Created .* 1\$"
INFRA=$("$CTRCTL" "${G[@]}" pod inspect web | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["InfraContainerID"])')
c inspect --format '{{.IsInfra}} {{.Pod}} {{.Name}} {{.ImageName}}' "$INFRA"
check "the infra container: IsInfra, the pod, POD-infra, libctr's image" \
    rc_is 0 [ "$OUT" = "true $POD ${POD:0:12}-infra localhost/libctr-infra:latest" ]
c ps -a --format '{{.Names}}'
check "ps -a shows the infra container, as podman" rc_is 0 has "$OUT" "^${POD:0:12}-infra\$"

c run -d --pod web --name srv bb sh -c 'mkdir -p /www && echo hello-from-srv > /www/index.html && exec httpd -f -p 8080 -h /www'
check "run -d --pod web (httpd)" [ "$RC" = 0 ]
c run -d --pod web --name cli bb sleep 1000
check "run -d --pod web (a client)" [ "$RC" = 0 ]
check "the infra container runs (started with the first member)" [ "$(state "$INFRA")" = running ]
c exec cli sh -c 'for i in $(seq 50); do wget -q -O- http://127.0.0.1:8080/ 2>/dev/null && exit 0; sleep 0.1; done; exit 1'
check "one member reaches the other's httpd on 127.0.0.1" rc_is 0 [ "$OUT" = hello-from-srv ]
check "the host reaches it on the pod's published port" [ "$(wait_http "http://127.0.0.1:$HP/")" = hello-from-srv ]
check "they share the network namespace (with the infra container)" \
    sh -c "[ '$(ns_of srv net)' = '$(ns_of cli net)' ] && [ '$(ns_of cli net)' = '$(ns_of "$INFRA" net)' ]"
check "they share the IPC namespace" [ "$(ns_of srv ipc)" = "$(ns_of cli ipc)" ]
check "they share the UTS namespace" [ "$(ns_of srv uts)" = "$(ns_of cli uts)" ]
check "they do not share the PID namespace" [ "$(ns_of srv pid)" != "$(ns_of cli pid)" ]
c exec cli hostname
check "the host name is the pod's name" rc_is 0 [ "$OUT" = web ]
c exec cli ps -o comm
check "the client does not see the server's processes" rc_is 0 sh -c "! printf '%s' '$OUT' | grep -q httpd"
c pod ps
check "pod ps: Running, 3 containers" rc_is 0 has "$OUT" "^${POD:0:12} *web *Running .* 3\$"
c pod top web pid args
top_ok() {
    [ "$(printf '%s\n' "$OUT" | grep -c '^PID')" = 1 ] && has "$OUT" catatonit && has "$OUT" 'httpd -f -p 8080' &&
        has "$OUT" 'sleep 1000'
}
check "pod top: the header once, then catatonit, the httpd and the client's sleep" rc_is 0 top_ok
c pod top web nosuchdescriptor
check "pod top with an unknown descriptor" rc_has 125 "$ERR" "nosuchdescriptor"

# ---- pod stats ----
SRV=$("$CTRCTL" "${G[@]}" inspect --format '{{.Id}}' srv)
CLI=$("$CTRCTL" "${G[@]}" inspect --format '{{.Id}}' cli)
c pod stats --no-stream web
stats_table_ok() {
    printf '%s\n' "$OUT" | head -1 | grep -qxE 'POD +CID +NAME +CPU % +MEM USAGE/ LIMIT +MEM % +NET IO +BLOCK IO +PIDS' &&
        [ "$(printf '%s\n' "$OUT" | wc -l)" = 4 ] &&
        has_e "$OUT" "^${POD:0:12} +${INFRA:0:12} +${POD:0:12}-infra +[0-9.]+% +[0-9.]+[kMG]?B / [0-9.]+[kMGT]?B +[0-9.]+% " &&
        has_e "$OUT" "^${POD:0:12} +${SRV:0:12} +srv +" && has_e "$OUT" "^${POD:0:12} +${CLI:0:12} +cli +.* 1\$"
}
check "pod stats: podman's columns, a row per running container (infra, srv, cli; sleep is 1 PID)" rc_is 0 stats_table_ok
c pod stats --no-stream --format json web
check "pod stats --format json: podman's keys in its order, strings, IDs cut to 12" rc_is 0 py_true '
[e["CID"] for e in d] == ["'"${INFRA:0:12}"'", "'"${SRV:0:12}"'", "'"${CLI:0:12}"'"] and
all(list(e) == ["CPU", "MemUsage", "MemUsageBytes", "Mem", "NetIO", "BlockIO", "PIDS", "Pod", "CID", "Name"] for e in d) and
all(e["Pod"] == "'"${POD:0:12}"'" and e["PIDS"].isdigit() and int(e["PIDS"]) >= 1 and " / " in e["MemUsage"]
    and e["MemUsageBytes"].endswith("iB") and e["CPU"].endswith("%") for e in d) and
[e["Name"] for e in d] == ["'"${POD:0:12}"'-infra", "srv", "cli"]'
c pod stats --no-stream --format '{{.Name}}={{.PIDS}}' web
check "pod stats with a template" rc_is 0 has "$OUT" '^cli=1$'
CTRCTL_NETWORK=none timeout 2.5 "$CTRCTL" "${G[@]}" pod stats --no-reset --format '{{.Name}}' web >"$tmp/out" 2>"$tmp/err" </dev/null
check "pod stats streams: a round each second until stopped" [ "$(grep -c '^srv$' "$tmp/out")" -ge 2 ]
c pod stats --no-stream
check "pod stats with no pod named: every pod" rc_is 0 has_e "$OUT" "^${POD:0:12} +${SRV:0:12} +srv "
c pod stats --no-stream -a web
check "pod stats -a with a pod named is refused, as podman" rc_has 125 "$ERR" "cannot be used together"
c pod stats --no-stream nosuchpod
check "pod stats of no pod" rc_has 125 "$ERR" "nosuchpod"

# ---- what cannot be done ----
c pod create --name srv
check "a pod cannot take a container's name" rc_has 125 "$ERR" 'name "srv" is in use: container already exists'
c create --name web bb true
check "a container cannot take a pod's name" rc_has 125 "$ERR" 'in use by a pod'
c create --pod web -p 8081:80 bb true
check "a member cannot publish ports" [ "$RC" = 125 ]
c create --pod web --hostname other bb true
check "a member cannot set a host name in the pod's UTS namespace" rc_has 125 "$ERR" "host name"
c rm -f "$INFRA"
check "the infra container is removed only with its pod" rc_has 125 "$ERR" "cannot be removed without removing the pod"
c pod rm web
check "a running pod is removed only with -f" rc_has 125 "$ERR" "running or paused"
check "... and nothing was removed" [ "$(state srv)" = running ]
c pod create --name bad --share ipc,mnt
check "an unknown namespace to share is refused" rc_has 125 "$ERR" "invalid kernel namespace"
c pod inspect nosuchpod
check "pod inspect of no pod" rc_has 125 "$ERR" "no pod with name or ID nosuchpod found"
c pod exists web
check "pod exists" [ "$RC" = 0 ]
c pod exists nosuchpod
check "pod exists of no pod: 1" [ "$RC" = 1 ]

# ---- pause, unpause, kill, stop, restart ----
c pod pause web
check "pod pause: every container paused" sh -c "[ $RC = 0 ] && [ '$(state srv)' = paused ] && [ '$(state cli)' = paused ] && [ '$(state "$INFRA")' = paused ]"
check "pod status Paused" [ "$(pod_status web)" = Paused ]
c pod unpause web
check "pod unpause" sh -c "[ $RC = 0 ] && [ '$(state srv)' = running ] && [ '$(state "$INFRA")' = running ]"
c pod stop -t 2 web
check "pod stop stops both members and the infra container" \
    sh -c "[ $RC = 0 ] && [ '$(state srv)' = exited ] && [ '$(state cli)' = exited ] && [ '$(state "$INFRA")' = exited ]"
check "pod status Exited" [ "$(pod_status web)" = Exited ]
c pod stats --no-stream web
check "pod stats of a stopped pod: the header and a row of --" rc_is 0 \
    sh -c "[ \"\$(printf '%s\n' '$OUT' | sed -n 2p | tr -s ' ')\" = '-- -- -- -- -- -- -- -- --' ]"
c pod stats --no-stream --format json web
check "... and an empty JSON array" rc_is 0 [ "$OUT" = "[]" ]
c pod start web
check "pod start starts them again" sh -c "[ $RC = 0 ] && [ '$(state srv)' = running ] && [ '$(state cli)' = running ]"
check "the httpd answers again through the port" [ "$(wait_http "http://127.0.0.1:$HP/")" = hello-from-srv ]
c pod kill web
check "pod kill (SIGKILL) ends every container" \
    sh -c "[ $RC = 0 ] && sleep 1 && [ '$(state srv)' = exited ] && [ '$(state cli)' = exited ]"
c pod restart web
check "pod restart runs them again" sh -c "[ $RC = 0 ] && [ '$(state srv)' = running ] && [ '$(state cli)' = running ]"

# ---- the inspect document against podman's ----
c pod inspect web
check "pod inspect parses" rc_is 0 py '1'
ours=$OUT
"${P[@]}" pod create --name web --network none --label tier=front >/dev/null 2>&1
theirs=$("${P[@]}" pod inspect web 2>/dev/null)
check "podman made its pod" [ -n "$theirs" ]
printf '%s' "$ours" >"$tmp/ours.json"
printf '%s' "$theirs" >"$tmp/theirs.json"
check "the keys and their JSON types equal podman's (top level, InfraConfig, Containers)" /usr/bin/python3 - "$tmp/ours.json" "$tmp/theirs.json" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def types(d):
    return {k: type(v).__name__ for k, v in d.items() if v is not None}
def same(x, y, where, skip=()):
    tx, ty = types(x), types(y)
    for k in set(tx) | set(ty):
        if k in skip or k not in tx or k not in ty:
            if k not in skip and (k in ty) != (k in tx):
                print(where, "key", k, "ours" if k in tx else "podman's only")
                return False
            continue
        if tx[k] != ty[k]:
            print(where, k, tx[k], ty[k])
            return False
    return True
checks = [
    ("keys", same(a, b, "top", skip=("CreateCommand",))),
    ("InfraConfig keys", same(a["InfraConfig"], b["InfraConfig"], "InfraConfig", skip=("Networks",))),
    ("Containers keys", same(a["Containers"][0], b["Containers"][0], "Containers")),
    # podman's order is a Go map's (random); ours is sorted
    ("SharedNamespaces", a["SharedNamespaces"] == sorted(b["SharedNamespaces"]) == ["ipc", "net", "uts"]),
    ("Labels", a.get("Labels") == b.get("Labels") == {"tier": "front"}),
    ("ExitPolicy", a["ExitPolicy"] == b["ExitPolicy"]),
    ("CgroupPath", a["CgroupPath"] == "/libctr_parent/" + a["Id"] and b["CgroupPath"] == "/libpod_parent/" + b["Id"]),
    ("PortBindings", a["InfraConfig"]["PortBindings"] != {}),
    ("NumContainers", a["NumContainers"] == 3),
]
for what, good in checks:
    if not good:
        print("differs:", what, json.dumps(a.get(what)), json.dumps(b.get(what)))
sys.exit(0 if all(good for _, good in checks) else 1)
EOF

# ---- remove: nothing is left ----
veths_before=$(ip -o link show master ctrpod0 2>/dev/null | wc -l)
c pod rm -f web
check "pod rm -f prints the pod's ID" rc_is 0 [ "$OUT" = "$POD" ]
c ps -a -q
check "no container is left (members and infra)" rc_is 0 [ -z "$OUT" ]
c pod ps -q
check "no pod is left" rc_is 0 [ -z "$OUT" ]
check "no mount under the test's root is left" sh -c "! grep -q ' $ROOT/' /proc/self/mountinfo"
check "no network namespace is left" sh -c "[ -z \"\$(ls -A '$RUNROOT/netns' 2>/dev/null)\" ]"
check "no veth on the bridge is left (there were $veths_before)" sh -c "[ -z \"\$(ip -o link show master ctrpod0 2>/dev/null)\" ]"
check "the pod's cgroup is gone from every hierarchy" sh -c "[ -z \"\$(find /sys/fs/cgroup -maxdepth 4 -name '$POD' 2>/dev/null)\" ]"
check "no process of the pod is left" sh -c "! pgrep -f '[c]onmon.*-c $INFRA' >/dev/null"

# ---- --share pid, and a pod without an infra container ----
c pod create --name pids --share pid,ipc,uts
check "pod create --share pid,ipc,uts" [ "$RC" = 0 ]
c run -d --pod pids --name p1 bb sleep 1001
c run -d --pod pids --name p2 bb sleep 1002
c exec p2 ps -o args
check "with pid shared a member sees the other's processes and catatonit" \
    rc_is 0 sh -c "printf '%s' '$OUT' | grep -q 'sleep 1001' && printf '%s' '$OUT' | grep -q catatonit"
check "and its network is its own (not shared)" [ "$(ns_of p1 net)" != "$(ns_of p2 net)" ]
c pod rm -f pids
check "pod rm -f of a running pod" [ "$RC" = 0 ]
# ---- the pod's cgroup's limits, against podman's ----
c pod create --name lim --memory 64m --cpus 0.5 --cpuset-cpus 0
LIM=$OUT
check "pod create --memory 64m --cpus 0.5 --cpuset-cpus 0" [ "$RC" = 0 ]
cg() { cat "/sys/fs/cgroup/$1/libctr_parent/$LIM/$2" 2>/dev/null; }
check "the pod's memory cgroup: 64 MiB, memory plus swap twice that (podman's default)" \
    sh -c "[ '$(cg memory memory.limit_in_bytes)' = 67108864 ] && [ '$(cg memory memory.memsw.limit_in_bytes)' = 134217728 ]"
check "the pod's cpu cgroup: a quota of 50000 in 100000 us" \
    sh -c "[ '$(cg cpu cpu.cfs_quota_us)' = 50000 ] && [ '$(cg cpu cpu.cfs_period_us)' = 100000 ]"
check "the pod's cpuset: CPU 0" [ "$(cg cpuset cpuset.cpus)" = 0 ]
c run --rm --pod lim bb grep memory: /proc/self/cgroup
check "a member runs in the pod's cgroup" rc_is 0 has "$OUT" ":/libctr_parent/$LIM/"
c pod inspect lim
printf '%s' "$OUT" >"$tmp/lim-ours.json"
"${P[@]}" pod create --name lim --memory 64m --cpus 0.5 --cpuset-cpus 0 >/dev/null 2>&1
"${P[@]}" pod inspect lim >"$tmp/lim-theirs.json" 2>/dev/null
check "the limit keys and values of inspect equal podman's (top level and InfraConfig)" /usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["cpu_period", "cpu_quota", "cpuset_cpus", "memory_limit", "memory_swap"]
top = all(a.get(k) == b.get(k) and k in a for k in keys)
infra = all(a["InfraConfig"].get(k) == b["InfraConfig"].get(k) for k in keys)
sys.exit(0 if top and infra else 1)
' "$tmp/lim-ours.json" "$tmp/lim-theirs.json"
c pod create --name badlim --memory-swap 10m
check "a memory swap limit needs a memory limit (podman fails at the cgroup write instead)" rc_has 125 "$ERR" "memory limit"
c pod rm -f lim
check "pod rm of the limited pod" [ "$RC" = 0 ]
check "its cgroup is gone" sh -c "[ -z \"\$(find /sys/fs/cgroup -maxdepth 4 -name '$LIM' 2>/dev/null)\" ]"

# ---- --exit-policy stop: the infra container stops after the last member, with no caller ----
c pod create --name ep --exit-policy stop
check "pod create --exit-policy stop" [ "$RC" = 0 ]
EP_INFRA=$("$CTRCTL" "${G[@]}" pod inspect ep | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["InfraContainerID"])')
c run -d --pod ep --name short bb sleep 1
check "a member that exits after a second" [ "$RC" = 0 ]
for _ in $(seq 100); do [ "$(state "$EP_INFRA")" = exited ] && break; sleep 0.1; done
check "after it exits the infra container is stopped (ctr-cleanup applied the policy)" [ "$(state "$EP_INFRA")" = exited ]
check "and the pod shows Exited" [ "$(pod_status ep)" = Exited ]
c pod rm ep
check "pod rm of the exited pod" [ "$RC" = 0 ]
c pod create --name epc
c run -d --pod epc --name short2 bb true
sleep 2
check "with the default policy (continue) the infra container goes on" [ "$(state "$(pod_infra epc)")" = running ]
c pod rm -f epc

# ---- pod events: what a pod's operations give, in order ----
c pod create --name evp
EVP=$OUT
c pod start evp
c pod pause evp
c pod unpause evp
c pod kill evp
c pod start evp
c pod stop -t 1 evp
c pod rm evp
c events --stream=false --filter type=pod --filter pod=evp --format '{{.Type}} {{.Status}} {{.Name}} {{.ID}}'
check "pod events: create start pause unpause kill start stop remove, with the pod's name and ID" rc_is 0 \
    [ "$(printf '%s\n' "$OUT" | awk '{print $1, $2, $3}' | tr '\n' ,)" = \
      "pod create evp,pod start evp,pod pause evp,pod unpause evp,pod kill evp,pod start evp,pod stop evp,pod remove evp," ]
check "... each with the pod's full ID" sh -c "[ \"\$(printf '%s\n' '$OUT' | awk '{print \$4}' | sort -u)\" = '$EVP' ]"
c events --stream=false --filter pod="${EVP:0:12}" --format '{{.Status}}'
check "pod events by an ID prefix" rc_is 0 [ "$(printf '%s\n' "$OUT" | tr '\n' ,)" = "create,start,pause,unpause,kill,start,stop,remove," ]
c events --stream=false --filter pod=evp --format json
check "pod events as JSON: podman's keys (ID, Name, Status, Time, Type), no Image" rc_is 0 /usr/bin/python3 -c '
import json, sys
es = [json.loads(l) for l in sys.argv[1].splitlines()]
sys.exit(0 if es and all({"ID", "Name", "Status", "Time", "Type"} <= set(e) and "Image" not in e and e["Type"] == "pod" for e in es) else 1)' "$OUT"
c events --stream=false --filter pod=evp
check "pod events as text: podman's line" rc_is 0 has "$OUT" "^[0-9-]* [0-9:.]* +0000 UTC pod create $EVP (image=, name=evp)\$"
c events --stream=false --filter type=container --filter pod=evp
check "the pod filter takes only pod events" rc_is 0 [ -z "$OUT" ]

c pod create --name bare --infra=false
check "pod create --infra=false" [ "$RC" = 0 ]
c pod inspect bare
check "no infra container, nothing shared" rc_is 0 py_true 'd["CreateInfra"] is False and d["SharedNamespaces"] == [] and d["NumContainers"] == 0'
c run --pod bare --rm bb true
check "a member of a pod without infra runs" [ "$RC" = 0 ]
c pod rm bare
check "pod rm of a pod with nothing running" [ "$RC" = 0 ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
