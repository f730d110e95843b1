// The language server's entry: make the connection the command line asks for (--stdio,
// --node-ipc, --socket=N) and hand it over.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
