/**
 * In-process events between modules that may not import each other: monitoring
 * announces status changes and alert actions; alerts, coverage and the live
 * stream listen. One instance per service, provided as EventBus. The events,
 * their payloads and who emits and listens are catalogued in ./bus-events.
 */
import { EventEmitter } from 'node:events';
import type { CamnetEventName, CamnetEvents } from './bus-events';

export type {
  AlertActionEvent,
  AlertChangedEvent,
  CamnetEvents,
  CamnetEventName,
  HeadingChangedEvent,
  InventoryChangedEvent,
  MaintenanceCreatedEvent,
  StatusChangedEvent,
} from './bus-events';

export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  emit<K extends CamnetEventName>(name: K, event: CamnetEvents[K]): void {
    this.emitter.emit(name, event);
  }

  on<K extends CamnetEventName>(name: K, listener: (event: CamnetEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
