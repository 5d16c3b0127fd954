import { expect } from "chai";
import { Writable } from "node:stream";
import { sseWriter } from "../../src/api/stream.js";

/** A socket whose kernel buffer holds `highWaterMark` bytes and that sends only when told to. */
function slowSocket(highWaterMark: number) {
  const sent: string[] = [];
  const pending: (() => void)[] = [];
  const socket = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      pending.push(() => {
        sent.push(chunk.toString());
        done();
      });
    },
  });
  const deliver = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { socket, sent, deliver };
}

describe("API event stream: socket backpressure", () => {
  it("queues while the socket is full and sends everything in order once it drains", async () => {
    const { socket, sent, deliver } = slowSocket(16);
    const out = sseWriter(socket);
    const messages = Array.from({ length: 20 }, (_, i) => `data: ${i}\n\n`);
    for (const m of messages) out.write(m);
    expect(sent.length).to.be.lessThan(messages.length); // nothing written past the full buffer yet
    const drained = out.drained();
    await deliver();
    await drained;
    await deliver();
    expect(sent).to.deep.equal(messages);
    expect(socket.destroyed).to.equal(false);
  });

  it("drops a client that falls more than the queue limit behind", async () => {
    const { socket } = slowSocket(16);
    const out = sseWriter(socket);
    const chunk = `data: ${"x".repeat(64 * 1024)}\n\n`;
    for (let i = 0; i < 100 && !socket.destroyed; i++) out.write(chunk);
    expect(socket.destroyed).to.equal(true);
    out.write(chunk); // writes after the drop are ignored, not thrown
  });
});
