// Validates Teams app manifests against the Teams manifest JSON schema with Ajv (draft-04 mode):
//   node validate-manifest.cjs [--schema <schema.json>] <manifest.json>...
// The schema defaults to the copy in the repository (manifest/schema/MicrosoftTeams.v1.29.schema.json).
// Prints one line per problem (file, JSON pointer, message) and a summary; exits 1 if any.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');

const args = process.argv.slice(2);
let schemaPath = path.join(__dirname, '..', '..', 'manifest', 'schema', 'MicrosoftTeams.v1.29.schema.json');
const schemaAt = args.indexOf('--schema');
if (schemaAt >= 0) {
  schemaPath = args[schemaAt + 1];
  args.splice(schemaAt, 2);
}
if (args.length === 0 || !schemaPath) {
  console.error('usage: node validate-manifest.cjs [--schema <schema.json>] <manifest.json>...');
  process.exit(2);
}

// The Teams schema declares draft-04 but also uses a few later keywords (const, if/then), which
// Ajv's draft-04 class knows. strictSchema stays on so an unknown keyword fails loudly instead of
// being ignored; strictTypes is off because the schema leaves "type" out beside some keywords.
const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));

let problems = 0;
for (const file of args) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems++;
    console.log(`${file}: not readable JSON: ${e.message}`);
    continue;
  }
  if (!validate(manifest)) {
    for (const e of validate.errors) {
      problems++;
      const detail = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
      console.log(`${file}: ${e.instancePath || '/'} ${e.message}${detail}`);
    }
  }
}
console.log(`validated ${args.length} manifests against ${path.basename(schemaPath)}, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
