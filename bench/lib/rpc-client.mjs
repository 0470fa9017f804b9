/** A JSON-RPC 2.0 client over a child's stdio: id matching, notifications, backpressure-aware writes. */
import { once } from 'node:events';
import { LineSplitter } from './line-splitter.mjs';
import { performance } from 'node:perf_hooks';

export class RpcClient {
  #nextId = 1;
  #pending = new Map();
  #notificationHandlers = new Set();
  #closedError;

  /** @param {import('node:stream').Writable} input the child's stdin @param {import('node:stream').Readable} output its stdout */
  constructor(input, output) {
    this.input = input;
    const splitter = new LineSplitter((line) => {
      this.#receive(line);
    });
    output.on('data', (chunk) => {
      splitter.push(chunk);
    });
    output.on('close', () => {
      this.#failAll(new Error('The server closed its stdout.'));
    });
    // A closed pipe must fail the pending calls, never crash the harness.
    input.on('error', (error) => {
      this.#failAll(error);
    });
  }

  get inFlight() {
    return this.#pending.size;
  }

  /** Sends a request; resolves with `{ message, sentAt, receivedAt }` (performance.now() ms). */
  request(method, params) {
    if (this.#closedError) return Promise.reject(this.#closedError);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const sentAt = performance.now();
      this.#pending.set(id, { resolve, reject, sentAt });
      this.input.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  /** Like request, but waits for 'drain' first when the pipe is full, so pipelined senders stay bounded. */
  async requestWhenWritable(method, params) {
    if (this.input.writableNeedDrain) await once(this.input, 'drain');
    return this.request(method, params);
  }

  notify(method, params) {
    this.input.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  /** @param {(message: any) => void} handler called for every message without a matching id */
  onNotification(handler) {
    this.#notificationHandlers.add(handler);
    return () => this.#notificationHandlers.delete(handler);
  }

  #receive(line) {
    const receivedAt = performance.now();
    const message = JSON.parse(line);
    const waiter = message.id === undefined ? undefined : this.#pending.get(message.id);
    if (waiter === undefined || message.method !== undefined) {
      for (const handler of this.#notificationHandlers) handler(message);
      return;
    }
    this.#pending.delete(message.id);
    waiter.resolve({ message, sentAt: waiter.sentAt, receivedAt });
  }

  #failAll(error) {
    this.#closedError ??= error;
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
  }
}
