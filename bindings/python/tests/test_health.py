"""Healthchecks: healthcheck_run() and health, with podman's rules."""
import libctr
from libctr import Health


def sh(script):
    return ["/bin/sh", "-c", script]


def test_healthcheck_run_and_health(rt, busybox):
    """A failing check turns unhealthy after its retries, a passing one healthy; the log in inspect."""
    with rt.create(name="hc-bad", command=sh("sleep 100"), health_cmd="exit 1", health_retries=2,
                   health_interval=3600, **busybox) as c:
        assert c.health is Health.STARTING  # no check yet (a schedule runs each hour)
        c.start()
        assert c.healthcheck_run() == (False, Health.STARTING)
        assert c.healthcheck_run() == (False, Health.UNHEALTHY)
        assert c.health is Health.UNHEALTHY and str(c.health) == "unhealthy"
        h = c.inspect()["State"]["Health"]
        assert (h["Status"], h["FailingStreak"], [e["ExitCode"] for e in h["Log"]]) == ("unhealthy", 2, [1, 1])
        c.remove(force=True)
    with rt.create(name="hc-ok", command=sh("sleep 100"), health_cmd="echo fine", health_interval=3600,
                   health_on_failure="stop", **busybox) as c:
        c.start()
        assert c.healthcheck_run() == (True, Health.HEALTHY)
        assert c.inspect()["State"]["Health"]["Log"][-1]["Output"] == "fine\n"
        assert c.inspect()["Config"]["HealthcheckOnFailureAction"] == "stop"
        c.remove(force=True)


def test_no_healthcheck(rt, busybox):
    with rt.create(name="hc-none", command=sh("sleep 100"), **busybox) as c:
        assert c.health is Health.NONE and str(c.health) == ""
        c.start()
        try:
            c.healthcheck_run()
            raise AssertionError("a container without a healthcheck ran one")
        except libctr.Error as e:
            assert "has no defined healthcheck" in str(e)
        c.remove(force=True)
