/*
 * smem_exit_now: the status reaches the parent, and nothing of the process's own exit runs
 * (no atexit handler, no stdio flush), which is what lets smem skip the runtime's teardown.
 */
#include "smem_shim.h"
#include "check.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int report_fd = -1;

static void on_exit_handler(void)
{
    (void) write(report_fd, "atexit", 6);
}

static int run_child(int status, int use_exit_now, char *out, size_t outlen, ssize_t *got)
{
    int fds[2];
    pid_t pid;
    int wstatus = 0;
    if (pipe(fds) != 0) return -1;
    pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fds[0]);
        report_fd = fds[1];
        atexit(on_exit_handler);
        if (use_exit_now) smem_exit_now(status);
        exit(status);
    }
    close(fds[1]);
    *got = read(fds[0], out, outlen);
    close(fds[0]);
    if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus)) return -1;
    return WEXITSTATUS(wstatus);
}

int main(void)
{
    char out[16];
    ssize_t got = -1;

    /* The control: a plain exit runs the handler. */
    CHECK(run_child(3, 0, out, sizeof out, &got) == 3);
    CHECK(got == 6 && memcmp(out, "atexit", 6) == 0);

    CHECK(run_child(42, 1, out, sizeof out, &got) == 42);
    CHECK(got == 0);
    CHECK(run_child(0, 1, out, sizeof out, &got) == 0);
    CHECK(got == 0);
    return check_done("exit");
}
