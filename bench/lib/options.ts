/** Command-line options of bench/run.ts. */
import { MODES, type ModeName } from "./scenarios.ts";
import type { TargetKey } from "./targets.ts";

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  unloadedS: number;
  ttfbCount: number;
  soakRequests: number;
  targets: TargetKey[];
  modes: ModeName[];
  chunking: "whole" | "event";
  build: boolean;
  micro: boolean;
  write: boolean;
  startupRuns: number;
  /** Checkout whose src/main.ts target (c) runs (default: this one). */
  source?: string;
  /** A second checkout, run as target (e) interleaved with the others (A/B of a change). */
  compare?: string;
}

export const USAGE = `Usage: bun bench/run.ts [--quick] [options]

  --quick              ~1 minute: 1 round of 2 s runs, a 20k-request soak, no micro-benchmarks
  --rounds N           interleaved rounds per (target, mode) (default 3; medians are reported)
  --duration S         seconds per loaded run (default 4, at most 15)
  --connections N      concurrent connections for loaded runs (default 32)
  --targets a,b,c,d    which targets (a direct, b pass-through, c source, d binary)
  --modes LIST         json,stream20,stream1000,tool
  --chunking whole|event   how the fake writes SSE answers (default whole: one write)
  --soak N             requests in the soak (default 100000; 0 = skip)
  --source DIR         run target (c) from another checkout
  --compare DIR        add target (e): modelmux from another checkout, interleaved (A/B of a change)
  --no-build           do not (re)build dist/modelmux
  --no-micro           skip the micro-benchmarks
  --write              write bench/RESULTS.md`;

/** Parses argv; throws with the usage text on a bad flag. */
export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const o: BenchOptions = {
    quick,
    rounds: quick ? 1 : 3,
    durationS: quick ? 2 : 4,
    warmupS: 1,
    connections: 32,
    unloadedS: quick ? 1 : 2,
    ttfbCount: quick ? 200 : 500,
    soakRequests: quick ? 20_000 : 100_000,
    targets: ["a", "b", "c", "d"],
    modes: [...MODES],
    chunking: "whole",
    build: true,
    micro: !quick,
    write: false,
    startupRuns: quick ? 3 : 7,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n\n${USAGE}`);
      return v;
    };
    const int = (min: number, max: number) => {
      const n = Number(val());
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${a} must be an integer in ${min}..${max}`);
      return n;
    };
    switch (a) {
      case "--quick":
        break;
      case "--rounds":
        o.rounds = int(1, 20);
        break;
      case "--duration":
        o.durationS = int(1, 15);
        break;
      case "--connections":
        o.connections = int(1, 1024);
        break;
      case "--soak":
        o.soakRequests = int(0, 10_000_000);
        break;
      case "--targets":
        o.targets = val().split(",").map((t) => {
          if (!["a", "b", "c", "d", "e"].includes(t)) throw new Error(`unknown target ${t}`);
          return t as TargetKey;
        });
        break;
      case "--modes":
        o.modes = val().split(",").map((m) => {
          if (!(MODES as readonly string[]).includes(m)) throw new Error(`unknown mode ${m}`);
          return m as ModeName;
        });
        break;
      case "--chunking": {
        const v = val();
        if (v !== "whole" && v !== "event") throw new Error("--chunking is whole or event");
        o.chunking = v;
        break;
      }
      case "--source":
        o.source = val();
        break;
      case "--compare":
        o.compare = val();
        break;
      case "--no-build":
        o.build = false;
        break;
      case "--no-micro":
        o.micro = false;
        break;
      case "--write":
        o.write = true;
        break;
      case "-h":
      case "--help":
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${a}\n\n${USAGE}`);
    }
  }
  if (o.compare && !o.targets.includes("e")) o.targets.push("e");
  if (!o.compare) o.targets = o.targets.filter((t) => t !== "e");
  return o;
}
