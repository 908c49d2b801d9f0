#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl kube end to end, as root, with real runc, conmon, catatonit and CNI,
# on a bridge network of the test's own (ctrkube0, 10.209.94.0/24):
#  - round trip: `kube generate` of a pod made with a bind mount, a named
#    volume, a tmpfs, env, a published port, memory and CPU limits,
#    capabilities, a user, a working directory and a restart policy, then
#    `kube play --replace` of that YAML: the members' inspect documents equal
#    the first ones field by field (what the YAML carries), and the YAML
#    generated again is the same; the pod serves on its published port;
#  - the YAML decodes as Kubernetes core/v1 objects (tests/lib/kube-check.py;
#    with kubectl, its offline decoder drops nothing), a Service with
#    --service; podman's YAML for the same pod plays too;
#  - Kubernetes' documentation's shapes: a Pod of two containers sharing an
#    emptyDir (one writes the page the other serves), a Deployment whose env
#    comes from a ConfigMap (configMapKeyRef, envFrom, fieldRef), init
#    containers run to completion first, in order;
#  - unsupported fields and kinds are warnings; malformed YAML, a missing
#    image, a mount of no volume are clear errors that leave nothing;
#  - kube down removes the pods (volumes stay) and leaves no container,
#    veth, namespace or cgroup.
# usage: test-ctrctl-kube.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

. "$SRC/tests/lib/pod-env.sh"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || missing "python3-yaml not installed"
pod_env kube ctrkube0
# in_pod CTR CMD: run CMD (sh -c) in the container, retrying for 5 s until it succeeds.
in_pod() {
    c exec "$1" sh -c "for i in \$(seq 50); do $2 && exit 0; sleep 0.1; done; exit 1"
}

"$SRC/bindings/make-test-image.sh" "$tmp/oci" >/dev/null || { echo "FAIL: make-test-image"; exit 1; }
c image load -q "oci:$tmp/oci:latest" bb
[ "$RC" = 0 ] || { echo "FAIL: load: $ERR"; exit 1; }
c network create --subnet 10.209.94.0/24 --interface-name ctrkube0 ctrkube0
check "network create ctrkube0" [ "$RC" = 0 ]

# ---- round trip ----
mkdir -p "$tmp/www"
echo hello-from-kube > "$tmp/www/index.html"
c volume create rtvol
c pod create --name rt --network ctrkube0 -p "127.0.0.1:$HP:8080" --dns 10.209.94.53 --add-host db:10.209.94.9 \
    --label tier=front
check "pod create rt" [ "$RC" = 0 ]
c create --pod rt --name rt-web -e FOO=bar -e ANSWER=yes -e PORT=8080 -v "$tmp/www:/www:ro" -v rtvol:/vol \
    --tmpfs /scratch --cap-add NET_ADMIN --cap-drop CHOWN --restart always -m 48m --cpus 0.5 -w /www \
    --user 1000:1000 bb httpd -f -p 8080 -h /www
check "create rt-web (mounts, env, limits, caps, user, restart)" [ "$RC" = 0 ]
c create --pod rt --name rt-side --restart always --read-only bb sleep 1000
check "create rt-side" [ "$RC" = 0 ]
c pod start rt
check "pod start rt" [ "$RC" = 0 ]
RT_ID=$("$CTRCTL" "${G[@]}" pod inspect rt | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Id"])')
"$CTRCTL" "${G[@]}" inspect rt-web rt-side > "$tmp/before.json"
"$CTRCTL" "${G[@]}" pod inspect rt > "$tmp/pod-before.json"
c kube generate rt
check "kube generate rt" rc_is 0 has "$OUT" "^kind: Pod\$"
printf '%s\n' "$OUT" > "$tmp/rt.yaml"
check "the YAML decodes as core/v1 objects (kube-check)" "$SRC/tests/lib/kube-check.py" "$tmp/rt.yaml"
check "containers named without the pod's prefix, as podman" sh -c "grep -q '^    name: web\$' '$tmp/rt.yaml' && grep -q '^    name: side\$' '$tmp/rt.yaml'"
check "strings that read as something else are quoted" sh -c "grep -q 'value: \"yes\"' '$tmp/rt.yaml' && grep -q 'value: \"8080\"' '$tmp/rt.yaml'"
check "limits as quantities" sh -c "grep -q 'memory: 48Mi' '$tmp/rt.yaml' && grep -q 'cpu: 500m' '$tmp/rt.yaml'"
check "volumes: hostPath, persistentVolumeClaim, emptyDir Memory" sh -c \
    "grep -q 'type: Directory' '$tmp/rt.yaml' && grep -q 'claimName: rtvol' '$tmp/rt.yaml' && grep -q 'medium: Memory' '$tmp/rt.yaml'"
c kube generate --service rt
printf '%s\n' "$OUT" > "$tmp/rt-svc.yaml"
check "kube generate --service: a Service then the Pod" rc_is 0 sh -c \
    "[ \"\$(grep -c '^kind:' '$tmp/rt-svc.yaml')\" = 2 ] && grep -q '^kind: Service' '$tmp/rt-svc.yaml' && grep -q 'type: NodePort' '$tmp/rt-svc.yaml'"
check "... which decodes too" "$SRC/tests/lib/kube-check.py" "$tmp/rt-svc.yaml"
c kube generate rt-web
check "kube generate of a member gives its pod" rc_is 0 has "$OUT" "^  name: rt\$"

c kube play --replace --network ctrkube0 "$tmp/rt.yaml"
check "kube play --replace of it" rc_is 0 has "$OUT" "^Pod:"
"$CTRCTL" "${G[@]}" inspect rt-web rt-side > "$tmp/after.json"
"$CTRCTL" "${G[@]}" pod inspect rt > "$tmp/pod-after.json"
# The fields the YAML carries (both running, so that Config.Env is the
# process's).  CapDrop is left out: the YAML drops what Kubernetes' runtimes
# give beyond libctr's defaults too, so the lists differ while the sets of
# capabilities (BoundingCaps, EffectiveCaps) agree; the image is compared by
# ID (the YAML names it fully: localhost/bb:latest for bb, as podman's);
# the restart policy is the pod's in Kubernetes (both members have one); the
# pod gains podman's label app=NAME.
check "the members' inspect documents equal the first ones, field by field" /usr/bin/python3 - \
    "$tmp/before.json" "$tmp/after.json" "$tmp/pod-before.json" "$tmp/pod-after.json" <<'EOF'
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
pb, pa = (json.load(open(p)) for p in sys.argv[3:5])
fields = ['Name', 'Image', 'Config.Cmd', 'Config.Entrypoint', 'Config.Env', 'Config.WorkingDir', 'Config.User',
          'Config.Tty', 'HostConfig.Memory', 'HostConfig.NanoCpus', 'HostConfig.CpuQuota', 'HostConfig.CpuPeriod',
          'HostConfig.CapAdd', 'BoundingCaps', 'EffectiveCaps', 'HostConfig.Privileged', 'HostConfig.ReadonlyRootfs',
          'HostConfig.RestartPolicy', 'HostConfig.Tmpfs', 'HostConfig.Binds']
def get(d, f):
    for k in f.split('.'):
        d = d.get(k) if isinstance(d, dict) else None
    return sorted(d) if f == 'Config.Env' and d else d
def mounts(d):
    return sorted((m['Type'], m.get('Name') or m['Source'], m['Destination'], m['RW']) for m in d['Mounts'])
bad = 0
for b, a in zip(before, after):
    for f in fields:
        if get(b, f) != get(a, f):
            print(b['Name'], f, 'before', get(b, f), 'after', get(a, f)); bad = 1
    if mounts(b) != mounts(a):
        print(b['Name'], 'Mounts', mounts(b), mounts(a)); bad = 1
for f in ['Name', 'Hostname', 'Labels', 'InfraConfig.PortBindings', 'InfraConfig.DNSServer', 'InfraConfig.HostAdd',
          'InfraConfig.Networks', 'SharedNamespaces', 'NumContainers']:
    x, y = get(pb, f), get(pa, f)
    if f == 'Labels':
        y = {k: v for k, v in y.items() if k != 'app'}
    if f == 'SharedNamespaces':
        x, y = sorted(x), sorted(y)
    if x != y:
        print('pod', f, x, y); bad = 1
print('compared', len(fields) + 1, 'fields of', len(before), 'members and the pod')
sys.exit(bad or len(before) != 2)
EOF
c kube generate rt
printf '%s\n' "$OUT" | grep -v creationTimestamp > "$tmp/rt2.yaml"
check "the YAML generated again is the same" diff <(grep -v creationTimestamp "$tmp/rt.yaml") "$tmp/rt2.yaml"
check "the played pod runs both members" sh -c "[ '$(state rt-web)' = running ] && [ '$(state rt-side)' = running ]"
check "it serves on its published port" [ "$(wait_http "http://127.0.0.1:$HP/")" = hello-from-kube ]
c exec rt-web sh -c 'id -u; echo $FOO; mount | grep -c " /vol \| /scratch type tmpfs"'
check "in it: the user, the env, the volume and the tmpfs mounted" rc_is 0 [ "$(echo $OUT)" = "1000 bar 2" ]
c kube play --network ctrkube0 "$tmp/rt.yaml"
check "kube play again without --replace: the pod exists" rc_has 125 "$ERR" "in use"
check "... and the pod is left as it was" [ "$(state rt-web)" = running ]

# ---- podman's YAML for the same pod plays too ----
"${P[@]}" pull -q "oci:$tmp/oci:latest" >/dev/null 2>>"$tmp/podman.err"
"${P[@]}" tag "$("${P[@]}" images -q | head -1)" localhost/bb:latest >/dev/null 2>>"$tmp/podman.err"
"${P[@]}" pod create --name prt -p "127.0.0.1:$((HP + 1)):8080" >/dev/null 2>>"$tmp/podman.err"
"${P[@]}" create --pod prt --name pweb --ulimit nofile=1024:1024 -e FOO=bar -v "$tmp/www:/www:ro" -m 48m \
    --cap-add NET_ADMIN localhost/bb:latest httpd -f -p 8080 -h /www >/dev/null 2>>"$tmp/podman.err"
"${P[@]}" kube generate prt > "$tmp/podman.yaml" 2>>"$tmp/podman.err"
check "podman's kube generate of a like pod" sh -c "grep -q '^kind: Pod' '$tmp/podman.yaml' || { cat '$tmp/podman.err'; false; } >&2"
c kube play --network ctrkube0 "$tmp/podman.yaml"
check "plays here" rc_is 0 [ "$(state prt-pweb)" = running ]
check "... and serves on its port" [ "$(wait_http "http://127.0.0.1:$((HP + 1))/")" = hello-from-kube ]
c inspect --format '{{.HostConfig.Memory}} {{.HostConfig.CapAdd}}' prt-pweb
check "... with its limits and capabilities" rc_is 0 [ "$OUT" = "50331648 [CAP_NET_ADMIN]" ]
c pod rm -f prt

# ---- kube generate against podman's, for a pod made with the same flags ----
F=(-e FOO=bar -e N=8080 -v "$tmp/www:/www:ro" -v cmpvol:/vol -m 48m --cpus 0.5 --cap-add NET_ADMIN --cap-drop KILL
   -w /www --user 1000:1000 --restart always)
"${P[@]}" volume create cmpvol >/dev/null 2>>"$tmp/podman.err"
"${P[@]}" pod create --name cmp -p "127.0.0.1:$((HP + 2)):8080" --dns 10.209.94.53 --add-host db:10.209.94.9 \
    >/dev/null 2>>"$tmp/podman.err"
"${P[@]}" create --pod cmp --name cmp-web --ulimit nofile=1024:1024 "${F[@]}" localhost/bb:latest httpd -f -p 8080 \
    >/dev/null 2>>"$tmp/podman.err"
"${P[@]}" kube generate --service cmp > "$tmp/cmp-podman.yaml" 2>>"$tmp/podman.err"
c volume create cmpvol
c pod create --name cmp --network ctrkube0 -p "127.0.0.1:$((HP + 2)):8080" --dns 10.209.94.53 --add-host db:10.209.94.9
c create --pod cmp --name cmp-web "${F[@]}" localhost/bb:latest httpd -f -p 8080
c kube generate --service cmp
printf '%s\n' "$OUT" > "$tmp/cmp-ours.yaml"
# What differs on purpose: the times, podman's SandboxID (its pod's ID),
# the Service's random nodePort, the container's name, which podman 4.3
# writes with the pod's name before it (kube play then doubles it), and a
# volume name with a dot from the path, which Kubernetes refuses (a volume
# name is a DNS label: ours has a dash).  podman's env, volume and mount
# orders are Go maps'.
check "kube generate --service equals podman's (but for times, IDs and the pod's prefix)" /usr/bin/python3 - \
    "$tmp/cmp-podman.yaml" "$tmp/cmp-ours.yaml" <<'EOF'
import sys, yaml
def norm(path, podmans):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    for d in docs:
        d['metadata'].pop('creationTimestamp', None)
        ann = d['metadata'].get('annotations', {})
        for k in list(ann):
            if 'SandboxID' in k:
                del ann[k]
            elif podmans and k.endswith('/cmp-web'):
                ann[k[:-len('cmp-web')] + 'web'] = ann.pop(k)
        for p in d['spec'].get('ports', []):
            p.pop('nodePort', None)
        for c in d['spec'].get('containers', []):
            if podmans and c['name'] == 'cmp-web':
                c['name'] = 'web'
            c['env'] = sorted(c.get('env', []), key=lambda e: e['name'])
            for m in c.get('volumeMounts', []):
                m['name'] = m['name'].replace('.', '-')
            c.get('volumeMounts', []).sort(key=lambda m: m['mountPath'])
        for v in d['spec'].get('volumes', []):
            v['name'] = v['name'].replace('.', '-')
        if 'volumes' in d['spec']:  # podman's order is a Go map's
            d['spec']['volumes'].sort(key=lambda v: v['name'])
    return docs
theirs, ours = norm(sys.argv[1], True), norm(sys.argv[2], False)
if theirs != ours:
    print('podman:', theirs)
    print('ours:  ', ours)
    sys.exit(1)
print('compared', len(ours), 'documents')
EOF
c pod rm -f cmp

# ---- Kubernetes' documentation's shapes ----
cat > "$tmp/two.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: two-containers
spec:
  restartPolicy: Never
  volumes:
  - name: shared-data
    emptyDir: {}
  containers:
  - name: web-container
    image: localhost/bb:latest
    command: ["httpd", "-f", "-p", "8080", "-h", "/usr/share/web"]
    volumeMounts:
    - name: shared-data
      mountPath: /usr/share/web
  - name: writer-container
    image: localhost/bb:latest
    volumeMounts:
    - name: shared-data
      mountPath: /pod-data
    command: ["/bin/sh"]
    args: ["-c", "echo Hello from the writer container > /pod-data/index.html; sleep 1000"]
EOF
c kube play --network ctrkube0 "$tmp/two.yaml"
check "a Pod of two containers sharing an emptyDir plays" rc_is 0 [ "$(state two-containers-web-container)" = running ]
in_pod two-containers-writer-container 'wget -q -O- http://127.0.0.1:8080/ | grep -q "Hello from the writer"'
check "one serves what the other wrote in the shared volume" [ "$RC" = 0 ]
c inspect --format '{{.HostConfig.RestartPolicy.Name}}' two-containers-web-container
check "restartPolicy Never is restart policy no" rc_is 0 [ "$OUT" = no ]

cat > "$tmp/deploy.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: special-config
data:
  SPECIAL_LEVEL: very
  SPECIAL_TYPE: charm
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: env-config
data:
  log_level: INFO
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dapi
  labels:
    app: dapi
spec:
  replicas: 1
  selector:
    matchLabels:
      app: dapi
  template:
    metadata:
      labels:
        app: dapi
    spec:
      initContainers:
      - name: init-one
        image: localhost/bb:latest
        command: ["sh", "-c", "echo one >> /work/order"]
        volumeMounts:
        - name: work
          mountPath: /work
      - name: init-two
        image: localhost/bb:latest
        command: ["sh", "-c", "echo two >> /work/order"]
        volumeMounts:
        - name: work
          mountPath: /work
      containers:
      - name: test-container
        image: localhost/bb:latest
        command: ["sleep", "1000"]
        env:
        - name: SPECIAL_LEVEL_KEY
          valueFrom:
            configMapKeyRef:
              name: special-config
              key: SPECIAL_LEVEL
        - name: MY_POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: MY_POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        - name: OPTIONAL_MISSING
          valueFrom:
            configMapKeyRef:
              name: special-config
              key: nosuchkey
              optional: true
        envFrom:
        - configMapRef:
            name: env-config
        volumeMounts:
        - name: work
          mountPath: /work
        - name: config
          mountPath: /etc/config
        livenessProbe:
          exec:
            command: ["true"]
      volumes:
      - name: work
        emptyDir: {}
      - name: config
        configMap:
          name: special-config
          items:
          - key: SPECIAL_LEVEL
            path: levels/special
---
apiVersion: v1
kind: Secret
metadata:
  name: not-here
EOF
c kube play --network ctrkube0 "$tmp/deploy.yaml"
check "a Deployment with ConfigMaps plays" rc_is 0 [ "$(state dapi-pod-0-test-container)" = running ]
check "unsupported fields and kinds are warnings" sh -c \
    "printf '%s' '$ERR' | grep -q 'Warning: spec.containers\[0\].livenessProbe.exec.command: not supported' &&
     printf '%s' '$ERR' | grep -q 'Warning: kind Secret: not supported'"
c exec dapi-pod-0-test-container env
ENV=$OUT
DAPI_ID=$("$CTRCTL" "${G[@]}" pod inspect dapi-pod-0 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Id"])')
IP=$("$CTRCTL" "${G[@]}" inspect --format '{{.NetworkSettings.IPAddress}}' "$("$CTRCTL" "${G[@]}" pod inspect dapi-pod-0 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["InfraContainerID"])')")
check "env from configMapKeyRef, envFrom, fieldRef metadata.name and status.podIP" sh -c \
    "printf '%s\n' '$ENV' | grep -qx SPECIAL_LEVEL_KEY=very && printf '%s\n' '$ENV' | grep -qx log_level=INFO &&
     printf '%s\n' '$ENV' | grep -qx MY_POD_NAME=dapi-pod-0 && printf '%s\n' '$ENV' | grep -qx 'MY_POD_IP=$IP' &&
     [ -n '$IP' ] && ! printf '%s\n' '$ENV' | grep -q OPTIONAL_MISSING"
c exec dapi-pod-0-test-container sh -c 'cat /etc/config/levels/special; echo; touch /etc/config/x 2>/dev/null || echo read-only'
check "a configMap volume: its item at its path, read-only" rc_is 0 [ "$(echo $OUT)" = "very read-only" ]
c exec dapi-pod-0-test-container cat /work/order
check "the init containers ran first, in order" rc_is 0 [ "$(echo $OUT)" = "one two" ]
c ps -a --format '{{.Names}}'
check "... and are gone (podman's once init containers)" rc_is 0 sh -c "! printf '%s' '$OUT' | grep -q init-"

# ---- from stdin, not started ----
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: fromstdin\nspec:\n  containers:\n  - name: c\n    image: localhost/bb:latest\n    command: [sleep, "100"]\n' > "$tmp/stdin.yaml"
OUT=$(CTRCTL_NETWORK=none "$CTRCTL" "${G[@]}" kube play --start=false --network ctrkube0 - < "$tmp/stdin.yaml" 2>&1)
check "kube play - reads stdin; --start=false starts nothing" sh -c \
    "[ \"\$('$CTRCTL' ${G[*]} inspect --format '{{.State.Status}}' fromstdin-c)\" = configured ]"
OUT=$("$CTRCTL" "${G[@]}" kube down - < "$tmp/stdin.yaml" 2>&1)
check "kube down - reads stdin" sh -c "printf '%s' '$OUT' | grep -q '^Pods removed:' && ! '$CTRCTL' ${G[*]} pod exists fromstdin"

# ---- pod ps --filter, on the pods played ----
pods_named() { c pod ps --format json "$@"; [ "$RC" = 0 ] && printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(p["Name"] for p in json.load(sys.stdin))))'; }
# pods_are "WANT" FILTER...: pod ps with those filters lists the pods WANT (sorted), or says what it listed.
pods_are() {
    local want=$1 got
    shift
    got=$(pods_named $(printf -- '--filter %s ' "$@"))
    [ "$got" = "$want" ] || { echo "  pod ps --filter $*: [$got], not [$want]" >&2; "$CTRCTL" "${G[@]}" pod ps >&2; return 1; }
}
check "filter name= (a regular expression)" pods_are rt 'name=^rt$'
check "filter label=KEY=VALUE" pods_are rt label=tier=front
check "filter label=KEY" pods_are "dapi-pod-0 rt" label=app
check "filter ctr-names= (a regular expression)" pods_are two-containers ctr-names=two-containers-web
check "filter ctr-number=3 (the infra container counts)" pods_are "rt two-containers" ctr-number=3
check "values of one key are alternatives" pods_are "dapi-pod-0 rt" 'name=^rt$' 'name=^dapi'
check "different keys must all match" pods_are "" 'name=^rt$' label=tier=back
check "filter status=running" pods_are "dapi-pod-0 rt two-containers" status=running
check "filter ctr-status=exited (no container has exited)" pods_are "" ctr-status=exited
c pod ps --filter bogus=1
check "an unknown filter key is an error" rc_has 125 "$ERR" "bogus is an invalid filter"

# ---- errors leave nothing ----
npods() { "$CTRCTL" "${G[@]}" pod ps -q | wc -l; }
N0=$(npods)
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n spec: [\n' > "$tmp/bad.yaml"
c kube play --network ctrkube0 "$tmp/bad.yaml"
check "malformed YAML: the line and column" rc_has 125 "$ERR" "YAML line"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: noimg\nspec:\n  containers:\n  - name: a\n' > "$tmp/noimg.yaml"
c kube play --network ctrkube0 "$tmp/noimg.yaml"
check "a container with no image: the path" rc_has 125 "$ERR" "spec.containers\[0\].image: missing"
cat > "$tmp/novol.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: novol
spec:
  containers:
  - name: a
    image: localhost/bb:latest
    command: ["sleep", "100"]
  - name: b
    image: localhost/bb:latest
    volumeMounts:
    - name: nosuch
      mountPath: /x
EOF
c kube play --network ctrkube0 "$tmp/novol.yaml"
check "a mount of no volume: the path" rc_has 125 "$ERR" "spec.containers\[1\].volumeMounts\[0\].name: no volume nosuch"
check "... and no pod or container is left" sh -c "[ '$(npods)' = '$N0' ] && ! '$CTRCTL' ${G[*]} ps -a --format '{{.Names}}' | grep -q novol"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typed\nspec:\n  containers:\n  - name: a\n    image: localhost/bb:latest\n    env:\n    - name: X\n      value: 8080\n' > "$tmp/typed.yaml"
c kube play --network ctrkube0 "$tmp/typed.yaml"
check "a number where a string goes: the path, quote it" rc_has 125 "$ERR" "env\[0\].value: a string"

# ---- kube down ----
c kube down "$tmp/deploy.yaml"
check "kube down removes the Deployment's pod" rc_is 0 has "$OUT" "^Pods removed:"
c kube down "$tmp/rt.yaml"
c kube down "$tmp/two.yaml"
c ps -a -q
check "no container is left" rc_is 0 [ -z "$OUT" ]
c volume ls -q
check "the volumes stay (a claim outlives its pods)" rc_is 0 has "$OUT" "^rtvol\$"
check "no network but the test's was made (no default bridge)" sh -c "[ \"\$('$CTRCTL' ${G[*]} network ls -q | sort | tr '\n' ' ')\" = 'ctrkube0 ' ]"
check "no veth is left on the bridge" sh -c "! ip -o link show master ctrkube0 2>/dev/null | grep -q veth"
check "no pod cgroup is left" sh -c "! ls -d /sys/fs/cgroup/*/libctr_parent/$RT_ID /sys/fs/cgroup/*/libctr_parent/$DAPI_ID 2>/dev/null | grep -q ."
c volume ls -q
check "the pods' shared emptyDir volumes went with them" rc_is 0 sh -c "! printf '%s' '$OUT' | grep -q 'two-containers-\|dapi-pod-0-'"
c kube down "$tmp/rt.yaml"
check "kube down of what is gone does nothing" rc_is 0 [ -z "$OUT" ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
