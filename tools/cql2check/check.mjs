// check.mjs reads a JSON array of CQL2 text filters on stdin and prints, for
// each, what cql2-rs (through cql2-wasm, an independent parser) makes of
// it: whether it parses and validates, its CQL2 JSON and canonical text.
// The package is built for bundlers (it imports its .wasm as a module), so
// the module is instantiated here by hand, with no experimental flag.
import { readFile } from 'node:fs/promises';
import * as bg from 'cql2-wasm/cql2_wasm_bg.js';

const bytes = await readFile(new URL('./node_modules/cql2-wasm/cql2_wasm_bg.wasm', import.meta.url));
const { instance } = await WebAssembly.instantiate(bytes, { './cql2_wasm_bg.js': bg });
bg.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start();

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((text) => {
  try {
    const e = bg.parseText(text);
    e.validate();
    const json = e.to_json();
    return { text, valid: true, json: typeof json === 'string' ? json : JSON.stringify(json), canonical: e.to_text() };
  } catch (err) {
    return { text, valid: false, error: String(err) };
  }
});
process.stdout.write(JSON.stringify(out));
