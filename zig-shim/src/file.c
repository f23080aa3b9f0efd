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

int64_t smem_fd_write_nowait(int fd, const uint8_t *buf, size_t len)
{
#if defined(_WIN32)
    (void) fd;
    (void) buf;
    (void) len;
    return smem_FILE_ENOTSUP;
#else
    struct stat st;
    struct pollfd pfd;
    ssize_t n;
    int ready;
    if (buf == NULL && len > 0) return -EINVAL;
    if (fstat(fd, &st) != 0) return -errno;
    if (S_ISSOCK(st.st_mode)) {
        /* A per-call flag: the descriptor's own O_NONBLOCK, shared with other processes, stays. */
        do {
            n = send(fd, buf, len, MSG_DONTWAIT
#if defined(MSG_NOSIGNAL)
                                       | MSG_NOSIGNAL
#endif
            );
        } while (n < 0 && errno == EINTR);
        if (n < 0) return (errno == EWOULDBLOCK) ? -EAGAIN : -(int64_t) errno;
        return (int64_t) n;
    }
    if (!S_ISFIFO(st.st_mode)) return -EAGAIN;
    /* A pipe has no per-call flag. POLLOUT means room for PIPE_BUF bytes (Linux: a free page;
     * BSD and macOS: PIPE_BUF bytes), so a write of at most that much completes at once. */
    if (len > PIPE_BUF) len = PIPE_BUF;
    pfd.fd = fd;
    pfd.events = POLLOUT;
    pfd.revents = 0;
    do {
        ready = poll(&pfd, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) return -errno;
    /* No room: wait elsewhere. POLLERR (the reader is gone) goes on to write(), which reports it. */
    if (ready == 0 || (pfd.revents & (POLLOUT | POLLERR | POLLHUP)) == 0) return -EAGAIN;
    do {
        n = write(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -(int64_t) errno : (int64_t) n;
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
    struct stat st;
    struct pollfd pfd;
    ssize_t n;
    int ready;
    if (buf == NULL && len > 0) return -EINVAL;
    if (fstat(fd, &st) != 0) return -errno;
    if (S_ISSOCK(st.st_mode)) {
        do {
            n = recv(fd, buf, len, MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        if (n < 0) return (errno == EWOULDBLOCK) ? -EAGAIN : -(int64_t) errno;
        return (int64_t) n;
    }
    if (!S_ISFIFO(st.st_mode)) return -EAGAIN;
    /* Bytes waiting, or every writer gone (POLLHUP: read() then says 0, the end). */
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    do {
        ready = poll(&pfd, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) return -errno;
    if (ready == 0 || (pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0) return -EAGAIN;
    do {
        n = read(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -(int64_t) errno : (int64_t) n;
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
