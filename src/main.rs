use std::process::ExitCode;

fn main() -> ExitCode {
    match handbook_lint::run(std::env::args_os()) {
        Ok(code) => code,
        Err(error) => {
            // Exit 2: the tool could not run. Every cause in the chain helps.
            eprintln!("handbook-lint: error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
