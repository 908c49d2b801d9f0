/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pods inside: the record's JSON round trip, damaged and newer records,
 * the shared namespaces' names, the cgroup path. */
#include <errno.h>
#include <libctr/ctr-error.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "data/pod.h"

#define ID "bc5813a7a056a25791c2754264cec23e9cbc0c940b845b5969120274c9baf5cc"
#define INFRA "316fb365af5a8b0142b8ce761c6a494c8d5a46b504b57035318a99d3201d218d"

static void test_round_trip(void **state)
{
    (void)state;
    char *labels[] = { (char *)"b=2", (char *)"a=1", NULL };
    struct ctr__pod p = { .id = strdup(ID), .name = strdup("web"), .created = 1234567890123,
                          .labels = ctr__strv_copy((const char *const *)labels),
                          .share = CTR_POD_SHARE_NET | CTR_POD_SHARE_PID, .exit_policy = CTR_POD_EXIT_STOP,
                          .cgroup_parent = strdup("/mine/"), .hostname = strdup("h1"), .infra_id = strdup(INFRA) };
    char *json = NULL;
    assert_int_equal(ctr__pod_to_json(&p, &json), 0);
    struct ctr__pod q = { 0 };
    assert_int_equal(ctr__pod_from_json(json, &q), 0);
    assert_string_equal(q.id, ID);
    assert_string_equal(q.name, "web");
    assert_int_equal(q.created, 1234567890123);
    assert_string_equal(q.labels[0], "a=1"); /* sorted by key */
    assert_string_equal(q.labels[1], "b=2");
    assert_null(q.labels[2]);
    assert_int_equal(q.share, CTR_POD_SHARE_NET | CTR_POD_SHARE_PID);
    assert_int_equal(q.exit_policy, CTR_POD_EXIT_STOP);
    assert_string_equal(q.hostname, "h1");
    assert_string_equal(q.infra_id, INFRA);
    char *cg = ctr__pod_cgroup_path(&q);
    assert_string_equal(cg, "/mine/" ID); /* the parent's trailing slash is not doubled */
    free(cg);
    free(json);
    ctr__pod_clear(&q);
    /* No share at all reads back as "none"; no infra container as NULL. */
    p.share = CTR_POD_SHARE_NONE;
    free(p.infra_id);
    p.infra_id = NULL;
    assert_int_equal(ctr__pod_to_json(&p, &json), 0);
    assert_non_null(strstr(json, "\"share\":[]"));
    assert_int_equal(ctr__pod_from_json(json, &q), 0);
    assert_int_equal(q.share, CTR_POD_SHARE_NONE);
    assert_null(q.infra_id);
    free(json);
    ctr__pod_clear(&q);
    ctr__pod_clear(&p);
}

static void test_damaged(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "null", "[]", "{", "{\"version\":1}",
        "{\"version\":1,\"id\":\"xyz\",\"name\":\"web\",\"share\":[]}",
        "{\"version\":1,\"id\":\"" ID "\",\"name\":\"a b\",\"share\":[]}",
        "{\"version\":1,\"id\":\"" ID "\",\"name\":\"web\",\"share\":[\"mnt\"]}",
        "{\"version\":1,\"id\":\"" ID "\",\"name\":\"web\",\"share\":\"net\"}",
        "{\"version\":1,\"id\":\"" ID "\",\"name\":\"web\",\"share\":[],\"infraId\":\"no\"}",
        "{\"version\":1,\"id\":\"" ID "\",\"name\":\"web\",\"share\":[],\"labels\":[\"nokey\"]}",
        "{\"version\":1,\"id\":\"" ID "\",\"name\":\"web\",\"share\":[],\"created\":\"x\"}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ctr__pod p = { 0 };
        assert_int_equal(ctr__pod_from_json(bad[i], &p), -EUCLEAN);
        assert_true(ctr_error_last()->message[0] != '\0');
        assert_null(p.id); /* nothing half-read is handed out */
    }
    struct ctr__pod p = { 0 };
    assert_int_equal(ctr__pod_from_json("{\"version\":2,\"id\":\"" ID "\",\"name\":\"web\",\"share\":[]}", &p),
                     -EPROTONOSUPPORT);
}

static void collect(const char *name, uint32_t bit, void *ud)
{
    char *buf = ud;
    strcat(buf, name);
    strcat(buf, ",");
}

static void test_share_names(void **state)
{
    (void)state;
    char buf[128] = "";
    ctr__pod_share_each(CTR_POD_SHARE_DEFAULT | CTR_POD_SHARE_CGROUP | CTR_POD_SHARE_PID, collect, buf);
    assert_string_equal(buf, "cgroup,ipc,net,pid,uts,"); /* podman's order of SharedNamespaces */
    buf[0] = '\0';
    ctr__pod_share_each(CTR_POD_SHARE_NONE, collect, buf);
    assert_string_equal(buf, "");
    assert_int_equal(ctr__pod_share_bit("uts"), CTR_POD_SHARE_UTS);
    assert_int_equal(ctr__pod_share_bit("mnt"), 0);
    assert_string_equal(ctr__pod_exit_policy_name(CTR_POD_EXIT_CONTINUE), "continue");
    assert_null(ctr__pod_exit_policy_name(7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_share_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
