import { EventEmitter } from 'node:events';

export interface MarathonEvent {
  eventType: string;
  timestamp: string;
  [k: string]: unknown;
}

/** Marathon's event stream inside the process: every published event goes to every SSE client. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor(private readonly now: () => number = Date.now) {
    this.emitter.setMaxListeners(0);
  }

  publish(eventType: string, payload: Record<string, unknown> = {}): void {
    this.emitter.emit('event', { eventType, timestamp: new Date(this.now()).toISOString(), ...payload });
  }

  subscribe(fn: (e: MarathonEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }
}
