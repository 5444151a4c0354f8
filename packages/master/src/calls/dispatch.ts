import type { Call__Output } from '@strata/proto';
import type { FrameworkEntry } from '../registry';
import type { FrameworkLifecycle } from '../frameworks/framework-lifecycle';
import type { FrameworkMessages } from '../frameworks/messages';
import type { OfferCalls } from './offer-calls';
import type { TaskCalls } from './task-calls';

/** Routes a subscribed framework's calls to their handlers. Problems are answered with an ERROR event; the stream stays open. */
export class CallDispatch {
  constructor(
    private readonly parts: { offers: OfferCalls; tasks: TaskCalls; lifecycle: FrameworkLifecycle; messages: FrameworkMessages },
  ) {}

  handle(fw: FrameworkEntry, call: Call__Output): void {
    const { offers, tasks, lifecycle, messages } = this.parts;
    const claimed = call.frameworkId?.value;
    if (claimed && claimed !== fw.id) return messages.error(fw, `Call's framework_id '${claimed}' does not match the subscribed framework '${fw.id}'`);
    switch (call.type) {
      case 'ACCEPT':
        return offers.accept(fw, call);
      case 'DECLINE':
        return offers.decline(fw, call);
      case 'REVIVE':
        return offers.revive(fw, call);
      case 'SUPPRESS':
        return offers.suppress(fw, call);
      case 'KILL':
        return tasks.kill(fw, call);
      case 'ACKNOWLEDGE':
        return tasks.acknowledge(fw, call);
      case 'RECONCILE':
        return tasks.reconcile(fw, call);
      case 'TEARDOWN':
        return lifecycle.remove(fw, 'framework asked for teardown');
      case 'UPDATE_FRAMEWORK':
        return lifecycle.update(fw, call);
      case 'SUBSCRIBE':
        return messages.error(fw, 'Framework is already subscribed on this stream');
      case 'BATCH':
        for (const inner of call.batch?.calls ?? []) {
          if (inner.type === 'BATCH') messages.error(fw, 'A BATCH call cannot hold another BATCH');
          else this.handle(fw, inner);
        }
        return;
      default:
        return messages.error(fw, `Unsupported call type '${call.type}'`);
    }
  }
}
