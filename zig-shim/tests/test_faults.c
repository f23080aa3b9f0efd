/*
 * Guard pages and the canary, proven by crashing: each scenario runs in a child (this binary
 * re-executed with "child SCENARIO"), and the parent checks how it died.
 *
 * The children run with ASAN_OPTIONS=handle_segv=0:handle_sigbus=0 so the kernel's SIGSEGV
 * reaches them unchanged instead of becoming an ASan report and exit code. A child's own
 * SIGSEGV/SIGABRT handler reports through a pipe (fd 3) what it saw, then lets the signal kill
 * the process, so the parent knows both the signal and the exact faulting address.
 */
#include "smem_shim.h"
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_FD 3

/* ---- child side --------------------------------------------------------------------------- */

static uint8_t *wipe_lo;
static size_t wipe_len;

static void on_segv(int sig, siginfo_t *info, void *ctx)
{
    uintptr_t addr = (uintptr_t) info->si_addr;
    (void) ctx;
    (void) !write(REPORT_FD, &addr, sizeof addr);
    signal(sig, SIG_DFL); /* returning re-runs the access, which now kills us */
}

/* smem_free() aborts after wiping: report whether the inner pages really are zero. */
static void on_abort(int sig)
{
    uint8_t verdict = 'W';
    size_t i;
    for (i = 0; i < wipe_len; i++) {
        if (wipe_lo[i] != 0) {
            verdict = 'D';
            break;
        }
    }
    (void) !write(REPORT_FD, &verdict, 1);
    signal(sig, SIG_DFL);
}

static void catch_faults(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    signal(SIGABRT, on_abort);
}

/* Tells the parent which address should fault, then touches it. */
static void expect_fault_at(volatile uint8_t *addr, int write_it)
{
    uintptr_t a = (uintptr_t) addr;
    (void) !write(REPORT_FD, &a, sizeof a);
    if (write_it) {
        *addr = 0x41;
    } else {
        uint8_t v = *addr;
        (void) v;
    }
}

static int run_child(const char *scenario)
{
    size_t size = 100;
    void *p = NULL;
    uint8_t *data, *inner;

    smem_harden_process(); /* no core files from the crashes below */
    if (smem_init() != 0) return 90;
    if (strcmp(scenario, "size0-past-end") == 0) size = 0;
    if (strcmp(scenario, "page-past-end") == 0) size = smem_page_size() - smem_CANARY_MIN_BYTES;
    if (smem_alloc(&p, size, NULL) != 0) return 91;
    data = p;
    inner = smem_alloc_inner_page(data, size);
    wipe_lo = inner;
    wipe_len = smem_alloc_footprint(size) - 2 * smem_page_size();
    if (size > 0) memset(data, 0xc3, size);
    catch_faults();

    if (strcmp(scenario, "read-past-end") == 0 || strcmp(scenario, "size0-past-end") == 0 ||
        strcmp(scenario, "page-past-end") == 0) {
        expect_fault_at(data + size, 0);
    } else if (strcmp(scenario, "write-past-end") == 0) {
        expect_fault_at(data + size, 1);
    } else if (strcmp(scenario, "read-before-inner") == 0) {
        expect_fault_at(inner - 1, 0);
    } else if (strcmp(scenario, "write-readonly") == 0) {
        smem_protect(data, size, smem_PROT_READONLY);
        expect_fault_at(data, 1);
    } else if (strcmp(scenario, "read-noaccess") == 0) {
        smem_protect(data, size, smem_PROT_NOACCESS);
        expect_fault_at(data + size / 2, 0);
    } else if (strcmp(scenario, "write-after-free") == 0) {
        smem_free(data, size);
        expect_fault_at(data, 1);
    } else if (strcmp(scenario, "canary-underflow") == 0) {
        data[-1] ^= 1;
        smem_free(data, size);
    } else if (strcmp(scenario, "canary-front") == 0) {
        inner[0] ^= 0x10;
        smem_free(data, size);
    } else if (strcmp(scenario, "control") == 0) {
        /* Every legal access: read/write the whole buffer, read-only reads, mode round trips. */
        volatile uint8_t sum = 0;
        size_t i;
        for (i = 0; i < size; i++) data[i] = (uint8_t) i;
        smem_protect(data, size, smem_PROT_READONLY);
        for (i = 0; i < size; i++) sum ^= data[i];
        smem_protect(data, size, smem_PROT_NOACCESS);
        smem_protect(data, size, smem_PROT_READWRITE);
        data[0] = sum;
        data[size - 1] = sum;
        inner[0] = inner[0]; /* the canary is ordinary readable memory */
        if (smem_free(data, size) != 0) return 92;
        return 0;
    } else {
        return 93;
    }
    return 94; /* the access above should not have returned */
}

/* ---- parent side -------------------------------------------------------------------------- */

struct outcome {
    int status;
    uint8_t report[32];
    ssize_t report_len;
};

static char self_path[4096];

static int spawn(const char *scenario, struct outcome *out)
{
    int fds[2];
    pid_t pid;
    ssize_t n;

    memset(out, 0, sizeof *out);
    if (pipe(fds) != 0) return -1;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        const char *old = getenv("ASAN_OPTIONS");
        char opts[1024];
        char *argv[] = { self_path, (char *) "child", (char *) scenario, NULL };
        snprintf(opts, sizeof opts, "%s%shandle_segv=0:handle_sigbus=0:handle_abort=0",
                 old ? old : "", old && *old ? ":" : "");
        setenv("ASAN_OPTIONS", opts, 1);
        close(fds[0]);
        if (fds[1] != REPORT_FD) {
            dup2(fds[1], REPORT_FD);
            close(fds[1]);
        }
        execv(self_path, argv);
        _exit(127);
    }
    close(fds[1]);
    while ((n = read(fds[0], out->report + out->report_len,
                     sizeof out->report - (size_t) out->report_len)) > 0) {
        out->report_len += n;
    }
    close(fds[0]);
    if (pid < 0 || waitpid(pid, &out->status, 0) != pid) return -1;
    return 0;
}

static int died_of(const struct outcome *o, int sig)
{
    return WIFSIGNALED(o->status) && WTERMSIG(o->status) == sig;
}

/* The child wrote the address it was about to touch, then the handler wrote si_addr. */
static int faulted_where_expected(const struct outcome *o)
{
    uintptr_t want, got;
    if (o->report_len != 2 * (ssize_t) sizeof(uintptr_t)) return 0;
    memcpy(&want, o->report, sizeof want);
    memcpy(&got, o->report + sizeof want, sizeof got);
    return want == got && want != 0;
}

static void expect_segv(const char *scenario)
{
    struct outcome o;
    printf("  %-20s", scenario);
    if (!CHECK(spawn(scenario, &o) == 0)) return;
    int segv = died_of(&o, SIGSEGV) || died_of(&o, SIGBUS);
    int where = faulted_where_expected(&o);
    printf("%s\n", segv && where ? "SIGSEGV at the expected address" : "WRONG");
    if (!segv) {
        fprintf(stderr, "  %s: status 0x%x (signal %d, exit %d)\n", scenario, o.status,
                WIFSIGNALED(o.status) ? WTERMSIG(o.status) : 0,
                WIFEXITED(o.status) ? WEXITSTATUS(o.status) : -1);
    }
    CHECK(segv);
    CHECK(where);
}

static void expect_abort_after_wipe(const char *scenario)
{
    struct outcome o;
    printf("  %-20s", scenario);
    if (!CHECK(spawn(scenario, &o) == 0)) return;
    int aborted = died_of(&o, SIGABRT);
    int wiped = o.report_len == 1 && o.report[0] == 'W';
    printf("%s\n", aborted && wiped ? "SIGABRT, memory wiped first" : "WRONG");
    CHECK(aborted);
    CHECK(wiped);
}

int main(int argc, char **argv)
{
    struct outcome o;
    ssize_t n;

    if (argc == 3 && strcmp(argv[1], "child") == 0) return run_child(argv[2]);

    n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0) {
        fprintf(stderr, "cannot resolve /proc/self/exe\n");
        return 1;
    }
    self_path[n] = '\0';

    /* The control must pass, or every "it crashed" below proves nothing. */
    printf("  %-20s", "control");
    CHECK(spawn("control", &o) == 0);
    printf("%s\n", WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0 ? "exit 0" : "WRONG");
    CHECK(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0);
    CHECK(o.report_len == 0);

    expect_segv("read-past-end");
    expect_segv("write-past-end");
    expect_segv("size0-past-end");
    expect_segv("page-past-end");
    expect_segv("read-before-inner");
    expect_segv("write-readonly");
    expect_segv("read-noaccess");
    expect_segv("write-after-free");
    expect_abort_after_wipe("canary-underflow");
    expect_abort_after_wipe("canary-front");
    return check_done("test_faults");
}
