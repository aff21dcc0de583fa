/**
 * Where a CPU profile's native time comes from: every native frame (Bun's runtime: fetch, write, Promise,
 * addEventListener…) with its samples, children included, charged to the nearest JavaScript frame above it.
 * A native call that should not happen at all shows up here by its caller (this is how the token-metrics
 * wrapper's always-pending `.then`, and the abort race it caused, were found).
 */
interface ProfileNode {
  id: number;
  hitCount: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The top `limit` (native function ← JavaScript caller) pairs, as lines with their share of all samples. */
export function nativeCallers(profile: { nodes: ProfileNode[] }, limit = 15): string[] {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const inclusive = (n: ProfileNode): number => n.hitCount + (n.children ?? []).reduce((a, c) => a + inclusive(byId.get(c)!), 0);
  const total = profile.nodes.reduce((a, n) => a + n.hitCount, 0) || 1;
  const shares = new Map<string, number>();
  for (const n of profile.nodes) {
    const { functionName, url } = n.callFrame;
    if (url || !functionName || functionName.startsWith("(") || functionName.startsWith("bound ")) continue; // a bound wrapper is its JS
    let caller = parent.get(n.id);
    while (caller && !caller.callFrame.url) caller = parent.get(caller.id);
    if (!caller) continue;
    const cf = caller.callFrame;
    const key = `${functionName} ← ${cf.url.split("/").slice(-2).join("/")}:${cf.functionName || "(anonymous)"}:${cf.lineNumber + 1}`;
    shares.set(key, (shares.get(key) ?? 0) + inclusive(n));
  }
  return [...shares]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}
