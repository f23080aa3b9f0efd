//! Builds the smem shim: libsodium (static, from the pinned source tree passed as -Dsodium=DIR)
//! linked into one shared library exporting the smem_* ABI of include/smem_shim.h.
//!
//!   zig build -Doptimize=ReleaseFast -Dsodium=/abs/path/libsodium [-Dtarget=aarch64-linux-gnu]
//!
//! Outputs (zig-out/): lib/libsmem_shim.so | lib/libsmem_shim.dylib | bin/smem_shim.dll, and
//! lib/libsodium.a (the shim's C tests link it, see scripts/test-shim.mjs).
const std = @import("std");

const sodium_flags = [_][]const u8{
    "-fvisibility=hidden",
    "-fno-strict-aliasing",
    "-fno-strict-overflow",
    "-fwrapv",
    "-flax-vector-conversions",
    "-Werror=vla",
    // With --gc-sections (below) the shim keeps only the libsodium code its exports reach.
    "-ffunction-sections",
    "-fdata-sections",
};

const shim_flags = [_][]const u8{
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-fvisibility=hidden",
    "-D_GNU_SOURCE",
    "-D_DEFAULT_SOURCE",
};

const shim_sources = [_][]const u8{
    "src/guarded_alloc.c",
    "src/process.c",
    "src/crypto.c",
    "src/kdf.c",
    "src/lock.c",
    "src/stream.c",
    "src/kem.c",
    "src/hpke.c",
    "src/chacha_poly.c",
    "src/poly1305.c",
    "src/file.c",
    "src/symbols.c",
};

pub fn build(b: *std.Build) !void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});
    const sodium_dir = b.option([]const u8, "sodium", "libsodium source tree (absolute path)") orelse
        return error.MissingSodiumOption;

    const sodium = try addSodium(b, target, optimize, sodium_dir);
    b.installArtifact(sodium);

    const shim_mod = b.createModule(.{
        .target = target,
        .optimize = optimize,
        .link_libc = true,
        .strip = optimize != .Debug,
        .pic = true,
    });
    shim_mod.addIncludePath(b.path("include"));
    shim_mod.addIncludePath(sodiumPath(b, sodium_dir, "src/libsodium/include"));
    shim_mod.addIncludePath(sodiumPath(b, sodium_dir, "src/libsodium/crypto_pwhash/argon2"));
    shim_mod.addCSourceFiles(.{ .files = &shim_sources, .flags = &shim_flags });
    shim_mod.linkLibrary(sodium);
    if (target.result.os.tag == .windows) {
        shim_mod.linkSystemLibrary("advapi32", .{});
    }

    const shim = b.addLibrary(.{
        .name = "smem_shim",
        .linkage = .dynamic,
        .root_module = shim_mod,
    });
    // A smaller shim is faster to extract and map at every start (issue 4 times a whole process).
    shim.link_gc_sections = true;
    b.installArtifact(shim);
}

fn sodiumPath(b: *std.Build, sodium_dir: []const u8, sub: []const u8) std.Build.LazyPath {
    return .{ .cwd_relative = b.pathJoin(&.{ sodium_dir, sub }) };
}

fn addSodium(
    b: *std.Build,
    target: std.Build.ResolvedTarget,
    optimize: std.builtin.OptimizeMode,
    sodium_dir: []const u8,
) !*std.Build.Step.Compile {
    const mod = b.createModule(.{
        .target = target,
        .optimize = optimize,
        .link_libc = true,
        .pic = true,
    });
    const lib = b.addLibrary(.{ .name = "sodium", .linkage = .static, .root_module = mod });
    mod.addIncludePath(sodiumPath(b, sodium_dir, "src/libsodium/include"));
    mod.addIncludePath(sodiumPath(b, sodium_dir, "src/libsodium/include/sodium"));
    defineSodiumConfig(mod, target.result);

    const src_root = b.pathJoin(&.{ sodium_dir, "src/libsodium" });
    var dir = try std.fs.cwd().openDir(src_root, .{ .iterate = true });
    defer dir.close();
    var walker = try dir.walk(b.allocator);
    defer walker.deinit();

    var c_files: std.ArrayList([]const u8) = .empty;
    while (try walker.next()) |entry| {
        if (entry.kind != .file) continue;
        if (std.mem.endsWith(u8, entry.basename, ".c")) {
            try c_files.append(b.allocator, b.dupe(entry.path));
        } else if (std.mem.endsWith(u8, entry.basename, ".S")) {
            mod.addAssemblyFile(sodiumPath(b, src_root, entry.path));
        }
    }
    // A stable order keeps the build reproducible whatever order the directory lists in.
    std.mem.sort([]const u8, c_files.items, {}, lessThan);
    mod.addCSourceFiles(.{
        .root = .{ .cwd_relative = src_root },
        .files = c_files.items,
        .flags = &sodium_flags,
    });
    return lib;
}

fn lessThan(_: void, a: []const u8, b: []const u8) bool {
    return std.mem.order(u8, a, b) == .lt;
}

/// The configure results libsodium's autotools would produce for each release target.
fn defineSodiumConfig(mod: *std.Build.Module, t: std.Target) void {
    const def = struct {
        fn on(m: *std.Build.Module, name: []const u8) void {
            m.addCMacro(name, "1");
        }
    }.on;

    def(mod, "CONFIGURED");
    def(mod, "SODIUM_STATIC");
    def(mod, "HAVE_INTTYPES_H");
    def(mod, "HAVE_STDINT_H");
    def(mod, "HAVE_ATOMIC_OPS");
    def(mod, "HAVE_C11_MEMORY_FENCES");
    def(mod, "HAVE_GCC_MEMORY_FENCES");
    def(mod, "HAVE_INLINE_ASM");
    def(mod, "HAVE_TI_MODE");
    switch (t.cpu.arch.endian()) {
        .little => def(mod, "NATIVE_LITTLE_ENDIAN"),
        .big => def(mod, "NATIVE_BIG_ENDIAN"),
    }

    const posix_common = [_][]const u8{
        "HAVE_CATCHABLE_ABRT", "HAVE_CATCHABLE_SEGV", "HAVE_CLOCK_GETTIME",
        "HAVE_GETPID",         "HAVE_MADVISE",        "HAVE_MLOCK",
        "HAVE_MMAP",           "HAVE_MPROTECT",       "HAVE_NANOSLEEP",
        "HAVE_POSIX_MEMALIGN", "HAVE_PTHREAD",        "HAVE_PTHREAD_PRIO_INHERIT",
        "HAVE_RAISE",          "HAVE_SYSCONF",        "HAVE_SYS_MMAN_H",
        "HAVE_SYS_PARAM_H",    "HAVE_SYS_RANDOM_H",   "HAVE_WEAK_SYMBOLS",
    };
    switch (t.os.tag) {
        .linux => {
            for (posix_common) |name| def(mod, name);
            def(mod, "_GNU_SOURCE");
            def(mod, "HAVE_SYS_AUXV_H");
            mod.addCMacro("ASM_HIDE_SYMBOL", ".hidden");
            mod.addCMacro("TLS", "_Thread_local");
        },
        .macos => {
            for (posix_common) |name| def(mod, name);
            def(mod, "HAVE_ARC4RANDOM");
            def(mod, "HAVE_ARC4RANDOM_BUF");
            def(mod, "HAVE_GETENTROPY");
            def(mod, "HAVE_MEMSET_S");
            mod.addCMacro("ASM_HIDE_SYMBOL", ".private_extern");
            mod.addCMacro("TLS", "_Thread_local");
        },
        .windows => {
            def(mod, "HAVE_RAISE");
            def(mod, "HAVE_SYS_PARAM_H");
        },
        else => {},
    }

    switch (t.cpu.arch) {
        .x86_64 => {
            if (t.os.tag != .windows) {
                def(mod, "HAVE_AMD64_ASM");
                def(mod, "HAVE_AVX_ASM");
            }
            const intrinsics = [_][]const u8{
                "HAVE_CPUID",          "HAVE_MMINTRIN_H",     "HAVE_EMMINTRIN_H",
                "HAVE_PMMINTRIN_H",    "HAVE_TMMINTRIN_H",    "HAVE_SMMINTRIN_H",
                "HAVE_AVXINTRIN_H",    "HAVE_AVX2INTRIN_H",   "HAVE_AVX512FINTRIN_H",
                "HAVE_WMMINTRIN_H",    "HAVE_RDRAND",
            };
            for (intrinsics) |name| def(mod, name);
        },
        .aarch64 => def(mod, "HAVE_ARMCRYPTO"),
        else => {},
    }
}
