/* Plain file-descriptor I/O for the commands' common case: open, stat, read, write and close a
 * regular file, a device or stdout without Bun's node:fs, whose import alone costs a short
 * `smem open` well over a millisecond. POSIX only: the Windows build answers smem_FILE_ENOTSUP
 * and ffi's caller uses node:fs there. Failures return a negative errno, named by
 * smem_errno_name() so that messages read like node:fs's codes. */
#include "smem_shim.h"

#include <errno.h>
#include <stddef.h>

#if !defined(_WIN32)
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#if !defined(_WIN32)
static void fill_info(const struct stat *st, int64_t info_p[smem_FILE_INFO_LEN])
{
    info_p[0] = (int64_t) st->st_mode;
    info_p[1] = (int64_t) st->st_size;
    info_p[2] = (int64_t) st->st_rdev;
    info_p[3] = (int64_t) st->st_dev;
    info_p[4] = (int64_t) st->st_ino;
}
#endif

int smem_file_open(const char *path, int how, uint32_t mode)
{
#if defined(_WIN32)
    (void) path;
    (void) how;
    (void) mode;
    return smem_FILE_ENOTSUP;
#else
    int flags;
    int fd;
    if (path == NULL) return -EINVAL;
    switch (how) {
    case smem_FILE_READ: flags = O_RDONLY; break;
    case smem_FILE_WRITE: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case smem_FILE_CREATE_NEW: flags = O_WRONLY | O_CREAT | O_EXCL; break;
    default: return -EINVAL;
    }
    do {
        fd = open(path, flags | O_CLOEXEC, (mode_t) mode);
    } while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : fd;
#endif
}

int smem_file_stat(int fd, int64_t info_p[smem_FILE_INFO_LEN])
{
#if defined(_WIN32)
    (void) fd;
    (void) info_p;
    return smem_FILE_ENOTSUP;
#else
    struct stat st;
    if (info_p == NULL) return -EINVAL;
    if (fstat(fd, &st) != 0) return -errno;
    fill_info(&st, info_p);
    return 0;
#endif
}

int smem_path_stat(const char *path, int64_t info_p[smem_FILE_INFO_LEN])
{
#if defined(_WIN32)
    (void) path;
    (void) info_p;
    return smem_FILE_ENOTSUP;
#else
    struct stat st;
    if (path == NULL || info_p == NULL) return -EINVAL;
    if (stat(path, &st) != 0) return -errno;
    fill_info(&st, info_p);
    return 0;
#endif
}

int64_t smem_file_read(int fd, uint8_t *buf, size_t len, int64_t offset)
{
#if defined(_WIN32)
    (void) fd;
    (void) buf;
    (void) len;
    (void) offset;
    return smem_FILE_ENOTSUP;
#else
    ssize_t n;
    if (buf == NULL && len > 0) return -EINVAL;
    do {
        n = offset < 0 ? read(fd, buf, len) : pread(fd, buf, len, (off_t) offset);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -(int64_t) errno : (int64_t) n;
#endif
}

int64_t smem_file_write(int fd, const uint8_t *buf, size_t len, int64_t offset)
{
#if defined(_WIN32)
    (void) fd;
    (void) buf;
    (void) len;
    (void) offset;
    return smem_FILE_ENOTSUP;
#else
    ssize_t n;
    if (buf == NULL && len > 0) return -EINVAL;
    do {
        n = offset < 0 ? write(fd, buf, len) : pwrite(fd, buf, len, (off_t) offset);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -(int64_t) errno : (int64_t) n;
#endif
}

#if !defined(_WIN32)
enum { NOWAIT_SOCKET = 1, NOWAIT_PIPE_READY = 2 };

/* No SIGPIPE where the system can say so per call; macOS has no MSG_NOSIGNAL, and there Bun's
 * ignored SIGPIPE leaves the same EPIPE. */
#if defined(MSG_NOSIGNAL)
#define NOWAIT_SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL)
#else
#define NOWAIT_SEND_FLAGS MSG_DONTWAIT
#endif

/* What the nowait calls can do on fd at once: NOWAIT_SOCKET (send/recv take a per-call
 * MSG_DONTWAIT; the descriptor's own O_NONBLOCK, shared with other processes, stays), or
 * NOWAIT_PIPE_READY (a pipe or FIFO that poll() reports ready for `events`, or whose peer is gone:
 * POLLERR/POLLHUP, which the read or write then reports). Otherwise -EAGAIN (no room, nothing
 * waiting, or any other kind of descriptor) or another negative errno. */
static int nowait_state(int fd, short events)
{
    struct stat st;
    struct pollfd pfd;
    int ready;
    if (fstat(fd, &st) != 0) return -errno;
    if (S_ISSOCK(st.st_mode)) return NOWAIT_SOCKET;
    if (!S_ISFIFO(st.st_mode)) return -EAGAIN;
    pfd.fd = fd;
    pfd.events = events;
    pfd.revents = 0;
    do {
        ready = poll(&pfd, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) return -errno;
    if (ready == 0 || (pfd.revents & (events | POLLERR | POLLHUP)) == 0) return -EAGAIN;
    return NOWAIT_PIPE_READY;
}

/* A send/recv/read/write result as the nowait calls return it (EWOULDBLOCK spelled -EAGAIN). */
static int64_t nowait_result(ssize_t n)
{
    if (n >= 0) return (int64_t) n;
    return (errno == EAGAIN || errno == EWOULDBLOCK) ? -EAGAIN : -(int64_t) errno;
}
#endif

int64_t smem_fd_write_nowait(int fd, const uint8_t *buf, size_t len)
{
#if defined(_WIN32)
    (void) fd;
    (void) buf;
    (void) len;
    return smem_FILE_ENOTSUP;
#else
    ssize_t n;
    int state;
    if (buf == NULL && len > 0) return -EINVAL;
    /* A pipe has no per-call flag. POLLOUT means room for PIPE_BUF bytes (Linux: a free page;
     * BSD and macOS: PIPE_BUF bytes), so a write of at most that much completes at once. */
    state = nowait_state(fd, POLLOUT);
    if (state < 0) return state;
    if (state == NOWAIT_PIPE_READY && len > PIPE_BUF) len = PIPE_BUF;
    do {
        n = state == NOWAIT_SOCKET ? send(fd, buf, len, NOWAIT_SEND_FLAGS) : write(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return nowait_result(n);
#endif
}

int64_t smem_fd_read_nowait(int fd, uint8_t *buf, size_t len)
{
#if defined(_WIN32)
    (void) fd;
    (void) buf;
    (void) len;
    return smem_FILE_ENOTSUP;
#else
    ssize_t n;
    int state;
    if (buf == NULL && len > 0) return -EINVAL;
    /* On a pipe: bytes waiting, or every writer gone (read() then says 0, the end). */
    state = nowait_state(fd, POLLIN);
    if (state < 0) return state;
    do {
        n = state == NOWAIT_SOCKET ? recv(fd, buf, len, MSG_DONTWAIT) : read(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return nowait_result(n);
#endif
}

int smem_file_close(int fd)
{
#if defined(_WIN32)
    (void) fd;
    return smem_FILE_ENOTSUP;
#else
    /* Not retried on EINTR: on Linux the descriptor is gone either way. */
    return close(fd) == 0 ? 0 : -errno;
#endif
}

const char *smem_errno_name(int e)
{
#if defined(_WIN32)
    (void) e;
    return NULL;
#else
    switch (e) {
#define NAME(x) \
    case x: return #x
        NAME(EPERM);
        NAME(ENOENT);
        NAME(EINTR);
        NAME(EIO);
        NAME(ENXIO);
        NAME(EBADF);
        NAME(EAGAIN);
        NAME(ENOMEM);
        NAME(EACCES);
        NAME(EFAULT);
        NAME(EBUSY);
        NAME(EEXIST);
        NAME(EXDEV);
        NAME(ENODEV);
        NAME(ENOTDIR);
        NAME(EISDIR);
        NAME(EINVAL);
        NAME(ENFILE);
        NAME(EMFILE);
        NAME(ETXTBSY);
        NAME(EFBIG);
        NAME(ENOSPC);
        NAME(ESPIPE);
        NAME(EROFS);
        NAME(EPIPE);
        NAME(ENAMETOOLONG);
        NAME(ELOOP);
#if defined(EDQUOT)
        NAME(EDQUOT);
#endif
#if defined(EOVERFLOW)
        NAME(EOVERFLOW);
#endif
#if defined(EOPNOTSUPP)
        NAME(EOPNOTSUPP);
#endif
#undef NAME
    default: return NULL;
    }
#endif
}
