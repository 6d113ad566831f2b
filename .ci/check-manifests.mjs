// Schema check of the rendered manifests (what `kubectl kustomize deploy/` prints, read from stdin), in two passes:
//  1. each object against the Kubernetes OpenAPI JSON schema of its kind (kubernetes-models' validators), which checks
//     types, required fields and formats, as kubeconform does;
//  2. each object as a typed literal of its kind (kubernetes-types) compiled by tsc, whose excess-property check
//     rejects unknown and misspelt fields, as kubeconform -strict does.
// Usage: kubectl kustomize deploy/ | node .ci/check-manifests.mjs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const tools = join(import.meta.dirname, "tools");
const require = createRequire(join(tools, "package.json"));
const { parseAllDocuments } = require("yaml");

const objects = parseAllDocuments(readFileSync(0, "utf8")).map((d) => d.toJS()).filter(Boolean);
if (objects.length === 0) {
  console.error("manifests: nothing to check");
  process.exit(1);
}

let problems = 0;
const typed = [];
for (const [index, object] of objects.entries()) {
  const { apiVersion, kind } = object;
  const name = `${kind}/${object.metadata?.name}`;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  try {
    const models = await import(pathToFileURL(join(tools, "node_modules", "kubernetes-models", apiVersion, "index.js")).href);
    new models[kind](object).validate();
    console.log(`manifests: schema ok   ${apiVersion} ${name}`);
  } catch (error) {
    problems++;
    console.log(`manifests: schema FAIL ${apiVersion} ${name}: ${error.message}`);
  }

  const module = `kubernetes-types/${group.split(".")[0]}/${version}`;
  typed.push(`import type { ${kind} as T${index} } from "${module}.js";\nexport const o${index}: T${index} = ${JSON.stringify(object, null, 2)};`);
}

const folder = mkdtempSync(join(tools, ".manifests-"));
try {
  writeFileSync(join(folder, "manifests.ts"), typed.join("\n\n") + "\n");
  writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "NodeNext", moduleResolution: "NodeNext", types: [] },
    files: ["manifests.ts"],
  }));
  execFileSync(join(tools, "node_modules", ".bin", "tsc"), ["-p", folder], { stdio: "inherit" });
  console.log(`manifests: strict fields ok (${objects.length} objects)`);
} catch {
  problems++;
  console.log("manifests: strict fields FAIL (tsc above names each unknown or mistyped field)");
} finally {
  rmSync(folder, { recursive: true, force: true });
}

console.log(`manifests: ${objects.length} objects, ${problems} problems`);
process.exitCode = problems === 0 ? 0 : 1;
