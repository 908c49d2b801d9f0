# SPDX-License-Identifier: LGPL-2.1-or-later
"""Kubernetes YAML through the bindings (``ctr-kube.h``, libctr 0.7): play a Pod with
``start=False`` on the host's network (no CNI), its report (pod and container IDs, a warning for
an unsupported field), generate_kube of the pod and of its container, Pod.runtime, a malformed
YAML (EINVAL), a second play of the same names (EEXIST) and with ``replace``, kube_down."""
import errno

import pytest

import libctr

POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: pykube
  labels:
    app: pykube
spec:
  hostNetwork: true
  restartPolicy: Never
  containers:
  - name: web
    image: {image}
    imagePullPolicy: Never
    command: ["sleep", "100"]
    env:
    - name: GREETING
      value: hello
    livenessProbe:
      exec:
        command: ["true"]
"""


@pytest.fixture(autouse=True)
def _needs_kube():
    if not libctr.has_pods() or not libctr.has_kube():
        pytest.fail("the library has no kube API")


def test_kube_play_generate_down(rt, busybox):
    image = busybox.get("image")
    if image is None:
        pytest.fail("kube play needs the image API")
    yaml = POD_YAML.format(image=image)

    report = rt.kube_play(yaml, start=False)
    assert isinstance(report, libctr.KubeReport)
    assert len(report.pods) == 1 and len(report.pods[0]) == 64
    assert len(report.containers) == 1 and len(report.containers[0]) == 64
    assert report.volumes == []
    assert any(w.startswith("spec.containers[0].livenessProbe") for w in report.warnings), report.warnings

    with rt.pod("pykube") as pod:
        assert pod.id == report.pods[0]
        assert report.containers[0] in pod.containers()
        assert pod.status() == "Created"  # start=False: nothing runs
        with pod.runtime as owner:
            assert owner.root == rt.root and owner is not rt
        with rt.get(report.containers[0]) as c:
            assert c.name == "pykube-web" and c.pod == pod.id
            assert c.state == libctr.State.CONFIGURED
            assert c.generate_kube() == pod.generate_kube()  # a member gives its pod's YAML

        text = pod.generate_kube()
        assert "kind: Pod" in text.splitlines()
        assert "name: web" in text and "name: pykube" in text and "GREETING" in text
        assert "kind: Service" not in text
        assert "kind: Service" in pod.generate_kube(service=True).splitlines()

        # The same names again: taken, unless replace (which makes a new pod).
        with pytest.raises(libctr.AlreadyExistsError):
            rt.kube_play(yaml, start=False)
        again = rt.kube_play(text.encode(), replace=True, start=False)
        assert len(again.pods) == 1 and again.pods[0] != pod.id

    down = rt.kube_down(yaml)
    assert down.pods == again.pods and down.containers == [] and down.warnings == []
    assert rt.pods() == []
    with pytest.raises(libctr.NotFoundError):
        rt.pod("pykube")
    assert rt.kube_down(yaml).pods == []  # nothing left to remove: skipped


def test_container_generate_kube(rt, busybox):
    with rt.create(**busybox, name="pysolo", command=["sleep", "1"]) as c:
        text = c.generate_kube()
        assert "kind: Pod" in text.splitlines() and "name: pysolo-pod" in text and "name: pysolo" in text
        c.remove()


def test_kube_errors(rt):
    for bad in ("kind: Pod\nmetadata: [unclosed\n", b"a: b\n\t- c\n", "apiVersion: v1\nkind: Pod\n"
                "metadata:\n  name: x\nspec:\n  containers:\n  - name: c\n"):
        with pytest.raises(libctr.InvalidArgumentError) as e:
            rt.kube_play(bad)
        assert e.value.errno == errno.EINVAL and e.value.function == "ctr_kube_play" and e.value.message
    with pytest.raises(libctr.InvalidArgumentError) as e:
        rt.kube_play("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n")
    assert "image" in e.value.message
    with pytest.raises(libctr.InvalidArgumentError):
        rt.kube_down("{")
    with pytest.raises(TypeError):
        rt.kube_play(None)  # type: ignore[arg-type]
    assert rt.pods() == []
