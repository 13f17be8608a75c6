// Validates every HTML file of a built site with html-validate.
// Usage: node validate-html.mjs DIR
// Prints a JSON list of problems on stdout.

import { HtmlValidate } from "html-validate";
import { readdir } from "node:fs/promises";
import path from "node:path";

const config = {
  extends: ["html-validate:recommended"],
  rules: {
    // Template indentation leaves trailing spaces; they change nothing for readers.
    "no-trailing-whitespace": "off",
    // pulldown-cmark writes task list checkboxes as `<input ... />`, valid HTML5.
    "void-style": "off",
    // Long text lines come from content; this is a style rule, not a validity one.
    "long-title": "off",
  },
};

async function htmlFiles(dir, found = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await htmlFiles(full, found);
    else if (entry.name.endsWith(".html")) found.push(full);
  }
  return found;
}

const root = path.resolve(process.argv[2]);
const validator = new HtmlValidate(config);
const problems = [];
for (const file of await htmlFiles(root)) {
  const report = await validator.validateFile(file);
  for (const result of report.results) {
    for (const message of result.messages) {
      problems.push({
        file: path.relative(root, file),
        line: message.line,
        column: message.column,
        rule: message.ruleId,
        message: message.message,
      });
    }
  }
}
process.stdout.write(JSON.stringify(problems, null, 1) + "\n");
