/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A conformance suite for state backends (include/libctr/sys/ctr-state.h),
 * run with cmocka.  It calls the backend's callbacks directly, so it works for
 * the built-in backends (unit tests) and for a backend registered through the
 * public API (API tests) alike.
 *
 * Every test opens a fresh database in a new directory under scratch_dir
 * (which must exist and be writable; the suite removes what it creates).  The
 * concurrency and crash tests fork; each child opens its own database handle.
 */
#pragma once

#include <libctr/sys/ctr-state.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ctr_test_state_hooks_t::flags */
enum {
    /* The backend allows several handles on one directory in one process,
     * and a handle to stay open across fork() (the child opens its own).
     * Enables the checks with a long-lived handle in the crash test. */
    CTR_TEST_STATE_MULTI_OPEN = 1u << 0,
};

/* Backend-specific help for the tests that need to reach under the vtable. */
typedef struct ctr_test_state_hooks {
    /* Make the (closed) database kept in dir claim layout version `version`,
     * newer than the backend supports.  NULL: the layout version test is
     * skipped. */
    int (*set_layout_version)(const char *dir, unsigned int version, void *userdata);
    void *userdata;
    unsigned int flags; /* CTR_TEST_STATE_* */
} ctr_test_state_hooks_t;

/* Run the suite; returns the number of failed tests (0 when all passed). */
int ctr_test_state_conformance(const ctr_state_backend_t *backend, const char *scratch_dir);
int ctr_test_state_conformance_hooks(const ctr_state_backend_t *backend, const char *scratch_dir,
                                     const ctr_test_state_hooks_t *hooks);

/* Helpers shared with backend-specific tests. */

/* 64 random lowercase hex digits; buf >= 65 bytes. */
void ctr_test_state_random_id(char *buf);
/* A JSON document {"kind":KIND,"id":ID,"name":NAME,"seq":SEQ,"pad":"...","sum":"..."}
 * with pad_size random letters and a checksum of everything before "sum";
 * malloc()ed, NULL on ENOMEM. */
char *ctr_test_state_make_doc(const char *kind, const char *id, const char *name, long seq, size_t pad_size);
/* Check such a document: complete, checksum right, of the given kind and ID
 * (id may be NULL).  NULL when fine, else what is wrong.  ret_seq and
 * ret_name (name_size bytes) may be NULL. */
const char *ctr_test_state_check_doc(const char *doc, const char *kind, const char *id, long *ret_seq, char *ret_name,
                                     size_t name_size);
/* rm -rf; 0 or -errno. */
int ctr_test_state_rm_rf(const char *path);

#ifdef __cplusplus
}
#endif
