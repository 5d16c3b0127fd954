/**
 * An ethers `JsonRpcProvider` that encodes and decodes its JSON-RPC bodies with the platform's native UTF-8 codec.
 *
 * ethers' `FetchRequest` turns every request body into bytes and every response back into a string with its own
 * JavaScript UTF-8 codec (`toUtf8Bytes` / `toUtf8String`, a loop per character): in the load run (issue 17) that was
 * 7 % of the client's CPU samples — every receipt, block and raw transaction passes through it. `TextEncoder` and
 * `TextDecoder` do the same natively (Node and browsers). Everything else (batching, polling, errors) is ethers'.
 *
 * Browser-safe.
 */
import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult } from "ethers";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export class NativeCodecJsonRpcProvider extends JsonRpcProvider {
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const request = this._getConnection();
    request.body = encoder.encode(JSON.stringify(payload));
    request.setHeader("content-type", "application/json");
    const response = await request.send();
    response.assertOk();
    const body = response.body;
    const result = JSON.parse(body === null ? "" : decoder.decode(body)) as JsonRpcResult | JsonRpcResult[];
    return Array.isArray(result) ? result : [result];
  }
}
