'use strict';

// Lambda handler: returns a greeting for event.name (or "world").
exports.handler = async (event, context) => {
  const name = (event && typeof event.name === 'string' && event.name) || 'world';
  const greeting = process.env.GREETING || 'Hello';
  console.log(`greeting ${name}`);
  return {
    message: `${greeting}, ${name}!`,
    function: context.functionName,
    version: context.functionVersion,
  };
};
