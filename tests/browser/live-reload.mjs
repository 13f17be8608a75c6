// Checks live reload in headless Chromium against a running `signposter serve`.
// Usage: node live-reload.mjs --url URL --page /guide/a/ --file PATH --css PATH
// Edits the files itself and prints a JSON report of each step.

import { chromium } from "playwright-core";
import { readFile, writeFile } from "node:fs/promises";
import { CHROMIUM_ARGS } from "./check-site.mjs";

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const url = option("url").replace(/\/$/, "") + option("page");
const file = option("file");
const css = option("css");
const original = await readFile(file, "utf8");
const steps = {};
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });

async function step(name, work) {
  try {
    await work();
    steps[name] = "ok";
  } catch (error) {
    steps[name] = String(error.message ?? error).split("\n")[0];
  }
}

try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  await page.goto(url, { waitUntil: "load" });
  // Wait until the page is listening for changes.
  await page.waitForSelector("html[data-live-reload=connected]", { timeout: 20000 });

  await step("content changes without any action", async () => {
    await page.evaluate(() => window.scrollTo({ top: 400, behavior: "instant" }));
    await page.waitForFunction(() => window.scrollY >= 400);
    await writeFile(file, original.replace("First version.", "Edited by the test."));
    await page.waitForFunction(() => document.body.innerText.includes("Edited by the test."), null, { timeout: 20000 });
  });

  await step("scroll position is kept", async () => {
    await page.waitForFunction(() => window.scrollY > 300, null, { timeout: 5000 });
  });

  await step("overlay appears when the front matter breaks", async () => {
    await writeFile(file, original.replace(/title: .*/, "title: Broken: colon"));
    await page.waitForSelector("#signposter-errors", { timeout: 20000 });
    const text = await page.textContent("#signposter-errors");
    if (!text.includes("invalid YAML")) throw new Error(`overlay says: ${text}`);
  });

  await step("overlay goes when it is fixed", async () => {
    await writeFile(file, original.replace("First version.", "Fixed by the test."));
    await page.waitForFunction(
      () => !document.getElementById("signposter-errors") && document.body.innerText.includes("Fixed by the test."),
      null,
      { timeout: 20000 },
    );
  });

  await step("a stylesheet change applies without a reload", async () => {
    await page.evaluate(() => { window.__notReloaded = true; });
    const before = await page.evaluate(() => getComputedStyle(document.body).color);
    await writeFile(css, "body { color: rgb(1, 2, 3) !important; }\n");
    await page.waitForFunction(() => getComputedStyle(document.body).color === "rgb(1, 2, 3)", null, { timeout: 20000 });
    const kept = await page.evaluate(() => window.__notReloaded === true);
    if (!kept) throw new Error(`the page reloaded (colour was ${before})`);
  });
} finally {
  await writeFile(file, original);
  await browser.close();
}
process.stdout.write(JSON.stringify(steps, null, 1) + "\n");
