'use strict';

// Lambda handler: greets `name` from an invoke payload ({"name": "Ada"}) or, through the
// function URL, from the query string (GET /greet?name=Ada).
exports.handler = async (event, context) => {
  const name = nameFrom(event) || 'world';
  const greeting = process.env.GREETING || 'Hello';
  console.log(`greeting ${name}`);
  return {
    message: `${greeting}, ${name}!`,
    function: context.functionName,
    version: context.functionVersion,
  };
};

function nameFrom(event) {
  if (!event || typeof event !== 'object') return undefined;
  if (typeof event.name === 'string') return event.name;
  const query = event.queryStringParameters;
  if (query && typeof query.name === 'string') return query.name;
  return undefined;
}
