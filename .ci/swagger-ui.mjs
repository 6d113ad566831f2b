// Drives Swagger UI as a person would: for every operation, open it (deep link), press "Try it out", then "Execute"
// with the prefilled example, and read the status Swagger UI shows. Every operation must answer 2xx.
// Usage: node .ci/swagger-ui.mjs http://127.0.0.1:5112   (Chromium from Debian's package, driven by playwright-core)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(import.meta.dirname, "tools", "package.json"));
const { chromium } = require("playwright-core");

const base = (process.argv[2] ?? "http://127.0.0.1:5112").replace(/\/$/, "");
const document = await (await fetch(`${base}/swagger/v1/swagger.json`)).json();
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ path, method, id: op.operationId, tag: op.tags?.[0] ?? "default" })));

const profile = mkdtempSync(join(tmpdir(), "sizing-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});

let passed = 0;
const failed = [];
try {
  for (const op of operations) {
    const label = `${op.method.toUpperCase()} ${op.path} (${op.id})`;
    // A fresh page per operation: Swagger UI reads the deep link when it loads, not on later hash changes.
    const page = await browser.newPage();
    try {
      // Deep linking: #/{tag}/{operationId} opens the operation.
      await page.goto(`${base}/swagger/index.html#/${op.tag}/${op.id}`, { waitUntil: "load" });
      const block = page.locator(`#operations-${op.tag}-${op.id}`);
      await block.locator(".opblock-body").waitFor({ timeout: 20000 });
      await block.locator("button.try-out__btn").click();
      await block.locator("button.execute").click();
      const status = block.locator(".live-responses-table .response .response-col_status").first();
      await status.waitFor({ timeout: 30000 });
      const code = Number.parseInt((await status.innerText()).trim(), 10);
      if (code >= 200 && code < 300) {
        passed++;
        console.log(`swagger-ui: ok   ${label} -> ${code}`);
      } else {
        const body = await block.locator(".live-responses-table .response-col_description pre").first().innerText().catch(() => "");
        failed.push(label);
        console.log(`swagger-ui: FAIL ${label} -> ${code} ${body.slice(0, 300)}`);
      }
    } catch (error) {
      failed.push(label);
      console.log(`swagger-ui: FAIL ${label}: ${error.message.split("\n")[0]}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`swagger-ui: ${passed} of ${operations.length} operations answered 2xx from "Try it out"`);
process.exitCode = failed.length === 0 && passed === operations.length && passed > 0 ? 0 : 1;
