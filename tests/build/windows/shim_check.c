/*
 * Exercises the Windows code paths of smem_shim.dll (VirtualAlloc / VirtualProtect / VirtualLock,
 * the WER lookup, SetErrorMode) from a plain Windows program, so that they run somewhere even
 * where Bun itself cannot start (wine). Built by tests/build/windows.test.ts with
 * `zig cc -target x86_64-windows-gnu`.
 *
 *   shim_check.exe DLL basic        every allocation / protection / crypto step; prints "ok"
 *   shim_check.exe DLL overflow     reads one byte past a buffer: must die with an access violation
 *   shim_check.exe DLL underflow    reads the byte before the data page: same
 *   shim_check.exe DLL frozen       writes to a read-only buffer: same
 *   shim_check.exe DLL noaccess     reads a no-access buffer: same
 *   shim_check.exe DLL canary       corrupts the canary, then frees: must abort
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef int (*fn_v)(void);
typedef uint32_t (*fn_u32)(void);
typedef size_t (*fn_size)(void);
typedef size_t (*fn_footprint)(size_t);
typedef void *(*fn_inner)(const void *, size_t);
typedef int (*fn_alloc)(void **, size_t, int *);
typedef int (*fn_free)(void *, size_t);
typedef int (*fn_canary)(const void *, size_t);
typedef int (*fn_protect)(void *, size_t, int);
typedef int (*fn_limit)(uint64_t *, uint64_t *);
typedef void (*fn_buf)(void *, size_t);
typedef int (*fn_memcmp)(const void *, const void *, size_t);
typedef int (*fn_aead)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                       const uint8_t *);
typedef int (*fn_kdf)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, uint32_t, uint32_t,
                      uint64_t);
typedef const char *(*fn_str)(void);

static HMODULE lib;
static int failures = 0;

static FARPROC need(const char *name)
{
    FARPROC p = GetProcAddress(lib, name);
    if (p == NULL) {
        printf("missing export %s\n", name);
        ExitProcess(3);
    }
    return p;
}
#define SYM(type, name) ((type) (void (*)(void)) need(#name))

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL line %d: %s\n", __LINE__, #cond);                                         \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void *alloc_or_die(size_t size, int *locked)
{
    void *p = NULL;
    if (SYM(fn_alloc, smem_alloc)(&p, size, locked) != 0 || p == NULL) {
        printf("smem_alloc(%u) failed\n", (unsigned) size);
        ExitProcess(4);
    }
    return p;
}

static int basic(void)
{
    int locked = -1, i;
    size_t page = SYM(fn_size, smem_page_size)();
    uint32_t features = SYM(fn_u32, smem_platform_features)();
    uint8_t *a, *big;
    uint64_t lo = 0, hi = 0;
    uint8_t key[32], nonce[24], msg[64], ct[80], back[64], out1[32], out2[32];

    CHECK(SYM(fn_v, smem_abi_version)() == 1);
    printf("libsodium %s, page %u, features 0x%x\n", SYM(fn_str, smem_sodium_version_string)(),
           (unsigned) page, (unsigned) features);
    CHECK(page >= 4096);
    CHECK((features & 1U) != 0);   /* guard pages */
    CHECK((features & 2U) != 0);   /* VirtualLock */
    CHECK((features & 4U) == 0);   /* no MADV_DONTDUMP on Windows */
    CHECK((features & 16U) == 0);  /* no PR_SET_DUMPABLE */
    CHECK((features & 32U) == 0);  /* no RLIMIT_CORE */
    CHECK((features & 128U) != 0); /* SetErrorMode */
    CHECK(SYM(fn_v, smem_harden_process)() == 0);
    CHECK((GetErrorMode() & SEM_NOGPFAULTERRORBOX) != 0);
    CHECK(SYM(fn_v, smem_dumpable)() == -1);
    CHECK(SYM(fn_limit, smem_mlock_limit)(&lo, &hi) == 0);
    CHECK(lo > 0 && hi >= lo);

    a = alloc_or_die(32, &locked);
    printf("32-byte buffer locked: %d\n", locked);
    CHECK(locked == 1);
    for (i = 0; i < 32; i++) CHECK(a[i] == 0);
    /* Right-aligned against the trailing guard page. */
    CHECK(((uintptr_t) (a + 32) % page) == 0);
    CHECK(SYM(fn_inner, smem_alloc_inner_page)(a, 32) == (void *) ((uintptr_t) a & ~(uintptr_t) (page - 1)));
    CHECK(SYM(fn_footprint, smem_alloc_footprint)(32) == 3 * page);
    memset(a, 0xab, 32);
    CHECK(SYM(fn_canary, smem_canary_check)(a, 32) == 0);
    CHECK(SYM(fn_protect, smem_protect)(a, 32, 1) == 0);
    CHECK(a[31] == 0xab);
    CHECK(SYM(fn_protect, smem_protect)(a, 32, 0) == 0);
    CHECK(SYM(fn_protect, smem_protect)(a, 32, 2) == 0);
    a[0] = 1;
    CHECK(SYM(fn_protect, smem_protect)(a, 32, 7) == -1);
    CHECK(SYM(fn_free, smem_free)(a, 32) == 0);

    /* More than the default minimum working set: the shim must grow it for VirtualLock. */
    big = alloc_or_die(4u << 20, &locked);
    printf("4 MiB buffer locked: %d\n", locked);
    CHECK(locked == 1);
    big[(4u << 20) - 1] = 7;
    CHECK(SYM(fn_free, smem_free)(big, 4u << 20) == 0);

    SYM(fn_buf, smem_randombytes)(key, sizeof key);
    SYM(fn_buf, smem_randombytes)(nonce, sizeof nonce);
    memset(msg, 0x5a, sizeof msg);
    CHECK(SYM(fn_aead, smem_aead_xchacha20poly1305_encrypt)(ct, msg, 64, NULL, 0, nonce, key) == 0);
    CHECK(SYM(fn_aead, smem_aead_xchacha20poly1305_decrypt)(back, ct, 80, NULL, 0, nonce, key) == 0);
    CHECK(SYM(fn_memcmp, smem_memcmp)(back, msg, 64) == 0);
    ct[3] ^= 1;
    CHECK(SYM(fn_aead, smem_aead_xchacha20poly1305_decrypt)(back, ct, 80, NULL, 0, nonce, key) == -1);
    CHECK(SYM(fn_kdf, smem_kdf_derive)(out1, (const uint8_t *) "pass", 4, (const uint8_t *) "saltsalt", 8,
                                       1024, 1, 10) == 0);
    CHECK(SYM(fn_kdf, smem_kdf_derive)(out2, (const uint8_t *) "pass", 4, (const uint8_t *) "saltsalt", 8,
                                       1024, 1, 10) == 0);
    CHECK(memcmp(out1, out2, 32) == 0);
    for (i = 0; i < 32; i++) printf("%02x", out1[i]);
    printf("\n");
    if (failures == 0) printf("ok\n");
    return failures == 0 ? 0 : 1;
}

/* Report a fault precisely (code, read/write, address) instead of leaving it to the debugger. */
static LONG WINAPI on_fault(EXCEPTION_POINTERS *ep)
{
    EXCEPTION_RECORD *r = ep->ExceptionRecord;
    if (r->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && r->NumberParameters >= 2) {
        printf("access violation: %s at %p\n", r->ExceptionInformation[0] == 1 ? "write" : "read",
               (void *) r->ExceptionInformation[1]);
    } else {
        printf("exception 0x%lx\n", (unsigned long) r->ExceptionCode);
    }
    ExitProcess(99);
    return EXCEPTION_CONTINUE_SEARCH;
}

int main(int argc, char **argv)
{
    volatile uint8_t sink;
    uint8_t *a;
    int locked;

    if (argc != 3) {
        printf("usage: shim_check DLL MODE\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    lib = LoadLibraryA(argv[1]);
    if (lib == NULL) {
        printf("LoadLibrary(%s) failed: error %lu\n", argv[1], GetLastError());
        return 2;
    }
    if (SYM(fn_v, smem_init)() != 0) {
        printf("smem_init failed\n");
        return 2;
    }
    if (strcmp(argv[2], "basic") == 0) return basic();

    SYM(fn_v, smem_harden_process)();
    a = alloc_or_die(32, &locked);
    SetUnhandledExceptionFilter(on_fault);
    printf("armed: data %p end %p inner %p\n", (void *) a, (void *) (a + 32),
           SYM(fn_inner, smem_alloc_inner_page)(a, 32));
    if (strcmp(argv[2], "overflow") == 0) {
        sink = a[32];
    } else if (strcmp(argv[2], "underflow") == 0) {
        sink = *((uint8_t *) SYM(fn_inner, smem_alloc_inner_page)(a, 32) - 1);
    } else if (strcmp(argv[2], "frozen") == 0) {
        SYM(fn_protect, smem_protect)(a, 32, 1);
        a[0] = 1;
    } else if (strcmp(argv[2], "noaccess") == 0) {
        SYM(fn_protect, smem_protect)(a, 32, 0);
        sink = a[0];
    } else if (strcmp(argv[2], "canary") == 0) {
        a[-1] ^= 0xff;
        SYM(fn_free, smem_free)(a, 32);
    } else {
        printf("unknown mode %s\n", argv[2]);
        return 2;
    }
    (void) sink;
    printf("survived\n");
    return 0;
}
