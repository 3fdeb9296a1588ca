//! `entity-highlighter`: the command-line tool (native builds only; the
//! WebAssembly build is the library, used from JavaScript).

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
