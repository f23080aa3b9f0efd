/* Library init, process hardening and the platform facts `smem info` reports. */
#include "smem_shim.h"
#include "internal.h"

#include <sodium.h>
#include <string.h>

#if defined(_WIN32)
#include <io.h>
#include <windows.h>
#else
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#endif
#if defined(__linux__)
#include <sys/prctl.h>
#endif

uint8_t *smem_canary_page = NULL;
size_t smem_cached_page_size = 0;

#if defined(_WIN32)
typedef HRESULT(WINAPI *wer_register_fn)(const void *, DWORD);
typedef HRESULT(WINAPI *wer_unregister_fn)(const void *);
static wer_register_fn wer_register = NULL;
static wer_unregister_fn wer_unregister = NULL;

static void wer_resolve(void)
{
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    FARPROC reg, unreg;
    if (k32 == NULL) {
        return;
    }
    reg = GetProcAddress(k32, "WerRegisterExcludedMemoryBlock");
    unreg = GetProcAddress(k32, "WerUnregisterExcludedMemoryBlock");
    if (reg != NULL && unreg != NULL) {
        /* FARPROC to the real prototype goes through void(*)(void) to keep -Wcast-function-type quiet. */
        wer_register = (wer_register_fn) (void (*)(void)) reg;
        wer_unregister = (wer_unregister_fn) (void (*)(void)) unreg;
    }
}

void smem_wer_exclude(void *addr, size_t len)
{
    if (wer_register != NULL && len <= MAXDWORD) {
        (void) wer_register(addr, (DWORD) len);
    }
}

void smem_wer_unexclude(void *addr)
{
    if (wer_unregister != NULL) {
        (void) wer_unregister(addr);
    }
}
#endif

size_t smem_page_size(void)
{
    if (smem_cached_page_size == 0) {
#if defined(_WIN32)
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        smem_cached_page_size = (size_t) si.dwPageSize;
#else
        long p = sysconf(_SC_PAGESIZE);
        smem_cached_page_size = p > 0 ? (size_t) p : 4096U;
#endif
    }
    return smem_cached_page_size;
}

int smem_abi_version(void)
{
    return SMEM_SHIM_ABI_VERSION;
}

const char *smem_sodium_version_string(void)
{
    return sodium_version_string();
}

/* The canary pages from one 32-byte seed (ChaCha20): the system RNG hands out at most 256 bytes
 * per getrandom call in libsodium, and 32 calls were a visible part of every start-up. */
static void canary_fill(uint8_t *canary, size_t len)
{
    uint8_t seed[randombytes_SEEDBYTES];

    randombytes_buf(seed, sizeof seed);
    randombytes_buf_deterministic(canary, len, seed);
    sodium_memzero(seed, sizeof seed);
}

int smem_init(void)
{
    size_t len;
    uint8_t *canary;

    if (smem_canary_page != NULL) {
        return 0;
    }
    if (sodium_init() < 0) {
        return -1;
    }
    /* Two pages: the slack in front of an allocation is at most one page + the minimum. */
    len = 2 * smem_page_size();
#if defined(_WIN32)
    wer_resolve();
    canary = VirtualAlloc(NULL, len, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (canary == NULL) {
        return -1;
    }
    canary_fill(canary, len);
    {
        DWORD old;
        VirtualProtect(canary, len, PAGE_READONLY, &old);
    }
#else
    canary = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (canary == MAP_FAILED) {
        return -1;
    }
#if defined(MADV_DONTDUMP)
    (void) madvise(canary, len, MADV_DONTDUMP);
#endif
    canary_fill(canary, len);
    (void) mprotect(canary, len, PROT_READ);
#endif
    smem_canary_page = canary;
    return 0;
}

int smem_harden_process(void)
{
    int status = 0;
#if !defined(_WIN32)
    struct rlimit rl;
    rl.rlim_cur = 0;
    rl.rlim_max = 0;
    if (setrlimit(RLIMIT_CORE, &rl) != 0) {
        status = -1;
    }
#endif
#if defined(__linux__)
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        status = -1;
    }
#endif
#if defined(_WIN32)
    /* No core files to disable; keep Windows Error Reporting from writing a crash dump. */
    SetErrorMode(GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
#endif
    return status;
}

void smem_exit_now(int status)
{
#if defined(_WIN32)
    ExitProcess((UINT) status);
#else
    _exit(status);
#endif
}

#if !defined(_WIN32)
static uint64_t rlim_to_u64(rlim_t v)
{
    return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t) v;
}
#endif

int smem_mlock_limit(uint64_t *soft_p, uint64_t *hard_p)
{
#if defined(_WIN32)
    SIZE_T lo = 0, hi = 0;
    if (!GetProcessWorkingSetSize(GetCurrentProcess(), &lo, &hi)) {
        return -1;
    }
    /* VirtualLock is bounded by the minimum working set (minus overhead). */
    if (soft_p) *soft_p = (uint64_t) lo;
    if (hard_p) *hard_p = (uint64_t) hi;
    return 0;
#else
    struct rlimit rl;
    if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0) {
        return -1;
    }
    if (soft_p) *soft_p = rlim_to_u64(rl.rlim_cur);
    if (hard_p) *hard_p = rlim_to_u64(rl.rlim_max);
    return 0;
#endif
}

int smem_core_limit(uint64_t *soft_p)
{
#if defined(_WIN32)
    (void) soft_p;
    return -1;
#else
    struct rlimit rl;
    if (getrlimit(RLIMIT_CORE, &rl) != 0) {
        return -1;
    }
    if (soft_p) *soft_p = rlim_to_u64(rl.rlim_cur);
    return 0;
#endif
}

int smem_dumpable(void)
{
#if defined(__linux__)
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
#else
    return -1;
#endif
}

int smem_isatty(int fd)
{
    if (fd < 0) return 0;
#if defined(_WIN32)
    return _isatty(fd) ? 1 : 0;
#else
    return isatty(fd) ? 1 : 0;
#endif
}

uint32_t smem_platform_features(void)
{
    uint32_t f = smem_FEATURE_GUARD_PAGES | smem_FEATURE_MLOCK;
#if defined(MADV_DONTDUMP)
    f |= smem_FEATURE_DONTDUMP;
#endif
#if defined(MADV_NOCORE) || defined(MAP_NOCORE)
    f |= smem_FEATURE_NOCORE;
#endif
#if defined(__linux__)
    f |= smem_FEATURE_NODUMPABLE;
#endif
#if !defined(_WIN32)
    f |= smem_FEATURE_RLIMIT_CORE;
#else
    f |= smem_FEATURE_NO_CRASH_UI;
    if (wer_register != NULL) {
        f |= smem_FEATURE_WER_EXCLUDE;
    }
#endif
    return f;
}

/* libsodium declares these pointers nonnull even for zero lengths, and an empty TypedArray can
 * reach the ABI as NULL: zero-length calls return before touching libsodium. */
void smem_randombytes(void *buf, size_t len)
{
    if (len == 0) {
        return;
    }
    randombytes_buf(buf, len);
}

void smem_memzero(void *buf, size_t len)
{
    if (len == 0) {
        return;
    }
    sodium_memzero(buf, len);
}

int smem_memcmp(const void *a, const void *b, size_t len)
{
    if (len == 0) {
        return 0;
    }
    return sodium_memcmp(a, b, len);
}
