// Reads a topology file: YAML syntax errors and validation problems both name the file.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { Topology } from './types.ts';
import { TopologyError, validateTopology } from './validate.ts';

export function parseTopology(text: string, file: string): Topology {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    throw new TopologyError(
      file,
      doc.errors.map((e) => ({
        field: e.linePos ? `line ${e.linePos[0].line}` : 'yaml',
        message: e.message.split('\n')[0],
        fix: 'correct the YAML syntax at that line',
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // The YAML library refuses alias bombs (an alias expanding past 100 nodes): bad input.
    const message = (e as Error).message.split('\n')[0];
    throw TopologyError.from(
      file,
      [{ field: 'yaml', message, fix: 'write the values out instead of nesting aliases' }],
      e,
    );
  }
  return validateTopology(raw, file);
}

export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const fix = 'pass the path of a topology YAML file, e.g. topologies/calico-ipip-3node.yaml';
    throw TopologyError.from(file, [{ field: 'file', message: (e as Error).message, fix }], e);
  }
  return parseTopology(text, file);
}
