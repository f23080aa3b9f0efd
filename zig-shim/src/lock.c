/* Advisory whole-file locks for the vault: flock() on POSIX, LockFileEx() on Windows.
 *
 * Both kinds belong to the open file (POSIX: the open file description; Windows: the handle), so
 * the kernel drops the lock when the descriptor is closed or the process dies, however it dies:
 * a crashed writer cannot leave a vault locked. */
#include "smem_shim.h"

#include <errno.h>

#if defined(_WIN32)
#include <io.h>
#include <windows.h>
#else
#include <sys/file.h>
#endif

#if defined(_WIN32)
static HANDLE handle_of(int fd)
{
    intptr_t h = _get_osfhandle(fd);
    return h == -1 ? INVALID_HANDLE_VALUE : (HANDLE) h;
}
#endif

int smem_flock(int fd, int exclusive, int nonblocking)
{
#if defined(_WIN32)
    HANDLE h = handle_of(fd);
    OVERLAPPED ov;
    DWORD flags = 0;

    if (h == INVALID_HANDLE_VALUE) {
        return -1;
    }
    if (exclusive) {
        flags |= LOCKFILE_EXCLUSIVE_LOCK;
    }
    if (nonblocking) {
        flags |= LOCKFILE_FAIL_IMMEDIATELY;
    }
    ZeroMemory(&ov, sizeof ov);
    /* The whole file, now and however far it grows: offset 0, length 2^64 - 1. */
    if (LockFileEx(h, flags, 0, MAXDWORD, MAXDWORD, &ov)) {
        return 0;
    }
    return GetLastError() == ERROR_LOCK_VIOLATION ? 1 : -1;
#else
    int op = exclusive ? LOCK_EX : LOCK_SH;
    int rc;

    if (nonblocking) {
        op |= LOCK_NB;
    }
    do {
        rc = flock(fd, op);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) {
        return 0;
    }
    return errno == EWOULDBLOCK ? 1 : -1;
#endif
}

int smem_funlock(int fd)
{
#if defined(_WIN32)
    HANDLE h = handle_of(fd);
    OVERLAPPED ov;

    if (h == INVALID_HANDLE_VALUE) {
        return -1;
    }
    ZeroMemory(&ov, sizeof ov);
    return UnlockFileEx(h, 0, MAXDWORD, MAXDWORD, &ov) ? 0 : -1;
#else
    return flock(fd, LOCK_UN) == 0 ? 0 : -1;
#endif
}
