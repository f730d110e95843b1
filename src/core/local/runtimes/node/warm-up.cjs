// Required and imported by a spare process while it waits for its function, so that the
// loaders' first load of a CommonJS file (resolution, the export lexer) is done before the
// handler's.
module.exports = {};
