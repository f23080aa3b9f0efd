// The shim's ABI as bun:ffi sees it; must match zig-shim/include/smem_shim.h line for line.
// Pointer arguments accept a TypedArray (Bun passes its data pointer) or a raw address.
const ptr = "ptr";
const usize = "usize";
const i32 = "i32";
const u32 = "u32";
const u64 = "u64";
const i64 = "i64";
const cstring = "cstring";
const none = "void";

export const shimSymbols = {
  smem_init: { args: [], returns: i32 },
  smem_abi_version: { args: [], returns: i32 },
  smem_sodium_version_string: { args: [], returns: cstring },

  smem_alloc: { args: [ptr, usize, ptr], returns: i32 },
  smem_free: { args: [ptr, usize], returns: i32 },
  smem_canary_check: { args: [ptr, usize], returns: i32 },
  smem_protect: { args: [ptr, usize, i32], returns: i32 },
  smem_alloc_footprint: { args: [usize], returns: usize },
  smem_alloc_inner_page: { args: [ptr, usize], returns: ptr },

  smem_harden_process: { args: [], returns: i32 },
  smem_exit_now: { args: [i32], returns: none },
  smem_page_size: { args: [], returns: usize },
  smem_mlock_limit: { args: [ptr, ptr], returns: i32 },
  smem_core_limit: { args: [ptr], returns: i32 },
  smem_dumpable: { args: [], returns: i32 },
  smem_isatty: { args: [i32], returns: i32 },
  smem_platform_features: { args: [], returns: u32 },

  smem_flock: { args: [i32, i32, i32], returns: i32 },
  smem_funlock: { args: [i32], returns: i32 },

  smem_randombytes: { args: [ptr, usize], returns: none },
  smem_memzero: { args: [ptr, usize], returns: none },
  smem_memcmp: { args: [ptr, ptr, usize], returns: i32 },

  smem_blake2b: { args: [ptr, usize, ptr, usize, ptr, usize], returns: i32 },
  smem_sha3_256: { args: [ptr, ptr, usize], returns: i32 },
  smem_hmac_sha256: { args: [ptr, ptr, usize, ptr, usize], returns: i32 },
  smem_hkdf_sha256: { args: [ptr, usize, ptr, usize, ptr, usize, ptr, usize], returns: i32 },

  smem_aead_xchacha20poly1305_encrypt: { args: [ptr, ptr, usize, ptr, usize, ptr, ptr], returns: i32 },
  smem_aead_xchacha20poly1305_decrypt: { args: [ptr, ptr, usize, ptr, usize, ptr, ptr], returns: i32 },
  smem_aead_chacha20poly1305_ietf_encrypt: {
    args: [ptr, ptr, usize, ptr, usize, ptr, ptr],
    returns: i32,
  },
  smem_aead_chacha20poly1305_ietf_decrypt: {
    args: [ptr, ptr, usize, ptr, usize, ptr, ptr],
    returns: i32,
  },

  smem_x25519: { args: [ptr, ptr, ptr], returns: i32 },
  smem_x25519_base: { args: [ptr, ptr], returns: i32 },

  smem_kem_mlkem768_seed_keypair: { args: [ptr, usize, ptr, usize, ptr, usize], returns: i32 },
  smem_kem_mlkem768_enc: { args: [ptr, usize, ptr, usize, ptr, usize], returns: i32 },
  smem_kem_mlkem768_enc_deterministic: {
    args: [ptr, usize, ptr, usize, ptr, usize, ptr, usize],
    returns: i32,
  },
  smem_kem_mlkem768_dec: { args: [ptr, usize, ptr, usize, ptr, usize], returns: i32 },
  smem_kem_xwing_seed_keypair: { args: [ptr, usize, ptr, usize, ptr, usize], returns: i32 },
  smem_kem_xwing_enc: { args: [ptr, usize, ptr, usize, ptr, usize], returns: i32 },
  smem_kem_xwing_enc_deterministic: { args: [ptr, usize, ptr, usize, ptr, usize, ptr, usize], returns: i32 },
  smem_kem_xwing_dec: { args: [ptr, usize, ptr, usize, ptr, usize], returns: i32 },

  smem_hpke_xwing_open_first: {
    args: [ptr, usize, ptr, usize, ptr, usize, ptr, usize, ptr, usize, ptr, usize],
    returns: i32,
  },

  smem_argon2id: {
    args: [ptr, usize, ptr, usize, ptr, usize, ptr, usize, ptr, usize, u32, u32, u32],
    returns: i32,
  },
  smem_scrypt: { args: [ptr, usize, ptr, usize, ptr, usize, u32, u32, u32], returns: i32 },
  smem_kdf_derive: { args: [ptr, ptr, usize, ptr, usize, u32, u32, u64], returns: i32 },
  smem_kdf_derive_start: { args: [ptr, usize, ptr, usize, u32, u32, u64], returns: ptr },
  smem_kdf_job_done: { args: [ptr], returns: i32 },
  smem_kdf_job_finish: { args: [ptr, ptr], returns: i32 },

  smem_stream_seal: { args: [ptr, usize, ptr, usize, ptr, u64, i32, u32], returns: i32 },
  smem_stream_open: { args: [ptr, usize, ptr, usize, ptr, u64, i32, u32, ptr], returns: i32 },
  smem_stream_seal_fd: { args: [ptr, usize, ptr, usize, u64, i32, i64, ptr, u64, u32, ptr], returns: i32 },
  smem_stream_default_threads: { args: [], returns: u32 },
  smem_fd_seek: { args: [i32, i64, i32], returns: i64 },

  smem_file_open: { args: [ptr, i32, u32], returns: i32 },
  smem_file_stat: { args: [i32, ptr], returns: i32 },
  smem_path_stat: { args: [ptr, ptr], returns: i32 },
  smem_file_read: { args: [i32, ptr, usize, i64], returns: i64 },
  smem_file_write: { args: [i32, ptr, usize, i64], returns: i64 },
  smem_fd_write_nowait: { args: [i32, ptr, usize], returns: i64 },
  smem_fd_read_nowait: { args: [i32, ptr, usize], returns: i64 },
  smem_file_close: { args: [i32], returns: i32 },
  smem_errno_name: { args: [i32], returns: cstring },
} as const;

export type ShimSymbolName = keyof typeof shimSymbols;
