/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl exec: run a process in a running container; exit with its code. */
#include "ctrctl.h"

#include <getopt.h>
#include <unistd.h>

static const char exec_usage[] =
    "Usage: ctrctl exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
    "Run a process in a running container; exit with its exit code.\n\n"
    "  -i, --interactive         pass stdin to the process\n"
    "  -t, --tty                 allocate a pseudo-terminal\n"
    "  -e, --env KEY=VALUE       set an environment variable (repeatable)\n"
    "  -u, --user USER[:GROUP]   run as this user\n"
    "  -w, --workdir DIR         working directory\n"
    "      --privileged          all capabilities\n"
    "      --detach-keys KEYS    keys to detach (with -i -t; default ctrl-p,ctrl-q)\n";

int cmd_exec(ctrctl_t *g, int argc, char **argv)
{
    enum { OPT_PRIVILEGED = 256, OPT_DETACH_KEYS };
    static const struct option options[] = {
        { "interactive", no_argument, NULL, 'i' },
        { "tty", no_argument, NULL, 't' },
        { "env", required_argument, NULL, 'e' },
        { "user", required_argument, NULL, 'u' },
        { "workdir", required_argument, NULL, 'w' },
        { "privileged", no_argument, NULL, OPT_PRIVILEGED },
        { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    ctr_exec_options_t eo = CTR_EXEC_OPTIONS_INIT;
    strv_t env = { 0 }, args = { 0 };
    bool interactive = false;
    int o, r = 0;
    /* "+": options stop at the container's name. */
    while (r == 0 && (o = ctrctl_getopt(argc, argv, "+ite:u:w:h", options)) != -1) {
        switch (o) {
        case 'i': interactive = true; break;
        case 't': eo.flags |= CTR_EXEC_TTY; break;
        case 'e': r = strv_push(&env, optarg) < 0 ? EXIT_ENGINE : 0; break;
        case 'u': eo.user = optarg; break;
        case 'w': eo.workdir = optarg; break;
        case OPT_PRIVILEGED: eo.flags |= CTR_EXEC_PRIVILEGED; break;
        case OPT_DETACH_KEYS: eo.detach_keys = optarg; break;
        case 'h': strv_clear(&env); return ctrctl_help(exec_usage);
        default: r = ctrctl_bad_usage(argv[0]);
        }
    }
    if (r == 0 && argc - optind < 2)
        r = ctrctl_error("exec needs a container and a command");
    for (int i = optind + 1; r == 0 && i < argc; i++)
        r = strv_push(&args, argv[i]) < 0 ? EXIT_ENGINE : 0;

    ctr_container_t *c = NULL;
    if (r == 0 && (r = ctrctl_lookup(g, argv[optind], &c)) == 0) {
        bool tty = eo.flags & CTR_EXEC_TTY;
        eo.argv = (const char *const *)args.v;
        eo.env = (const char *const *)env.v;
        eo.stdin_fd = interactive ? STDIN_FILENO : -1;
        eo.stdout_fd = STDOUT_FILENO;
        eo.stderr_fd = tty ? STDOUT_FILENO : STDERR_FILENO;
        session_t *s = session_begin(g, c, tty && interactive, false, false);
        int code = -1;
        int q = s ? ctr_container_exec(c, &eo, &code) : -1;
        if (s && q < 0)
            r = ctrctl_fail(); /* before session_end(): its calls clear the error */
        else if (!s)
            r = EXIT_ENGINE;
        else if (q > 0) /* detached: the process goes on */
            r = 0;
        else if ((code == 126 || code == 127) && ctr_error_last()->message[0])
            r = (ctrctl_fail(), code); /* it never ran: the runtime's reason, as podman prints it */
        else
            r = code >= 0 && code <= 255 ? code : ctrctl_error("the exec's exit code is unknown");
        session_end(s);
    }
    ctr_container_unref(c);
    strv_clear(&env);
    strv_clear(&args);
    return r;
}
