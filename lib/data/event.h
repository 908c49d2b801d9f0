/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An event as a line of the event journal: podman's `events --format json`
 * object (ContainerExitCode, ID, Image, Name, Network, Status, Time, Type,
 * Attributes), its parser (untrusted: the journal is a file anybody with
 * access to the run root can write), and the filters of `podman events
 * --filter`. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* The types (podman's Type). */
#define CTR__EVENT_CONTAINER "container"
#define CTR__EVENT_IMAGE "image"
#define CTR__EVENT_VOLUME "volume"
#define CTR__EVENT_NETWORK "network"
#define CTR__EVENT_POD "pod"

/* One event; every pointer is borrowed (from the emitter, or from the parsed
 * document).  NULL strings are left out of the JSON. */
struct ctr__event {
    const char *type;    /* CTR__EVENT_* */
    const char *status;  /* create, start, died, ... */
    const char *id;
    const char *name;
    const char *image;
    const char *network;
    int64_t time_ns;     /* 0 when emitting: now */
    int exit_code;       /* ContainerExitCode, written when not 0 (as podman) */
    json_object *attributes; /* an object of strings (a container's labels, ...), or NULL: null */
};

/* The journal line of ev (one line, no '\n'), malloc'ed in *ret.
 * 0 or -ENOMEM (with a message). */
int ctr__event_format(const struct ctr__event *ev, char **ret);

/* Parse a journal line.  *ret_doc holds what ret points into (the caller
 * puts it).  0, or -EINVAL (with a message) for a line that is not an event:
 * not a JSON object, a missing or mistyped Status, Type or Time, a
 * non-string attribute. */
int ctr__event_parse(const char *line, size_t len, json_object **ret_doc, struct ctr__event *ret);

/* Check podman's filters, each "KEY=VALUE" with KEY one of container, event
 * (or status), image, label, pod, type, volume, network.  0, or -EINVAL with
 * podman's message. */
int ctr__event_filters_check(const char *const *filters);

/* Whether ev passes the filters (checked ones): values of one key are
 * alternatives, different keys must all match. */
bool ctr__event_match(const struct ctr__event *ev, const char *const *filters);
