/**
 * Problems as GitHub Actions annotations (through @actions/core), so they show on the pull request's
 * changed lines. Paths must be relative to the repository root for GitHub to place them.
 */
import * as core from "@actions/core";
import path from "node:path";
import type { Problem } from "../manifest/problems.js";

export function annotate(problems: readonly Problem[], workspace: string, cwd: string): void {
  for (const problem of problems) {
    const position = problem.position;
    const properties: core.AnnotationProperties = { title: `photosync ${problem.code}` };
    if (position) {
      // Positions are relative to the current directory; GitHub wants them relative to the workspace.
      properties.file = path.relative(workspace, path.resolve(cwd, position.file)).split(path.sep).join("/");
      properties.startLine = position.line;
      properties.startColumn = position.column;
      if (position.endLine !== undefined) properties.endLine = position.endLine;
      // GitHub accepts columns only on single-line annotations.
      if (position.endColumn !== undefined && position.endLine === position.line) properties.endColumn = position.endColumn;
    }
    if (problem.severity === "error") core.error(problem.message, properties);
    else core.warning(problem.message, properties);
  }
}
