import type { Config } from '../config/config.js';
import type { Store } from '../store/db.js';

/** What every route module receives: the store and the validated configuration. */
export interface ApiContext {
  store: Store;
  config: Config;
}
