/** Start-up time of the compiled binary: from spawn until `/health` answers 200 (polled every ~1 ms). */
import { freePort, spawnServer } from "./proc.ts";
import { OUT, gatewayEnv } from "./targets.ts";

/** Starts and stops the binary `runs` times (after one untimed run to warm the page cache); ms per run. */
export async function measureStartup(binary: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    // The upstream is never called: /health does not touch it.
    const child = await spawnServer({ name: "binary", cmd: [binary, "serve"], env: gatewayEnv("http://127.0.0.1:9", port), cwd: OUT, url, readyPath: "/health" });
    if (i > 0) times.push(child.startMs);
    await child.stop();
  }
  return times;
}
