import type { Config } from '../config/config.js';
import type { Mail } from '../app/notify.js';
import type { Store } from '../store/db.js';

/** What every route module receives: the store, the validated configuration and outgoing mail. */
export interface ApiContext {
  store: Store;
  config: Config;
  /** Notifications' mail: queued with each change, delivered after commit. */
  mail: Mail;
}
