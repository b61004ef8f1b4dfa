fn main() {
    std::process::exit(vaglio::cli::main());
}
