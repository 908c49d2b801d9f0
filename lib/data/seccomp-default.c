/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The default seccomp policy, with the semantics of podman's (containers/common
 * pkg/seccomp): every system call not listed fails with ENOSYS, so programs
 * probing for new calls fall back cleanly; a few dangerous or obsolete calls
 * fail with EPERM; some calls are allowed only when the process has the
 * capability that guards them in the kernel anyway; personality() only with
 * the harmless personas; an audit netlink socket only with CAP_AUDIT_WRITE.
 *
 * Unlike Docker's profile, podman's allows clone/clone3/unshare/setns/mount
 * unconditionally (the capabilities and namespaces still limit them), which
 * nested containers and rootless tools rely on; so does this one.
 *
 * Names the installed libseccomp does not know are skipped by the OCI
 * runtime, so the lists may name calls newer than this machine.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/error.h"
#include "data/spec.h"

/* Architectures as podman's "arches" filters name them (Go's names). */
enum {
    ARCH_AMD64 = 1u << 0,
    ARCH_X32 = 1u << 1,
    ARCH_X86 = 1u << 2,
    ARCH_ARM = 1u << 3,
    ARCH_ARM64 = 1u << 4,
    ARCH_PPC64LE = 1u << 5,
    ARCH_S390 = 1u << 6,
    ARCH_S390X = 1u << 7,
    ARCH_RISCV64 = 1u << 8,
    ARCH_OTHER = 1u << 9,
};

#if defined(__x86_64__) && defined(__ILP32__)
#define NATIVE_ARCH ARCH_X32
#define NATIVE_SECCOMP_ARCHES "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"
#elif defined(__x86_64__)
#define NATIVE_ARCH ARCH_AMD64
#define NATIVE_SECCOMP_ARCHES "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"
#elif defined(__i386__)
#define NATIVE_ARCH ARCH_X86
#elif defined(__aarch64__)
#define NATIVE_ARCH ARCH_ARM64
#define NATIVE_SECCOMP_ARCHES "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"
#elif defined(__arm__)
#define NATIVE_ARCH ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_ARCH ARCH_S390X
#define NATIVE_SECCOMP_ARCHES "SCMP_ARCH_S390X", "SCMP_ARCH_S390"
#elif defined(__s390__)
#define NATIVE_ARCH ARCH_S390
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH ARCH_RISCV64
#elif defined(__mips64) && defined(_ABI64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH ARCH_OTHER
#define NATIVE_SECCOMP_ARCHES "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"
#elif defined(__mips64) && defined(_ABI64)
#define NATIVE_ARCH ARCH_OTHER
#define NATIVE_SECCOMP_ARCHES "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"
#else
#define NATIVE_ARCH ARCH_OTHER
#endif

/*
 * Allowed for everyone, grouped by what they touch.  Space-separated names
 * keep the table readable; they are split when the policy is emitted.
 */
static const char *const allow_always[] = {
    /* paths, descriptors and file data */
    "access faccessat faccessat2 chdir fchdir getcwd umask "
    "chmod fchmod fchmodat fchmodat2 chown chown32 fchown fchown32 fchownat lchown lchown32 "
    "creat open openat openat2 open_tree name_to_handle_at close close_range dup dup2 dup3 "
    "read readv pread64 preadv preadv2 write writev pwrite64 pwritev pwritev2 lseek _llseek "
    "truncate truncate64 ftruncate ftruncate64 fallocate fadvise64 fadvise64_64 readahead "
    "fsync fdatasync sync syncfs sync_file_range copy_file_range sendfile sendfile64 splice tee "
    "stat stat64 lstat lstat64 fstat fstat64 fstatat64 newfstatat statx "
    "statfs statfs64 fstatfs fstatfs64 getdents getdents64 "
    "link linkat symlink symlinkat unlink unlinkat rename renameat renameat2 "
    "mkdir mkdirat rmdir mknod mknodat readlink readlinkat "
    "utime utimes utimensat utimensat_time64 futimesat flock fcntl fcntl64 ioctl",
    /* extended attributes */
    "getxattr lgetxattr fgetxattr setxattr lsetxattr fsetxattr "
    "listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr",
    /* mounts (the mount namespace and capabilities confine them) */
    "mount umount umount2 pivot_root fsopen fsconfig fsmount fspick move_mount mount_setattr",
    /* waiting for events */
    "poll ppoll ppoll_time64 select _newselect pselect6 pselect6_time64 "
    "epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_wait epoll_wait_old epoll_pwait epoll_pwait2 "
    "eventfd eventfd2 signalfd signalfd4 pipe pipe2 "
    "timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 "
    "inotify_init inotify_init1 inotify_add_watch inotify_rm_watch fanotify_init fanotify_mark "
    "io_setup io_destroy io_submit io_cancel io_getevents",
    /* memory */
    "brk mmap mmap2 munmap mremap mprotect madvise mincore msync remap_file_pages "
    "mlock mlock2 mlockall munlock munlockall memfd_create memfd_secret membarrier "
    "get_mempolicy set_mempolicy mbind pkey_alloc pkey_free pkey_mprotect",
    /* processes and threads */
    "clone clone3 fork vfork execve execveat exit exit_group wait4 waitid waitpid "
    "kill tkill tgkill pidfd_open pidfd_getfd pidfd_send_signal "
    "getpid getppid gettid getpgid setpgid getpgrp getsid setsid set_tid_address "
    "prctl seccomp capget capset unshare setns rseq restart_syscall "
    "set_robust_list get_robust_list futex futex_time64 get_thread_area set_thread_area "
    "ptrace process_vm_readv process_vm_writev process_mrelease "
    "getrusage times getrlimit setrlimit ugetrlimit prlimit64 "
    "getpriority setpriority ioprio_get ioprio_set getcpu "
    "landlock_create_ruleset landlock_add_rule landlock_restrict_self",
    /* credentials */
    "getuid getuid32 geteuid geteuid32 getgid getgid32 getegid getegid32 "
    "getresuid getresuid32 getresgid getresgid32 getgroups getgroups32 "
    "setuid setuid32 setgid setgid32 setreuid setreuid32 setregid setregid32 "
    "setresuid setresuid32 setresgid setresgid32 setfsuid setfsuid32 setfsgid setfsgid32 "
    "setgroups setgroups32",
    /* scheduling */
    "sched_yield sched_getaffinity sched_setaffinity sched_getattr sched_setattr "
    "sched_getparam sched_setparam sched_getscheduler sched_setscheduler "
    "sched_get_priority_max sched_get_priority_min sched_rr_get_interval sched_rr_get_interval_time64",
    /* signals */
    "rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend "
    "rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo "
    "sigaltstack signal sigprocmask sigreturn pause alarm",
    /* clocks and timers */
    "time gettimeofday clock_gettime clock_gettime64 clock_getres clock_getres_time64 "
    "clock_nanosleep clock_nanosleep_time64 nanosleep adjtimex clock_adjtime clock_adjtime64 "
    "getitimer setitimer timer_create timer_delete timer_getoverrun "
    "timer_gettime timer_gettime64 timer_settime timer_settime64",
    /* sockets (socket() itself is below) */
    "socketcall socketpair bind connect listen accept accept4 getsockname getpeername "
    "getsockopt setsockopt shutdown send sendto sendmsg sendmmsg "
    "recv recvfrom recvmsg recvmmsg recvmmsg_time64",
    /* System V IPC and POSIX message queues (namespaced) */
    "ipc msgget msgctl msgsnd msgrcv semget semctl semop semtimedop semtimedop_time64 "
    "shmget shmctl shmat shmdt mq_open mq_unlink mq_getsetattr mq_notify "
    "mq_timedsend mq_timedsend_time64 mq_timedreceive mq_timedreceive_time64",
    /* system information; reboot only acts on the PID namespace */
    "uname sysinfo syslog getrandom keyctl reboot",
    NULL,
};

/* Refused with EPERM: obsolete, host-wide or known to be risky in containers. */
static const char *const eperm_always[] = {
    "bdflush nfsservctl uselib ustat sysfs syscall "
    "oldfstat oldlstat oldstat olduname oldolduname sgetmask ssetmask nice vm86 vm86old "
    "kexec_load kexec_file_load swapon swapoff pciconfig_iobase pciconfig_read pciconfig_write "
    "migrate_pages move_pages userfaultfd vmsplice io_pgetevents io_pgetevents_time64 "
    "cachestat futex_wait futex_wake futex_waitv futex_requeue map_shadow_stack",
    NULL,
};

enum { ALLOW, ERRNO };

struct sc_arg {
    unsigned int index;
    uint64_t value;
    const char *op;
};

struct sc_rule {
    const char *names;          /* space-separated */
    int action;
    unsigned int errno_ret;     /* with ERRNO */
    unsigned int arches;        /* 0: on every architecture, else only on these */
    const char *need[3];        /* only when the process has every one of these */
    const char *unless[3];      /* only when the process has none of these */
    struct sc_arg args[2];
    size_t nargs;
};

#define ARG_EQ(i, v) { .index = (i), .value = (v), .op = "SCMP_CMP_EQ" }
#define ARG_NE(i, v) { .index = (i), .value = (v), .op = "SCMP_CMP_NE" }
#define PERSONA(v) { .names = "personality", .action = ALLOW, .args = { ARG_EQ(0, v) }, .nargs = 1 }
/* A call guarded by a capability: allowed with it, EPERM without it. */
#define GUARDED(list, cap)                                                       \
    { .names = list, .action = ALLOW, .need = { cap } },                         \
    { .names = list, .action = ERRNO, .errno_ret = EPERM, .unless = { cap } }

enum { AF_NETLINK_ = 16, NETLINK_AUDIT_ = 9 };

static const struct sc_rule rules[] = {
    /* personality(): Linux (0), Linux with UNAME26 (0x0020000), the 32-bit
     * PER_LINUX32 (0x0008) with or without UNAME26, and the query 0xffffffff. */
    PERSONA(0x0),
    PERSONA(0x0008),
    PERSONA(0x20000),
    PERSONA(0x20008),
    PERSONA(0xffffffff),

    /* architecture-specific calls */
    { .names = "sync_file_range2 swapcontext", .action = ALLOW, .arches = ARCH_PPC64LE },
    { .names = "arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls",
      .action = ALLOW, .arches = ARCH_ARM | ARCH_ARM64 },
    { .names = "arch_prctl", .action = ALLOW, .arches = ARCH_AMD64 | ARCH_X32 },
    { .names = "modify_ldt", .action = ALLOW, .arches = ARCH_AMD64 | ARCH_X32 | ARCH_X86 },
    { .names = "s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr", .action = ALLOW,
      .arches = ARCH_S390 | ARCH_S390X },
    { .names = "riscv_flush_icache", .action = ALLOW, .arches = ARCH_RISCV64 },

    /* capability-guarded calls */
    GUARDED("open_by_handle_at", "CAP_DAC_READ_SEARCH"),
    { .names = "bpf lookup_dcookie quotactl quotactl_fd setdomainname sethostname setns",
      .action = ALLOW, .need = { "CAP_SYS_ADMIN" } },
    { .names = "lookup_dcookie perf_event_open quotactl quotactl_fd setdomainname sethostname setns",
      .action = ERRNO, .errno_ret = EPERM, .unless = { "CAP_SYS_ADMIN" } },
    GUARDED("chroot", "CAP_SYS_CHROOT"),
    GUARDED("init_module finit_module delete_module query_module", "CAP_SYS_MODULE"),
    GUARDED("acct", "CAP_SYS_PACCT"),
    GUARDED("kcmp process_madvise", "CAP_SYS_PTRACE"),
    GUARDED("iopl ioperm", "CAP_SYS_RAWIO"),
    GUARDED("settimeofday stime clock_settime clock_settime64", "CAP_SYS_TIME"),
    GUARDED("vhangup", "CAP_SYS_TTY_CONFIG"),

    /* socket(): without CAP_AUDIT_WRITE, an audit netlink socket fails with
     * EINVAL (so programs fall back as on kernels without audit), anything
     * else is allowed; with it, every socket is allowed. */
    { .names = "socket", .action = ERRNO, .errno_ret = EINVAL, .unless = { "CAP_AUDIT_WRITE" },
      .args = { ARG_EQ(0, AF_NETLINK_), ARG_EQ(2, NETLINK_AUDIT_) }, .nargs = 2 },
    { .names = "socket", .action = ALLOW, .unless = { "CAP_AUDIT_WRITE" },
      .args = { ARG_NE(2, NETLINK_AUDIT_) }, .nargs = 1 },
    { .names = "socket", .action = ALLOW, .unless = { "CAP_AUDIT_WRITE" },
      .args = { ARG_NE(0, AF_NETLINK_) }, .nargs = 1 },
    { .names = "socket", .action = ALLOW, .unless = { "CAP_AUDIT_WRITE" },
      .args = { ARG_NE(2, NETLINK_AUDIT_) }, .nargs = 1 },
    { .names = "socket", .action = ALLOW, .need = { "CAP_AUDIT_WRITE" } },

    /* bpf() and perf_event_open() also follow the finer CAP_BPF / CAP_PERFMON */
    { .names = "bpf", .action = ERRNO, .errno_ret = EPERM, .unless = { "CAP_SYS_ADMIN", "CAP_BPF" } },
    { .names = "bpf", .action = ALLOW, .need = { "CAP_BPF" } },
    { .names = "perf_event_open", .action = ERRNO, .errno_ret = EPERM,
      .unless = { "CAP_SYS_ADMIN", "CAP_BPF" } },
    { .names = "perf_event_open", .action = ALLOW, .need = { "CAP_PERFMON" } },
};

#if defined(__x86_64__)
/*
 * Whether this kernel runs x32 programs (CONFIG_X86_X32_ABI, off in most
 * distributions' kernels).  Where it does not, no process can make an x32
 * system call, so the x32 copy of the policy is dead weight; and it is not
 * cheap: the runtime compiles every architecture's copy at each start (about
 * a third of runc's seccomp time).  The probe is an x32 getpid(), which fails
 * with ENOSYS without x32 support.  It is made only when this process runs
 * under no seccomp filter of its own (one that does not list x32 would kill
 * it); otherwise x32 stays listed, as podman lists it.
 */
static int probe_x32(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return 1;
    char line[256];
    bool unfiltered = false;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Seccomp:", 8) == 0) {
            unfiltered = strtol(line + 8, NULL, 10) == 0;
            break;
        }
    fclose(f);
    if (!unfiltered)
        return 1;
    int saved = errno;
    long r = syscall(0x40000000L | SYS_getpid);
    int err = errno;
    errno = saved;
    return r < 0 && err == ENOSYS ? 0 : 1;
}
#endif

#ifdef NATIVE_SECCOMP_ARCHES
/* Whether processes of architecture @p scmp_arch can run on this kernel. */
static bool arch_runs(const char *scmp_arch)
{
#if defined(__x86_64__)
    if (strcmp(scmp_arch, "SCMP_ARCH_X32") == 0) {
        static int x32 = -1; /* a benign race: every thread computes the same */
        int v = __atomic_load_n(&x32, __ATOMIC_RELAXED);
        if (v < 0) {
            v = probe_x32();
            __atomic_store_n(&x32, v, __ATOMIC_RELAXED);
        }
        return v;
    }
#endif
    (void)scmp_arch;
    return true;
}
#endif

static bool has_cap(const char *const *caps, const char *cap)
{
    return caps && ctr__strv_contains(caps, cap);
}

static bool rule_applies(const struct sc_rule *r, const char *const *caps)
{
    if (r->arches && !(r->arches & NATIVE_ARCH))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(r->need) && r->need[i]; i++)
        if (!has_cap(caps, r->need[i]))
            return false;
    for (size_t i = 0; i < ARRAY_SIZE(r->unless) && r->unless[i]; i++)
        if (has_cap(caps, r->unless[i]))
            return false;
    return true;
}

static void json_putp(json_object **o)
{
    json_object_put(*o);
}

/* Add @v (a new reference; NULL after a failed allocation) as @key. */
static int add_member(json_object *o, const char *key, json_object *v)
{
    if (!v || json_object_object_add(o, key, v) < 0) {
        json_object_put(v);
        return ctr__oom("the seccomp profile");
    }
    return 0;
}

static int push_item(json_object *arr, json_object *v)
{
    if (!v || json_object_array_add(arr, v) < 0) {
        json_object_put(v);
        return ctr__oom("the seccomp profile");
    }
    return 0;
}

/* Append every name of the space-separated @list to the array @names. */
static int add_names(json_object *names, const char *list)
{
    const char *p = list;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        int r = push_item(names, json_object_new_string_len(p, (int)n));
        if (r < 0)
            return r;
        p += n;
    }
    return 0;
}

static int add_args(json_object *e, const struct sc_arg *args, size_t nargs)
{
    json_object *a = json_object_new_array();
    int r = add_member(e, "args", a);
    if (r < 0)
        return r;
    for (size_t i = 0; i < nargs; i++) {
        json_object *o = json_object_new_object();
        if ((r = push_item(a, o)) < 0 || (r = add_member(o, "index", json_object_new_int((int)args[i].index))) < 0 ||
            (r = add_member(o, "value", json_object_new_uint64(args[i].value))) < 0 ||
            (r = add_member(o, "op", json_object_new_string(args[i].op))) < 0)
            return r;
    }
    return 0;
}

static int add_entry(json_object *syscalls, const char *const *lists, const char *one, int action,
                     unsigned int errno_ret, const struct sc_arg *args, size_t nargs)
{
    _cleanup_(json_putp) json_object *e = json_object_new_object();
    if (!e)
        return ctr__oom("the seccomp profile");
    json_object *names = json_object_new_array();
    int r = add_member(e, "names", names);
    if (r < 0)
        return r;
    for (size_t i = 0; lists && lists[i]; i++)
        if ((r = add_names(names, lists[i])) < 0)
            return r;
    if (one && (r = add_names(names, one)) < 0)
        return r;

    const char *act = action == ALLOW ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO";
    if ((r = add_member(e, "action", json_object_new_string(act))) < 0)
        return r;
    if (action == ERRNO && (r = add_member(e, "errnoRet", json_object_new_int((int)errno_ret))) < 0)
        return r;
    if (nargs > 0 && (r = add_args(e, args, nargs)) < 0)
        return r;
    return push_item(syscalls, TAKE_PTR(e));
}

int ctr__seccomp_default_json(const char *const *caps, struct json_object **ret)
{
    _cleanup_(json_putp) json_object *sc = json_object_new_object();
    if (!sc)
        return ctr__oom("the seccomp profile");
    int r;
    if ((r = add_member(sc, "defaultAction", json_object_new_string("SCMP_ACT_ERRNO"))) < 0 ||
        (r = add_member(sc, "defaultErrnoRet", json_object_new_int(ENOSYS))) < 0)
        return r;

#ifdef NATIVE_SECCOMP_ARCHES
    {
        static const char *const arches[] = { NATIVE_SECCOMP_ARCHES };
        json_object *a = json_object_new_array();
        if ((r = add_member(sc, "architectures", a)) < 0)
            return r;
        for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
            if (arch_runs(arches[i]) && (r = push_item(a, json_object_new_string(arches[i]))) < 0)
                return r;
    }
#endif

    json_object *syscalls = json_object_new_array();
    if ((r = add_member(sc, "syscalls", syscalls)) < 0 ||
        (r = add_entry(syscalls, eperm_always, NULL, ERRNO, EPERM, NULL, 0)) < 0 ||
        (r = add_entry(syscalls, allow_always, NULL, ALLOW, 0, NULL, 0)) < 0)
        return r;
    for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
        if (rule_applies(&rules[i], caps) && (r = add_entry(syscalls, NULL, rules[i].names, rules[i].action,
                                                            rules[i].errno_ret, rules[i].args, rules[i].nargs)) < 0)
            return r;

    *ret = TAKE_PTR(sc);
    return 0;
}
