// Validates Adaptive Card JSON files with the official Adaptive Cards JavaScript library:
//   node validate-cards.cjs <folder>
// Every *.json in the folder is parsed as a card (schema up to 1.5, what Teams renders); any
// parse or validation event is an error. Prints one line per problem and a summary; exits 1 if any.
'use strict';
const fs = require('fs');
const path = require('path');
const AC = require('adaptivecards/dist/adaptivecards.js');

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node validate-cards.cjs <folder>');
  process.exit(2);
}
const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
let problems = 0;
for (const file of files) {
  const json = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...card.validateProperties().validationEvents);
  if (json.version !== '1.5') events.push({ message: `version ${json.version}, expected 1.5` });
  for (const e of events) {
    problems++;
    console.log(`${file}: ${e.message}`);
  }
}
console.log(`validated ${files.length} cards, ${problems} problems`);
process.exit(problems === 0 && files.length > 0 ? 0 : 1);
