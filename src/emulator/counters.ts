/**
 * Request counters by endpoint (for benchmarks and "no photo bytes downloaded" assertions) and a
 * bounded log of recent requests with timestamps (for "no request before Retry-After" assertions).
 */
export interface EndpointCount {
  count: number;
  bytesSent: number;
  bytesReceived: number;
  statuses: Record<string, number>;
}

export interface RequestLogEntry {
  time: number;
  service: string;
  method: string;
  path: string;
  endpoint: string;
  status: number;
  bytesSent: number;
  batchItem: boolean;
}

/** Collapses ids, UPNs, sizes and file names so counts group by endpoint. */
export function endpointKey(service: string, method: string, path: string): string {
  let normal = path.split("?")[0] ?? path;
  if (service === "graph") {
    normal = normal.replace(/\/users\/[^/]+/i, "/users/{id}").replace(/\/photos\/[^/]+/i, "/photos/{size}");
  } else if (service === "sharepoint") {
    normal = normal.replace(/\(decodedurl='[^)]*'/gi, "(decodedurl='…'").replace(/\(accountName=[^)]*\)/i, "(accountName=@v)").replace(/\(('[^']*')\)/g, "('…')");
  } else if (service === "admin") {
    normal = normal.replace(/\/(exo|aad|spo)\/[^/]+/i, "/$1/{user}").replace(/\/spo-sync\/[^/]+/i, "/spo-sync/{user}").replace(/\/users\/[^/]+/i, "/users/{user}");
  } else if (service === "login") {
    normal = normal.replace(/^\/[^/]+\//, "/{tenant}/");
  }
  return `${service} ${method} ${normal}`;
}

export class Counters {
  private endpoints = new Map<string, EndpointCount>();
  private log: RequestLogEntry[] = [];
  private start = 0;
  /** The most photo items of one Graph $batch seen running at once (tenant.graph.batchPhotoConcurrency). */
  batchPhotoPeak = 0;
  /** The User-Agent of the last request to each service (the decorated one photosync sends). */
  private agents = new Map<string, string>();

  constructor(private readonly logSize = 20_000) {}

  record(entry: Omit<RequestLogEntry, "endpoint">, bytesReceived: number): void {
    const endpoint = endpointKey(entry.service, entry.method, entry.path) + (entry.batchItem ? " (batch item)" : "");
    let count = this.endpoints.get(endpoint);
    if (count === undefined) {
      count = { count: 0, bytesSent: 0, bytesReceived: 0, statuses: {} };
      this.endpoints.set(endpoint, count);
    }
    count.count += 1;
    count.bytesSent += entry.bytesSent;
    count.bytesReceived += bytesReceived;
    count.statuses[entry.status] = (count.statuses[entry.status] ?? 0) + 1;
    if (this.log.length >= this.logSize) {
      this.log = this.log.slice(this.logSize / 2);
    }
    this.log.push({ ...entry, endpoint });
  }

  snapshot(): { endpoints: Record<string, EndpointCount>; totals: { requests: number; bytesSent: number; bytesReceived: number } } {
    const endpoints = Object.fromEntries([...this.endpoints.entries()].sort(([a], [b]) => a.localeCompare(b)));
    let requests = 0;
    let bytesSent = 0;
    let bytesReceived = 0;
    for (const [name, value] of this.endpoints) {
      // Real HTTP requests only: $batch items are inside their batch request.
      if (name.startsWith("admin ") || name.endsWith("(batch item)")) continue;
      requests += value.count;
      bytesSent += value.bytesSent;
      bytesReceived += value.bytesReceived;
    }
    return { endpoints, totals: { requests, bytesSent, bytesReceived } };
  }

  notePhotoItems(running: number): void {
    this.batchPhotoPeak = Math.max(this.batchPhotoPeak, running);
  }

  /** Requests per "service|User-Agent" ("none" when not sent), so a test can see that every request was decorated. */
  private agentCounts = new Map<string, number>();

  noteUserAgent(service: string, agent: string | undefined): void {
    if (agent !== undefined) this.agents.set(service, agent);
    const key = `${service}|${agent ?? "none"}`;
    this.agentCounts.set(key, (this.agentCounts.get(key) ?? 0) + 1);
  }

  /** e.g. { "graph|NONISV|photosync|photosync/0.1.0": 12 }. */
  userAgentCounts(): Record<string, number> {
    return Object.fromEntries(this.agentCounts);
  }

  /** Requests per "service priority" (x-ms-throttle-priority, "none" when not sent). */
  private priorities = new Map<string, number>();

  noteThrottlePriority(service: string, priority: string | undefined): void {
    const key = `${service} ${priority ?? "none"}`;
    this.priorities.set(key, (this.priorities.get(key) ?? 0) + 1);
  }

  /** e.g. { "graph low": 12, "graph none": 3 }. */
  throttlePriorities(): Record<string, number> {
    return Object.fromEntries(this.priorities);
  }

  /** The last User-Agent per service ("graph", "sharepoint", "login"). */
  userAgents(): Record<string, string> {
    return Object.fromEntries(this.agents);
  }

  requests(since = 0): RequestLogEntry[] {
    return this.log.filter((entry) => entry.time >= since && entry.time >= this.start);
  }

  reset(): void {
    this.endpoints = new Map();
    this.log = [];
    this.start = Date.now();
    this.batchPhotoPeak = 0;
    this.agents = new Map();
    this.agentCounts = new Map();
    this.priorities = new Map();
  }
}
