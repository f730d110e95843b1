// The floor: a bare loopback HTTP server that echoes the request body, in its own process. To
// a Lambda Invoke path it answers as Lambda does (the payload back, with the executed version),
// so the AWS SDK's own cost can be measured against it.
import http from 'node:http';

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers = { 'content-type': 'application/json', 'content-length': body.length };
    if (req.url.startsWith('/2015-03-31/functions/')) {
      headers['x-amz-executed-version'] = '$LATEST';
      headers['x-amzn-requestid'] = '00000000-0000-0000-0000-000000000000';
    }
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
