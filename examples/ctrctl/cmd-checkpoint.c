/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctrctl container checkpoint|restore (ctr_container_checkpoint(),
 * ctr_container_restore(), ctr_runtime_restore()), with podman's flags and
 * messages, and `ctrctl container VERB`, which runs the other verbs as
 * `ctrctl VERB` does. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctrctl.h"

static const char checkpoint_usage[] =
    "Usage: ctrctl container checkpoint [OPTIONS] CONTAINER [CONTAINER...]\n\n"
    "Checkpoint running containers with CRIU.\n\n"
    "  -e, --export FILE       also export the checkpoint to FILE (a tar)\n"
    "      --file-locks        checkpoint a container with file locks\n"
    "  -k, --keep              keep all temporary checkpoint files\n"
    "  -R, --leave-running     leave the container running after writing the checkpoint\n"
    "      --tcp-established   checkpoint a container with established TCP connections\n";

static const char restore_usage[] =
    "Usage: ctrctl container restore [OPTIONS] CONTAINER [CONTAINER...]\n"
    "       ctrctl container restore --import FILE [--name NAME] [OPTIONS]\n\n"
    "Restore checkpointed containers, or a new container from an exported checkpoint.\n\n"
    "      --file-locks        restore a container with file locks\n"
    "  -i, --import FILE       restore from an exported checkpoint archive\n"
    "  -k, --keep              keep all temporary checkpoint files\n"
    "  -n, --name NAME         name of the container restored from --import\n"
    "      --tcp-established   restore a container with established TCP connections\n";

enum { OPT_TCP = 256, OPT_LOCKS };

/* One container: its name (as given) on stdout, or the error. */
static int checkpoint_one(ctrctl_t *g, const char *name, const ctr_checkpoint_options_t *o)
{
    ctr_container_t *c = NULL;
    int r = ctrctl_lookup(g, name, &c);
    if (r)
        return r;
    r = ctr_container_checkpoint(c, o) < 0 ? ctrctl_fail() : 0;
    ctr_container_unref(c);
    if (!r)
        printf("%s\n", name);
    return r;
}

static int container_checkpoint(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "export", required_argument, NULL, 'e' }, { "keep", no_argument, NULL, 'k' },
        { "leave-running", no_argument, NULL, 'R' }, { "tcp-established", no_argument, NULL, OPT_TCP },
        { "file-locks", no_argument, NULL, OPT_LOCKS }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    ctr_checkpoint_options_t o = CTR_CHECKPOINT_OPTIONS_INIT;
    int opt;
    while ((opt = ctrctl_getopt(argc, argv, "e:kRh", options)) != -1) {
        switch (opt) {
        case 'e': o.export_path = optarg; break;
        case 'k': o.flags |= CTR_CHECKPOINT_KEEP; break;
        case 'R': o.flags |= CTR_CHECKPOINT_LEAVE_RUNNING; break;
        case OPT_TCP: o.flags |= CTR_CHECKPOINT_TCP_ESTABLISHED; break;
        case OPT_LOCKS: o.flags |= CTR_CHECKPOINT_FILE_LOCKS; break;
        case 'h': return ctrctl_help(checkpoint_usage);
        default: return ctrctl_bad_usage("container checkpoint");
        }
    }
    if (optind >= argc)
        return ctrctl_error("you must provide at least one name or id");
    if (o.export_path && argc - optind > 1)
        return ctrctl_error("--export can only be used with a single container");
    int status = 0;
    for (int i = optind; i < argc; i++) {
        int r = checkpoint_one(g, argv[i], &o);
        status = status ? status : r;
    }
    return status;
}

static int restore_one(ctrctl_t *g, const char *name, const ctr_restore_options_t *o)
{
    ctr_container_t *c = NULL;
    int r = ctrctl_lookup(g, name, &c);
    if (r)
        return r;
    r = ctr_container_restore(c, o) < 0 ? ctrctl_fail() : 0;
    ctr_container_unref(c);
    if (!r)
        printf("%s\n", name);
    return r;
}

/* --import: the new container's ID on stdout, as podman prints it. */
static int restore_import(ctrctl_t *g, const ctr_restore_options_t *o)
{
    int r = ctrctl_open(g);
    if (r)
        return r;
    ctr_container_t *c = NULL;
    if (ctr_runtime_restore(g->rt, o, &c) < 0)
        return ctrctl_fail();
    printf("%s\n", ctr_container_id(c));
    ctr_container_unref(c);
    return 0;
}

static int container_restore(ctrctl_t *g, int argc, char **argv)
{
    static const struct option options[] = {
        { "import", required_argument, NULL, 'i' }, { "name", required_argument, NULL, 'n' },
        { "keep", no_argument, NULL, 'k' }, { "tcp-established", no_argument, NULL, OPT_TCP },
        { "file-locks", no_argument, NULL, OPT_LOCKS }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    ctr_restore_options_t o = CTR_RESTORE_OPTIONS_INIT;
    int opt;
    while ((opt = ctrctl_getopt(argc, argv, "i:n:kh", options)) != -1) {
        switch (opt) {
        case 'i': o.import_path = optarg; break;
        case 'n': o.name = optarg; break;
        case 'k': o.flags |= CTR_RESTORE_KEEP; break;
        case OPT_TCP: o.flags |= CTR_RESTORE_TCP_ESTABLISHED; break;
        case OPT_LOCKS: o.flags |= CTR_RESTORE_FILE_LOCKS; break;
        case 'h': return ctrctl_help(restore_usage);
        default: return ctrctl_bad_usage("container restore");
        }
    }
    if (o.name && !o.import_path)
        return ctrctl_error("--name can only be used with image or --import");
    if (o.import_path && optind < argc)
        return ctrctl_error("cannot use --import with positional arguments");
    if (o.import_path)
        return restore_import(g, &o);
    if (optind >= argc)
        return ctrctl_error("you must provide at least one name or id");
    int status = 0;
    for (int i = optind; i < argc; i++) {
        int r = restore_one(g, argv[i], &o);
        status = status ? status : r;
    }
    return status;
}

int cmd_container(ctrctl_t *g, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fputs("Usage: ctrctl container COMMAND [OPTIONS] [ARG...]\n\nManage containers.\n\nCommands:\n"
              "  checkpoint  Checkpoint running containers\n"
              "  restore     Restore checkpointed containers\n"
              "  (and every container command of 'ctrctl --help': ps, rm, inspect, ...)\n",
              f);
        return argc < 2 ? EXIT_ENGINE : 0;
    }
    optind = 0;
    if (strcmp(argv[1], "checkpoint") == 0)
        return container_checkpoint(g, argc - 1, argv + 1);
    if (strcmp(argv[1], "restore") == 0)
        return container_restore(g, argc - 1, argv + 1);
    ctrctl_verb_fn fn = ctrctl_find_verb(argv[1]);
    if (!fn || fn == cmd_container || fn == cmd_image || fn == cmd_images || fn == cmd_network || fn == cmd_volume)
        return ctrctl_error("unknown container command \"%s\": run 'ctrctl container --help'", argv[1]);
    return fn(g, argc - 1, argv + 1);
}
