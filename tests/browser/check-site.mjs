// Opens every page of a built site in headless Chromium and checks it:
// axe-core with the WCAG 2.0/2.1/2.2 A and AA rules (light and dark schemes,
// desktop and 320 px wide), no sideways scrolling at 320 px, the skip link
// as the first Tab stop, and every same-site link and anchor resolving.
//
// Usage: node check-site.mjs --site DIR [--screenshots DIR --pages /,/a/,...]
// Prints one JSON report on stdout. Exit status 0 unless the run itself broke.

import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFile, readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

/** Every file under `root`, as site paths like `/research/index.html`. */
async function listFiles(root, dir = root, found = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(root, full, found);
    else found.push("/" + path.relative(root, full).split(path.sep).join("/"));
  }
  return found;
}

/** A static file server for `root` on 127.0.0.1 and a free port. */
export async function serve(root) {
  const server = createServer(async (request, response) => {
    try {
      let pathname = decodeURIComponent(new URL(request.url, "http://x").pathname);
      if (pathname.includes("..")) throw new Error("refused");
      let file = path.join(root, pathname);
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** The page URL a file is served at: `/a/index.html` → `/a/`. */
function pageUrl(file) {
  return file.endsWith("/index.html") ? file.slice(0, -"index.html".length) : file;
}

async function axe(page, rules) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (options) => {
    const result = await window.axe.run(document, options);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary })),
    }));
  }, rules);
}

async function main() {
  const root = path.resolve(option("site"));
  const screenshots = option("screenshots");
  const files = await listFiles(root);
  const { server, origin } = await serve(root);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const report = { pages: 0, violations: [], overflow: [], skipLink: [], brokenLinks: [], screenshots: [] };
  try {
    if (screenshots) {
      const context = await browser.newContext();
      const page = await context.newPage();
      for (const url of option("pages").split(",")) {
        for (const width of [1280, 375]) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(origin + url, { waitUntil: "load" });
          const name = `${url.replace(/\//g, "_") || "_"}${width}.png`.replace(/^_+/, "") || `home-${width}.png`;
          const file = path.join(screenshots, name);
          await page.screenshot({ path: file, fullPage: true });
          report.screenshots.push(file);
        }
      }
      await context.close();
    } else {
      const pages = [];
      for (const file of files.filter((f) => f.endsWith(".html"))) {
        const html = await readFile(path.join(root, file), "utf8");
        if (!html.includes('http-equiv="refresh"')) pages.push(pageUrl(file));
      }
      const seen = new Map();
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      for (const url of pages) {
        report.pages += 1;
        await page.emulateMedia({ colorScheme: "light" });
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(origin + url, { waitUntil: "load" });
        for (const v of await axe(page, { runOnly: { type: "tag", values: WCAG_TAGS } })) {
          report.violations.push({ page: url, mode: "light 1280px", ...v });
        }
        await page.keyboard.press("Tab");
        const first = await page.evaluate(() => {
          const e = document.activeElement;
          return e ? { tag: e.tagName, class: e.className, href: e.getAttribute("href"), target: e.getAttribute("href") && document.querySelector(e.getAttribute("href")) !== null } : null;
        });
        if (!first || !String(first.class).includes("skip-link") || !first.target) {
          report.skipLink.push({ page: url, first });
        }
        const found = await page.evaluate(() => ({
          ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
          links: [...document.querySelectorAll("a[href], link[href], img[src], script[src], source[src]")].map((e) => e.href || e.src),
        }));
        seen.set(url, found);

        await page.emulateMedia({ colorScheme: "dark" });
        for (const v of await axe(page, { runOnly: { type: "tag", values: WCAG_TAGS } })) {
          report.violations.push({ page: url, mode: "dark 1280px", ...v });
        }
        await page.emulateMedia({ colorScheme: "light" });
        await page.setViewportSize({ width: 320, height: 640 });
        await page.goto(origin + url, { waitUntil: "load" });
        const overflow = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const wide = [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest(".table-wrap, .skip-link, .visually-hidden"))
            .slice(0, 3)
            .map((e) => e.outerHTML.slice(0, 120));
          return { scrollWidth: document.documentElement.scrollWidth, width, wide };
        });
        if (overflow.scrollWidth > overflow.width) report.overflow.push({ page: url, ...overflow });
        for (const v of await axe(page, { runOnly: { type: "tag", values: WCAG_TAGS } })) {
          report.violations.push({ page: url, mode: "light 320px", ...v });
        }
      }
      await context.close();
      const fileSet = new Set(files);
      for (const [url, { links }] of seen) {
        for (const link of links) {
          const target = new URL(link);
          if (target.origin !== origin) continue;
          let file = decodeURIComponent(target.pathname);
          if (file.endsWith("/")) file += "index.html";
          if (!fileSet.has(file)) {
            report.brokenLinks.push({ page: url, link: target.pathname, problem: "no such file" });
            continue;
          }
          const fragment = decodeURIComponent(target.hash.slice(1));
          const landing = pageUrl(file);
          if (fragment && fragment !== "top" && seen.has(landing) && !seen.get(landing).ids.includes(fragment)) {
            report.brokenLinks.push({ page: url, link: target.pathname + target.hash, problem: "no such anchor" });
          }
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(JSON.stringify(report, null, 1) + "\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error);
    process.exit(2);
  });
}
