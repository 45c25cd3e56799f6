//! `agora`: runs the marketplace, or one of its maintenance commands.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = agora::cli::Cli::parse();
    match agora::commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("agora: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
