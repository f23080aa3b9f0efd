/*
 * Descriptor I/O (smem_file_*, smem_path_stat, smem_errno_name): what node:fs's openSync, fstatSync,
 * statSync, readSync, writeSync and closeSync would say, as negative errnos, with O_CLOEXEC set;
 * smem_fd_write_nowait and smem_fd_read_nowait on pipes, sockets and other descriptors.
 */
#include "smem_shim.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char dir[] = "/tmp/smem-file-test-XXXXXX";
    char path[64];
    int64_t info[smem_FILE_INFO_LEN];
    uint8_t buf[16];
    int fd, again;

    if (mkdtemp(dir) == NULL) return 1;
    snprintf(path, sizeof path, "%s/f", dir);

    /* Create-new makes the file with the mode asked (under umask 0), and refuses an existing one. */
    umask(0);
    fd = smem_file_open(path, smem_FILE_CREATE_NEW, 0600);
    CHECK(fd >= 0);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(smem_file_open(path, smem_FILE_CREATE_NEW, 0600) == -EEXIST);
    CHECK(smem_file_write(fd, (const uint8_t *) "hello world", 11, -1) == 11);
    CHECK(smem_file_write(fd, (const uint8_t *) "W", 1, 6) == 1); /* pwrite: the offset stays */
    CHECK(smem_file_write(fd, (const uint8_t *) "!", 1, -1) == 1);
    CHECK(smem_file_stat(fd, info) == 0);
    CHECK((info[0] & S_IFMT) == S_IFREG);
    CHECK((info[0] & 0777) == 0600);
    CHECK(info[1] == 12);
    CHECK(smem_file_close(fd) == 0);
    CHECK(smem_file_close(fd) == -EBADF);

    /* Reads at the offset and at explicit positions; 0 at the end. */
    fd = smem_file_open(path, smem_FILE_READ, 0);
    CHECK(fd >= 0);
    memset(buf, 0, sizeof buf);
    CHECK(smem_file_read(fd, buf, 5, -1) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(smem_file_read(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
    CHECK(smem_file_read(fd, buf, sizeof buf, -1) == 7 && memcmp(buf, " World!", 7) == 0);
    CHECK(smem_file_read(fd, buf, sizeof buf, -1) == 0);
    CHECK(smem_file_read(fd, buf, 0, -1) == 0);
    CHECK(smem_file_write(fd, buf, 1, -1) == -EBADF); /* opened for reading */
    CHECK(smem_file_close(fd) == 0);

    /* Write truncates an existing file. */
    fd = smem_file_open(path, smem_FILE_WRITE, 0600);
    CHECK(fd >= 0);
    CHECK(smem_file_stat(fd, info) == 0 && info[1] == 0);
    CHECK(smem_file_close(fd) == 0);

    /* stat by path, directories and devices, missing paths. */
    CHECK(smem_path_stat(dir, info) == 0 && (info[0] & S_IFMT) == S_IFDIR);
    CHECK(smem_path_stat("/dev/null", info) == 0 && (info[0] & S_IFMT) == S_IFCHR);
    again = smem_file_open("/dev/null", smem_FILE_READ, 0);
    CHECK(again >= 0 && smem_file_stat(again, info) == 0 && (info[0] & S_IFMT) == S_IFCHR);
    CHECK(smem_file_close(again) == 0);
    snprintf(path, sizeof path, "%s/missing", dir);
    CHECK(smem_file_open(path, smem_FILE_READ, 0) == -ENOENT);
    CHECK(smem_path_stat(path, info) == -ENOENT);
    CHECK(smem_file_stat(-1, info) == -EBADF);

    /* Bad arguments. */
    CHECK(smem_file_open(NULL, smem_FILE_READ, 0) == -EINVAL);
    CHECK(smem_file_open(dir, 7, 0) == -EINVAL);
    CHECK(smem_file_read(0, NULL, 1, -1) == -EINVAL);
    CHECK(smem_file_write(1, NULL, 1, -1) == -EINVAL);
    CHECK(smem_path_stat(dir, NULL) == -EINVAL);

    /* Writes that never wait: a pipe takes at most PIPE_BUF bytes, and only while it has room;
     * a socket takes what fits; a gone reader is EPIPE; anything else is left to the caller. */
    {
        int p[2], sv[2];
        static uint8_t big[1 << 20];
        int64_t n, total = 0;
        uint8_t back[PIPE_BUF + 8];
        signal(SIGPIPE, SIG_IGN);
        CHECK(pipe(p) == 0);
        CHECK(smem_fd_write_nowait(p[1], (const uint8_t *) "abc", 3) == 3);
        CHECK(read(p[0], back, sizeof back) == 3 && memcmp(back, "abc", 3) == 0);
        CHECK(smem_fd_write_nowait(p[1], big, sizeof big) == PIPE_BUF);
        CHECK(read(p[0], back, sizeof back) == PIPE_BUF);
        CHECK(smem_fd_write_nowait(p[1], NULL, 1) == -EINVAL);
        CHECK(smem_fd_write_nowait(p[1], NULL, 0) == 0);
        /* Filled to the brim, then refused without waiting (a blocking write would hang here). */
        while ((n = smem_fd_write_nowait(p[1], big, sizeof big)) > 0) total += n;
        CHECK(n == -EAGAIN);
        CHECK(total >= 4096 && total <= (int64_t) sizeof big);
        CHECK(smem_fd_write_nowait(p[1], (const uint8_t *) "x", 1) == -EAGAIN);
        /* The reader drains a little: room again. */
        CHECK(read(p[0], big, PIPE_BUF) == PIPE_BUF);
        CHECK(smem_fd_write_nowait(p[1], (const uint8_t *) "x", 1) == 1);
        CHECK(close(p[0]) == 0);
        CHECK(smem_fd_write_nowait(p[1], (const uint8_t *) "x", 1) == -EPIPE);
        CHECK(close(p[1]) == 0);
        CHECK(smem_fd_write_nowait(p[1], (const uint8_t *) "x", 1) == -EBADF);

        CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
        CHECK(smem_fd_write_nowait(sv[0], (const uint8_t *) "hello", 5) == 5);
        CHECK(read(sv[1], back, sizeof back) == 5 && memcmp(back, "hello", 5) == 0);
        total = 0;
        while ((n = smem_fd_write_nowait(sv[0], big, sizeof big)) > 0) total += n;
        CHECK(n == -EAGAIN && total > 0);
        CHECK((fcntl(sv[0], F_GETFL) & O_NONBLOCK) == 0); /* the descriptor itself still blocks */
        CHECK(close(sv[1]) == 0);
        CHECK(smem_fd_write_nowait(sv[0], (const uint8_t *) "x", 1) == -EPIPE);
        CHECK(close(sv[0]) == 0);

        snprintf(path, sizeof path, "%s/f", dir);
        fd = smem_file_open(path, smem_FILE_READ, 0);
        CHECK(fd >= 0 && smem_fd_write_nowait(fd, (const uint8_t *) "x", 1) == -EAGAIN);
        CHECK(smem_fd_read_nowait(fd, back, 1) == -EAGAIN);
        CHECK(smem_file_close(fd) == 0);

        /* Reads that never wait: nothing there yet is EAGAIN, bytes come back as they are, and
         * the writer's close is the end (0). */
        CHECK(pipe(p) == 0);
        CHECK(smem_fd_read_nowait(p[0], back, sizeof back) == -EAGAIN);
        CHECK(write(p[1], "abcdef", 6) == 6);
        CHECK(smem_fd_read_nowait(p[0], back, 4) == 4 && memcmp(back, "abcd", 4) == 0);
        CHECK(smem_fd_read_nowait(p[0], back, sizeof back) == 2 && memcmp(back, "ef", 2) == 0);
        CHECK(smem_fd_read_nowait(p[0], back, sizeof back) == -EAGAIN);
        CHECK(smem_fd_read_nowait(p[0], NULL, 1) == -EINVAL);
        CHECK(write(p[1], "g", 1) == 1);
        CHECK(close(p[1]) == 0);
        CHECK(smem_fd_read_nowait(p[0], back, sizeof back) == 1 && back[0] == 'g');
        CHECK(smem_fd_read_nowait(p[0], back, sizeof back) == 0);
        CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
        CHECK(close(p[0]) == 0);
        CHECK(smem_fd_read_nowait(p[0], back, 1) == -EBADF);

        CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
        CHECK(smem_fd_read_nowait(sv[1], back, sizeof back) == -EAGAIN);
        CHECK(write(sv[0], "hi", 2) == 2);
        CHECK(smem_fd_read_nowait(sv[1], back, sizeof back) == 2 && memcmp(back, "hi", 2) == 0);
        CHECK(close(sv[0]) == 0);
        CHECK(smem_fd_read_nowait(sv[1], back, sizeof back) == 0);
        CHECK(close(sv[1]) == 0);
    }

    /* Names as node:fs spells them. */
    CHECK(strcmp(smem_errno_name(ENOENT), "ENOENT") == 0);
    CHECK(strcmp(smem_errno_name(EEXIST), "EEXIST") == 0);
    CHECK(strcmp(smem_errno_name(EPIPE), "EPIPE") == 0);
    CHECK(strcmp(smem_errno_name(ENOSPC), "ENOSPC") == 0);
    CHECK(smem_errno_name(0) == NULL);
    CHECK(smem_errno_name(-5) == NULL);

    snprintf(path, sizeof path, "%s/f", dir);
    unlink(path);
    rmdir(dir);
    return check_done("file");
}
