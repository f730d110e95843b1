'use strict';

// A streamed response: counts down from `from` (an invoke payload {"from": 5}, or ?from=5 on
// the function URL), a line every 200 ms, each sent as soon as it is written. The URL streams
// because its http event says `stream: true`; `flourish invoke countdown --stream` and the
// editor's invoke panel show the lines as they come, too.
exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const from = Math.min(Math.max(Math.floor(Number(startFrom(event))) || 3, 1), 10);
  responseStream.setContentType('text/plain; charset=utf-8');
  for (let n = from; n > 0; n--) {
    responseStream.write(`${n}\n`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  responseStream.end('Liftoff!\n');
});

function startFrom(event) {
  if (!event || typeof event !== 'object') return undefined;
  if (event.from !== undefined) return event.from;
  return event.queryStringParameters?.from;
}
