/*
 * The guarded allocator and the process functions: layout, canary, protection modes, wiping,
 * mlock (granted and refused), MADV_DONTDUMP, hardening. Faults are in test_faults.c.
 *
 * link: -Wl,--wrap=munmap -Wl,--wrap=mlock -Wl,--wrap=munlock
 */
#include "smem_shim.h"
#include "check.h"
#include "vma.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- link-time wrappers -------------------------------------------------------------------
 * ASan's mlock/munlock interceptors do nothing and report success, which would hide both real
 * locking and its refusal; these hand the calls straight to the kernel. munmap is wrapped to
 * look at the inner pages at the moment smem_free() releases them: they must be all zero. */
int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);
int __wrap_mlock(const void *addr, size_t len);
int __wrap_munlock(const void *addr, size_t len);

static struct {
    uintptr_t lo, hi;   /* the inner pages being watched; 0 when none */
    int munlocked;      /* munlock covered them */
    int unmapped;       /* munmap covered them */
    int zero_at_unmap;  /* every inner byte was zero at that moment */
    int unlock_first;   /* munlock came before munmap */
} watch;

int __wrap_mlock(const void *addr, size_t len)
{
    return (int) syscall(SYS_mlock, addr, len);
}

int __wrap_munlock(const void *addr, size_t len)
{
    uintptr_t a = (uintptr_t) addr;
    if (watch.lo != 0 && a <= watch.lo && a + len >= watch.hi) watch.munlocked = 1;
    return (int) syscall(SYS_munlock, addr, len);
}

int __wrap_munmap(void *addr, size_t len)
{
    uintptr_t a = (uintptr_t) addr;
    if (watch.lo != 0 && a <= watch.lo && a + len >= watch.hi) {
        watch.unmapped = 1;
        watch.unlock_first = watch.munlocked;
        watch.zero_at_unmap = all_bytes_are((const uint8_t *) watch.lo, watch.hi - watch.lo, 0);
    }
    return __real_munmap(addr, len);
}

static void watch_inner(const void *inner, size_t ilen)
{
    memset(&watch, 0, sizeof watch);
    watch.lo = (uintptr_t) inner;
    watch.hi = (uintptr_t) inner + ilen;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static size_t page;

static int have_cap_ipc_lock(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) != 0) return 0;
    return (d[CAP_IPC_LOCK / 32].effective >> (CAP_IPC_LOCK % 32)) & 1;
}

static int drop_cap_ipc_lock(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) != 0) return -1;
    d[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
    d[CAP_IPC_LOCK / 32].permitted &= ~(1U << (CAP_IPC_LOCK % 32));
    return (int) syscall(SYS_capset, &h, d);
}

/* Runs fn in a forked child; returns 1 if it exited 0 (its own CHECKs all passed). */
static int in_child(int (*fn)(void))
{
    int status = 0;
    pid_t pid;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int rc = fn();
        fflush(NULL);
        _exit(rc != 0 || check_failed != 0 ? 1 : 0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_before_init(void)
{
    void *p = (void *) 1;
    CHECK(smem_alloc(&p, 16, NULL) == -1);
    CHECK(p == NULL || p == (void *) 1);
}

static void test_library(void)
{
    CHECK(smem_init() == 0);
    CHECK(smem_init() == 0); /* idempotent */
    CHECK(smem_abi_version() == SMEM_SHIM_ABI_VERSION);
    CHECK(smem_sodium_version_string() != NULL);
    CHECK(strcmp(smem_sodium_version_string(), SODIUM_VERSION_STRING) == 0);
    /* smem_symbol: the real addresses (the FFI binds functions through it), NULL for the rest.
     * That it knows every function ffi/symbols.ts declares is checked from JS. */
    CHECK(smem_symbol("smem_init") == (void *) (uintptr_t) smem_init);
    CHECK(smem_symbol("smem_free") == (void *) (uintptr_t) smem_free);
    CHECK(smem_symbol("smem_stream_seal_fd") == (void *) (uintptr_t) smem_stream_seal_fd);
    CHECK(smem_symbol("smem_symbol") == NULL);
    CHECK(smem_symbol("smem_initx") == NULL);
    CHECK(smem_symbol("") == NULL);
    CHECK(smem_symbol(NULL) == NULL);
}

/* One allocation of `size`: layout, guard pages, flags, contents, canary, wipe on free. */
static void check_one_size(size_t size, int expect_locked)
{
    void *p = NULL;
    int locked = -1;
    uint8_t *data, *inner;
    size_t foot, ilen, i;
    struct vma v;

    if (!CHECK(smem_alloc(&p, size, &locked) == 0) || !CHECK(p != NULL)) return;
    data = p;
    inner = smem_alloc_inner_page(data, size);
    foot = smem_alloc_footprint(size);
    ilen = foot - 2 * page;

    /* Inner region: whole pages, the fewest that hold size + the minimum canary. */
    CHECK(((uintptr_t) inner % page) == 0);
    CHECK(foot % page == 0 && foot >= 3 * page);
    CHECK(ilen >= size + smem_CANARY_MIN_BYTES);
    CHECK(ilen - page < size + smem_CANARY_MIN_BYTES);
    /* Right-aligned: the data ends exactly where the trailing guard page begins. */
    CHECK(data + size == inner + ilen);
    CHECK((size_t) (data - inner) >= smem_CANARY_MIN_BYTES);

    /* The kernel's view: guard | inner | guard as three VMAs with the right permissions. */
    if (CHECK(vma_find(inner, &v) == 0)) {
        CHECK(v.start == (uintptr_t) inner && v.end == (uintptr_t) (inner + ilen));
        CHECK(strncmp(v.perms, "rw-", 3) == 0);
        CHECK(vma_has_flag(&v, "dd"));
        CHECK(vma_has_flag(&v, "lo") == (locked == 1));
    }
    if (CHECK(vma_find(inner - 1, &v) == 0)) {
        CHECK(v.end == (uintptr_t) inner && strncmp(v.perms, "---", 3) == 0);
        CHECK(v.start <= (uintptr_t) inner - page);
    }
    if (CHECK(vma_find(inner + ilen, &v) == 0)) {
        CHECK(v.start == (uintptr_t) (inner + ilen) && strncmp(v.perms, "---", 3) == 0);
        CHECK(v.end >= (uintptr_t) (inner + ilen + page));
    }
    if (expect_locked) CHECK(locked == 1);
    else CHECK(locked == 0 || locked == 1);

    /* Zero-filled, fully writable, canary intact and not trivially zero. */
    CHECK(all_bytes_are(data, size, 0));
    for (i = 0; i < size; i++) data[i] = (uint8_t) (i * 31 + 7);
    for (i = 0; i < size && data[i] == (uint8_t) (i * 31 + 7); i++) {
    }
    CHECK(i == size);
    CHECK(smem_canary_check(data, size) == 0);
    CHECK(!all_bytes_are(inner, smem_CANARY_MIN_BYTES, 0));

    /* Free: wiped (canary too) before the pages go, and unlocked before unmapping. */
    watch_inner(inner, ilen);
    CHECK(smem_free(data, size) == 0);
    CHECK(watch.unmapped);
    CHECK(watch.zero_at_unmap);
    CHECK(watch.munlocked && watch.unlock_first);
    memset(&watch, 0, sizeof watch);
    CHECK(vma_find(inner, &v) == -1 || strncmp(v.perms, "rw-", 3) != 0 || v.start != (uintptr_t) inner);
}

static void test_sizes(void)
{
    uint64_t soft = 0;
    /* With CAP_IPC_LOCK, or a limit with room for a few pages, a small buffer must lock. */
    int lockable = have_cap_ipc_lock() ||
                   (smem_mlock_limit(&soft, NULL) == 0 && soft >= 64 * 1024);
    const size_t sizes[] = { 0, 1, 15, 16, 17, page - 17, page - 16, page - 15, page - 1, page,
                             page + 1, 3 * page + 5, (1U << 20) + 3, 8U << 20 };
    size_t i;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        check_one_size(sizes[i], lockable && sizes[i] <= page);
    }
}

static void test_alloc_arguments(void)
{
    void *p = (void *) 1;
    int locked = 7;
    CHECK(smem_alloc(NULL, 16, &locked) == -1);
    /* A size whose footprint cannot be represented is refused, with *data_p cleared. */
    CHECK(smem_alloc(&p, SIZE_MAX - 8, &locked) == -1);
    CHECK(p == NULL && locked == 0);
    CHECK(smem_alloc(&p, SIZE_MAX - 4 * page, NULL) == -1);
    /* locked_p may be NULL. */
    CHECK(smem_alloc(&p, 32, NULL) == 0 && p != NULL);
    if (p != NULL) CHECK(smem_free(p, 32) == 0);
    CHECK(smem_free(NULL, 0) == -1);
}

static void test_canary(void)
{
    const size_t size = 100;
    void *p = NULL;
    uint8_t *data, *inner, *other_inner;
    void *q = NULL;

    if (!CHECK(smem_alloc(&p, size, NULL) == 0)) return;
    data = p;
    inner = smem_alloc_inner_page(data, size);
    CHECK(smem_canary_check(data, size) == 0);
    /* The byte just in front of the data (an underflow by one)... */
    data[-1] ^= 0x01;
    CHECK(smem_canary_check(data, size) == -1);
    data[-1] ^= 0x01;
    CHECK(smem_canary_check(data, size) == 0);
    /* ...and the first byte of the slack both count. */
    inner[0] ^= 0x80;
    CHECK(smem_canary_check(data, size) == -1);
    inner[0] ^= 0x80;
    CHECK(smem_canary_check(data, size) == 0);
    /* The check leaves a read-only buffer read-only. */
    CHECK(smem_protect(data, size, smem_PROT_READONLY) == 0);
    CHECK(smem_canary_check(data, size) == 0);
    {
        struct vma v;
        CHECK(vma_find(inner, &v) == 0 && strncmp(v.perms, "r--", 3) == 0);
    }
    /* Every allocation carries the same process-wide canary bytes at the start of its slack. */
    if (CHECK(smem_alloc(&q, 7, NULL) == 0)) {
        other_inner = smem_alloc_inner_page(q, 7);
        CHECK(memcmp(other_inner, inner, smem_CANARY_MIN_BYTES) == 0);
        CHECK(smem_free(q, 7) == 0);
    }
    CHECK(smem_free(data, size) == 0);
}

static void test_protect(void)
{
    const size_t size = 3000;
    void *p = NULL;
    uint8_t *data, *inner;
    struct vma v;
    size_t ilen = smem_alloc_footprint(size) - 2 * page;

    if (!CHECK(smem_alloc(&p, size, NULL) == 0)) return;
    data = p;
    inner = smem_alloc_inner_page(data, size);
    memset(data, 0x5a, size);

    CHECK(smem_protect(data, size, smem_PROT_READONLY) == 0);
    CHECK(vma_find(inner, &v) == 0 && strncmp(v.perms, "r--", 3) == 0);
    CHECK(v.start == (uintptr_t) inner && v.end == (uintptr_t) (inner + ilen));
    CHECK(all_bytes_are(data, size, 0x5a));

    CHECK(smem_protect(data, size, smem_PROT_NOACCESS) == 0);
    CHECK(vma_find(inner, &v) == 0 && strncmp(v.perms, "---", 3) == 0);

    /* An unknown mode is refused and changes nothing. */
    CHECK(smem_protect(data, size, 3) == -1);
    CHECK(smem_protect(data, size, -1) == -1);
    CHECK(vma_find(inner, &v) == 0 && strncmp(v.perms, "---", 3) == 0);

    CHECK(smem_protect(data, size, smem_PROT_READWRITE) == 0);
    CHECK(vma_find(inner, &v) == 0 && strncmp(v.perms, "rw-", 3) == 0);
    CHECK(all_bytes_are(data, size, 0x5a));
    /* The guard pages never change. */
    CHECK(vma_find(inner - 1, &v) == 0 && strncmp(v.perms, "---", 3) == 0);
    CHECK(vma_find(inner + ilen, &v) == 0 && strncmp(v.perms, "---", 3) == 0);

    /* smem_free() works from any mode, and still wipes before unmapping. */
    CHECK(smem_protect(data, size, smem_PROT_NOACCESS) == 0);
    watch_inner(inner, ilen);
    CHECK(smem_free(data, size) == 0);
    CHECK(watch.unmapped && watch.zero_at_unmap);
    memset(&watch, 0, sizeof watch);
}

static int child_mlock_refused(void)
{
    struct rlimit zero = { 0, 0 };
    void *p = NULL;
    int locked = -1;
    struct vma v;
    uint8_t *data;

    CHECK(setrlimit(RLIMIT_MEMLOCK, &zero) == 0);
    drop_cap_ipc_lock();
    CHECK(!have_cap_ipc_lock());
    /* Refused mlock degrades: the allocation still works, is guarded, and says it is unlocked. */
    if (!CHECK(smem_alloc(&p, 100, &locked) == 0)) return 1;
    data = p;
    CHECK(locked == 0);
    memset(data, 0xee, 100);
    CHECK(all_bytes_are(data, 100, 0xee));
    CHECK(vma_find(smem_alloc_inner_page(data, 100), &v) == 0);
    CHECK(!vma_has_flag(&v, "lo") && vma_has_flag(&v, "dd"));
    CHECK(smem_canary_check(data, 100) == 0);
    CHECK(smem_free(data, 100) == 0);
    {
        uint64_t soft = 1, hard = 1;
        CHECK(smem_mlock_limit(&soft, &hard) == 0 && soft == 0 && hard == 0);
    }
    return 0;
}

static int child_harden(void)
{
    uint64_t core = 1;
    struct rlimit rl;
    CHECK(smem_dumpable() == 1);
    CHECK(smem_harden_process() == 0);
    CHECK(smem_core_limit(&core) == 0 && core == 0);
    CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0);
    CHECK(smem_dumpable() == 0);
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
    return 0;
}

static void test_process(void)
{
    struct rlimit rl;
    uint64_t soft = 0, hard = 0, core = 0;
    uint32_t want = smem_FEATURE_GUARD_PAGES | smem_FEATURE_MLOCK | smem_FEATURE_DONTDUMP |
                    smem_FEATURE_NODUMPABLE | smem_FEATURE_RLIMIT_CORE;

    CHECK(smem_page_size() == (size_t) sysconf(_SC_PAGESIZE));
    CHECK(smem_mlock_limit(&soft, &hard) == 0);
    CHECK(getrlimit(RLIMIT_MEMLOCK, &rl) == 0);
    CHECK(soft == (rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t) rl.rlim_cur));
    CHECK(hard == (rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t) rl.rlim_max));
    CHECK(smem_mlock_limit(NULL, NULL) == 0);
    CHECK(smem_core_limit(&core) == 0);
    CHECK(getrlimit(RLIMIT_CORE, &rl) == 0);
    CHECK(core == (rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t) rl.rlim_cur));
    CHECK(smem_platform_features() == want); /* Linux: everything but MADV_NOCORE */
    /* Hardening is for the whole process and cannot be undone: do it in a child. */
    CHECK(in_child(child_harden));
    CHECK(smem_dumpable() == 1);
    CHECK(in_child(child_mlock_refused));
}

static void test_isatty(void)
{
    int p[2];
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    int slave;

    CHECK(master >= 0);
    CHECK(grantpt(master) == 0 && unlockpt(master) == 0);
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    CHECK(smem_isatty(slave) == 1);
    CHECK(pipe(p) == 0);
    CHECK(smem_isatty(p[0]) == 0);
    CHECK(smem_isatty(p[1]) == 0);
    close(p[0]);
    close(p[1]);
    close(slave);
    CHECK(smem_isatty(slave) == 0); /* closed */
    CHECK(smem_isatty(-1) == 0);
    close(master);
}

int main(void)
{
    page = (size_t) sysconf(_SC_PAGESIZE);
    test_before_init();
    test_library();
    test_sizes();
    test_alloc_arguments();
    test_canary();
    test_protect();
    test_process();
    test_isatty();
    return check_done("test_alloc");
}
