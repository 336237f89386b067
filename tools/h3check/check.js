#!/usr/bin/env node
// h3check answers H3 questions with h3-js, Uber's H3 library compiled to
// JavaScript, and prints the answers as JSON, so that bando's Go tests can
// compare their cells with the reference implementation.
//
//   node check.js < questions.json
//
// reads one JSON object whose keys are lists of questions, and prints an
// object with the same keys and one answer per question, in order:
//   cells:      [[lat, lng, res], ...]        → latLngToCell: "88…"
//   parents:    [["88…", res], ...]           → cellToParent: "86…"
//   disks:      [["88…", k], ...]             → gridDisk, sorted: ["88…", ...]
//   paths:      [["88…", "88…"], ...]         → gridPathCells: ["88…", ...]
//   polygons:   [{"loops": [[[lat, lng], ...], ...], "res": r}, ...]
//                                             → polygonToCells, sorted
//   boundaries: ["88…", ...]                  → cellToBoundary: [[lat, lng], ...]
//   valid:      ["88…", ...]                  → isValidCell: true|false
// A question h3-js refuses is answered {"error": "…"}.
import {readFileSync} from 'node:fs';
import * as h3 from 'h3-js';

function answer(fn) {
    return q => {
        try {
            return fn(q);
        } catch (err) {
            return {error: String(err.message || err)};
        }
    };
}

const ops = {
    cells: ([lat, lng, res]) => h3.latLngToCell(lat, lng, res),
    parents: ([h, res]) => h3.cellToParent(h, res),
    disks: ([h, k]) => h3.gridDisk(h, k).sort(),
    paths: ([a, b]) => h3.gridPathCells(a, b),
    polygons: ({loops, res}) => h3.polygonToCells(loops, res).sort(),
    boundaries: h => h3.cellToBoundary(h),
    valid: h => h3.isValidCell(h),
};

try {
    const questions = JSON.parse(readFileSync(0, 'utf8'));
    const out = {};
    for (const [key, list] of Object.entries(questions)) {
        const fn = ops[key];
        if (!fn) throw new Error(`unknown question kind ${key}`);
        out[key] = list.map(answer(fn));
    }
    process.stdout.write(JSON.stringify(out) + '\n');
} catch (err) {
    process.stderr.write(`h3check: ${err.stack || err}\n`);
    process.exit(1);
}
