#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Check that a kube YAML file decodes as Kubernetes core/v1 objects: every
# field is one of core/v1's names for its object, of core/v1's type
# (strings, integers, booleans, lists, maps), enumerations and quantities
# valid.  With a kubectl on PATH, its offline decoder (`kubectl label
# --local -o json`) must give back every field (nothing dropped) with the
# same values.  The YAML is read by PyYAML, a YAML 1.1 reader (so a "yes"
# or "8080" that should be a string must be quoted).
# usage: kube-check.py FILE
import json
import re
import shutil
import subprocess
import sys

import yaml

S, I, B = str, int, bool
SMAP = {S: S}

SCHEMA = {
    'Pod': {'apiVersion': S, 'kind': S, 'metadata': 'ObjectMeta', 'spec': 'PodSpec', 'status': 'PodStatus'},
    'Service': {'apiVersion': S, 'kind': S, 'metadata': 'ObjectMeta', 'spec': 'ServiceSpec', 'status': 'ServiceStatus'},
    'ObjectMeta': {'name': S, 'namespace': S, 'labels': SMAP, 'annotations': SMAP, 'creationTimestamp': S},
    'PodSpec': {'containers': ['Container'], 'initContainers': ['Container'], 'volumes': ['Volume'],
                'restartPolicy': ('Always', 'OnFailure', 'Never'), 'hostNetwork': B, 'hostname': S,
                'dnsConfig': 'PodDNSConfig', 'hostAliases': ['HostAlias'], 'automountServiceAccountToken': B,
                'enableServiceLinks': B, 'securityContext': 'PodSecurityContext', 'shareProcessNamespace': B},
    'Container': {'name': S, 'image': S, 'command': [S], 'args': [S], 'workingDir': S, 'env': ['EnvVar'],
                  'ports': ['ContainerPort'], 'resources': 'ResourceRequirements', 'securityContext': 'SecurityContext',
                  'volumeMounts': ['VolumeMount'], 'stdin': B, 'tty': B,
                  'imagePullPolicy': ('Always', 'IfNotPresent', 'Never')},
    'EnvVar': {'name': S, 'value': S},
    'ContainerPort': {'containerPort': I, 'hostPort': I, 'hostIP': S, 'protocol': ('TCP', 'UDP', 'SCTP'), 'name': S},
    'ResourceRequirements': {'limits': 'ResourceList', 'requests': 'ResourceList'},
    'SecurityContext': {'privileged': B, 'readOnlyRootFilesystem': B, 'allowPrivilegeEscalation': B,
                        'capabilities': 'Capabilities', 'runAsUser': I, 'runAsGroup': I, 'runAsNonRoot': B},
    'PodSecurityContext': {'runAsUser': I, 'runAsGroup': I, 'supplementalGroups': [I]},
    'Capabilities': {'add': [S], 'drop': [S]},
    'VolumeMount': {'name': S, 'mountPath': S, 'readOnly': B, 'subPath': S},
    'Volume': {'name': S, 'hostPath': 'HostPathVolumeSource', 'persistentVolumeClaim': 'PersistentVolumeClaimVolumeSource',
               'emptyDir': 'EmptyDirVolumeSource'},
    'HostPathVolumeSource': {'path': S, 'type': ('', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket',
                                                 'CharDevice', 'BlockDevice')},
    'PersistentVolumeClaimVolumeSource': {'claimName': S, 'readOnly': B},
    'EmptyDirVolumeSource': {'medium': ('', 'Memory'), 'sizeLimit': 'quantity'},
    'PodDNSConfig': {'nameservers': [S], 'searches': [S], 'options': ['PodDNSConfigOption']},
    'PodDNSConfigOption': {'name': S, 'value': S},
    'HostAlias': {'ip': S, 'hostnames': [S]},
    'PodStatus': {},
    'ServiceStatus': {},
    'ServiceSpec': {'ports': ['ServicePort'], 'selector': SMAP, 'type': ('ClusterIP', 'NodePort', 'LoadBalancer')},
    'ServicePort': {'name': S, 'port': I, 'targetPort': I, 'nodePort': I, 'protocol': ('TCP', 'UDP', 'SCTP')},
}
QUANTITY = re.compile(r'^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$')
errors = []


def check(v, t, path):
    if isinstance(t, tuple):
        if v not in t:
            errors.append(f'{path}: {v!r} is not one of {t}')
    elif t == 'quantity' or t == 'ResourceList':
        if t == 'ResourceList':
            if not isinstance(v, dict):
                errors.append(f'{path}: a map expected')
                return
            for k, q in v.items():
                if k not in ('cpu', 'memory', 'ephemeral-storage'):
                    errors.append(f'{path}.{k}: not a resource name')
                check(q, 'quantity', f'{path}.{k}')
        elif not isinstance(v, str) or not QUANTITY.match(v):
            errors.append(f'{path}: {v!r} is not a quantity')
    elif isinstance(t, str):
        if not isinstance(v, dict):
            errors.append(f'{path}: a {t} (map) expected, got {v!r}')
            return
        fields = SCHEMA[t]
        for k, sub in v.items():
            if k not in fields:
                errors.append(f'{path}.{k}: not a field of core/v1 {t}')
            else:
                check(sub, fields[k], f'{path}.{k}')
    elif isinstance(t, list):
        if not isinstance(v, list):
            errors.append(f'{path}: a list expected, got {v!r}')
            return
        for i, e in enumerate(v):
            check(e, t[0], f'{path}[{i}]')
    elif isinstance(t, dict):
        if not isinstance(v, dict) or not all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()):
            errors.append(f'{path}: a map of strings expected, got {v!r}')
    elif t is I:
        if type(v) is not int:
            errors.append(f'{path}: an integer expected, got {v!r}')
    elif type(v) is not t:
        errors.append(f'{path}: {t.__name__} expected, got {v!r}')


def kubectl_roundtrip(path, docs):
    kubectl = shutil.which('kubectl')
    if not kubectl:
        print('kube-check: no kubectl: core/v1 field names checked only')
        return
    out = subprocess.run([kubectl, 'label', '--local', '-f', path, 'kube-check=1', '-o', 'json'],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        errors.append(f'kubectl: {out.stderr.strip()}')
        return
    items, text, dec = [], out.stdout.strip(), json.JSONDecoder()
    while text:  # one JSON object per document, one after the other
        got, end = dec.raw_decode(text)
        items += got['items'] if got.get('kind') == 'List' else [got]
        text = text[end:].strip()
    for want, have in zip(docs, items):
        have['metadata']['labels'].pop('kube-check', None)
        if want != have:
            errors.append(f'kubectl decoded {want.get("kind")} differently:\n{json.dumps(want, sort_keys=True)}\n'
                          f'{json.dumps(have, sort_keys=True)}')
    if len(items) != len(docs):
        errors.append(f'kubectl gave {len(items)} objects, not {len(docs)}')
    print(f'kube-check: kubectl decoded {len(items)} objects, nothing dropped' if not errors else '')


def main():
    with open(sys.argv[1]) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    if not docs:
        errors.append('no document')
    for i, d in enumerate(docs):
        kind = d.get('kind') if isinstance(d, dict) else None
        if kind not in ('Pod', 'Service') or d.get('apiVersion') != 'v1':
            errors.append(f'document {i}: kind {kind!r} apiVersion {d.get("apiVersion")!r}')
            continue
        check(d, kind, kind)
    if not errors:
        kubectl_roundtrip(sys.argv[1], docs)
    for e in errors:
        print('kube-check:', e)
    sys.exit(1 if errors else 0)


main()
