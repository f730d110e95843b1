// Placeholder entry replaced by the CLI.
export {};
