// mimalloc instead of glibc's malloc: a scan allocates a few dozen small
// values per record on every thread, and frees some on another thread
// (verdicts are written by the main thread); see docs/performance.md.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vigie::cli::main()
}
