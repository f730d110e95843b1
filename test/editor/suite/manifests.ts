// Manifest texts the language tests type into flourish.yaml. They follow the shapes in
// src/core/manifest/types.ts; the handlers they name exist in the fixture workspace.

export const VALID = `service: hello
provider:
  name: local
  region: us-east-1
functions:
  hello:
    handler: src/hello.handler
    runtime: nodejs20.x
    memory: 128
    timeout: 10
`;

/** `memory` is not a number and `runtime` is not a Lambda runtime. */
export const BROKEN = `service: hello
provider:
  name: local
  region: us-east-1
functions:
  hello:
    handler: src/hello.handler
    runtime: cobol85
    memory: lots
    timeout: 10
`;

/** A function with keys still to write; completion is asked for on the empty last line. */
export const INCOMPLETE = `service: hello
provider:
  name: local
  region: us-east-1
functions:
  hello:
    handler: src/hello.handler
    runtime: nodejs20.x
    
`;
