/**
 * The meta-requests that carry other requests: `batch` (sub-requests run together), `sequence`
 * (in order, stopping after the first answer that is not 2xx) and `ifelse` (a branch chosen by
 * hardfork, version or height). Each sub-request is checked on its own, so a wrong-swarm
 * sub-request gives `{"code":421,"body":{…}}` inside an HTTP 200.
 */
import type { Json, JsonObject } from './json.ts';
import { atLeast, type MethodReply, type NodeContext, ok } from './node-context.ts';
import type { BatchRequest, ClientRequest, IfElseRequest, SubRequest } from './request-types.ts';

type Run = (request: ClientRequest) => Promise<MethodReply>;

function asResult(reply: MethodReply): JsonObject {
  return { code: reply.status, body: reply.body as Json };
}

export async function batch(req: BatchRequest, run: Run): Promise<MethodReply> {
  if (req.method === 'batch') {
    const replies = await Promise.all(req.requests.map((sub: SubRequest) => run(sub)));
    return ok({ results: replies.map(asResult) });
  }
  const results: JsonObject[] = [];
  for (const sub of req.requests) {
    const reply = await run(sub);
    results.push(asResult(reply));
    if (reply.status < 200 || reply.status > 299) break;
  }
  return ok({ results });
}

export async function ifElse(ctx: NodeContext, req: IfElseRequest, run: Run): Promise<MethodReply> {
  const c = req.condition;
  const height = ctx.network.height();
  let condition = true;
  if (c.hfAtLeast) condition &&= atLeast(ctx.hardfork, fixed(c.hfAtLeast, 2));
  if (c.hfBefore) condition &&= !atLeast(ctx.hardfork, fixed(c.hfBefore, 2));
  if (c.vAtLeast) condition &&= atLeast(ctx.version, fixed(c.vAtLeast, 3));
  if (c.vBefore) condition &&= !atLeast(ctx.version, fixed(c.vBefore, 3));
  if (c.heightAtLeast !== undefined) condition &&= height >= c.heightAtLeast;
  if (c.heightBefore !== undefined) condition &&= height < c.heightBefore;

  const body: JsonObject = { hf: [...ctx.hardfork], v: [...ctx.version], height, condition };
  const branch = condition ? req.then : req.else;
  if (branch !== undefined) body.result = asResult(await run(branch));
  return ok(body);
}

/** The server compares the first N numbers given, padding a short list with zeros. */
function fixed(values: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => values[i] ?? 0);
}
