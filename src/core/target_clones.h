#pragma once
// GROWTHLENS_TARGET_CLONES("arch=x86-64-v3", "default") compiles a function once per target and
// lets the loader pick the clone for the CPU, through an ifunc resolver that runs while the
// program is being relocated. ThreadSanitizer instruments that resolver too, and it then calls
// into the TSan runtime before the runtime exists (a crash before main): TSan builds keep only
// the default clone, which every kernel then uses alike. The clones name x86 levels: on other
// CPUs, and with -DGROWTHLENS_TARGET_CLONES=OFF (GROWTHLENS_NO_TARGET_CLONES), each kernel is
// compiled once for the target the build names, from the same portable code.

#if defined(__SANITIZE_THREAD__)
#define GROWTHLENS_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GROWTHLENS_THREAD_SANITIZER 1
#endif
#endif

#if defined(GROWTHLENS_THREAD_SANITIZER) || defined(GROWTHLENS_NO_TARGET_CLONES) || \
    !defined(__x86_64__)
#define GROWTHLENS_TARGET_CLONES(...)
#else
#define GROWTHLENS_TARGET_CLONES(...) __attribute__((target_clones(__VA_ARGS__)))
#endif
