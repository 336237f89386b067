#!/usr/bin/env node
// Reads an OpenAPI document on stdin, validates it with swagger-parser
// (schema and $refs), and prints {"valid":true,"paths":[…]} or
// {"valid":false,"error":"…"}.
import SwaggerParser from "@apidevtools/swagger-parser";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
try {
  const api = await SwaggerParser.validate(JSON.parse(input));
  const ops = [];
  for (const [path, item] of Object.entries(api.paths)) {
    for (const method of Object.keys(item)) ops.push(method.toUpperCase() + " " + path);
  }
  console.log(JSON.stringify({ valid: true, version: api.openapi, operations: ops }));
} catch (e) {
  console.log(JSON.stringify({ valid: false, error: String(e.message || e) }));
}
