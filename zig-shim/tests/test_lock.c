/*
 * Advisory locks (smem_flock / smem_funlock): exclusive excludes everyone, shared admits shared,
 * nonblocking tries report "busy" as 1, and a lock dies with the process that held it.
 */
#include "smem_shim.h"
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[] = "/tmp/smem-lock-test-XXXXXX";

static int open_lockfile(void)
{
    return open(path, O_RDWR);
}

/* A child that takes a lock, signals the parent through a pipe, then waits to be killed. */
static pid_t holder(int exclusive)
{
    int p[2];
    pid_t pid;
    char c = 0;

    if (pipe(p) != 0) return -1;
    pid = fork();
    if (pid == 0) {
        int fd = open_lockfile();
        close(p[0]);
        if (fd < 0 || smem_flock(fd, exclusive, 0) != 0) _exit(2);
        (void) !write(p[1], "x", 1);
        for (;;) pause();
    }
    close(p[1]);
    if (read(p[0], &c, 1) != 1) c = 0;
    close(p[0]);
    return c == 'x' ? pid : -1;
}

static void reap(pid_t pid)
{
    int status;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

int main(void)
{
    int tmp = mkstemp(path);
    int fd, fd2;
    pid_t pid;

    CHECK(tmp >= 0);
    close(tmp);

    /* Alone: both kinds succeed, and unlocking works. */
    fd = open_lockfile();
    CHECK(smem_flock(fd, 1, 1) == 0);
    CHECK(smem_funlock(fd) == 0);
    CHECK(smem_flock(fd, 0, 1) == 0);
    CHECK(smem_funlock(fd) == 0);

    /* Another process holds it exclusively: both kinds are busy (1), not an error. */
    pid = holder(1);
    CHECK(pid > 0);
    CHECK(smem_flock(fd, 1, 1) == 1);
    CHECK(smem_flock(fd, 0, 1) == 1);
    /* Killed with SIGKILL: the lock goes with it, and a blocking take returns at once. */
    reap(pid);
    CHECK(smem_flock(fd, 1, 0) == 0);
    CHECK(smem_funlock(fd) == 0);

    /* Shared admits shared, excludes exclusive. */
    pid = holder(0);
    CHECK(pid > 0);
    CHECK(smem_flock(fd, 0, 1) == 0);
    CHECK(smem_funlock(fd) == 0);
    CHECK(smem_flock(fd, 1, 1) == 1);
    reap(pid);

    /* Two descriptors in one process are two open files: they exclude each other too. */
    fd2 = open_lockfile();
    CHECK(smem_flock(fd, 1, 1) == 0);
    CHECK(smem_flock(fd2, 1, 1) == 1);
    close(fd); /* closing releases */
    CHECK(smem_flock(fd2, 1, 1) == 0);
    close(fd2);

    /* A descriptor that is not open is a failure (-1), not "busy". */
    CHECK(smem_flock(987654, 1, 1) == -1);
    CHECK(smem_funlock(987654) == -1);

    unlink(path);
    return check_done("lock");
}
