// Drives Gantry's MCP server with the official TypeScript client, as an external agent would.
// Reads a plan as JSON on stdin:
//   {"transport": "http" | "stdio", "url": "<gantry base url>", "apiKey": "<key or null>",
//    "gantryDll": "<path to gantry.dll, for stdio>", "calls": [{"tool": "...", "arguments": {...}}]}
// A string argument "$ref:N.path" is replaced by that path inside the result of call N (e.g. "$ref:0.structuredContent.prompt_id").
// Prints one JSON object: {"server": ..., "instructions": ..., "tools": [...], "results": [{"tool", "result"} | {"tool", "error"}]}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const REQUEST_TIMEOUT_MS = 120_000;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function transportFor(plan) {
  if (plan.transport === "http") {
    const headers = plan.apiKey ? { "X-API-Key": plan.apiKey } : {};
    return new StreamableHTTPClientTransport(new URL("mcp", plan.url), { requestInit: { headers } });
  }
  if (plan.transport === "stdio") {
    const args = [plan.gantryDll, "mcp", "--url", plan.url];
    if (plan.apiKey) args.push("--api-key", plan.apiKey);
    return new StdioClientTransport({ command: "dotnet", args, env: { ...process.env, DOTNET_NOLOGO: "1" }, stderr: "inherit" });
  }
  throw new Error(`Unknown transport ${plan.transport}`);
}

function resolve(value, results) {
  if (typeof value === "string" && value.startsWith("$ref:")) {
    const [index, ...path] = value.slice(5).split(".");
    let current = results[Number(index)]?.result;
    for (const part of path) current = current?.[part];
    if (current === undefined) throw new Error(`${value} names nothing`);
    return current;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, results));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, results)]));
  }
  return value;
}

const plan = await readStdin();
const client = new Client({ name: "gantry-tests-ts", version: "1.0.0" });
await client.connect(transportFor(plan));
const output = {
  server: client.getServerVersion(),
  instructions: client.getInstructions(),
  tools: (await client.listTools()).tools,
  results: [],
};
for (const call of plan.calls ?? []) {
  try {
    const result = await client.callTool({ name: call.tool, arguments: resolve(call.arguments ?? {}, output.results) }, undefined, { timeout: REQUEST_TIMEOUT_MS });
    output.results.push({ tool: call.tool, result });
  } catch (error) {
    output.results.push({ tool: call.tool, error: String(error?.message ?? error) });
  }
}
await client.close();
process.stdout.write(JSON.stringify(output));
