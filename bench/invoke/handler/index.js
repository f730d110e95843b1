// The one handler every peer runs: a small JSON echo in API Gateway's response shape, so the
// HTTP-only emulators can serve it too.
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ok: true, echo: event }),
});
