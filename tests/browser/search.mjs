// Search and filters in headless Chromium, with and without JavaScript.
//
// Usage: node search.mjs --site DIR --expect FILE
// FILE holds {"queries": [{"q": ..., "urls": [...]}], "first": {"q": ..., "url": ...},
// "filters": {"page": "/reflective-practice/", "checks": [["costs", "free"], ...]}}: what
// the Rust model of the query (src/search/query.rs) answers, for the script to agree with.
// Prints one JSON report: {"problems": [...], "transfer": {...}}.

import { chromium } from "playwright-core";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import path from "node:path";
import { serve, CHROMIUM_ARGS } from "./check-site.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function axe(page, where, problems) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(
    async (tags) => (await window.axe.run(document, { runOnly: { type: "tag", values: tags } })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    WCAG_TAGS,
  );
  for (const v of violations) problems.push(`axe on ${where}: ${v}`);
}

/** Type a query into the search page and wait for its status to settle. */
async function search(page, q) {
  await page.fill("#search--query", "");
  await page.type("#search--query", q, { delay: 20 });
  await page.waitForFunction((q) => document.querySelector("#search--status").textContent.includes(`“${q}”`), q);
  await page.waitForTimeout(150);
  return page.$$eval("#search--results a", (links) => links.map((a) => a.getAttribute("href")));
}

async function main() {
  const root = path.resolve(option("site"));
  const expect = JSON.parse(await readFile(option("expect"), "utf8"));
  const problems = [];
  const { server, origin } = await serve(root);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const report = { problems, transfer: {} };
  try {
    // With JavaScript: results as you type, ranked as the Rust model ranks them.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(origin + "/search/", { waitUntil: "load" });
    if (/JavaScript/.test(await page.textContent("[data-search-no-script]"))) problems.push("the no-script message shows with JavaScript on");
    for (const { q, urls } of expect.queries) {
      const found = await search(page, q);
      if (JSON.stringify(found) !== JSON.stringify(urls)) problems.push(`“${q}”: the script found ${JSON.stringify(found)}, the model ${JSON.stringify(urls)}`);
    }
    const first = await search(page, expect.first.q);
    if (first[0] !== expect.first.url) problems.push(`“${expect.first.q}”: first result ${first[0]}, expected ${expect.first.url}`);
    const status = await page.textContent("[role=status]#search--status");
    if (!/^\d+ results? for/.test(status)) problems.push(`the live region says “${status}”`);
    if ((await page.$$("#search--results mark")).length === 0) problems.push("no matched words are highlighted");
    if (!page.url().includes("q=")) problems.push(`the address does not keep the query: ${page.url()}`);
    await page.focus("#search--query");
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.getAttribute("href"));
    if (focused !== first[0]) problems.push(`ArrowDown from the box focuses ${focused}, not the first result`);
    await axe(page, "the search page with results", problems);

    // Narrowing results by a facet.
    const [facet, value] = expect.filters.checks[0];
    const before = await search(page, expect.first.q);
    await page.click(".search__facets-summary");
    await page.check(`#search--${facet}--${value}`);
    await page.waitForFunction(() => new URLSearchParams(location.search).has("q"));
    await page.waitForTimeout(300);
    const narrowed = await page.$$eval("#search--results a", (links) => links.map((a) => a.getAttribute("href")));
    if (!page.url().includes(`${facet}=${value}`)) problems.push(`the address does not keep the facet: ${page.url()}`);
    if (narrowed.some((u) => !before.includes(u))) problems.push(`narrowing added results: ${narrowed}`);
    await context.close();

    // What one query downloads, from a cold cache.
    const cold = await browser.newContext();
    const fresh = await cold.newPage();
    await fresh.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; }).observe({ type: "layout-shift", buffered: true });
    });
    await fresh.goto(origin + "/search/?q=" + encodeURIComponent(expect.first.q), { waitUntil: "load" });
    await fresh.waitForFunction(() => /result/.test(document.querySelector("#search--status").textContent));
    await fresh.waitForTimeout(300);
    const urls = await fresh.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
    const searchFiles = urls.filter((u) => u.startsWith("/search/") || u === "/search.js");
    let raw = 0, gzip = 0;
    for (const u of searchFiles) {
      const bytes = await readFile(path.join(root, u));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    report.transfer = { files: searchFiles, raw, gzip };
    const shift = await fresh.evaluate(() => window.__shift);
    report.transfer.layoutShift = shift;
    if (shift > 0.05) problems.push(`results arriving shift the layout by ${shift}`);
    await cold.close();

    // Filters on a listing: checkboxes apply in place, the address keeps them, Back undoes them.
    const filtering = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const listing = await filtering.newPage();
    await listing.goto(origin + expect.filters.page, { waitUntil: "load" });
    const visible = () => listing.$$eval(".card:not([hidden]) .card__title a", (links) => links.map((a) => a.textContent.trim()).sort());
    const all = await visible();
    for (const [name, slug] of expect.filters.checks) {
      await listing.check(`#filter--${name}--${slug}`);
      await listing.waitForTimeout(100);
    }
    const both = await visible();
    if (!expect.filters.checks.every(([n, s]) => listing.url().includes(`${n}=${s}`))) problems.push(`the address does not keep the filters: ${listing.url()}`);
    const statusText = await listing.textContent("[data-filters-status]");
    if (statusText !== `Showing ${both.length} of ${all.length}`) problems.push(`the filter status says “${statusText}”`);
    await axe(listing, `${expect.filters.page} filtered`, problems);
    await listing.goBack();
    await listing.waitForTimeout(200);
    const back = await visible();
    if (back.length < both.length) problems.push("Back did not undo the last filter");
    if (await listing.isChecked(`#filter--${expect.filters.checks[1][0]}--${expect.filters.checks[1][1]}`)) problems.push("Back left the last box ticked");
    // The same filter without JavaScript is a page of its own, with the same resources.
    const [name, slug] = expect.filters.checks[0];
    await listing.goto(origin + `${expect.filters.page}?${name}=${slug}`);
    const inPlace = await visible();
    await filtering.close();

    const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const plain = await noScript.newPage();
    await plain.goto(origin + `${expect.filters.page}${name}/${slug}/`, { waitUntil: "load" });
    const staticList = (await plain.$$eval(".card .card__title a", (links) => links.map((a) => a.textContent.trim()))).sort();
    if (JSON.stringify(staticList) !== JSON.stringify(inPlace)) problems.push(`without JavaScript ${name}=${slug} lists ${staticList}, with it ${inPlace}`);
    if (!(await plain.isVisible(".filters__clear a"))) problems.push("the filter page has no way back to the whole list");
    await plain.goto(origin + "/search/?q=" + encodeURIComponent(expect.first.q), { waitUntil: "load" });
    if (!(await plain.isVisible("[data-search-no-script]"))) problems.push("without JavaScript the search page does not say how to browse");
    const browse = await plain.$$eval(".search__browse a", (links) => links.length);
    if (browse < 5) problems.push(`without JavaScript the search page lists only ${browse} links`);
    await noScript.close();

    // axe needs JavaScript itself, so it checks these pages with the site's script blocked instead.
    const blocked = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await blocked.route("**/search.js*", (route) => route.abort());
    const bare = await blocked.newPage();
    for (const url of [`${expect.filters.page}${name}/${slug}/`, "/search/?q=" + encodeURIComponent(expect.first.q)]) {
      await bare.goto(origin + url, { waitUntil: "load" });
      await axe(bare, `${url} without the script`, problems);
    }
    await blocked.close();
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(JSON.stringify(report, null, 1) + "\n");
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
