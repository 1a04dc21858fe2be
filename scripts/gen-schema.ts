// Writes topologies/topology.schema.json from the topology declaration (src/topology/schema.ts), so
// that editors check a topology file as it is typed. Run it (npm run schema) after changing the
// declaration; test/unit/schema.test.ts fails while the checked-in file lags behind.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { topologyJsonSchema } from '../src/topology/schema.ts';

const file = fileURLToPath(new URL('../topologies/topology.schema.json', import.meta.url));
writeFileSync(file, topologyJsonSchema());
console.log(`wrote ${file}`);
