// Placeholder entry replaced by the language server (issue 2).
export {};
