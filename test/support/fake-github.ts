/**
 * A local fake of the few GitHub REST endpoints photosync uses (issue comments and issues), on
 * loopback. It records every call, answers like the real API (shapes from the REST docs) and
 * fails on anything it does not know, so an unexpected request cannot go unnoticed.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  path: string;
  body?: Record<string, unknown>;
  authorization?: string;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason?: string | null;
  labels: Array<{ name: string }>;
}

export interface FakeGitHub {
  apiUrl: string;
  calls: RecordedCall[];
  comments: Comment[];
  issues: Issue[];
  unexpected: string[];
  /** Adds a comment written by a person (not the bot). */
  addHumanComment(issue: number, body: string): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(owner: string, repo: string): Promise<FakeGitHub> {
  const calls: RecordedCall[] = [];
  const comments: Comment[] = [];
  const issues: Issue[] = [];
  const unexpected: string[] = [];
  let nextId = 1000;
  const bot = { login: "github-actions[bot]", type: "Bot" };
  const prefix = `/repos/${owner}/${repo}`;

  const send = (response: ServerResponse, status: number, body?: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(body === undefined ? "" : JSON.stringify(body));
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(request.url ?? "/", "http://localhost");
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    calls.push({ method: request.method ?? "", path: `${url.pathname}${url.search}`, ...(body ? { body } : {}), ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (request.method === "GET" && (match = new RegExp(`^${prefix}/issues/(\\d+)/comments$`).exec(path))) {
      return send(response, 200, comments.filter((comment) => comment.issue === Number(match![1])));
    }
    if (request.method === "POST" && (match = new RegExp(`^${prefix}/issues/(\\d+)/comments$`).exec(path))) {
      const comment = { id: nextId++, issue: Number(match[1]), body: String(body?.body), user: bot };
      comments.push(comment);
      return send(response, 201, comment);
    }
    if (request.method === "PATCH" && (match = new RegExp(`^${prefix}/issues/comments/(\\d+)$`).exec(path))) {
      const comment = comments.find((candidate) => candidate.id === Number(match![1]));
      if (!comment) return send(response, 404, { message: "Not Found" });
      if (comment.user.type !== "Bot") return send(response, 403, { message: "Resource not accessible by integration" });
      comment.body = String(body?.body);
      return send(response, 200, comment);
    }
    if (request.method === "GET" && path === `${prefix}/issues`) {
      const labels = url.searchParams.get("labels")?.split(",") ?? [];
      const state = url.searchParams.get("state") ?? "open";
      return send(response, 200, issues.filter((issue) => (state === "all" || issue.state === state) && labels.every((label) => issue.labels.some((candidate) => candidate.name === label))));
    }
    if (request.method === "POST" && path === `${prefix}/issues`) {
      const issue: Issue = { number: issues.length + 1, title: String(body?.title), body: String(body?.body), state: "open", labels: ((body?.labels as string[]) ?? []).map((name) => ({ name })) };
      issues.push(issue);
      return send(response, 201, issue);
    }
    if (request.method === "PATCH" && (match = new RegExp(`^${prefix}/issues/(\\d+)$`).exec(path))) {
      const issue = issues.find((candidate) => candidate.number === Number(match![1]));
      if (!issue) return send(response, 404, { message: "Not Found" });
      Object.assign(issue, body);
      return send(response, 200, issue);
    }
    unexpected.push(`${request.method} ${url.pathname}`);
    return send(response, 404, { message: "Not Found (fake GitHub API)" });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => send(response, 500, { message: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    comments,
    issues,
    unexpected,
    addHumanComment(issue, body) {
      comments.push({ id: nextId++, issue, body, user: { login: "octocat", type: "User" } });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
