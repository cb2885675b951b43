// The bench's stand-in for the service, run in its own process so that its CPU never counts
// against a client: it answers POST /identities/{id}/:issueAccessToken with 200 and one fixed
// token, without checking the signature, so every client gets the identical answer. Anything else
// gets 404. Prints its port on the first line of stdout.
import { createServer } from "node:http";

const TOKEN_BODY = JSON.stringify({
  token: "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJlbmNoIiwidHlwIjoiSldUIn0.eyJza3lwZWlkIjoiYWNzOmJlbmNoIn0.c2lnbmF0dXJl",
  expiresOn: "2030-01-01T00:00:00.0000000+00:00",
});
const TOKEN_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "content-length": Buffer.byteLength(TOKEN_BODY),
  "ms-cv": "bench.0",
};
const ISSUE_PATH = /^\/identities\/[^/?]+\/:issueAccessToken(?:\?|$)/;

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  // Drain the body before answering so that keep-alive connections stay usable.
  request.resume();
  request.on("end", () => {
    if (request.method === "POST" && ISSUE_PATH.test(request.url ?? "")) {
      response.writeHead(200, TOKEN_HEADERS).end(TOKEN_BODY);
    } else {
      response
        .writeHead(404, { "content-type": "application/json; charset=utf-8" })
        .end('{"error":{"code":"NotFound","message":"Not found."}}');
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
