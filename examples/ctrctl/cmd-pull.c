/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl pull, push, login, logout, and create/run --pull: podman's flags and
 * report (transfer.c; the image ID last). */
#include "ctrctl.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libctr/ctr-registry.h>

static void freep(void *p)
{
    free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

static volatile int pull_cancel;

static void on_signal(int sig)
{
    (void)sig;
    pull_cancel = 1;
}

static int parse_bool(const char *flag, const char *arg, bool *ret)
{
    if (!arg || !strcmp(arg, "true") || !strcmp(arg, "1"))
        *ret = true;
    else if (!strcmp(arg, "false") || !strcmp(arg, "0"))
        *ret = false;
    else
        return ctrctl_error("invalid argument \"%s\" for \"--%s\" flag: strconv.ParseBool: parsing \"%s\": "
                            "invalid syntax", arg, flag, arg);
    return 0;
}

/* --creds USER[:PASSWORD] into o (PASSWORD may be empty). */
static int parse_creds(const char *creds, char **user, ctr_registry_options_t *o)
{
    const char *colon = strchr(creds, ':');
    if (!*creds || colon == creds)
        return ctrctl_error("invalid credentials \"%s\": expected USERNAME[:PASSWORD]", creds);
    *user = colon ? strndup(creds, (size_t)(colon - creds)) : strdup(creds);
    if (!*user)
        return ctrctl_error("out of memory");
    o->username = *user;
    o->password = colon ? colon + 1 : "";
    return 0;
}

static const char pull_usage[] =
    "Usage: ctrctl pull [OPTIONS] IMAGE\n\n"
    "Pull an image from a registry ([docker://][HOST[:PORT]/]PATH[:TAG][@DIGEST]).\n\n"
    "      --authfile PATH        the credentials file (default: podman's auth.json)\n"
    "      --cert-dir DIR         the registry's certificates (ca.crt, client.cert, client.key)\n"
    "      --creds USER:PASSWORD  credentials for the registry\n"
    "      --platform OS/ARCH     the platform to pick from an image index\n"
    "  -q, --quiet                no progress; print the image ID only\n"
    "      --tls-verify[=BOOL]    require HTTPS and verify certificates (default: registries.conf)\n";

enum { O_AUTHFILE = 256, O_CERT_DIR, O_CREDS, O_TLS, O_PLATFORM, O_PASSWORD_STDIN, O_ALL };

/* Options shared by pull, login and logout; 1 when o is not one of them. */
static int registry_option(int o, ctr_registry_options_t *ro, char **user)
{
    bool verify = true;
    switch (o) {
    case O_AUTHFILE: ro->auth_file = optarg; return 0;
    case O_CERT_DIR: ro->certs_dir = optarg; return 0;
    case O_CREDS: return parse_creds(optarg, user, ro);
    case O_PLATFORM: ro->platform = optarg; return 0;
    case O_TLS:
        if (parse_bool("tls-verify", optarg, &verify))
            return EXIT_ENGINE;
        ro->tls_verify = verify ? CTR_TLS_VERIFY : CTR_TLS_NO_VERIFY;
        return 0;
    default: return 1;
    }
}

/* One pull (img NULL: by policy unless always) or push (img set), reported as
 * podman's (transfer.c), cancelled by SIGINT and SIGTERM.  The call's result. */
struct transfer_call {
    ctrctl_t *g;
    const char *ref;
    bool always;
    ctr_image_t **ret;  /* pull: the image (may be NULL) */
    ctr_image_t *img;   /* push: the image; ref is the destination */
    char **digest;      /* push: the manifest's digest */
};

static int transfer_run(const struct transfer_call *t, ctr_registry_options_t *ro, bool quiet)
{
    struct ctrctl_transfer rep;
    ctrctl_transfer_init(&rep, quiet, t->img != NULL);
    ro->progress = ctrctl_transfer_progress;
    ro->progress_userdata = &rep;
    ro->cancel = &pull_cancel;
    struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int r = t->img      ? ctr_image_push(t->img, t->ref, ro, t->digest)
            : t->always ? ctr_image_pull(t->g->rt, t->ref, ro, t->ret)
                        : ctr_image_pull_policy(t->g->rt, t->ref, ro, t->ret);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    ctrctl_transfer_clear(&rep);
    return r;
}

/* Pull ref with ro, reporting as podman; *ret the image (may be NULL). */
static int pull_report_run(ctrctl_t *g, const char *ref, ctr_registry_options_t *ro, bool quiet, bool always,
                           ctr_image_t **ret)
{
    struct transfer_call t = { .g = g, .ref = ref, .always = always, .ret = ret };
    return transfer_run(&t, ro, quiet) < 0 ? ctrctl_fail() : 0;
}

int cmd_pull(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "authfile", required_argument, NULL, O_AUTHFILE }, { "cert-dir", required_argument, NULL, O_CERT_DIR },
        { "creds", required_argument, NULL, O_CREDS },       { "platform", required_argument, NULL, O_PLATFORM },
        { "quiet", no_argument, NULL, 'q' },                 { "tls-verify", optional_argument, NULL, O_TLS },
        { "help", no_argument, NULL, 'h' },                  { NULL, 0, NULL, 0 }
    };
    ctr_registry_options_t ro = CTR_REGISTRY_OPTIONS_INIT;
    _cleanup_free_ char *user = NULL;
    bool quiet = false;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "qh", options)) != -1) {
        if (o == 'h')
            return ctrctl_help(pull_usage), 0;
        if (o == 'q') {
            quiet = true;
            continue;
        }
        if ((r = registry_option(o, &ro, &user)))
            return r == 1 ? ctrctl_bad_usage("pull") : r;
    }
    if (argc - optind != 1)
        return ctrctl_error("pull needs exactly one IMAGE");
    if ((r = ctrctl_open(g)))
        return r;
    ctr_image_t *img = NULL;
    if ((r = pull_report_run(g, argv[optind], &ro, quiet, true, &img)))
        return r;
    printf("%s\n", ctr_image_id(img));
    ctr_image_unref(img);
    return 0;
}

int ctrctl_pull_for_create(ctrctl_t *g, create_args_t *a)
{
    static const struct {
        const char *name;
        int policy;
    } policies[] = { { "always", CTR_PULL_ALWAYS }, { "missing", CTR_PULL_MISSING }, { "never", CTR_PULL_NEVER },
                     { "newer", CTR_PULL_NEWER }, { "true", CTR_PULL_ALWAYS }, { "false", CTR_PULL_MISSING } };
    ctr_registry_options_t ro = CTR_REGISTRY_OPTIONS_INIT;
    bool known = !a->pull;
    for (size_t i = 0; a->pull && i < sizeof policies / sizeof *policies; i++)
        if (!strcasecmp(a->pull, policies[i].name)) {
            ro.pull_policy = policies[i].policy;
            known = true;
        }
    if (!known)
        return ctrctl_error("invalid pull policy \"%s\": expected always, missing, never or newer", a->pull);
    if (!a->o.image)
        return 0;
    ctr_image_t *img = NULL;
    int r = pull_report_run(g, a->o.image, &ro, false, false, &img);
    if (r)
        return r;
    /* An image pulled by digest has no name to find it by. */
    if (!ctr_image_names(img) || !ctr_image_names(img)[0]) {
        if (!(a->pulled_id = strdup(ctr_image_id(img))))
            r = ctrctl_error("out of memory");
        a->o.image = a->pulled_id;
    }
    ctr_image_unref(img);
    return r;
}

/* ---- push ---- */

static const char push_usage[] =
    "Usage: ctrctl push [OPTIONS] IMAGE [DESTINATION]\n\n"
    "Push an image to a registry ([docker://]HOST[:PORT]/PATH[:TAG]; default: the IMAGE name).\n\n"
    "      --authfile PATH        the credentials file (default: podman's auth.json)\n"
    "      --cert-dir DIR         the registry's certificates (ca.crt, client.cert, client.key)\n"
    "      --creds USER:PASSWORD  credentials for the registry\n"
    "      --digestfile FILE      write the manifest's digest to FILE\n"
    "  -q, --quiet                no progress\n"
    "      --tls-verify[=BOOL]    require HTTPS and verify certificates (default: registries.conf)\n";

enum { O_DIGESTFILE = 300 };

static int write_digest(const char *path, const char *digest)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(digest, f) < 0 || fclose(f) != 0) {
        if (f)
            fclose(f);
        return ctrctl_error("cannot write the digest to %s: %s", path, strerror(errno));
    }
    return 0;
}

/* Push img to dest with ro, reporting as podman; the digest to digestfile. */
static int push_report_run(ctr_image_t *img, const char *dest, ctr_registry_options_t *ro, bool quiet,
                           const char *digestfile)
{
    _cleanup_free_ char *digest = NULL;
    struct transfer_call t = { .ref = dest, .img = img, .digest = &digest };
    if (transfer_run(&t, ro, quiet) < 0)
        return ctrctl_fail();
    return digestfile ? write_digest(digestfile, digest) : 0;
}

int cmd_push(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "authfile", required_argument, NULL, O_AUTHFILE }, { "cert-dir", required_argument, NULL, O_CERT_DIR },
        { "creds", required_argument, NULL, O_CREDS },       { "digestfile", required_argument, NULL, O_DIGESTFILE },
        { "quiet", no_argument, NULL, 'q' },                 { "tls-verify", optional_argument, NULL, O_TLS },
        { "help", no_argument, NULL, 'h' },                  { NULL, 0, NULL, 0 }
    };
    ctr_registry_options_t ro = CTR_REGISTRY_OPTIONS_INIT;
    _cleanup_free_ char *user = NULL;
    const char *digestfile = NULL;
    bool quiet = false;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "qh", options)) != -1) {
        if (o == 'h')
            return ctrctl_help(push_usage), 0;
        if (o == 'q' || o == O_DIGESTFILE) {
            quiet = quiet || o == 'q';
            digestfile = o == O_DIGESTFILE ? optarg : digestfile;
            continue;
        }
        if ((r = registry_option(o, &ro, &user)))
            return r == 1 ? ctrctl_bad_usage("push") : r;
    }
    if (argc - optind < 1 || argc - optind > 2)
        return ctrctl_error("push needs IMAGE and at most one DESTINATION");
    if ((r = ctrctl_open(g)))
        return r;
    ctr_image_t *img = NULL;
    if (ctr_image_lookup(g->rt, argv[optind], &img) < 0)
        return ctrctl_fail();
    r = push_report_run(img, argc - optind == 2 ? argv[optind + 1] : argv[optind], &ro, quiet, digestfile);
    ctr_image_unref(img);
    return r;
}

/* ---- login, logout ---- */

static const char login_usage[] =
    "Usage: ctrctl login [OPTIONS] REGISTRY\n\n"
    "Log in to a registry; the credentials go to the credentials file.\n\n"
    "      --authfile PATH        the credentials file (default: podman's auth.json)\n"
    "      --cert-dir DIR         the registry's certificates (ca.crt, client.cert, client.key)\n"
    "  -p, --password PASSWORD    the password\n"
    "      --password-stdin       read the password from stdin\n"
    "  -u, --username USER        the user name\n"
    "      --tls-verify[=BOOL]    require HTTPS and verify certificates (default: registries.conf)\n";

/* A line of stdin without its newline (malloc'ed). */
static char *read_password(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return strdup("");
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

int cmd_login(ctrctl_t *g, int argc, char **argv)
{
    (void)g;
    static const struct option options[] = {
        { "authfile", required_argument, NULL, O_AUTHFILE }, { "cert-dir", required_argument, NULL, O_CERT_DIR },
        { "password", required_argument, NULL, 'p' },        { "password-stdin", no_argument, NULL, O_PASSWORD_STDIN },
        { "username", required_argument, NULL, 'u' },        { "tls-verify", optional_argument, NULL, O_TLS },
        { "help", no_argument, NULL, 'h' },                  { NULL, 0, NULL, 0 }
    };
    ctr_registry_options_t ro = CTR_REGISTRY_OPTIONS_INIT;
    _cleanup_free_ char *unused = NULL, *stdin_pw = NULL;
    const char *user = NULL, *password = NULL;
    bool from_stdin = false;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "hp:u:", options)) != -1) {
        switch (o) {
        case 'h': return ctrctl_help(login_usage), 0;
        case 'u': user = optarg; continue;
        case 'p': password = optarg; continue;
        case O_PASSWORD_STDIN: from_stdin = true; continue;
        default:
            if ((r = registry_option(o, &ro, &unused)))
                return r == 1 ? ctrctl_bad_usage("login") : r;
        }
    }
    if (argc - optind != 1)
        return ctrctl_error("login needs exactly one REGISTRY");
    if (from_stdin && password)
        return ctrctl_error("--password and --password-stdin are mutually exclusive");
    if (!user)
        return ctrctl_error("a user name is required (-u USER)");
    if (from_stdin && !(password = stdin_pw = read_password()))
        return ctrctl_error("out of memory");
    if (!password)
        return ctrctl_error("a password is required (-p PASSWORD or --password-stdin)");
    if (ctr_registry_login(argv[optind], user, password, &ro) < 0)
        return ctrctl_fail();
    printf("Login Succeeded!\n");
    return 0;
}

int cmd_logout(ctrctl_t *g, int argc, char **argv)
{
    (void)g;
    static const char usage[] = "Usage: ctrctl logout [OPTIONS] REGISTRY\n\n"
                                "Remove a registry's credentials from the credentials file.\n\n"
                                "  -a, --all                  remove every registry's\n"
                                "      --authfile PATH        the credentials file (default: podman's auth.json)\n";
    static const struct option options[] = { { "all", no_argument, NULL, 'a' },
                                             { "authfile", required_argument, NULL, O_AUTHFILE },
                                             { "help", no_argument, NULL, 'h' },
                                             { NULL, 0, NULL, 0 } };
    ctr_registry_options_t ro = CTR_REGISTRY_OPTIONS_INIT;
    _cleanup_free_ char *unused = NULL;
    bool all = false;
    int o, r;
    while ((o = ctrctl_getopt(argc, argv, "ah", options)) != -1) {
        if (o == 'h')
            return ctrctl_help(usage), 0;
        if (o == 'a') {
            all = true;
            continue;
        }
        if ((r = registry_option(o, &ro, &unused)))
            return r == 1 ? ctrctl_bad_usage("logout") : r;
    }
    if (all ? argc != optind : argc - optind != 1)
        return ctrctl_error(all ? "--all takes no REGISTRY" : "logout needs exactly one REGISTRY");
    if (ctr_registry_logout(all ? NULL : argv[optind], &ro) < 0)
        return ctrctl_fail();
    if (all)
        printf("Removed login credentials for all registries\n");
    else
        printf("Removed login credentials for %s\n", argv[optind]);
    return 0;
}
